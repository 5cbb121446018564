#!/bin/sh
# harkd and a database it cannot use: a state_dir deleted or replaced under
# it (and a second harkd on the same spool), a stop while the database is
# locked (the deadline), a damaged, read-only or immutable database at
# start-up and while running, and SIGBUS. Each time harkd stops with a clear
# line and exit 2 (0 for the stop's deadline), and the files not stored stay
# in incoming/, stored at the next start. Usage: store.sh HARK HARKD DBLOCK
. "$(dirname "$0")/lib.sh"
daemon_init "$@"
DBLOCK=$(abspath "$3")
[ -x "$DBLOCK" ] || {
	echo "usage: $0 HARK HARKD DBLOCK" >&2
	exit 2
}
S=$T/spool
H2PID= LPID= FULLFS=
# immutable files would keep rm -rf from cleaning up
store_cleanup() {
	[ -n "$FULLFS" ] && umount "$FULLFS" 2>/dev/null
	chattr -R -i -a "$T" 2>/dev/null
	for _p in $H2PID $LPID; do
		kill -KILL "$_p" 2>/dev/null && wait "$_p" 2>/dev/null
	done
	daemon_cleanup
}
trap store_cleanup EXIT
# The full-text index takes each commit's articles at once, not a second
# later: each step below moves, locks or damages the database after harkd
# went quiet, and expects what intake meets next, not what the index meets
# in between.
HARK_INDEX_DELAY_MS=0
export HARK_INDEX_DELAY_MS

cat >"$T/w.rules" <<'R'
[rule tice]
query = "Austin Tice"
R
write_conf

# article NAME N: an article file $T/NAME, with a few hundred bytes of its own
article() {
	{
		printf 'Article %s\n\nAustin Tice, article %s.\n' "$1" "$1"
		_p=0 # not i: sh has no local variables
		while [ $_p -lt "${2:-1}" ]; do
			printf 'Paragraph %s of %s: the council met near the border to talk.\n' "$_p" "$1"
			_p=$((_p + 1))
		done
	} >"$T/$1"
}

# harkd_exits TIMEOUT: wait for harkd ($HPID) to exit by itself; its status in
# $HSTATUS (124 and killed when it did not).
harkd_exits() {
	if wait_until "! kill -0 $HPID" "$1"; then
		wait "$HPID"
		HSTATUS=$?
	else
		kill -KILL "$HPID" 2>/dev/null
		wait "$HPID" 2>/dev/null
		HSTATUS=124
	fi
	HPID=
}

# --- 1. state_dir deleted under a running harkd
start_harkd
article first.txt
ingest "$T/first.txt"
wait_for "$LOG" "file=first.txt lang=en hits=1" 15 || bad "first.txt stored"
rm -rf "$T/state"
# a second harkd on the same spool must refuse, though the lock file is gone
"$HARKD" -c "$T/hark.conf" 2>"$T/log2" &
H2PID=$!
if wait_until "! kill -0 $H2PID" 15; then
	wait "$H2PID"
	expect_eq "$?" 2 "a second harkd on the same spool: exit status"
else
	bad "a second harkd on the same spool started: $(cat "$T/log2")"
	kill -KILL "$H2PID"
	wait "$H2PID" 2>/dev/null
fi
H2PID=
grep -qF 'another harkd runs on the spool' "$T/log2" && ok || bad "second harkd's line: $(cat "$T/log2")"
for i in 1 2 3; do article "gone$i.txt"; done
ingest "$T/gone1.txt" "$T/gone2.txt" "$T/gone3.txt"
harkd_exits 20
expect_eq "$HSTATUS" 2 "exit status after state_dir was deleted"
grep -qF 'hark.db is gone' "$LOG" && ok || bad "a line saying the database is gone"
expect_eq "$(files "$S/incoming")" 3 "the files stay in incoming/ after state_dir was deleted"
expect_eq "$(count "$LOG" 'file=gone')" 0 "nothing stored into the deleted database"
# the next start (a new state_dir) stores them
start_harkd
wait_for "$LOG" "file=gone" 15 3 || bad "the three stored after a restart"
wait_until "[ \$(files '$S/incoming') -eq 0 ]" 10 || bad "incoming/ empty after the restart"

# --- 1b. hark.db-wal deleted under a running harkd: the commits it held are
# kept (checkpointed into hark.db at the exit), the next file waits
article inwal.txt
ingest "$T/inwal.txt"
wait_for "$LOG" "file=inwal.txt lang=en hits=1" 15 || bad "inwal.txt stored"
rm -f "$T/state/hark.db-wal"
article nowal.txt
ingest "$T/nowal.txt"
harkd_exits 20
expect_eq "$HSTATUS" 2 "exit status after hark.db-wal was deleted"
grep -qF 'hark.db-wal is gone' "$LOG" && ok || bad "a line saying hark.db-wal is gone"
[ -f "$S/incoming/nowal.txt" ] && ok || bad "nowal.txt stays in incoming/"
start_harkd
wait_for "$LOG" "file=nowal.txt lang=en hits=1" 15 || bad "nowal.txt stored at the next start"
hk hits --json
grep -qF '"file":"inwal.txt"' "$T/out" && ok || bad "inwal.txt, committed before the WAL was deleted, is kept"

# --- 2. state_dir moved away and made anew by another harkd (on another spool)
_lines=$(wc -l <"$LOG")
mv "$T/state" "$T/state.old"
sed 's/^spool_dir = spool$/spool_dir = spool2/' "$T/hark.conf" >"$T/other.conf"
"$HARKD" -c "$T/other.conf" 2>"$T/log2" &
H2PID=$!
wait_for "$T/log2" "started: " 20 || bad "the other harkd did not start: $(cat "$T/log2")"
article moved.txt
ingest "$T/moved.txt"
harkd_exits 20
expect_eq "$HSTATUS" 2 "exit status after state_dir was replaced"
# (or "gone", when the full-text index's batch came between the move and
# the other harkd's new database: both true, both stop harkd)
tail -n +$((_lines + 1)) "$LOG" |
	grep -qE 'hark.db is no longer the file harkd opened|hark.db is gone: deleted or moved' && ok ||
	bad "a line saying the database was replaced: $(grep -F ' error: ' "$LOG" | tail -2)"
[ -f "$S/incoming/moved.txt" ] && ok || bad "moved.txt stays in incoming/"
kill -TERM "$H2PID"
wait "$H2PID"
H2PID=
rm -rf "$T/state" "$T/spool2"
mv "$T/state.old" "$T/state"

# --- 3. SIGTERM while the database is locked: out at the deadline, files kept
HARK_STOP_TIMEOUT=2
export HARK_STOP_TIMEOUT
start_harkd
wait_for "$LOG" "file=moved.txt lang=en hits=1" 15 || bad "moved.txt stored at the next start"
"$DBLOCK" "$T/state/hark.db" 300 >"$T/lock.out" 2>"$T/lock.err" &
LPID=$!
wait_for "$T/lock.out" locked 15 || bad "dblock did not lock: $(cat "$T/lock.err")"
for i in 1 2 3; do article "late$i.txt"; done
busy=$(count "$LOG" "database busy")
ingest "$T/late1.txt" "$T/late2.txt" "$T/late3.txt"
wait_for "$LOG" "database busy" 15 $((busy + 1)) || bad "a 'database busy' line"
kill -TERM "$HPID"
harkd_exits 20
expect_eq "$HSTATUS" 0 "exit status at the stop's deadline"
# (3 unless harkd had not seen them all when SIGTERM came: a loaded machine)
grep -qE "the stop's deadline \(2 s\) passed; documents not stored: [123]:" "$LOG" && ok ||
	bad "the deadline's line: $(grep -F deadline "$LOG")"
expect_eq "$(files "$S/incoming")" 3 "the files stay in incoming/ at the deadline"
# tried again and again, said once (then once a minute)
expect_eq "$(($(count "$LOG" "database busy") - busy))" 1 "'database busy' lines for one lock"
kill -TERM "$LPID"
wait "$LPID" 2>/dev/null
LPID=
unset HARK_STOP_TIMEOUT
start_harkd
wait_for "$LOG" "file=late" 15 3 || bad "the three stored after the deadline's exit"
wait_until "[ \$(files '$S/incoming') -eq 0 ]" 10 || bad "incoming/ empty after the restart"
# enough articles for many pages of the articles table
i=0
while [ $i -lt 40 ]; do
	article "bulk$i.txt" 40
	i=$((i + 1))
done
ingest "$T"/bulk*.txt
wait_for "$LOG" "file=bulk" 30 40 || bad "the 40 bulk articles stored"
stop_harkd
expect_eq "$HSTATUS" 0 "exit status of a clean stop"
# all checkpointed at the stop: the WAL may go, and no page of it can hide
# the damage done to the file below
rm -f "$T/state/hark.db-wal" "$T/state/hark.db-shm"
cp "$T/state/hark.db" "$T/good.db"
# damage: pages 2 to 11 (4 KiB each), the roots of the articles table and
# its indexes, made at the first migration
damage() {
	dd if=/dev/urandom of="$T/state/hark.db" bs=4096 seek=1 count=10 conv=notrunc 2>/dev/null
}
restore() {
	cp "$T/good.db" "$T/state/hark.db"
	rm -f "$T/state/hark.db-wal" "$T/state/hark.db-shm"
}

# --- 4. a damaged database at start-up: exit 2, naming quick_check
damage
article damaged.txt
ingest "$T/damaged.txt"
"$HARKD" -c "$T/hark.conf" 2>>"$LOG" &
HPID=$!
harkd_exits 30
expect_eq "$HSTATUS" 2 "exit status on a damaged database"
grep -qF 'fails PRAGMA quick_check' "$LOG" && ok || bad "a line naming quick_check"
[ -f "$S/incoming/damaged.txt" ] && ok || bad "damaged.txt stays in incoming/"
mv "$S/incoming/damaged.txt" "$T/damaged.txt" # ingested again later
restore

# --- 5. a database that cannot be written (root writes through 0444: chattr +i)
if chattr +i "$T/state/hark.db" 2>/dev/null; then
	"$HARKD" -c "$T/hark.conf" 2>>"$LOG" &
	HPID=$!
	harkd_exits 30
	expect_eq "$HSTATUS" 2 "exit status on an immutable hark.db"
	grep -qF 'hark.db cannot be written' "$LOG" && ok || bad "a line saying hark.db cannot be written"
	chattr -i "$T/state/hark.db"
	# its -shm immutable: SQLite maps it, a write would be SIGBUS (a start
	# and a stop make the -shm, which harkd keeps)
	start_harkd
	stop_harkd
	if [ -f "$T/state/hark.db-shm" ] && chattr +i "$T/state/hark.db-shm" 2>/dev/null; then
		"$HARKD" -c "$T/hark.conf" 2>>"$LOG" &
		HPID=$!
		harkd_exits 30
		expect_eq "$HSTATUS" 2 "exit status on an immutable hark.db-shm"
		grep -qF 'hark.db-shm is immutable' "$LOG" && ok || bad "a line naming hark.db-shm"
		chattr -i "$T/state/hark.db-shm"
	else
		note "no hark.db-shm to make immutable: skipped"
	fi
else
	note "chattr +i does not work here: the read-only cases are skipped"
fi

# --- 6. damaged under a running harkd: it stops at the next commit, no retry loop
start_harkd
# harkd read every page at start (quick_check) and keeps them in its cache:
# a write by another connection after the damage makes it read them again
damage
"$DBLOCK" "$T/state/hark.db" 1 write >"$T/lock.out" 2>"$T/lock.err" ||
	bad "dblock write: $(cat "$T/lock.err")"
ingest "$T/damaged.txt"
harkd_exits 20
expect_eq "$HSTATUS" 2 "exit status when the database is damaged while running"
grep -qF 'database error: ' "$LOG" && grep -qF 'malformed' "$LOG" && ok ||
	bad "a line saying the database is damaged"
[ -f "$S/incoming/damaged.txt" ] && ok || bad "damaged.txt stays in incoming/"
expect_eq "$(count "$LOG" 'cannot store')" 0 "no retry loop on a damaged database"
restore

# --- 6b. its WAL made immutable under a running harkd (root writes through 0444)
start_harkd
wait_for "$LOG" "file=damaged.txt lang=en hits=1" 15 || bad "damaged.txt stored at the next start"
if chattr +i "$T/state/hark.db-wal" 2>/dev/null; then
	article wal.txt
	ingest "$T/wal.txt"
	harkd_exits 20
	expect_eq "$HSTATUS" 2 "exit status when the WAL cannot be written"
	[ -f "$S/incoming/wal.txt" ] && ok || bad "wal.txt stays in incoming/"
	chattr -i "$T/state/hark.db-wal"
	start_harkd
	wait_for "$LOG" "file=wal.txt lang=en hits=1" 15 || bad "wal.txt stored at the next start"
else
	note "chattr +i does not work here: skipped"
fi

# --- 7. hark.db-shm made immutable under a running harkd: a message, not SIGBUS
if chattr +i "$T/state/hark.db-shm" 2>/dev/null; then
	article shm.txt
	ingest "$T/shm.txt"
	harkd_exits 20
	expect_eq "$HSTATUS" 2 "exit status with hark.db-shm immutable while running"
	grep -qF 'hark.db-shm is immutable' "$LOG" && ok || bad "a line naming hark.db-shm"
	[ -f "$S/incoming/shm.txt" ] && ok || bad "shm.txt stays in incoming/"
	chattr -i "$T/state/hark.db-shm"
	start_harkd
	wait_for "$LOG" "file=shm.txt lang=en hits=1" 15 || bad "shm.txt stored at the next start"
else
	note "chattr +i does not work here: skipped"
fi

# --- 8. SIGBUS (what a write to an -shm that cannot be written raises): a line, exit 2
kill -BUS "$HPID"
harkd_exits 20
expect_eq "$HSTATUS" 2 "exit status on SIGBUS"
grep -qF 'bus error (SIGBUS)' "$LOG" && ok || bad "a line on SIGBUS"

# --- 9. a full disk is not permanent: waited out, then stored
mkdir "$T/fullstate"
if mount -t tmpfs -o size=4m tmpfs "$T/fullstate" 2>/dev/null; then
	FULLFS=$T/fullstate
	sed 's/^state_dir = state$/state_dir = fullstate/' "$T/hark.conf" >"$T/full.conf"
	"$HARKD" -c "$T/full.conf" 2>>"$LOG" &
	HPID=$!
	wait_for "$LOG" "database $T/fullstate/hark.db" 20 || bad "harkd on the small file system"
	dd if=/dev/zero of="$T/fullstate/filler" bs=4096 2>/dev/null
	for i in 1 2 3 4 5 6 7 8; do article "full$i.txt" 40; done
	ingest "$T"/full?.txt
	wait_for "$LOG" "database or disk is full" 20 || bad "a 'disk is full' line"
	kill -0 "$HPID" 2>/dev/null && ok || bad "harkd alive on a full disk"
	rm -f "$T/fullstate/filler"
	wait_for "$LOG" "file=full" 20 8 || bad "the eight stored once there is room"
	expect_eq "$(count "$LOG" "disk is full")" 1 "'disk is full' lines"
	grep -qF 'database writable again after' "$LOG" && ok || bad "a line when the disk has room again"
	stop_harkd
	expect_eq "$HSTATUS" 0 "exit status after the disk was full"
	umount "$FULLFS"
	FULLFS=
else
	note "cannot mount a tmpfs here: the full disk is skipped"
fi

start_harkd
stop_harkd
expect_eq "$HSTATUS" 0 "a clean stop at the end"
finish
