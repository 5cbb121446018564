#!/bin/sh
# Agreement with other feed readers' parser tests: every case of
# agreement/cases.tsv is one assertion of miniflux's or gofeed's test suite
# (the input turned into a fixture under agreement/, the expected value as
# their test states it), checked against `hark feed --json`.
#
# cases.tsv, tab-separated: PROJECT FIXTURE PATH EXPECTED [NOTE]
#   PATH      as tests/feeds/jpath.c reads it (entries[0].title, entries#...)
#   EXPECTED  the value, (absent) when the field must not be there, or
#             (present) when it must be there whatever its value
#   NOTE      "differs: REASON" when hark deliberately reads it otherwise
#
# Usage: agreement.sh HARK JPATH            check: fails when a case not marked
#                                            "differs" disagrees, or a marked one agrees
#        agreement.sh --report HARK JPATH   list every disagreement, never fail
# Both print the totals per project.
report=0
[ "$1" = "--report" ] && { report=1; shift; }
[ $# -eq 2 ] && [ -x "$1" ] && [ -x "$2" ] || {
	echo "usage: $0 [--report] HARK JPATH" >&2
	exit 2
}
HARK=$1 JPATH=$2
D=$(cd "$(dirname "$0")" && pwd)/agreement
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
tab=$(printf '\t')
bad=0
: >"$T/tally"

while IFS="$tab" read -r proj fix path want note; do
	case $proj in '#'* | '') continue ;; esac
	out=$T/$(printf '%s' "$fix" | tr '/' '_').json
	if [ ! -f "$out" ]; then
		if ! "$HARK" feed --json "$D/$fix" >"$out" 2>"$T/err"; then
			echo '{}' >"$out" # a feed hark refuses agrees with nothing
			echo "note: $fix: hark feed: $(head -1 "$T/err")"
		fi
	fi
	got=$("$JPATH" "$out" "$path") || got="(absent)"
	if [ "$got" = "$want" ] || { [ "$want" = "(present)" ] && [ "$got" != "(absent)" ]; }; then
		agree=1
	else
		agree=0
	fi
	printf '%s %s\n' "$proj" "$agree" >>"$T/tally"
	case $note in
	differs:*)
		if [ $agree -eq 1 ] && [ $report -eq 0 ]; then
			echo "NOW AGREES (remove its 'differs' note): $fix $path = $want"
			bad=$((bad + 1))
		fi
		;;
	*)
		if [ $agree -eq 0 ] && [ $report -eq 0 ]; then
			echo "DISAGREES: $fix $path: $proj expects '$want', hark gives '$got'"
			bad=$((bad + 1))
		fi
		;;
	esac
	if [ $agree -eq 0 ] && [ $report -eq 1 ]; then
		echo "$fix $path: $proj '$want', hark '$got'${note:+ ($note)}"
	fi
done <"$D/cases.tsv"

total_a=0 total_n=0
for p in $(cut -d' ' -f1 "$T/tally" | sort -u); do
	n=$(grep -c "^$p " "$T/tally")
	a=$(grep -c "^$p 1\$" "$T/tally")
	echo "$p: hark agrees on $a of $n assertions"
	total_a=$((total_a + a)) total_n=$((total_n + n))
done
echo "all: hark agrees on $total_a of $total_n assertions"
[ $report -eq 1 ] && exit 0
[ $bad -eq 0 ] || echo "$bad case(s) changed: fix hark, or mark the case 'differs: REASON' in cases.tsv and README.md"
[ $bad -eq 0 ]
