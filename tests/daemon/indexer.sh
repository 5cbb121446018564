#!/bin/sh
# The full-text index follows intake (indexer.h): an article and its hits are
# committed without its index keys, which harkd adds about a second later.
# Meanwhile hark backtest finds the article all the same (it reads the
# articles after the index's watermark, store_meta fts_through); a crash
# before the index caught up leaves the rest to the next start. An article
# whose text retention removed is searched no more, indexed or not.
# Usage: indexer.sh HARK HARKD
. "$(dirname "$0")/lib.sh"
daemon_init "$@"
command -v sqlite3 >/dev/null || {
	echo "indexer.sh: no sqlite3 command: skipped"
	exit 77
}
DB=$T/state/hark.db

# through: the last article the index has; newest: the last article stored
through() { sqlite3 "$DB" "SELECT value FROM store_meta WHERE key = 'fts_through'"; }
newest() { sqlite3 "$DB" "SELECT max(seq) FROM articles"; }
# in_index WORD: the articles the index itself gives for WORD
in_index() { sqlite3 "$DB" "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH '$1'"; }

cat >"$T/w.rules" <<'R'
[rule mirzoyan]
query = Mirzoyan
[rule okafor]
query = Okafor
R
write_conf
# the index held back: what is stored is not in it, deterministically
HARK_INDEX_DELAY_MS=3600000
export HARK_INDEX_DELAY_MS
start_harkd
printf 'Talks in Yerevan\n\nAra Mirzoyan met the delegation on Monday.\n' >"$T/a1.txt"
ingest "$T/a1.txt"
wait_for "$LOG" "hit rule=mirzoyan" 10 && ok || bad "no hit for a1"
# stored and alerted, not in the index: backtest finds it all the same
expect_eq "$(in_index mirzoyan)" 0 "the index waits"
expect_eq "$(through)" 0 "the index's watermark before the article"
expect_eq "$(backtest_pairs)" "a1.txt mirzoyan" "backtest finds the article not yet indexed"
# a crash before the index caught up: the next start indexes what is left
kill_harkd
unset HARK_INDEX_DELAY_MS
start_harkd
wait_until '[ "$(through)" = "$(newest)" ]' 10 && ok ||
	bad "the index did not catch up after the crash: $(through) of $(newest)"
expect_eq "$(in_index mirzoyan)" 1 "the index has the article after the restart"
expect_eq "$(backtest_pairs)" "a1.txt mirzoyan" "backtest finds it through the index"

# the default: the index follows a commit within about a second
printf 'Lagos\n\nChidi Okafor spoke to reporters.\n' >"$T/a2.txt"
ingest "$T/a2.txt"
wait_for "$LOG" "hit rule=okafor" 10 && ok || bad "no hit for a2"
wait_until '[ "$(in_index okafor)" = 1 ]' 10 && ok || bad "the index did not take a2"
expect_eq "$(through)" "$(newest)" "the index caught up"
expect_eq "$(backtest_pairs)" "a1.txt mirzoyan
a2.txt okafor" "backtest finds both"
stop_harkd
expect_eq "$HSTATUS" 0 "harkd exit status"

# a delay that is no number of milliseconds: said, and the default kept
HARK_INDEX_DELAY_MS=soon start_harkd
grep -qF "HARK_INDEX_DELAY_MS=soon is not a number of milliseconds (0-3600000): using 1000" "$LOG" &&
	ok || bad "a bad HARK_INDEX_DELAY_MS said: $(grep -F HARK_INDEX "$LOG")"
stop_harkd

# an article whose text retention removed before the index reached it: not
# searched (its title alone hits), as those the index forgot when pruned
write_conf "keep_articles = 1d"
HARK_INDEX_DELAY_MS=3600000 HARK_TEST_CLOCK_SKEW=$((3 * 86400)) start_harkd
printf 'Okafor in Abuja\n\nThe minister spoke on Tuesday.\n' >"$T/a3.txt"
ingest "$T/a3.txt"
wait_for "$LOG" "file=a3.txt" 10 && ok || bad "a3 stored"
wait_for "$LOG" "retention: texts of articles 3," 10 && ok || bad "the retention pass: $(grep -F retention "$LOG")"
expect_eq "$(sqlite3 "$DB" "SELECT body IS NULL AND seq > $(through) FROM articles WHERE file = 'a3.txt'")" 1 \
	"a3's text pruned before the index reached it (the test's premise)"
expect_eq "$(backtest_pairs)" "" "backtest searches no article without its text"
"$HARK" -c "$T/hark.conf" backtest 2>&1 >/dev/null | grep -qF 'candidates 0,' && ok ||
	bad "a3 a candidate: $("$HARK" -c "$T/hark.conf" backtest 2>&1 >/dev/null)"
stop_harkd
finish
