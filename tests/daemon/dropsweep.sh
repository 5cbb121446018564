#!/bin/sh
# Files that reach incoming/ without the close or rename harkd waits for are
# not left there until the next start: a hard link (ln tmp/x incoming/x, the
# maildir way) is taken at its IN_CREATE; one whose other name went before
# harkd looked (ln then rm: link count 1, no event but IN_CREATE) is taken by
# the sweep once quiet; a file written slowly in place is still taken only
# when closed, whole. HARK_SWEEP_SECONDS=3: quiet for 3 s, swept every 1.5 s.
# Usage: dropsweep.sh HARK HARKD
. "$(dirname "$0")/lib.sh"
daemon_init "$@"

cat >"$T/w.rules" <<'R'
[rule tice]
query = "Austin Tice"
[rule ending]
query = "zorglubend"
R
write_conf
HARK_SWEEP_SECONDS=3
export HARK_SWEEP_SECONDS
start_harkd
S=$T/spool

# a complete file linked in from outside the spool (its first name stays)
printf 'Linked\n\nAustin Tice in a file linked in.\n' >"$T/a.txt"
ln "$T/a.txt" "$S/incoming/a.txt"
wait_for "$LOG" "file=a.txt lang=en hits=1" 2 && ok || bad "a.txt linked into incoming/ stored at once"
expect_eq "$(count "$LOG" "a.txt: in incoming/")" 0 "a.txt left to the sweep"

# the maildir way: written in tmp/, linked into incoming/, unlinked from tmp/
printf 'Maildir\n\nAustin Tice by the maildir way.\n' >"$S/tmp/m.txt"
ln "$S/tmp/m.txt" "$S/incoming/m.txt" && rm "$S/tmp/m.txt"
wait_for "$LOG" "file=m.txt lang=en hits=1" 8 && ok || bad "m.txt (ln then rm) stored"

# no event but an IN_CREATE of a file of one link: harkd stopped while the
# link is made and the first name removed, so it finds one link when it looks
printf 'Orphan\n\nAustin Tice with no close event.\n' >"$S/tmp/o.txt"
touch -d '2 min ago' "$S/tmp/o.txt"
kill -STOP "$HPID"
ln "$S/tmp/o.txt" "$S/incoming/o.txt" && rm "$S/tmp/o.txt"
kill -CONT "$HPID"
sleep 1
[ -f "$S/incoming/o.txt" ] && ok || bad "o.txt not taken before it is quiet"
wait_for "$LOG" "o.txt: in incoming/ for 3 s with no event for it" 8 && ok ||
	bad "the sweep says it takes o.txt"
wait_for "$LOG" "file=o.txt lang=en hits=1" 5 && ok || bad "o.txt stored by the sweep"
wait_until "[ ! -e '$S/incoming/o.txt' ]" 5 && ok || bad "o.txt left incoming/"

# a writer writing in place, more slowly than the sweep runs but never quiet
# for 3 s: taken when closed, whole (its last line's word matched)
{
	printf 'Slow\n\nAustin Tice, written in steps.\n'
	for i in 1 2 3 4 5; do
		sleep 1
		printf 'step %s\n' "$i"
	done
	printf 'zorglubend\n'
} >"$S/incoming/slow.txt"
wait_for "$LOG" "file=slow.txt lang=en hits=2" 10 && ok || bad "slow.txt stored whole with both hits"
expect_eq "$(count "$LOG" "slow.txt: in incoming/")" 0 "slow.txt taken by the sweep while written"
expect_eq "$(count "$LOG" "file=slow.txt")" 1 "slow.txt stored once"

expect_eq "$(status_of articles)" 4 "articles stored"
stop_harkd
expect_eq "$HSTATUS" 0 "harkd's exit status"
finish
