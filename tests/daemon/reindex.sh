#!/bin/sh
# The full-text index (FTS5: hark backtest, /try) follows the folds: an
# archive whose index was made by an older hark, with other folds, is
# re-indexed when harkd starts (store_meta norm_version differs from
# NORM_VERSION), and backtest then finds its articles with the new folds.
# Usage: reindex.sh HARK HARKD
. "$(dirname "$0")/lib.sh"
daemon_init "$@"
command -v sqlite3 >/dev/null || {
	echo "reindex.sh: no sqlite3 command: skipped"
	exit 77
}
DB=$T/state/hark.db

cat >"$T/w.rules" <<'R'
[rule aliyev]
query = Aliyev
R
write_conf
start_harkd
printf 'Talks in Baku\n\nIlham \311\231liyev received the delegation on Monday.\n' >"$T/az.txt"
ingest "$T/az.txt"
wait_for "$LOG" "hit rule=aliyev" 10 && ok || bad "Əliyev hits the rule Aliyev"
stop_harkd

# The archive as a hark with the old folds left it: the index holds
# "əliyev" for every article (fts_through: the last one), and the database
# no normalization version.
sqlite3 "$DB" "INSERT INTO articles_fts(articles_fts) VALUES('delete-all');
INSERT INTO articles_fts(rowid, keys) SELECT seq,
 'talks in baku ilham $(printf '\311\231')liyev received the delegation on monday' FROM articles;
INSERT OR REPLACE INTO store_meta (key, value) SELECT 'fts_through', max(seq) FROM articles;" ||
	bad "sqlite3 could not write the old index"
sqlite3 "$DB" "DELETE FROM store_meta WHERE key = 'norm_version'" 2>/dev/null
backtest_pairs >"$T/bt"
expect_eq "$(cat "$T/bt")" "" "the old index hides the article from backtest (the test's premise)"

start_harkd
wait_for "$LOG" "full-text index rebuilt" 20 && ok || bad "no 'full-text index rebuilt' line"
backtest_pairs >"$T/bt"
expect_eq "$(cat "$T/bt")" "az.txt aliyev" "backtest finds Əliyev by Aliyev after the re-index"
expect_eq "$(sqlite3 "$DB" "SELECT value FROM store_meta WHERE key = 'norm_version'" 2>&1)" \
	"$(sed -n 's/^#define NORM_VERSION \([0-9]*\).*/\1/p' "$(dirname "$0")/../../daemon/core/token.h")" \
	"the database records the normalization version"
stop_harkd
expect_eq "$HSTATUS" 0 "harkd exit status"

# Started again with the same folds: nothing to re-index.
start_harkd
stop_harkd
expect_eq "$(count "$LOG" 'full-text index rebuilt')" 1 "no second re-index"
finish
