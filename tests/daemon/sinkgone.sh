#!/bin/sh
# A webhook removed from hark.conf: [webhook gone] (disabled by a 410) and
# [webhook busy] (its delivery failing, pending) taken out, SIGHUP. Their
# pending deliveries are cancelled with the reason, kept, not pending work
# (hark status, --json, /api/v1/status, hark deliveries, /deliveries);
# the 410 is forgotten; hark redeliver and the API's retry say why they
# cannot; a restart changes nothing. busy configured again: its new hit is
# sent, the cancelled one stays cancelled until hark redeliver asks.
# Usage: sinkgone.sh HARK HARKD RECEIVER
. "$(dirname "$0")/lib.sh"
RECV=$(abspath "${3:-}")
daemon_init "$@"
[ -x "$RECV" ] || {
	echo "usage: $0 HARK HARKD RECEIVER" >&2
	exit 2
}
HAVE_CURL=1
command -v curl >/dev/null 2>&1 || HAVE_CURL=

RPIDS=
trap 'for p in $RPIDS; do kill "$p" 2>/dev/null; done; daemon_cleanup' EXIT
recv_start() {
	"$RECV" "$T/$1.port" "$2" >"$T/$1.out" 2>"$T/$1.err" &
	RPIDS="$RPIDS $!"
	wait_until "[ -s '$T/$1.port' ]" 10 || bad "receiver $1 did not start: $(cat "$T/$1.err")"
}
recv_start gone gone
recv_start busy always500
recv_start keep ok
recv_start back ok

printf '[rule r1]\nquery = Aleppo\n' >"$T/w.rules"
# conf NAME... : the configuration with these webhooks (busy at PORT_busy's receiver)
conf() {
	write_conf
	printf '[http]\nlisten = 127.0.0.1:0\n' >>"$T/hark.conf"
	for _w in "$@"; do
		_r=$_w
		[ "$_w" = busy ] && [ -n "$BUSY_TO" ] && _r=$BUSY_TO
		printf '[webhook %s]\nurl = http://127.0.0.1:%s/hook\nrules = *\n' "$_w" "$(cat "$T/$_r.port")" >>"$T/hark.conf"
	done
}
BUSY_TO=
conf gone busy keep
start_harkd
URL=$(cut -d' ' -f1 "$T/state/harkd.http")
# dstate NAME: the state of NAME's delivery of the first hit; derr: its last error
dfield() { "$HARK" -c "$T/hark.conf" deliveries --json | grep -F "\"destination\":\"$1\"" | tail -1 | sed -n "s/.*\"$2\":\"\{0,1\}\([^,\"]*\).*/\1/p"; }
did() { "$HARK" -c "$T/hark.conf" deliveries --json | grep -F "\"destination\":\"$1\"" | tail -1 | sed -n 's/.*"id":\([0-9]*\).*/\1/p'; }

printf 'North\n\nThe convoy left Aleppo at dawn.\n' >"$T/a.txt"
ingest "$T/a.txt"
wait_for "$LOG" "webhook gone answered 410 Gone" 10 || bad "gone answered 410"
wait_for "$LOG" "to busy failed (HTTP 500): attempt 1" 10 || bad "busy failed once"
wait_until '[ "$(dfield keep state)" = sent ]' 10 || bad "keep's delivery sent"
status_of "webhook gone" | grep -qF "disabled (410 Gone)" && ok || bad "before: gone disabled"
expect_eq "$(status_of 'deliveries pending')" 2 "before: deliveries pending"

# ---- gone and busy taken out, SIGHUP ----
conf keep
kill -HUP "$HPID"
wait_for "$LOG" "webhook or email busy is no longer in the configuration: 1 pending delivery cancelled" 10 && ok ||
	bad "the cancel of busy logged: $(grep -F 'no longer' "$LOG")"
wait_for "$LOG" "webhook or email gone is no longer in the configuration: 1 pending delivery cancelled" 10 && ok ||
	bad "the cancel of gone logged"
check_cancelled() { # WHEN
	expect_eq "$(status_of 'deliveries pending')" 0 "$1: deliveries pending"
	expect_eq "$(status_of 'deliveries cancelled')" "2 (their webhook or email left hark.conf)" "$1: deliveries cancelled"
	expect_eq "$(status_of 'webhook gone')" "" "$1: hark status on the removed webhook gone"
	"$HARK" -c "$T/hark.conf" status --json >"$T/st.json"
	grep -qF '"deliveries":{"pending":0,"failed":0,"cancelled":2}' "$T/st.json" && ok || bad "$1: status --json deliveries: $(cat "$T/st.json")"
	grep -qF '"webhooks_disabled":[]' "$T/st.json" && ok || bad "$1: webhooks_disabled: $(cat "$T/st.json")"
	for w in gone busy; do
		expect_eq "$(dfield $w state)" cancelled "$1: $w's delivery"
		expect_eq "$(dfield $w last_error)" "webhook or email $w is no longer in hark.conf" "$1: $w's reason"
	done
	expect_eq "$(dfield keep state)" sent "$1: keep's delivery"
}
check_cancelled "after SIGHUP"
if [ -n "$HAVE_CURL" ]; then
	URL=$(cut -d' ' -f1 "$T/state/harkd.http")
	curl -s "${URL}api/v1/status" | grep -qF '"webhooks_disabled":[]' && ok || bad "API: webhooks_disabled"
	curl -s "${URL}api/v1/deliveries?state=cancelled" | grep -o '"state":"cancelled"' | wc -l | tr -d ' ' >"$T/n"
	expect_eq "$(cat "$T/n")" 2 "GET /api/v1/deliveries?state=cancelled"
	curl -s "${URL}deliveries" >"$T/page.html"
	grep -qF '[webhook gone]' "$T/page.html" && bad "/deliveries tells to edit [webhook gone]" || ok
	grep -qF 'is no longer in hark.conf' "$T/page.html" && ok || bad "/deliveries shows the reason"
	code=$(curl -s -o "$T/retry.out" -w '%{http_code}' -X POST "${URL}api/v1/deliveries/$(did busy)/retry")
	expect_eq "$code" 409 "POST retry of a cancelled delivery"
	grep -qF "is no longer in hark.conf" "$T/retry.out" && ok || bad "retry says why: $(cat "$T/retry.out")"
fi
hk redeliver --force "$(did gone)"
expect_eq "$?" 2 "hark redeliver --force of a cancelled delivery"
grep -qF "cannot be sent: webhook or email gone is no longer in hark.conf" "$T/err" && ok ||
	bad "hark redeliver says why: $(cat "$T/err") $(cat "$T/out")"
expect_eq "$(dfield gone state)" cancelled "gone's delivery after redeliver"

# ---- a restart: the same ----
stop_harkd
start_harkd
check_cancelled "after a restart"

# ---- busy back, to a receiver that takes it: new hits go, the old one waits for redeliver ----
BUSY_TO=back
conf keep busy
n=$(count "$LOG" "reloaded: ")
kill -HUP "$HPID"
wait_for "$LOG" "reloaded: " 10 $((n + 1)) || bad "busy back: reloaded"
printf 'South\n\nAleppo again, a day later.\n' >"$T/b.txt"
ingest "$T/b.txt"
wait_until '[ "$(wc -l <"$T/back.out")" -ge 1 ]' 10 && ok || bad "busy's new hit sent"
sleep 1
expect_eq "$(wc -l <"$T/back.out" | tr -d ' ')" 1 "requests to busy back: the new hit only"
old=$("$HARK" -c "$T/hark.conf" deliveries --json | grep -F '"destination":"busy"' | grep -F '"state":"cancelled"' | sed -n 's/.*"id":\([0-9]*\).*/\1/p')
[ -n "$old" ] && ok || bad "busy's old delivery still cancelled"
hk redeliver "$old"
expect_eq "$?" 0 "hark redeliver of the cancelled delivery, busy back: $(cat "$T/err")"
wait_until '[ "$(wc -l <"$T/back.out")" -ge 2 ]' 10 && ok || bad "the old delivery sent once redelivered"
stop_harkd
expect_eq "$HSTATUS" 0 "harkd's exit status"
finish
