#!/bin/sh
# harkd under a file size limit (RLIMIT_FSIZE: ulimit -f, systemd's
# LimitFSIZE=) that its database outgrows, as a full disk without root: a
# write past the limit fails (EFBIG) rather than kill harkd (SIGXFSZ, no
# word said); the commit is tried again, a line names the limit and what to
# do, the files stay in incoming/; once the limit is raised under the
# running harkd (prlimit), every file is stored once, with its hits, and the
# full-text index catches up, with no restart.
# Needs prlimit (util-linux): exits 77 (skipped) without.
# Usage: fsizelimit.sh HARK HARKD
. "$(dirname "$0")/lib.sh"
daemon_init "$@"
command -v prlimit >/dev/null || {
	echo "skipped: no prlimit (util-linux)"
	exit 77
}
N=150
LIMIT=1048576 # bytes; the WAL of the $N articles below outgrows it
DB=$T/state/hark.db

# harkd through prlimit, which execs it: the same pid, a soft limit
# (raised later without privileges), the hard one left as it was
REAL=$HARKD
HARKD=$T/harkd-limited
printf '#!/bin/sh\nexec prlimit --fsize=%s: "%s" "$@"\n' "$LIMIT" "$REAL" >"$HARKD"
chmod +x "$HARKD"

printf '[rule tice]\nquery = "Austin Tice"\n' >"$T/w.rules"
write_conf
# the index takes each commit at once: its batches write past the limit too
HARK_INDEX_DELAY_MS=0
export HARK_INDEX_DELAY_MS
start_harkd
expect_eq "$(prlimit --pid "$HPID" --fsize --noheadings --output SOFT --raw 2>&1)" "$LIMIT" \
	"harkd runs under the limit (the test's premise)"

# $N articles of about 3 KB, each its own words: some 2 MB of WAL in all
mkdir "$T/g"
awk -v n="$N" -v d="$T/g" 'BEGIN {
	srand(7)
	for (i = 1; i <= n; i++) {
		f = sprintf("%s/a%03d.txt", d, i)
		printf "Report %d\n\nAustin Tice, report %d:", i, i > f
		for (k = 0; k < 400; k++)
			printf " w%d", int(rand() * 1000000) > f
		print "." > f
		close(f)
	}
}'
ingest "$T"/g/*.txt
wait_for "$LOG" "reached harkd's file size limit, $LIMIT bytes" 20 && ok ||
	bad "no line names the file size limit: $(grep -E 'error|warning' "$LOG" | head -3)"
kill -0 "$HPID" 2>/dev/null && ok || {
	wait "$HPID"
	bad "harkd died at the limit (exit status $?)"
	HPID=
	finish
}
stored=$(count "$LOG" "article a_")
[ "$stored" -lt "$N" ] && ok || bad "every article stored under the limit: the test's premise fails"
expect_eq "$(files "$T/spool/incoming")" "$((N - stored))" "the files not stored wait in incoming/"

prlimit --pid "$HPID" --fsize=unlimited: || bad "prlimit could not raise harkd's limit"
wait_until "[ \$(files '$T/spool/incoming') -eq 0 ]" 20 || bad "incoming/ not emptied once the limit was raised"
wait_for "$LOG" "database writable again after" 10 && ok || bad "no line says the database is writable again"
expect_eq "$(status_of articles)" "$N" "every article stored once"
expect_eq "$(status_of hits)" "$N" "every hit stored once"
expect_eq "$(files "$T/spool/done")" "$N" "every file in done/"
expect_eq "$(backtest_pairs | grep -c ' tice$')" "$N" "hark backtest finds every article"
if command -v sqlite3 >/dev/null; then
	wait_until "[ \"\$(sqlite3 '$DB' \"SELECT value FROM store_meta WHERE key = 'fts_through'\")\" = $N ]" 20 &&
		ok || bad "the full-text index did not catch up: $(sqlite3 "$DB" "SELECT value FROM store_meta WHERE key = 'fts_through'")"
fi
stop_harkd
expect_eq "$HSTATUS" 0 "exit status after SIGTERM"
if command -v sqlite3 >/dev/null; then
	expect_eq "$(sqlite3 "$DB" 'PRAGMA integrity_check')" ok "PRAGMA integrity_check"
	expect_eq "$(sqlite3 "$DB" "INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 0)" 2>&1)" "" \
		"the full-text index's integrity-check"
fi
finish
