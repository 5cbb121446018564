#!/bin/sh
# The reference watchlist on the shared seed articles must agree with
# expected.tsv, row by row. The seeds are other people's articles: they stay in
# ../shared/seeds and are never copied here. Usage: run.sh HARK [SEEDS_DIR]
HARK=$1
SEEDS=${2:-$(dirname "$0")/../../../shared/seeds}
[ -x "$HARK" ] || { echo "usage: $0 HARK [SEEDS]" >&2; exit 2; }
if [ ! -f "$SEEDS/expected.tsv" ]; then
	echo "seeds not found at $SEEDS: skipped"
	exit 77
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
for seed in "$SEEDS"/0*.txt; do
	base=$(basename "$seed")
	"$HARK" match --json -r "$SEEDS/watchlist.rules" "$seed" >"$T/out" 2>"$T/err"
	st=$?
	if [ $st -gt 1 ]; then
		echo "FAIL: $base: exit $st"; cat "$T/err"; fail=$((fail + 1)); continue
	fi
	sed -n 's/.*"rule":{"id":"\([^"]*\)".*/\1/p' "$T/out" | sort -u >"$T/hits"
	awk -F'\t' -v f="$base" '$1 == f { print $2 "\t" $3 }' "$SEEDS/expected.tsv" >"$T/rows"
	while IFS="$(printf '\t')" read -r rule want; do
		if grep -qx "$rule" "$T/hits"; then got=1; else got=0; fi
		if [ "$got" = "$want" ]; then
			pass=$((pass + 1))
		else
			fail=$((fail + 1))
			echo "FAIL: $base $rule: got $got, expected $want"
		fi
	done <"$T/rows"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
