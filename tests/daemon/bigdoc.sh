#!/bin/sh
# A 50 MB article: harkd stores it with its hits, and the memory it takes
# stays within a small multiple of its size (it took 8 times it when every
# stage held its own copy and the whole field's tokens). Usage: bigdoc.sh HARK HARKD
. "$(dirname "$0")/lib.sh"
daemon_init "$@"

cat >"$T/w.rules" <<'R'
[rule tice]
query = "Austin Tice"
[rule near]
query = council NEAR/3 border
R
write_conf "max_document_size = 64M"
# 50 MB of words in lines and paragraphs; the names at the end
awk 'BEGIN {
	srand(3)
	split("the council said that talks would resume near border minister report city village water power people market road school river", W, " ")
	printf "Big\n\n"
	for (total = 0; total < 50000000; ) {
		line = ""
		for (k = 0; k < 12; k++) line = line W[int(rand() * 20) + 1] " "
		print line
		total += length(line) + 1
		if (++n % 20 == 0) { print ""; total++ }
	}
	print "Austin Tice"
}' >"$T/big.txt"
size=$(wc -c <"$T/big.txt" | tr -d ' ')
start_harkd
hwm() { awk '/VmHWM/ { print $2 }' "/proc/$HPID/status"; }
before=$(hwm)
ingest "$T/big.txt"
wait_for "$LOG" "file=big.txt lang=en hits=2" 120 && ok || bad "the large article stored with its 2 hits"
after=$(hwm)
stop_harkd
expect_eq "$HSTATUS" 0 "exit status"
if [ -z "$before" ] || [ -z "$after" ]; then
	note "no /proc/PID/status: memory not measured"
elif nm "$HARKD" 2>/dev/null | grep -q __asan_init; then
	# AddressSanitizer keeps freed memory in quarantine: its peak says nothing
	note "sanitizer build: peak RSS $after KB, not checked"
else
	grew=$(((after - before) * 1024))
	note "a $size-byte article: peak RSS grew by $grew bytes ($((grew * 10 / size)) tenths of its size)"
	[ "$grew" -lt $((size * 4)) ] && ok || bad "peak RSS grew by $grew bytes for a $size-byte article (want < 4 times)"
fi
finish
