#!/bin/sh
# harkd started while its database cannot be written for a while: another
# writer holds its lock (hark prune, a sqlite3 shell), or (as root, on a
# small tmpfs) the disk is full. harkd waits, says so once, and starts once
# it can; the files dropped meanwhile are stored, none lost, with no second
# start (it exited 2 before, the files left in incoming/).
# Usage: startwait.sh HARK HARKD DBLOCK
. "$(dirname "$0")/lib.sh"
daemon_init "$@"
DBLOCK=$(abspath "$3")
[ -x "$DBLOCK" ] || {
	echo "usage: $0 HARK HARKD DBLOCK" >&2
	exit 2
}
LPID= FULLFS=
startwait_cleanup() {
	[ -n "$LPID" ] && kill -KILL "$LPID" 2>/dev/null && wait "$LPID" 2>/dev/null
	if [ -n "$HPID" ]; then
		kill -KILL "$HPID" 2>/dev/null
		wait "$HPID" 2>/dev/null
		HPID=
	fi
	[ -n "$FULLFS" ] && { umount "$FULLFS" 2>/dev/null || umount -l "$FULLFS"; }
	daemon_cleanup
}
trap startwait_cleanup EXIT
DB=$T/state/hark.db

printf '[rule tice]\nquery = "Austin Tice"\n' >"$T/w.rules"
write_conf
start_harkd
stop_harkd
expect_eq "$HSTATUS" 0 "the first start and stop"

# --- another writer's lock at the start
printf 'Locked\n\nAustin Tice, dropped while the database was locked.\n' >"$T/locked.txt"
ingest "$T/locked.txt"
"$DBLOCK" "$DB" 3 >"$T/dblock.out" 2>"$T/dblock.err" &
LPID=$!
wait_until "grep -q locked '$T/dblock.out'" 10 || bad "dblock did not lock: $(cat "$T/dblock.err")"
start_harkd # fails the test when harkd exits instead
grep -qF "cannot open the database yet ($DB: reading the schema version: database is locked); trying again" "$LOG" &&
	ok || bad "no line says harkd waits for the lock"
wait "$LPID"
LPID=
grep -qF "database open after" "$LOG" && ok || bad "no line says the database opened after waiting"
wait_for "$LOG" "file=locked.txt" 10 && ok || bad "the file dropped meanwhile is stored"
expect_eq "$(files "$T/spool/incoming")" 0 "incoming/ emptied"
stop_harkd
expect_eq "$HSTATUS" 0 "exit status after the lock"

# --- SIGHUP (a reload) and SIGUSR1 (retry now) while harkd waits at its start:
# not its death by their default action; the reload asked is done once it runs
printf 'Signalled\n\nAustin Tice, dropped while harkd waited and was signalled.\n' >"$T/sig.txt"
ingest "$T/sig.txt"
"$DBLOCK" "$DB" 4 >"$T/dblock.out" 2>"$T/dblock.err" &
LPID=$!
wait_until "grep -q locked '$T/dblock.out'" 10 || bad "dblock did not lock: $(cat "$T/dblock.err")"
: >"$T/log.sig"
"$HARKD" -c "$T/hark.conf" 2>>"$T/log.sig" &
HPID=$!
wait_for "$T/log.sig" "cannot open the database yet" 10 && ok ||
	bad "no line says harkd waits for the lock: $(cat "$T/log.sig")"
kill -HUP "$HPID"
kill -USR1 "$HPID"
sleep 0.5
kill -0 "$HPID" 2>/dev/null && ok || bad "SIGHUP or SIGUSR1 while waiting for the database killed harkd"
wait "$LPID"
LPID=
wait_for "$T/log.sig" "file=sig.txt" 10 && ok || bad "the file dropped meanwhile is stored: $(cat "$T/log.sig")"
wait_for "$T/log.sig" "reloaded: rules" 10 && ok || bad "the SIGHUP sent while waiting is a reload once started"
if kill -0 "$HPID" 2>/dev/null; then
	stop_harkd
	expect_eq "$HSTATUS" 0 "exit status after the signals"
else
	wait "$HPID"
	HPID=
fi

# --- a full disk at the start (root, a tmpfs): waited out, then started
if [ "$(id -u)" = 0 ] && mkdir "$T/fullstate" && mount -t tmpfs -o size=2m tmpfs "$T/fullstate" 2>/dev/null; then
	FULLFS=$T/fullstate
	sed 's/^state_dir = state$/state_dir = fullstate/' "$T/hark.conf" >"$T/full.conf"
	cp "$T/hark.conf" "$T/keep.conf"
	cp "$T/full.conf" "$T/hark.conf"
	start_harkd
	stop_harkd
	dd if=/dev/zero of="$T/fullstate/filler" bs=4096 2>/dev/null
	printf 'Full\n\nAustin Tice, dropped while the disk was full.\n' >"$T/full.txt"
	ingest "$T/full.txt"
	: >"$T/log.full"
	"$HARKD" -c "$T/hark.conf" 2>>"$T/log.full" &
	HPID=$!
	wait_for "$T/log.full" "cannot open the database yet" 10 && ok ||
		bad "no line says harkd waits for room: $(cat "$T/log.full")"
	grep -F "cannot open the database yet" "$T/log.full" | grep -qF "disk is full" && ok ||
		bad "the line says why: $(grep -F 'cannot open' "$T/log.full")"
	kill -0 "$HPID" 2>/dev/null && ok || bad "harkd exited on a full disk at its start"
	rm -f "$T/fullstate/filler"
	wait_for "$T/log.full" "file=full.txt" 10 && ok || bad "the file is stored once there is room"
	stop_harkd
	expect_eq "$HSTATUS" 0 "exit status after the full disk"
	cp "$T/keep.conf" "$T/hark.conf"
	umount "$FULLFS" && FULLFS=
else
	note "not root or no tmpfs: the full disk at the start is skipped"
fi
finish
