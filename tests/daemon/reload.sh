#!/bin/sh
# SIGHUP with a large rule set: the rules compile on a thread while the loop
# goes on storing dropped files; the loop's longest stall (the stopped line)
# stays short; a SIGHUP while one compiles makes one more reload after it;
# SIGTERM while one compiles exits promptly. Usage: reload.sh HARK HARKD
. "$(dirname "$0")/lib.sh"
daemon_init "$@"

# N rules of two made-up names each, and one rule that a test file hits
big_rules() {
	awk -v n="$1" 'BEGIN {
		srand(7)
		split("a b c d e f g h i j k l m n o p q r s t u v w x y z", L, " ")
		for (i = 0; i < n; i++) {
			f = ""; l = ""
			for (k = 0; k < 6; k++) { f = f L[int(rand() * 26) + 1]; l = l L[int(rand() * 26) + 1] }
			printf "[rule r%d]\nquery = \"%s %s\"\n", i, f, l
		}
		printf "[rule tice]\nquery = \"Austin Tice\"\n"
	}'
}

# stall LOG: the longest stall of the loop of the last stopped line, in whole ms
stall() {
	sed -n 's/.*longest stall of the loop \([0-9]*\)\..*/\1/p' "$1" | tail -1
}

printf '[rule small]\nquery = "Bashar Haddad"\n' >"$T/w.rules"
write_conf
start_harkd
printf 'One\n\nBashar Haddad spoke.\n' >"$T/one.txt"
ingest "$T/one.txt"
wait_for "$LOG" "file=one.txt lang=en hits=1" 20 && ok || bad "a file before the reload"

# 400,000 rules: about 1.5 s to compile in the normal build (longer under
# the sanitizers), far longer than the loop may stall
big_rules 400000 >"$T/big.rules"
mv "$T/big.rules" "$T/w.rules"
kill -HUP "$HPID"
wait_for "$LOG" "reloading " 20 && ok || bad "reloading line"
# a file dropped while the new set compiles is stored with the old rules
printf 'During\n\nAustin Tice, while the rules compile.\n' >"$T/during.txt"
ingest "$T/during.txt"
wait_for "$LOG" "file=during.txt lang=en hits=" 60 && ok || bad "a file stored during the reload"
wait_for "$LOG" "reloaded: rules 400001" 120 && ok || bad "reloaded line"
art=$(grep -n 'file=during.txt' "$LOG" | head -1 | cut -d: -f1)
rel=$(grep -n 'reloaded: rules 400001' "$LOG" | head -1 | cut -d: -f1)
[ -n "$art" ] && [ -n "$rel" ] && [ "$art" -lt "$rel" ] && ok ||
	bad "the file was not stored while the rules compiled (article line $art, reloaded line $rel)"
printf 'After\n\nAustin Tice, after the reload.\n' >"$T/after.txt"
ingest "$T/after.txt"
wait_for "$LOG" "file=after.txt lang=en hits=1" 60 && ok || bad "the new rules in use"
stop_harkd
expect_eq "$HSTATUS" 0 "exit status"
s=$(stall "$LOG")
note "longest stall of the loop across a reload of 400,000 rules: ${s:-?} ms"
[ -n "$s" ] && [ "$s" -lt 500 ] && ok || bad "the loop stalled ${s:-?} ms (want < 500 ms)"

# --- a SIGHUP while one compiles: one more reload after it
: >"$T/log2"
start_harkd "$T/log2"
kill -HUP "$HPID"
wait_for "$LOG" "reloading " 20 || bad "first reloading line"
kill -HUP "$HPID"
wait_for "$LOG" "one more follows it" 20 && ok || bad "coalesced SIGHUP line"
wait_for "$LOG" "reloaded: rules 400001" 180 2 && ok || bad "two reloaded lines"
expect_eq "$(count "$LOG" 'reloading again')" 1 "the first reload says another follows"
stop_harkd
expect_eq "$(count "$LOG" 'reloaded: ')" 2 "reloads after two SIGHUPs"
expect_eq "$HSTATUS" 0 "exit status after two reloads"

# --- SIGTERM while compiling: harkd stops the compile and exits promptly
: >"$T/log3"
start_harkd "$T/log3"
kill -HUP "$HPID"
wait_for "$LOG" "reloading " 20 || bad "reloading line before SIGTERM"
t0=$(date +%s)
stop_harkd
t1=$(date +%s)
expect_eq "$HSTATUS" 0 "exit status of SIGTERM during a reload"
[ $((t1 - t0)) -lt 15 ] && ok || bad "SIGTERM during a reload took $((t1 - t0)) s"
expect_eq "$(count "$LOG" 'reloaded: ')" 0 "no swap after SIGTERM"
finish
