#!/bin/sh
# The shared seed articles through harkd with the reference watchlist: the
# stored hits agree with every row of expected.tsv and with hark match, each
# article is stored once, every file ends in done/. The seeds stay in
# ../shared/seeds (skipped, status 77, when absent).
# Usage: seeds.sh HARK HARKD [DBLOCK [SEEDS_DIR]]
. "$(dirname "$0")/lib.sh"
SEEDS=${4:-$(dirname "$0")/../../../shared/seeds}
if [ ! -f "$SEEDS/expected.tsv" ]; then
	echo "seeds not found at $SEEDS: skipped"
	exit 77
fi
daemon_init "$@"
SEEDS=$(cd -P "$SEEDS" && pwd)
LC_COLLATE=C
export LC_COLLATE # sort and comm agree

printf '[hark]\nstate_dir = state\nspool_dir = spool\nrules = %s/watchlist.rules\n' "$SEEDS" >"$T/hark.conf"
start_harkd
n=0
for seed in "$SEEDS"/0*.txt; do
	ingest "$seed"
	n=$((n + 1))
done
[ "$n" -gt 0 ] && ok || bad "no seed article in $SEEDS"
wait_for "$LOG" "article a_" 20 "$n" || bad "$n article lines"
wait_until "[ \$(files '$T/spool/incoming') -eq 0 ]" 10 || bad "incoming/ not empty"
stop_harkd
expect_eq "$HSTATUS" 0 "exit status after SIGTERM"

for seed in "$SEEDS"/0*.txt; do
	base=$(basename "$seed")
	[ -f "$T/spool/done/$base" ] && ok || bad "$base not in done/"
	expect_eq "$(count "$LOG" "file=$base ")" 1 "$base stored once"
done
expect_eq "$(files "$T/spool/failed")" 0 "nothing failed"
expect_eq "$(status_of articles)" "$n" "articles"

hit_pairs | sort >"$T/stored"
expect_eq "$(sort -u "$T/stored" | wc -l | tr -d ' ')" "$(wc -l <"$T/stored" | tr -d ' ')" "each hit stored once"
# every row of expected.tsv
tab=$(printf '\t')
while IFS="$tab" read -r file rule want; do
	case $file in "#"* | "") continue ;; esac
	if grep -qx "$file $rule" "$T/stored"; then got=1; else got=0; fi
	expect_eq "$got" "$want" "$file $rule"
done <"$SEEDS/expected.tsv"
# and exactly what hark match finds (expected.tsv does not list every pair)
"$HARK" match --json -r "$SEEDS/watchlist.rules" "$SEEDS"/0*.txt 2>"$T/match.err" |
	sed -n 's/.*"rule":{"id":"\([^"]*\)".*"file":"[^"]*\/\([^"\/]*\)".*/\2 \1/p' | sort -u >"$T/match"
if cmp -s "$T/stored" "$T/match"; then ok; else
	bad "stored hits differ from hark match (< match, > stored)"
	diff "$T/match" "$T/stored"
fi
finish
