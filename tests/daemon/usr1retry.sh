#!/bin/sh
# SIGUSR1 with the receiver failing (500): each signal tries the pending
# delivery at once, but an early attempt that fails is not one of the
# schedule's. Its answer is recorded; its attempts and next attempt stay
# as the schedule set them, and many signals never make it dead.
# Usage: usr1retry.sh HARK HARKD RECEIVER
. "$(dirname "$0")/lib.sh"
RECV=$(abspath "${3:-}")
daemon_init "$@"
[ -x "$RECV" ] || {
	echo "usage: $0 HARK HARKD RECEIVER" >&2
	exit 2
}

RPID=
trap '[ -n "$RPID" ] && kill "$RPID" 2>/dev/null; daemon_cleanup' EXIT
"$RECV" "$T/recv.port" always500 >"$T/recv.out" 2>"$T/recv.err" &
RPID=$!
wait_until "[ -s '$T/recv.port' ]" 10 || bad "receiver did not start: $(cat "$T/recv.err")"

printf '[rule r1]\nquery = Aleppo\n' >"$T/w.rules"
write_conf
printf '[webhook down]\nurl = http://127.0.0.1:%s/hook\nrules = *\n' "$(cat "$T/recv.port")" >>"$T/hark.conf"
start_harkd
received() { wc -l <"$T/recv.out" | tr -d ' '; }
# field KEY: KEY of the one delivery (hark deliveries --json)
field() { "$HARK" -c "$T/hark.conf" deliveries --json | sed -n "s/.*\"$1\":\"\{0,1\}\([^,\"]*\).*/\1/p"; }

printf 'North\n\nThe convoy left Aleppo at dawn.\n' >"$T/a.txt"
ingest "$T/a.txt"
# the schedule: the first attempt, then 5 s later the second, then 5 min
wait_until '[ "$(field attempts)" = 2 ]' 20 || bad "two scheduled attempts: $(field attempts)"
next=$(field next_attempt)
n0=$(received)
i=0
while [ $i -lt 15 ]; do
	kill -USR1 "$HPID"
	i=$((i + 1))
	wait_until "[ \$(received) -ge $((n0 + i)) ]" 30 || bad "early attempt $i not made"
	# its failure handled (logged when the answer came) before the next signal:
	# a SIGUSR1 while the attempt is still in flight starts none
	wait_until "[ \$(grep -c 'an early attempt, not counted' '$LOG') -ge $i ]" 30 ||
		bad "early attempt $i: its failure not logged"
done
wait_until "[ \$(grep -c 'an early attempt, not counted' '$LOG') -ge 15 ]" 10 ||
	bad "early failures logged: $(grep -c 'an early attempt, not counted' "$LOG")"
expect_eq "$(field state)" pending "the state after 15 SIGUSR1 to a failing receiver"
expect_eq "$(field attempts)" 2 "the schedule's attempts after 15 early ones"
expect_eq "$(field next_attempt)" "$next" "the next attempt the schedule set"
expect_eq "$(field last_status)" 500 "the early attempt's answer, recorded"
grep -qE "to down failed \(HTTP 500\): an early attempt, not counted: attempt 3 still due" "$LOG" && ok ||
	bad "the early failure's line: $(grep 'to down' "$LOG" | tail -1)"
stop_harkd
expect_eq "$HSTATUS" 0 "harkd's exit status"
finish
