#!/bin/sh
# The drop directory when moves fail: done/ refusing renames (chattr +i, as
# a full or read-only file system would) keeps stored files in incoming/
# only until it accepts them again, with no restart; a spool full when a
# file's .error is written says the file was moved to failed/ without it.
# Needs root (a small tmpfs and chattr): exits 77 (skipped) without.
# Usage: spoolfull.sh HARK HARKD
. "$(dirname "$0")/lib.sh"
daemon_init "$@"
S=$T/spool

[ "$(id -u)" = 0 ] || { echo "skipped: needs root (tmpfs, chattr)"; rm -rf "$T"; exit 77; }
mkdir "$S" || exit 2
if ! mount -t tmpfs -o size=1m,mode=0755 tmpfs "$S" 2>"$T/mount.err"; then
	echo "skipped: cannot mount a tmpfs: $(cat "$T/mount.err")"
	rm -rf "$T"
	exit 77
fi
spool_cleanup() {
	if [ -n "$HPID" ]; then
		kill -KILL "$HPID" 2>/dev/null
		wait "$HPID" 2>/dev/null
		HPID=
	fi
	chattr -i "$S/done" 2>/dev/null
	umount "$S" 2>/dev/null || umount -l "$S"
	daemon_cleanup
}
trap spool_cleanup EXIT
mkdir "$S/probe" && chattr +i "$S/probe" 2>"$T/chattr.err" || {
	echo "skipped: chattr +i does not work here: $(cat "$T/chattr.err")"
	exit 77
}
chattr -i "$S/probe" && rmdir "$S/probe"

cat >"$T/w.rules" <<'R'
[rule tice]
query = "Austin Tice"
R
write_conf
start_harkd

# --- item 4: done/ refuses the moves: stored, kept in incoming/, moved once it accepts
chattr +i "$S/done" || bad "chattr +i done/"
printf 'Kept A\n\nAustin Tice, kept in incoming/.\n' >"$T/a.txt"
printf 'Kept B\n\nAustin Tice, kept in incoming/ too.\n' >"$T/b.txt"
ingest "$T/a.txt" "$T/b.txt"
wait_for "$LOG" "file=a.txt lang=en hits=1" 10 && ok || bad "a.txt stored"
wait_for "$LOG" "file=b.txt lang=en hits=1" 10 && ok || bad "b.txt stored"
wait_for "$LOG" "cannot move a.txt to done/" 10 && ok || bad "a line says a.txt cannot be moved"
grep -F "cannot move a.txt to done/" "$LOG" | grep -qF "Operation not permitted; it stays in incoming/ (its article is stored) and the move will be tried again" &&
	ok || bad "the line says why and what next: $(grep -F 'cannot move a.txt' "$LOG")"
[ -f "$S/incoming/a.txt" ] && [ -f "$S/incoming/b.txt" ] && ok || bad "both stay in incoming/ meanwhile"
chattr -i "$S/done" || bad "chattr -i done/"
# back-off: at most 30 s between tries
wait_until "[ -f '$S/done/a.txt' ] && [ -f '$S/done/b.txt' ]" 45 && ok ||
	bad "a.txt and b.txt reach done/ once it accepts them, with no restart"
expect_eq "$(files "$S/incoming")" 0 "incoming/ empty"
grep -qF "moved a.txt to done/ after" "$LOG" && ok || bad "a line says a.txt was moved in the end"
expect_eq "$(status_of articles)" 2 "articles: each stored once"
expect_eq "$(count "$LOG" duplicate)" 0 "no duplicate: the files were not read again"

# --- item 4: a full spool when failed/NAME.error is written: the file is in
# failed/, and the log says so (not "cannot move")
dd if=/dev/zero of="$S/tmp/fill" bs=4k 2>/dev/null
mkfifo "$S/tmp/pipe" && mv "$S/tmp/pipe" "$S/incoming/pipe" || bad "a FIFO into incoming/"
wait_for "$LOG" "failed pipe: a FIFO; moved to failed/, but its .error could not be written: " 10 &&
	ok || bad "the line says pipe was moved to failed/ without its .error: $(grep -F pipe "$LOG")"
grep -F "failed pipe" "$LOG" | grep -qF "No space left on device" && ok || bad "the line says why"
expect_eq "$(count "$LOG" "cannot move pipe")" 0 "no line says pipe was not moved"
[ -p "$S/failed/pipe" ] && ok || bad "pipe in failed/"
[ ! -e "$S/incoming/pipe" ] && ok || bad "pipe out of incoming/"
rm -f "$S/tmp/fill"
# and harkd goes on
printf 'After\n\nAustin Tice, after the full spool.\n' >"$T/after.txt"
ingest "$T/after.txt"
wait_for "$LOG" "file=after.txt lang=en hits=1" 10 && ok || bad "an article after the full spool"
wait_until "[ -f '$S/done/after.txt' ]" 10 && ok || bad "after.txt in done/"
stop_harkd
expect_eq "$HSTATUS" 0 "exit status after SIGTERM"
finish
