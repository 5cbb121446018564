#!/bin/sh
# The configuration's rules in the tools: a command given -r (hark match -r)
# or needing no rules (hark extract) neither requires nor reads the
# configuration's 'rules' (no "[hark] has no 'rules'", no "matches no
# file"); the commands that read the database (hits, hits --tag, status,
# rules) do not repeat the rules' warnings, hark check's to give; and every
# command that prints them (check, match, harkd -n) does so in file and line
# order, whichever pass found them. Usage: confrules.sh HARK HARKD
. "$(dirname "$0")/../daemon/lib.sh"
daemon_init "$@"
unset HARK_CONFIG

# line 5: a regex warning (found when the query compiles); line 9: a lang
# warning (found when the file is read, before the queries compile)
cat >"$T/w.rules" <<'R'
; a watchlist with two warnings
[rule nested]
tags = t
; the warning is on the query's line
query = /(a+)+b/ OR "Austin Tice"

[rule japan]
tags = t
lang = jp
query = Tokyo
R
printf 'One\n\nAustin Tice was seen.\n' >"$T/a.txt"

# lines WHAT: the line numbers of $T/err's w.rules diagnostics, in order
lines() { sed -n 's/.*w\.rules:\([0-9]*\):.*/\1/p' "$T/err" | tr '\n' ' '; }

# --- (d) file and line order, whichever pass found them
write_conf
hk check
expect_eq "$(lines)" "5 9 " "hark check: the warnings in line order"
hk match -r "$T/w.rules" "$T/a.txt"
expect_eq "$(lines)" "5 9 " "hark match -r: the warnings in line order"
hk match "$T/a.txt"
expect_eq "$(lines)" "5 9 " "hark match: the warnings in line order"
"$HARKD" -n -c "$T/hark.conf" >"$T/out" 2>"$T/err"
expect_eq "$(lines)" "5 9 " "harkd -n: the warnings in line order"

# --- (a) -r: the configuration needs no 'rules'
printf '[hark]\nlanguages = en\n' >"$T/min.conf"
"$HARK" -c "$T/min.conf" match -r "$T/w.rules" "$T/a.txt" >"$T/out" 2>"$T/err"
expect_eq "$?" 0 "hark -c min.conf match -r: a hit"
grep -q "has no 'rules'" "$T/err" && bad "-r given, yet: $(cat "$T/err")" || ok
"$HARK" -c "$T/min.conf" extract "$T/a.txt" >"$T/out" 2>"$T/err"
expect_eq "$?" 0 "hark -c min.conf extract"
expect_eq "$(cat "$T/err")" "" "hark extract: nothing on stderr"

# --- (b) the default configuration (./hark.conf) is read for its languages only
mkdir "$T/cwd"
printf '[hark]\nlanguages = en\nrules = nowhere/*.rules\n' >"$T/cwd/hark.conf"
(cd "$T/cwd" && "$HARK" match -r "$T/w.rules" "$T/a.txt") >"$T/out" 2>"$T/err"
expect_eq "$?" 0 "./hark.conf, match -r: a hit"
grep -q 'matches no file' "$T/err" && bad "match -r checks the configuration's rules: $(cat "$T/err")" || ok
(cd "$T/cwd" && "$HARK" extract "$T/a.txt") >"$T/out" 2>"$T/err"
expect_eq "$(cat "$T/err")" "" "./hark.conf, extract: nothing on stderr"
# without -r, match does use them, and says so
(cd "$T/cwd" && "$HARK" match "$T/a.txt") >"$T/out" 2>"$T/err"
grep -q 'matches no file' "$T/err" && ok || bad "match without -r: no word of the glob: $(cat "$T/err")"

# --- (c) the readers of the database are quiet about the rules' warnings
start_harkd
ingest "$T/a.txt"
wait_until '[ "$(status_of hits)" = 1 ]' 20 || bad "1 hit stored: $(status_of hits)"
stop_harkd
hk hits
expect_eq "$(cat "$T/err")" "" "hark hits: nothing on stderr"
hk hits --tag t
expect_eq "$(cat "$T/err")" "" "hark hits --tag: nothing on stderr"
grep -q 'nested' "$T/out" && ok || bad "hark hits --tag t: the hit: $(cat "$T/out")"
hk hits --rule japan
expect_eq "$(cat "$T/err")" "" "hark hits --rule (a rule without hits): nothing on stderr"
hk status
expect_eq "$(cat "$T/err")" "" "hark status: nothing on stderr"
hk rules
expect_eq "$(cat "$T/err")" "hark: rules: 2 warnings (hark check shows them)" "hark rules: one line"
expect_eq "$(wc -l <"$T/out" | tr -d ' ')" 2 "hark rules: both rules listed"
# the rules do not load: hark rules says why, whole
printf '[rule broken]\nquery = "open\n' >>"$T/w.rules"
hk rules
grep -q 'w.rules:12:9: error: unclosed phrase' "$T/err" && ok || bad "hark rules, an error: $(cat "$T/err")"
finish
