#!/bin/sh
# harkd and its signals: SIGUSR1 logs and goes on; SIGTERM while a large
# document is being matched finishes and stores it, takes nothing new, and
# exits 0; SIGINT does the same as SIGTERM. Usage: signals.sh HARK HARKD
. "$(dirname "$0")/lib.sh"
daemon_init "$@"

cat >"$T/w.rules" <<'R'
[rule tice]
query = "Austin Tice"
[rule fuzzy]
query = Kamalmaz~ OR Bordeer~ OR Councel~
[rule near]
query = council NEAR/3 border
R
write_conf "max_document_size = 32M"
start_harkd

# --- SIGUSR1: a line, and harkd goes on
kill -USR1 "$HPID"
wait_for "$LOG" "SIGUSR1" 10 && ok || bad "SIGUSR1 line"
printf 'After USR1\n\nAustin Tice, after SIGUSR1.\n' >"$T/usr1.txt"
ingest "$T/usr1.txt"
wait_for "$LOG" "file=usr1.txt lang=en hits=1" 10 && ok || bad "an article after SIGUSR1"
kill -0 "$HPID" 2>/dev/null && ok || bad "harkd alive after SIGUSR1"
expect_eq "$(count "$LOG" stopped)" 0 "SIGUSR1 does not stop harkd"

# --- SIGTERM while a large document is matched
# ~12 MB: about half a second of matching in the normal build, longer with sanitizers
awk 'BEGIN {
	printf "Big\n\n"
	for (i = 0; i < 200000; i++) {
		printf "the council said that talks would resume near the border %d ", i
		if (i % 10 == 0)
			print ""
	}
	print "Austin Tice"
}' >"$T/big.txt"
size=$(wc -c <"$T/big.txt" | tr -d ' ')
printf 'Later\n\nAustin Tice, dropped after SIGTERM.\n' >"$T/later.txt"
# harkd reads a file whole before a worker matches it: once its read count
# has grown by the size, the document is being matched (polled without a sleep,
# to be quick enough)
# (read, a builtin: a fork a turn would be too slow on a loaded machine)
rchar() {
	_r=
	while read -r _k _v; do
		[ "$_k" = rchar: ] && _r=$_v
	done <"/proc/$HPID/io"
	echo "$_r"
}
[ -r "/proc/$HPID/io" ] || rchar() { :; }
r0=$(rchar)
ingest "$T/big.txt"
if [ -n "$r0" ]; then
	n=0
	while :; do
		rchar >"$T/rchar"
		read -r r <"$T/rchar"
		[ $((r - r0)) -ge "$size" ] || [ $n -ge 1000000 ] && break
		n=$((n + 1))
	done
else
	note "no /proc/PID/io: SIGTERM 0.1 s after the ingest"
	sleep 0.1
fi
kill -TERM "$HPID"
wait_for "$LOG" "SIGTERM" 10 || bad "SIGTERM line"
ingest "$T/later.txt"
stop_harkd
expect_eq "$HSTATUS" 0 "exit status after SIGTERM"
grep -qE 'file=big.txt lang=en hits=3$' "$LOG" && ok || bad "the large document stored with its 3 hits"
# the order of the lines shows that SIGTERM came while big.txt was in hand
sig=$(grep -n 'SIGTERM' "$LOG" | head -1 | cut -d: -f1)
art=$(grep -n 'file=big.txt ' "$LOG" | head -1 | cut -d: -f1)
[ -n "$sig" ] && [ -n "$art" ] && [ "$sig" -lt "$art" ] && ok ||
	bad "SIGTERM did not arrive while big.txt was matched (line $sig, article line $art)"
[ -f "$T/spool/done/big.txt" ] && ok || bad "big.txt in done/"
grep -qF 'stopped: articles 2,' "$LOG" && ok || bad "stopped line: $(grep stopped "$LOG")"
[ -f "$T/spool/incoming/later.txt" ] && ok || bad "a file dropped after SIGTERM stays in incoming/"
expect_eq "$(count "$LOG" 'file=later.txt')" 0 "nothing taken after SIGTERM"
expect_eq "$(status_of articles)" 2 "articles after SIGTERM"
hk hits --json
expect_eq "$(grep -c '"file":"big.txt"' "$T/out")" 3 "the large document's hits stored"

# --- SIGINT: the file left in incoming/ is taken at the next start, then exit 0
start_harkd
wait_for "$LOG" "file=later.txt lang=en hits=1" 10 && ok || bad "the file left in incoming/ taken at start"
kill -INT "$HPID"
wait_for "$LOG" "SIGINT" 10 && ok || bad "SIGINT line"
stop_harkd
expect_eq "$HSTATUS" 0 "exit status after SIGINT"
expect_eq "$(count "$LOG" 'stopped: ')" 2 "two stopped lines"
finish
