#!/bin/sh
# A receiver's refusals, end to end: real harkd, the real receiver over
# loopback, one webhook a status. 400, 401, 403, 404, 413 and 422 are
# permanent: the delivery is dead after its first attempt, with the status
# and the first line of the answer (its escape sequence and bidi override
# removed) in hark deliveries and the log, and SIGUSR1 does not send it
# again. 408, 425, 429 (without Retry-After), 500 and 503 stay pending and
# are tried again on SIGUSR1.
# Usage: answers.sh HARK HARKD RECEIVER
. "$(dirname "$0")/lib.sh"
RECV=$(abspath "${3:-}")
daemon_init "$@"
[ -x "$RECV" ] || {
	echo "usage: $0 HARK HARKD RECEIVER" >&2
	exit 2
}
LC_ALL=C
export LC_ALL
PERMANENT="400 401 403 404 413 422"
RETRIED="408 425 429 500 503"

RPIDS=
trap 'for _p in $RPIDS; do kill "$_p" 2>/dev/null; done; daemon_cleanup' EXIT
printf '[rule r1]\nquery = alpha\n' >"$T/w.rules"
write_conf
for c in $PERMANENT $RETRIED; do
	"$RECV" "$T/s$c.port" "status=$c" >"$T/s$c.out" 2>"$T/s$c.err" &
	RPIDS="$RPIDS $!"
done
for c in $PERMANENT $RETRIED; do
	wait_until "[ -s '$T/s$c.port' ]" 10 || bad "receiver $c did not start: $(cat "$T/s$c.err")"
	printf '[webhook s%s]\nurl = http://127.0.0.1:%s/hook\n' "$c" "$(cat "$T/s$c.port")" >>"$T/hark.conf"
done
start_harkd

# got CODE: the requests receiver CODE got
got() { wc -l <"$T/s$1.out" | tr -d ' '; }
# delivery CODE: its delivery as hark deliveries --json shows it
delivery() { "$HARK" -c "$T/hark.conf" deliveries --json | grep -F "\"destination\":\"s$1\""; }

printf 'Alpha\n\nAn alpha article.\n' >"$T/a.txt"
ingest "$T/a.txt"
for c in $PERMANENT $RETRIED; do
	wait_until "[ \"\$(got $c)\" -ge 1 ] && delivery $c | grep -qF '\"attempts\":1,'" 30 ||
		bad "$c: no first attempt recorded: $(delivery $c)"
done
for c in $PERMANENT; do
	d=$(delivery "$c")
	echo "$d" | grep -qF '"state":"dead"' && ok || bad "$c is dead at once: $d"
	echo "$d" | grep -qF "\"last_status\":$c," && ok || bad "$c: its status: $d"
	echo "$d" | grep -qF "\"last_error\":\"HTTP $c: $c [31mrefused by the receiver\"" && ok ||
		bad "$c: the first line of the answer, cleaned: $d"
	grep -qF "to s$c: HTTP $c: $c [31mrefused by the receiver: dead, a permanent refusal" "$LOG" && ok ||
		bad "$c: logged"
done
for c in $RETRIED; do
	d=$(delivery "$c")
	echo "$d" | grep -qF '"state":"pending"' && ok || bad "$c stays pending: $d"
done
expect_eq "$(status_of 'deliveries failed')" 6 "hark status: the dead ones"
"$HARK" -c "$T/hark.conf" deliveries --failed >"$T/failed"
expect_eq "$(wc -l <"$T/failed" | tr -d ' ')" 6 "hark deliveries --failed"
grep -q "$(printf '\033')" "$T/failed" && bad "an escape sequence reached hark deliveries" || ok

# every pending delivery now: the retried ones go again, the dead ones never
kill -USR1 "$HPID"
for c in $RETRIED; do
	wait_until "[ \"\$(got $c)\" -ge 2 ]" 30 || bad "$c was not tried again on SIGUSR1"
done
for c in $PERMANENT; do
	expect_eq "$(got "$c")" 1 "requests to $c after SIGUSR1"
done

stop_harkd
expect_eq "$HSTATUS" 0 "harkd exit status"
finish
