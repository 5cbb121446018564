#!/bin/sh
# Entries made in incoming/ itself that no write closes: a symbolic link, a
# FIFO, a directory go to failed/ with NAME.error at once (inotify's
# IN_CREATE), not at the next start; a regular file written in place is
# still taken only once closed. Usage: droplink.sh HARK HARKD
. "$(dirname "$0")/lib.sh"
daemon_init "$@"

cat >"$T/w.rules" <<'R'
[rule tice]
query = "Austin Tice"
R
write_conf
start_harkd
S=$T/spool
printf 'Secret\n\nAustin Tice in a file reached through a link.\n' >"$T/a.txt"

# made in place, never renamed in: no IN_MOVED_TO, no IN_CLOSE_WRITE
ln -s "$T/a.txt" "$S/incoming/x.txt"
wait_for "$LOG" "failed x.txt: a symbolic link (not followed)" 5 && ok ||
	bad "a link made in incoming/ is said failed at once"
wait_until "[ ! -L '$S/incoming/x.txt' ]" 5 && ok || bad "the link x.txt left incoming/"
[ -L "$S/failed/x.txt" ] && ok || bad "the link x.txt is in failed/"
grep -q "symbolic link" "$S/failed/x.txt.error" 2>/dev/null && ok ||
	bad "failed/x.txt.error says a symbolic link: $(cat "$S/failed/x.txt.error" 2>&1)"
expect_eq "$(status_of articles)" 0 "articles stored through the link"

mkfifo "$S/incoming/f.txt"
wait_for "$LOG" "failed f.txt: a FIFO" 5 && ok || bad "a FIFO made in incoming/ is said failed at once"
wait_until "[ ! -p '$S/incoming/f.txt' ]" 5 && ok || bad "the FIFO f.txt left incoming/"

mkdir "$S/incoming/d.txt"
wait_for "$LOG" "failed d.txt: a directory" 5 && ok || bad "a directory made in incoming/ is said failed at once"

# a regular file written in place, slowly: taken when closed, whole
{
	printf 'Slow\n\n'
	sleep 1
	printf 'Austin Tice, written in two steps.\n'
} >"$S/incoming/slow.txt"
wait_for "$LOG" "file=slow.txt lang=en hits=1" 10 && ok || bad "slow.txt stored whole with its hit"
expect_eq "$(count "$LOG" "failed slow.txt")" 0 "slow.txt said failed"

stop_harkd
expect_eq "$HSTATUS" 0 "harkd's exit status"
finish
