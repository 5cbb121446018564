#!/bin/sh
# A receiver that answers every request 429 with Retry-After: 2: each
# attempt counts, as any failure's does. The retry waits for the later of
# Retry-After and the back-off of the schedule (5 s, then 5 min), never
# every 2 s; after the last retry the delivery is dead.
# Usage: retryafter.sh HARK HARKD RECEIVER
. "$(dirname "$0")/lib.sh"
RECV=$(abspath "${3:-}")
daemon_init "$@"
[ -x "$RECV" ] || {
	echo "usage: $0 HARK HARKD RECEIVER" >&2
	exit 2
}
command -v sqlite3 >/dev/null 2>&1 || HAVE_SQLITE=

RPID=
trap '[ -n "$RPID" ] && kill "$RPID" 2>/dev/null; daemon_cleanup' EXIT
"$RECV" "$T/recv.port" limited >"$T/recv.out" 2>"$T/recv.err" &
RPID=$!
wait_until "[ -s '$T/recv.port' ]" 10 || bad "receiver did not start: $(cat "$T/recv.err")"

printf '[rule r1]\nquery = Aleppo\n' >"$T/w.rules"
write_conf
printf '[webhook lim]\nurl = http://127.0.0.1:%s/hook\nrules = *\n' "$(cat "$T/recv.port")" >>"$T/hark.conf"
start_harkd
received() { wc -l <"$T/recv.out" | tr -d ' '; }
# field KEY: KEY of the one delivery (hark deliveries --json)
field() { "$HARK" -c "$T/hark.conf" deliveries --json | sed -n "s/.*\"$1\":\"\{0,1\}\([^,\"]*\).*/\1/p"; }

printf 'North\n\nThe convoy left Aleppo at dawn.\n' >"$T/a.txt"
ingest "$T/a.txt"
wait_until '[ "$(received)" -ge 1 ]' 10 || bad "the first attempt did not arrive"
# Retry-After: 2 alone would ask again at 2, 4, 6, 8 s; the back-off says 5 s, then 5 min
sleep 9
# the second attempt (at 5 s) made and counted, however late a loaded machine
# runs it: then no third within the 5 min, where Retry-After alone makes 4 or more
wait_until '[ "$(received)" -ge 2 ]' 30 || bad "the second attempt did not arrive"
wait_until '[ "$(field attempts)" = 2 ]' 30 || bad "the second attempt not recorded: $(field attempts)"
expect_eq "$(received)" 2 "requests in 9 s to a receiver answering 429, Retry-After: 2"
expect_eq "$(field attempts)" 2 "attempts counted"
expect_eq "$(field state)" pending "the delivery's state after two 429s"
grep -qE "to lim failed \(HTTP 429, Retry-After 2s\): attempt 2, next in [0-9]+s$" "$LOG" && ok ||
	bad "the second 429's line: $(grep 'to lim' "$LOG" | tail -1)"
n=$(sed -n 's/.*to lim failed (HTTP 429, Retry-After 2s): attempt 2, next in \([0-9]*\)s$/\1/p' "$LOG")
[ "${n:-0}" -ge 270 ] && [ "${n:-0}" -le 330 ] && ok || bad "after attempt 2: next in ${n}s, not the schedule's 5 min"

# the last retry: dead, as after any other failure
if [ -n "${HAVE_SQLITE-1}" ]; then
	stop_harkd
	sqlite3 "$T/state/hark.db" "UPDATE deliveries SET attempts = 9, next_at = 0" ||
		bad "attempts set to 9"
	start_harkd
	wait_for "$LOG" "to lim failed 10 times (HTTP 429, Retry-After 2s): dead" 30 && ok ||
		bad "the tenth 429 is the last: $(grep 'to lim' "$LOG" | tail -1)"
	wait_until '[ "$(field state)" = dead ]' 30 && ok || bad "dead after the last retry: $(field state)"
	expect_eq "$(status_of 'deliveries failed')" 1 "hark status: deliveries failed"
else
	note "no sqlite3 command: the last retry is not tested"
fi
stop_harkd
expect_eq "$HSTATUS" 0 "harkd's exit status"
finish
