#!/usr/bin/env bash
# hark match end to end, as a user runs it, next to ripgrep on the same
# files; then the cost of each stage of its path per article. Prints a
# Markdown section (tests/bench/run.sh puts it in BENCHMARKS.md); progress
# goes to stderr. Needs the bench data (bench_gen) in BUILD/bench-data.
#
#   tests/bench/e2e.sh BUILD
#
# Environment: HARK_BENCH_ROUNDS (best of, default 3), HARK_BENCH_NO_RG=1.
BUILD=${1:?usage: tests/bench/e2e.sh BUILD}
BUILD=$(cd "$BUILD" && pwd) || exit 1
DATA=$BUILD/bench-data
CORPUS=$DATA/corpus
ROUNDS=${HARK_BENCH_ROUNDS:-3}
for f in "$BUILD/hark" "$BUILD/bench_stages" "$DATA/rules-100.rules" "$DATA/rules-100000.rules" \
	"$DATA/names-10000.txt"; do
	[ -e "$f" ] || { echo "e2e.sh: $f missing (run make bench)" >&2; exit 1; }
done
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# the compiled rule cache in a directory of this run, not the user's: the
# first round compiles and writes it, the others load it (best of: warm)
export HARK_CACHE_DIR="$T/cache"
calc() { awk "BEGIN { printf \"%s\", ($1) }"; }
now_ns() { date +%s%N; }
mb=$(du -sb --apparent-size "$CORPUS" | awk '{ printf "%.1f", $1 / 1e6 }')
load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo "?")

# cpu_s: the user + system CPU seconds of this shell's children so far, in
# $T/cpu (not called in $(...): times would count a subshell's children).
# bash's times reads getrusage, to the millisecond; dash's, times(2), in
# clock ticks of 10 ms: 2 % of a 0.5 s run, a fifth of the 10 % measured.
cpu_s() {
	times >"$T/times"
	sed -n 2p "$T/times" | awk '{ split($1, u, /[ms]/); split($2, s, /[ms]/);
		printf "%.3f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }' >"$T/cpu"
}
# once OUT CMD...: one run; the least wall-clock seconds so far into OUT,
# the least CPU seconds so far into OUT.cpu, its standard output in OUT.out
once() {
	out=$1
	shift
	cpu_s
	c0=$(cat "$T/cpu")
	s=$(now_ns)
	"$@" >"$out.out" 2>/dev/null
	e=$(now_ns)
	cpu_s
	c1=$(cat "$T/cpu")
	t=$((e - s))
	c=$(calc "$c1 - $c0")
	if [ ! -s "$out.ns" ] || [ $t -lt "$(cat "$out.ns")" ]; then echo $t >"$out.ns"; fi
	if [ ! -s "$out.cpu" ] || [ "$(calc "$c < $(cat "$out.cpu") ? 1 : 0")" = 1 ]; then
		echo "$c" >"$out.cpu"
	fi
	calc "$(cat "$out.ns") / 1e9" >"$out"
}

# best OUT CMD...: ROUNDS runs in a row (once)
best() {
	out=$1
	shift
	for _ in $(seq "$ROUNDS"); do
		once "$out" "$@"
	done
}
mbps() { calc "$mb / $(cat "$1")" | awk '{ printf "%.1f", $1 }'; }
# MB per CPU-second: what one core does, whatever else runs on the machine
mbpc() { calc "$mb / $(cat "$1.cpu")" | awk '{ printf "%.1f", $1 }'; }

# the four commands in turn, round after round: a load that comes or goes
# while the script runs falls on each alike (100 against 100,000 rules is
# a ratio of two of them)
for r in $(seq "$ROUNDS"); do
	for n in 100 100000; do
		for j in 1 2; do
			echo "e2e.sh: round $r, hark match -j $j, rules-$n" >&2
			once "$T/h$j-$n" "$BUILD/hark" match -j "$j" --color=never -r "$DATA/rules-$n.rules" "$CORPUS"
		done
	done
done
for n in 100 100000; do
	cmp -s "$T/h1-$n.out" "$T/h2-$n.out" && echo identical >"$T/same-$n" || echo "**DIFFER**" >"$T/same-$n"
done
RG="-F -i -w --no-ignore --regex-size-limit 1G --dfa-size-limit 1G --count-matches"
for j in 1 2; do
	if [ -z "${HARK_BENCH_NO_RG:-}" ] && command -v rg >/dev/null 2>&1; then
		echo "e2e.sh: rg -j $j, names-10000" >&2
		# shellcheck disable=SC2086 # RG is a list of options
		best "$T/rg$j" rg $RG -j "$j" -f "$DATA/names-10000.txt" "$CORPUS"
	fi
done
echo "e2e.sh: bench_stages" >&2
"$BUILD/bench_stages" "$CORPUS" "$DATA/rules-100.rules" "$DATA/rules-100000.rules" >"$T/stages" || exit 1

hits() { wc -l <"$1.out" | tr -d ' '; }
rg_row() {
	if [ -s "$T/rg$1" ]; then
		echo "| \`rg -F -i -w -j $1 -f names-10000.txt\` | 10,000 names | $(mbps "$T/rg$1") | $(mbpc "$T/rg$1") | $(awk -F: '{ s += $NF } END { print s + 0 }' "$T/rg$1.out") occurrences | - |"
	else
		echo "| \`rg -F -i -w -j $1\` | 10,000 names | not run | - | - | - |"
	fi
}
stage() { sed -n "s/^stage=$1 us_per_article=//p" "$T/stages"; }
stage_rules() { sed -n "s/^stage=match rules=rules-$1.rules us_per_article=//p" "$T/stages"; }
need() { sed -n "s/^need rules=rules-$1.rules articles=\([0-9]*\) with_hit=\([0-9]*\)/\2 of \1/p" "$T/stages"; }
# bench_stages at c592096, before issue 16 (see the table's text)
B_READ=8.0 B_CHARSET=15.4 B_EXTRACT=35.8 B_LANG=97.1 B_FP=30.7 B_M100=14.9 B_M100K=21.4
paid_before() { calc "$B_READ + $B_CHARSET + $B_EXTRACT + $B_LANG + $B_FP + $1" | awk '{ printf "%.1f", $1 }'; }
# paid_now RULES JSON: the stages' sum, the language times the share that
# needs it (with JSON, the articles with a hit; without, none)
paid_now() {
	na=$(sed -n "s/^need rules=rules-$1.rules articles=\([0-9]*\) .*/\1/p" "$T/stages")
	nh=$(sed -n "s/^need rules=rules-$1.rules .* with_hit=\([0-9]*\)/\1/p" "$T/stages")
	calc "$(stage read) + $(stage charset) + $(stage extract) + $(stage language) * $nh * $2 / $na + $(stage_rules "$1")" |
		awk '{ printf "%.1f", $1 }'
}
r100=$(mbps "$T/h1-100")
r100k=$(mbps "$T/h1-100000")
yesno() { if [ "$(calc "($1) ? 1 : 0")" = 1 ]; then echo "yes"; else echo "**NO**"; fi; }

cat <<EOF
## End to end: \`hark match\`

$(date '+%Y-%m-%d %H:%M %Z'), load average $load when it began, $(nproc) CPUs; the
corpus above ($mb MB, $(find "$CORPUS" -type f | wc -l | tr -d ' ') files in one directory) from the
page cache. Wall clock of the whole command (process start, rule compile,
directory walk, read, charset, extraction, language where needed, matching,
printing), best of $ROUNDS, the four run in turn round after round; MB/s
= corpus MB / seconds. ripgrep with
10,000 of the names in the same run, as the outside reference. On a shared
machine (load well above 0) the wall clock, and -j 2 most, come out low:
*MB per CPU-second* (corpus MB / user + system seconds of all threads,
least of the runs) says what a core does whatever else runs beside.

| command | rules | MB/s | MB per CPU-s | hits | -j 2 output |
|---|---:|---:|---:|---:|---|
| \`hark match -j 1 -r rules-100.rules corpus/\` | 100 | $r100 | $(mbpc "$T/h1-100") | $(hits "$T/h1-100") | $(cat "$T/same-100") |
| \`hark match -j 2 -r rules-100.rules corpus/\` | 100 | $(mbps "$T/h2-100") | $(mbpc "$T/h2-100") | $(hits "$T/h2-100") | |
| \`hark match -j 1 -r rules-100000.rules corpus/\` | 100,000 | $r100k | $(mbpc "$T/h1-100000") | $(hits "$T/h1-100000") | $(cat "$T/same-100000") |
| \`hark match -j 2 -r rules-100000.rules corpus/\` | 100,000 | $(mbps "$T/h2-100000") | $(mbpc "$T/h2-100000") | $(hits "$T/h2-100000") | |
$(rg_row 1)
$(rg_row 2)

| target (issue 16) | figure | holds |
|---|---|---|
| -j 1, 100,000 rules ≥ 60 MB/s | $r100k MB/s ($(mbpc "$T/h1-100000") MB per CPU-s) | $(yesno "$r100k >= 60") |
| -j 2, 100,000 rules ≥ 110 MB/s | $(mbps "$T/h2-100000") MB/s | $(yesno "$(mbps "$T/h2-100000") >= 110") |
| 100,000 rules cost ≤ 10 % more than 100 (-j 1, CPU; compile included) | $(calc "$(cat "$T/h1-100000.cpu") / $(cat "$T/h1-100.cpu") * 100 - 100" | awk '{ printf "%+.0f %%", $1 }') | $(yesno "$(cat "$T/h1-100000.cpu") <= 1.1 * $(cat "$T/h1-100.cpu")") |

Per stage, µs of CPU per article (about 4 KB; \`bench_stages corpus/
rules-100.rules rules-100000.rules\`: the thread's CPU time, best of 3 passes,
which other processes change little). *Before* is the same program built
at c592096 (before issue 16; the better of two runs on 2026-12-06 20:03
UTC, load 5.6, run in turn with this program at the issue's tree), where
extraction identified every article's language on up to 4 KB and made its
SimHash; *now* \`hark match\` identifies the language, on the first
1 KB, only of the articles a rule naming languages needs it for (none of
the bench rules does) or, with \`--json\`, of those with a hit (the hit
object names it), and makes no SimHash (harkd and \`hark extract\` do).

| stage | before µs | now µs |
|---|---:|---:|
| read (open, read, close) | $B_READ | $(stage read) |
| charset (sniff, to UTF-8) | $B_CHARSET | $(stage charset) |
| extract (format, fields, document)† | $B_EXTRACT | $(stage extract) |
| language (CLD2), where needed | $B_LANG | $(stage language) |
| fingerprint (SimHash), where needed | $B_FP | $(stage fingerprint) |
| match, 100 rules | $B_M100 | $(stage_rules 100) |
| match, 100,000 rules | $B_M100K | $(stage_rules 100000) |
| articles whose language \`hark match\` needs (text lines) | all | none |
| articles whose language \`hark match --json\` needs, 100 rules | all | $(need 100) |
| articles whose language \`hark match --json\` needs, 100,000 rules | all | $(need 100000) |
| SimHash in \`hark match\` | every article | none |
| **per article as \`hark match\` pays it, 100 rules** | $(paid_before "$B_M100") | $(paid_now 100 0) |
| **the same, 100,000 rules** | $(paid_before "$B_M100K") | $(paid_now 100000 0) |
| **per article as \`hark match --json\` pays it, 100 rules** | $(paid_before "$B_M100") | $(paid_now 100 1) |
| **the same, 100,000 rules** | $(paid_before "$B_M100K") | $(paid_now 100000 1) |

† Before, extraction's own time is extract_bytes() less the charset,
language and fingerprint stages timed apart; CLD2 and the SimHash ran on
colder caches inside it than apart, and that difference lands in this row.
The rows paid are the sums: read, charset, extract, match, and the language
times the share of articles that need it. The wall-clock table above is
of the text lines.

\`\`\`
tests/bench/e2e.sh $(echo "$BUILD" | sed "s|^$(pwd)/||")
EOF
cat "$T/stages"
echo '```'
