#!/bin/sh
# harkd's memory: the resident size a rule count needs (at start, after a
# SIGHUP reload, and the peak while the new set compiles beside the old),
# the loop's longest stall across that reload, and the peak for one large
# article. Prints a Markdown section (tests/bench/run.sh puts it into
# BENCHMARKS.md). Builds nothing itself.
#
#   tests/bench/memory.sh BUILD
#
# Environment: HARK_BENCH_MEMORY_RULES (default "10000 100000 1000000"),
# HARK_BENCH_MEMORY_DOCS (article sizes in MB, default "50 200").
BUILD=${1:?usage: tests/bench/memory.sh BUILD}
BUILD=$(cd "$BUILD" && pwd) || exit 1
HARKD=$BUILD/harkd HARK=$BUILD/hark
RULES=${HARK_BENCH_MEMORY_RULES:-10000 100000 1000000}
DOCS=${HARK_BENCH_MEMORY_DOCS:-50 200}
for exe in "$HARKD" "$HARK"; do
	[ -x "$exe" ] || { echo "memory.sh: $exe not built" >&2; exit 1; }
done
[ -r /proc/self/status ] || { echo "memory.sh: no /proc: nothing measured" >&2; exit 1; }
T=$(mktemp -d)
HPID=
trap '[ -n "$HPID" ] && kill -KILL "$HPID" 2>/dev/null; rm -rf "$T"' EXIT

kb() { awk -v k="$2" '$1 == k ":" { print $2 }' "/proc/$1/status"; }
mb() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
# until: wait (0.05 s steps, at most 600 s) for a fixed string in the log
until_log() {
	_n=12000
	until grep -qF -- "$1" "$T/log" 2>/dev/null; do
		_n=$((_n - 1))
		[ "$_n" -gt 0 ] || { echo "memory.sh: no '$1' in the log" >&2; cat "$T/log" >&2; exit 1; }
		sleep 0.05
	done
}
start() {
	rm -rf "$T/state" "$T/spool" "$T/log"
	"$HARKD" -c "$T/hark.conf" 2>"$T/log" &
	HPID=$!
	until_log "started: "
}
# stop: SIGTERM, then the loop's longest stall from the stopped line in $stall
stop() {
	kill -TERM "$HPID"
	wait "$HPID"
	HPID=
	stall=$(sed -n 's/.*longest stall of the loop \([0-9.]*\) ms.*/\1/p' "$T/log" | tail -1)
}
# N rules of two made-up six-letter names each (the shape of a watchlist of names)
gen_rules() {
	awk -v n="$1" 'BEGIN {
		srand(7)
		split("a b c d e f g h i j k l m n o p q r s t u v w x y z", L, " ")
		for (i = 0; i < n; i++) {
			f = ""; l = ""
			for (k = 0; k < 6; k++) { f = f L[int(rand() * 26) + 1]; l = l L[int(rand() * 26) + 1] }
			printf "[rule r%d]\nquery = \"%s %s\"\n", i, f, l
		}
	}'
}
conf() {
	printf '[hark]\nstate_dir = state\nspool_dir = spool\nrules = w.rules\n%s\n' "$1" >"$T/hark.conf"
}
drop() {
	"$HARK" -c "$T/hark.conf" ingest -q "$1" || exit 1
	until_log "file=$(basename "$1") "
}

echo "## Memory"
echo
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1 /proc/loadavg); RSS from /proc/PID/status"
echo "(VmRSS, VmHWM), MB = 2^20 bytes. Rules: two made-up six-letter names each, one"
echo "phrase a rule (\`tests/bench/memory.sh\`). \"After reload\" is 2 s after a SIGHUP's swap,"
echo "once the old set is freed; \"peak\" includes the reload, when the new set compiles"
echo "beside the old one."
echo
echo "| rules | start s | RSS MB | after reload MB | peak MB | longest loop stall across the reload ms |"
echo "|---:|---:|---:|---:|---:|---:|"
printf 'One\n\nAustin Tice and the council.\n' >"$T/one.txt"
printf 'Two\n\nAustin Tice and the council again.\n' >"$T/two.txt"
for n in $RULES; do
	gen_rules "$n" >"$T/w.rules"
	conf ""
	t0=$(date +%s%N)
	start
	t1=$(date +%s%N)
	drop "$T/one.txt"
	rss=$(kb "$HPID" VmRSS)
	kill -HUP "$HPID"
	until_log "reloaded: "
	drop "$T/two.txt"
	sleep 2
	rss2=$(kb "$HPID" VmRSS)
	hwm=$(kb "$HPID" VmHWM)
	stop
	echo "| $n | $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }') | $(mb "$rss") | $(mb "$rss2") | $(mb "$hwm") | $stall |"
done
echo
echo "One plain-text article of many lines, 10 rules, \`max_document_size = 256M\`: how much"
echo "harkd's peak RSS grows while it reads, matches and stores it, and the loop's"
echo "longest stall (the commit of the article and the read of the file are on the loop)."
echo
echo "| article MB | peak RSS growth MB | times the article | longest loop stall ms |"
echo "|---:|---:|---:|---:|"
gen_rules 10 >"$T/w.rules"
conf "max_document_size = 256M"
for m in $DOCS; do
	awk -v bytes="$((m * 1000000))" 'BEGIN {
		srand(3)
		split("the council said that talks would resume near border minister report city village water power people market road school river", W, " ")
		printf "Big\n\n"
		for (total = 0; total < bytes; ) {
			line = ""
			for (k = 0; k < 12; k++) line = line W[int(rand() * 20) + 1] " "
			print line
			total += length(line) + 1
			if (++n % 20 == 0) { print ""; total++ }
		}
	}' >"$T/big.txt"
	size=$(wc -c <"$T/big.txt" | tr -d ' ')
	start
	before=$(kb "$HPID" VmHWM)
	drop "$T/big.txt"
	after=$(kb "$HPID" VmHWM)
	stop
	rm -f "$T/big.txt"
	echo "| $(awk -v s="$size" 'BEGIN { printf "%.0f", s / 1e6 }') | $(mb $((after - before))) | $(awk -v g="$(((after - before) * 1024))" -v s="$size" 'BEGIN { printf "%.1f", g / s }') | $stall |"
done
