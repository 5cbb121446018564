#!/bin/sh
# A rule file's control characters in harkd's diagnostics: an unknown key
# (or a query word) holding ESC (an OSC title sequence), CR or the C1
# control CSI is quoted in them, and harkd -n and harkd's log wrote the
# diagnostic raw (a terminal acted on it; hark check escapes it). Both show
# \x1b, \x0d, \u009b, one line a diagnostic; harkd -n's lines are hark
# check's. Found by fuzz_query (a message holding CR).
# Usage: diagescape.sh HARK HARKD
. "$(dirname "$0")/lib.sh"
daemon_init "$1" "$2"

ESC=$(printf '\033') CR=$(printf '\r') CSI=$(printf '\302\233')
# raw FILE WHAT: no ESC, CR or C1 CSI in FILE
raw() {
	if grep -q "$ESC" "$1" || grep -q "$CR" "$1" || grep -qF "$CSI" "$1"; then
		bad "$2: a control character written raw"
		cat -v "$1"
	else
		ok
	fi
}

printf '[rule k]\nquery = Khalil\nno\033]0;pwned\007te = 1\nt\rgs = a\n[rule c]\nquery = Khalil \302\233\n' \
	>"$T/w.rules"
write_conf

# harkd -n: on the terminal, as hark check prints them
"$HARKD" -n -c "$T/hark.conf" >"$T/n.out" 2>"$T/n.err"
expect_eq $? 2 "harkd -n status"
raw "$T/n.err" "harkd -n"
grep -qF "unknown key 'no\\x1b]0;pwned\\x07te'" "$T/n.err" && ok ||
	bad "harkd -n: the key not as \\x1b ... \\x07: $(cat -v "$T/n.err")"
grep -qF "unknown key 't\\x0dgs'" "$T/n.err" && ok ||
	bad "harkd -n: the key not as \\x0d: $(cat -v "$T/n.err")"
grep -qF "'\\u009b' has no letters" "$T/n.err" && ok ||
	bad "harkd -n: the query's C1 control not as \\u009b: $(cat -v "$T/n.err")"
expect_eq "$(grep -c 'error: ' "$T/n.err")" 3 "harkd -n: lines"
"$HARK" check "$T/w.rules" 2>"$T/c.err"
grep 'error: ' "$T/n.err" | cmp -s - "$T/c.err" && ok ||
	bad "harkd -n's errors are not hark check's: $(grep 'error: ' "$T/n.err" | diff - "$T/c.err" | cat -v)"

# harkd's log: the start refused, its diagnostics logged
LOG=$T/log
"$HARKD" -c "$T/hark.conf" 2>"$LOG"
expect_eq $? 2 "harkd status"
raw "$LOG" "harkd's log"
grep -qF "unknown key 'no\\x1b]0;pwned\\x07te'" "$LOG" && ok ||
	bad "harkd's log: the key not as \\x1b ... \\x07"
finish
