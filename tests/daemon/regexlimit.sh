#!/bin/sh
# A regex that backtracks without end hits PCRE2's match limit: harkd logs a
# warning naming the rule and the file, and still finds a real match later
# in the document. Usage: regexlimit.sh HARK HARKD
. "$(dirname "$0")/lib.sh"
daemon_init "$@"

cat >"$T/w.rules" <<'R'
[rule redos]
query = /(a+)+b/
[rule plain]
query = Haddad
R
write_conf
start_harkd

# a run of a's without the b makes (a+)+b try every way to split it
awk 'BEGIN {
	printf "Backtracking\n\nHaddad wrote this.\n"
	s = ""
	for (i = 0; i < 60; i++) s = s "a"
	print s "!"
	print "and later, a real match: aab."
}' >"$T/bad.txt"
printf 'Quiet\n\nHaddad again, with nothing to backtrack over.\n' >"$T/good.txt"
ingest "$T/bad.txt" "$T/good.txt"
wait_for "$LOG" "file=bad.txt lang=en hits=2" 30 && ok || bad "both rules hit bad.txt"
wait_for "$LOG" "file=good.txt lang=en hits=1" 30 && ok || bad "good.txt stored"
expect_eq "$(grep -c "warning: rule=redos: its regular expression hit PCRE2's match limit on article a_[0-9a-z]* file=bad.txt" "$LOG")" 1 \
	"one warning naming the rule and the file"
expect_eq "$(count "$LOG" 'match limit')" 1 "no warning for good.txt, none for the plain rule"
stop_harkd
expect_eq "$HSTATUS" 0 "exit status"
expect_eq "$(hit_pairs | tr '\n' ' ')" "bad.txt plain bad.txt redos good.txt plain " "stored hits"
finish
