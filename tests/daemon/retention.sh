#!/bin/sh
# Retention (README "Retention and backup"): hark prune --dry-run says what
# would go and removes nothing; hark prune removes the texts of old articles
# (their FTS5 entries too: backtest finds no candidate) while their hits,
# titles and fingerprints stay (hark hits, deduplication), and the old files
# of failed/; harkd's own pass after its start removes old hits and done/
# files. Time passes by HARK_TEST_CLOCK_SKEW. Usage: retention.sh HARK HARKD
. "$(dirname "$0")/lib.sh"
daemon_init "$@"
S=$T/spool

cat >"$T/w.rules" <<'R'
[rule tice]
query = "Austin Tice"
R
write_conf "keep_articles = 1d" "keep_hits = 30d" "keep_done = 2d" "keep_failed = 1d"
unset HARK_TEST_CLOCK_SKEW

for i in 1 2 3; do
	printf 'Title %s\n\nAustin Tice was seen near zorblax%s, the paper says.\n' $i $i >"$T/a$i.txt"
done
printf 'not\000text' >"$T/bad.txt"

start_harkd
ingest "$T/a1.txt" "$T/a2.txt" "$T/a3.txt" "$T/bad.txt"
wait_until '[ "$(status_of articles)" = 3 ] && [ "$(files "$S/done")" = 3 ] && [ "$(files "$S/failed")" = 2 ]' 20 ||
	bad "3 articles stored, 1 file failed: articles $(status_of articles), done/ $(files "$S/done"), failed/ $(files "$S/failed")"

# backtest's candidates come from the FTS5 index
candidates() {
	"$HARK" -c "$T/hark.conf" backtest -q >/dev/null 2>&1
	"$HARK" -c "$T/hark.conf" backtest 2>&1 >/dev/null | sed -n 's/.*candidates \([0-9]*\),.*/\1/p'
}
expect_eq "$(candidates)" 3 "before pruning, the index finds the 3 articles"

# --- nothing is old yet
hk prune --dry-run || bad "hark prune --dry-run: status $?: $(cat "$T/err")"
grep -q 'texts of articles 0 ' "$T/out" && ok || bad "dry run now: $(cat "$T/out")"

# --- two days and an hour later, dry: everything would go, nothing does
HARK_TEST_CLOCK_SKEW=180000 "$HARK" -c "$T/hark.conf" prune --dry-run >"$T/out" 2>"$T/err" ||
	bad "hark prune --dry-run (2d later): $(cat "$T/err")"
grep -q '^would remove:' "$T/out" && ok || bad "dry run says 'would remove': $(cat "$T/out")"
grep -q 'texts of articles 3 ' "$T/out" && ok || bad "dry run: 3 texts: $(cat "$T/out")"
grep -q 'files of done/    3 ' "$T/out" && ok || bad "dry run: 3 files of done/: $(cat "$T/out")"
grep -q 'files of failed/  2 ' "$T/out" && ok || bad "dry run: 2 files of failed/: $(cat "$T/out")"
grep -q 'hits              0 ' "$T/out" && ok || bad "dry run: hits kept: $(cat "$T/out")"
expect_eq "$(files "$S/done")/$(files "$S/failed")" 3/2 "a dry run removes no file"
expect_eq "$(candidates)" 3 "a dry run removes no text"

# /try and q= say how far back the archive's text reaches
has_curl() { command -v curl >/dev/null; }
if has_curl; then
	stop_harkd
	printf '[http]\nlisten = 127.0.0.1:0\n' >>"$T/hark.conf"
	start_harkd
	URL=$(cut -d' ' -f1 "$T/state/harkd.http")
	curl -s -H 'Content-Type: application/json' --data '{"query": "zorblax1"}' \
		"${URL%/}/api/v1/try" >"$T/try.json"
	grep -q '"archive_from": *"20[0-9-]*T[0-9:]*Z"' "$T/try.json" && ok ||
		bad "/api/v1/try says archive_from: $(cat "$T/try.json")"
fi

# --- a day and a bit later: the texts and failed/ go, done/ (2d) stays
HARK_TEST_CLOCK_SKEW=100000 "$HARK" -c "$T/hark.conf" prune >"$T/out" 2>"$T/err" ||
	bad "hark prune: $(cat "$T/err")"
grep -q '^removed:' "$T/out" && ok || bad "prune says 'removed': $(cat "$T/out")"
grep -q 'texts of articles 3 ' "$T/out" && ok || bad "prune: 3 texts: $(cat "$T/out")"
expect_eq "$(files "$S/failed")" 0 "failed/ emptied past keep_failed"
expect_eq "$(files "$S/done")" 3 "done/ kept within keep_done"
expect_eq "$(candidates)" 0 "the pruned articles' FTS5 entries are gone"
"$HARK" -c "$T/hark.conf" backtest 2>&1 >/dev/null | grep -q 'no article keeps its text' && ok ||
	bad "backtest says the archive holds no text"
if has_curl; then
	curl -s -H 'Content-Type: application/json' --data '{"query": "zorblax1"}' \
		"${URL%/}/api/v1/try" >"$T/try.json"
	grep -q '"archive_from": *null' "$T/try.json" && ok ||
		bad "/api/v1/try after pruning: archive_from null: $(cat "$T/try.json")"
	grep -q '"hits": *\[\]' "$T/try.json" && ok || bad "/try finds no pruned text: $(cat "$T/try.json")"
fi
expect_eq "$(status_of articles)" 3 "the articles' rows stay"
expect_eq "$("$HARK" -c "$T/hark.conf" hits | grep -c '\[Austin Tice\] was seen near zorblax')" 3 \
	"the hits keep their snippets"
id=$("$HARK" -c "$T/hark.conf" hits --json | sed -n 's/.*"article":{"id":"\(a_[0-9a-f]*\)".*/\1/p' | head -1)
[ -n "$id" ] || id=$("$HARK" -c "$T/hark.conf" hits --json | grep -o 'a_[0-9a-f]\{16\}' | head -1)
hk article "$id" && grep -q 'Title' "$T/out" && ok || bad "hark article $id after pruning: $(cat "$T/err")"
# the pruned text is said to be gone, not shown as an empty body
grep -q '^(the text was removed by retention (keep_articles); the article was stored on .*; the hits keep their snippets)$' "$T/out" &&
	ok || bad "hark article says the text was removed: $(cat "$T/out")"
if has_curl; then
	curl -s "${URL%/}/articles/$id" >"$T/page.html"
	grep -q 'role="status">The text was removed by retention (keep_articles); the article was stored on <time datetime="20' "$T/page.html" &&
		ok || bad "/articles/$id says the text was removed: $(cat "$T/page.html")"
	curl -s "${URL%/}/api/v1/articles/$id" >"$T/article.json"
	grep -q '"text_pruned": *true' "$T/article.json" && ok ||
		bad "/api/v1/articles/$id: text_pruned: $(cat "$T/article.json")"
fi
# the same content again: a duplicate still (content hash and URL stay)
cp "$T/a1.txt" "$T/again.txt"
ingest "$T/again.txt"
wait_until '[ "$(files "$S/done")" = 4 ]' 20 || bad "again.txt reaches done/"
expect_eq "$(status_of articles)" 3 "an article pruned of its text is still a duplicate"
expect_eq "$("$HARK" -c "$T/hark.conf" hits | wc -l | tr -d ' ')" 3 "no new hit for the duplicate"
# pruning again finds nothing
HARK_TEST_CLOCK_SKEW=100000 "$HARK" -c "$T/hark.conf" prune >"$T/out" 2>"$T/err"
grep -q 'texts of articles 0 ' "$T/out" && ok || bad "a second prune: nothing: $(cat "$T/out")"
# --vacuum rewrites the whole database: refused while harkd runs on it
hk prune --vacuum
expect_eq "$?" 2 "hark prune --vacuum with harkd running exits 2"
grep -q 'prune: --vacuum: harkd (pid [0-9]*) runs on .*: stop it first' "$T/err" && ok ||
	bad "--vacuum names the running harkd: $(cat "$T/out" "$T/err")"
grep -q 'rewritten' "$T/out" && bad "--vacuum rewrote the database under harkd" || ok

# --- harkd's own pass, 31 days on: the hits (30d) and done/ (2d) go
stop_harkd
HARK_TEST_CLOCK_SKEW=$((31 * 86400))
export HARK_TEST_CLOCK_SKEW
start_harkd
unset HARK_TEST_CLOCK_SKEW
wait_for "$LOG" 'retention: ' 20 || bad "harkd's pass after its start"
grep -q 'retention: texts of articles 0, hits 3, files of done/ 4, of failed/ 0 removed' "$LOG" && ok ||
	bad "harkd's pass: $(grep 'retention:' "$LOG")"
expect_eq "$("$HARK" -c "$T/hark.conf" hits | wc -l | tr -d ' ')" 0 "hits past keep_hits are gone"
expect_eq "$(files "$S/done")" 0 "done/ past keep_done is empty"
expect_eq "$(status_of articles)" 3 "the articles' rows stay"
# harkd still ingests after its pass
printf 'Fresh\n\nAustin Tice again, in a new story.\n' >"$T/fresh.txt"
ingest "$T/fresh.txt"
wait_until '[ "$(status_of articles)" = 4 ]' 20 || bad "an article after the pass is stored"
stop_harkd
expect_eq "$HSTATUS" 0 "harkd exits 0"
# a rewrite with auto_vacuum = INCREMENTAL, harkd stopped; harkd starts on it
hk prune --vacuum && grep -q 'rewritten with auto_vacuum = INCREMENTAL' "$T/out" && ok ||
	bad "hark prune --vacuum: $(cat "$T/out" "$T/err")"
start_harkd
expect_eq "$(status_of articles)" 4 "harkd starts on the rewritten database"
stop_harkd
finish
