#!/bin/sh
# hark redeliver, end to end: real harkd, the real receiver. A delivery the
# receiver took (sent) is not sent again by hark redeliver ID (exit 2, the
# message names --force, the delivery stays sent, the receiver gets
# nothing more, even on SIGUSR1); hark redeliver --force ID sends it again
# with the same webhook-id. A dead one (a 413) needs no --force. An
# unknown id and a malformed one are errors; the others given with them
# are still done. hark redeliver wakes harkd with SIGUSR2, which only
# looks at the due deliveries: a pending digest (a daily one) is not sent
# early and no feed is polled (SIGUSR1 would do both).
# Usage: redeliver.sh HARK HARKD RECEIVER
. "$(dirname "$0")/lib.sh"
RECV=$(abspath "${3:-}")
daemon_init "$@"
[ -x "$RECV" ] || {
	echo "usage: $0 HARK HARKD RECEIVER" >&2
	exit 2
}
RPIDS=
trap 'for _p in $RPIDS; do kill "$_p" 2>/dev/null; done; daemon_cleanup' EXIT
"$RECV" "$T/ok.port" ok >"$T/ok.out" 2>"$T/ok.err" &
RPIDS="$RPIDS $!"
"$RECV" "$T/big.port" status=413 >"$T/big.out" 2>"$T/big.err" &
RPIDS="$RPIDS $!"
"$RECV" "$T/dg.port" ok >"$T/dg.out" 2>"$T/dg.err" &
RPIDS="$RPIDS $!"
wait_until "[ -s '$T/ok.port' ] && [ -s '$T/big.port' ] && [ -s '$T/dg.port' ]" 10 ||
	bad "receivers did not start: $(cat "$T/ok.err" "$T/big.err" "$T/dg.err")"
printf '[rule r1]\nquery = alpha\n' >"$T/w.rules"
write_conf
printf '[webhook ok]\nurl = http://127.0.0.1:%s/hook\n[webhook big]\nurl = http://127.0.0.1:%s/hook\n' \
	"$(cat "$T/ok.port")" "$(cat "$T/big.port")" >>"$T/hark.conf"
# a daily digest, pending all day; a feed nothing answers (one line a poll)
printf '[webhook dg]\nurl = http://127.0.0.1:%s/hook\ndigest = daily 08:00\n' \
	"$(cat "$T/dg.port")" >>"$T/hark.conf"
printf '[feed down]\nurl = http://127.0.0.1:1/f.xml\ninterval = 1h\nallow_private = yes\n' \
	>>"$T/hark.conf"
start_harkd
wait_for "$LOG" "feed down: " 10 || bad "the feed's first poll"

got() { wc -l <"$T/$1.out" | tr -d ' '; }
# delivery NAME: the delivery of webhook NAME (hark deliveries --json)
delivery() { "$HARK" -c "$T/hark.conf" deliveries --json | grep -F "\"destination\":\"$1\""; }
id_of() { delivery "$1" | sed 's/^{"id":\([0-9]*\),.*/\1/'; }

printf 'Alpha\n\nAn alpha article.\n' >"$T/a.txt"
ingest "$T/a.txt"
wait_until "delivery ok | grep -qF '\"state\":\"sent\"'" 30 || bad "not sent: $(delivery ok)"
wait_until "delivery big | grep -qF '\"state\":\"dead\"'" 30 || bad "not dead: $(delivery big)"
OK=$(id_of ok) BIG=$(id_of big)
expect_eq "$(got ok)" 1 "the first request"
delivery dg | grep -qF '"state":"pending"' && ok || bad "the digest's delivery: $(delivery dg)"

# --force on the dead one: SIGUSR2, the outbox only
hk redeliver --force "$BIG"
expect_eq "$?" 0 "hark redeliver --force of a dead one: $(cat "$T/err")"
wait_until '[ "$(got big)" -ge 2 ]' 10 || bad "the dead one was not sent again promptly"
wait_for "$LOG" "SIGUSR2: " 5 || bad "the SIGUSR2 line"
sleep 1
expect_eq "$(got dg)" 0 "the pending digest is not sent by hark redeliver"
delivery dg | grep -qF '"state":"pending"' && ok || bad "the digest stays pending: $(delivery dg)"
expect_eq "$(count "$LOG" "feed down: ")" 1 "no feed polled by hark redeliver"
expect_eq "$(count "$LOG" "SIGUSR1")" 0 "no SIGUSR1 from hark redeliver"
wait_until "delivery big | grep -qF '\"state\":\"dead\"'" 30 || bad "dead again: $(delivery big)"

# sent: refused without --force
hk redeliver "$OK"
expect_eq "$?" 2 "hark redeliver of a sent delivery"
grep -qF "delivery $OK was sent already: give --force" "$T/err" && ok || bad "the message: $(cat "$T/err")"
delivery ok | grep -qF '"state":"sent"' && ok || bad "it stays sent: $(delivery ok)"
_u=$(count "$LOG" "SIGUSR1: ")
kill -USR1 "$HPID"
# handled (its line), then a second for what it would send
wait_for "$LOG" "SIGUSR1: " 30 $((_u + 1)) || bad "the SIGUSR1 line"
sleep 1
expect_eq "$(got ok)" 1 "requests after a refused redeliver and SIGUSR1"

# dead: no --force needed, and a sent one beside it does not stop it
hk redeliver "$OK" "$BIG"
expect_eq "$?" 2 "a sent and a dead one"
grep -qF "delivery $BIG: pending again" "$T/out" && ok || bad "the dead one: $(cat "$T/out")"
wait_until '[ "$(got big)" -ge 3 ]' 30 || bad "the dead one was not sent again"

# --force: sent again, the same webhook-id
hk redeliver --force "$OK"
expect_eq "$?" 0 "hark redeliver --force: $(cat "$T/err")"
grep -qF "delivery $OK: pending again" "$T/out" && ok || bad "--force says: $(cat "$T/out")"
wait_until '[ "$(got ok)" -ge 2 ]' 30 || bad "--force did not send it again"
expect_eq "$(awk '{ print $3 }' "$T/ok.out" | sort -u | wc -l | tr -d ' ')" 1 "the same webhook-id"
wait_until "delivery ok | grep -qF '\"state\":\"sent\"'" 30 || bad "sent again: $(delivery ok)"

# errors
hk redeliver 99999
expect_eq "$?" 2 "an unknown id"
grep -qF "no delivery 99999" "$T/err" && ok || bad "unknown: $(cat "$T/err")"
hk redeliver x1
expect_eq "$?" 2 "a malformed id"
"$HARK" redeliver --help | grep -qF -- "--force" && ok || bad "--help names --force"

stop_harkd
expect_eq "$HSTATUS" 0 "harkd exit status"
finish
