#!/bin/sh
# A stranger's text on the user's terminal: the control characters of an
# article or a feed (ESC, BEL, C1's CSI) are shown escaped (\x1b, \u009b)
# by every text output of hark match, extract and feed (its errors too),
# never written raw, and the --json outputs escape them too; so do the
# errors that name a file, and the bidi controls (\u202e) in every text
# output. Usage: escape.sh HARK
HARK=$1
[ -x "$HARK" ] || { echo "usage: $0 HARK" >&2; exit 2; }
T=$(mktemp -d) || exit 2
trap 'rm -rf "$T"' EXIT
unset HARK_CONFIG
cd "$T" || exit 2
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
# run WHAT CMD...: standard output into $T/out
run() {
	what=$1; shift
	"$@" >"$T/out" 2>"$T/err" || { bad "$what: exit $?"; cat "$T/err"; }
}
ESC=$(printf '\033') BEL=$(printf '\007') CSI=$(printf '\302\233')
# raw WHAT: no ESC, BEL or C1 CSI byte in the output
raw() {
	if grep -q "[$ESC$BEL]" "$T/out" || grep -qF "$CSI" "$T/out"; then
		bad "$1: a control character written raw"; cat -v "$T/out" | head -5
	else
		ok
	fi
}
has() { if grep -qF -- "$2" "$T/out"; then ok; else bad "$1: no '$2'"; cat -v "$T/out" | head -20; fi; }

printf 'Evil \033]0;PWNED\007 t\n\nKhalil al-Masri \033[1;31mBOLD \302\2332J\tend\n' >e.txt
printf '[rule k]\nquery = Khalil\n' >k.rules
# a JSON Feed says its controls as \u escapes
printf '%s\n' '{"version":"https://jsonfeed.org/version/1.1","title":"F\u001b[2J",' \
	'"items":[{"id":"1","title":"T \u001b]0;X\u0007","url":"https://example.org/a",' \
	'"content_text":"Khalil \u001b[31m red \u009b end"}]}' >f.json

run "extract" "$HARK" extract e.txt
raw "extract"
has "extract title" 'title:     Evil \x1b]0;PWNED\x07 t'
has "extract body, C0 and C1" 'Khalil al-Masri \x1b[1;31mBOLD \u009b2J'
has "extract body keeps its tab" "$(printf '2J\tend')"
run "extract --json" "$HARK" extract --json e.txt
raw "extract --json"
has "extract --json C1" 'BOLD \u009b2J'
run "extract of a feed" "$HARK" extract f.json
raw "extract of a feed"
has "extract of a feed title" 'title:     T \x1b]0;X\x07'

run "match" "$HARK" match --color=never -r k.rules e.txt
raw "match"
has "match snippet" 'e.txt: k: [Khalil] al-Masri \x1b[1;31mBOLD \u009b2J end'
# next to accented and Arabic letters (two bytes, read fast) a C1 control,
# a bidi override and, in a file's name, a byte that is not UTF-8 are
# still escaped
printf 'Khalil \303\251\302\233x \330\271\342\200\256y \302\240\302\205w\n' >"$(printf 'a\303\251\303z.txt')"
run "match, letters of two bytes" "$HARK" match --color=never -r k.rules "$(printf 'a\303\251\303z.txt')"
raw "match, letters of two bytes"
has "match, letters of two bytes" "$(printf 'a\303\251\\xc3z.txt: k: [Khalil] \303\251\\u009bx \330\271\\u202ey \302\240\\u0085w')"
run "match in colour" "$HARK" match --color=always -r k.rules e.txt
has "match in colour: its own escapes stay" "$(printf '\033[01;31mKhalil\033[m al-Masri \\x1b[1;31mBOLD')"
if grep -qF "$CSI" "$T/out" || grep -qF "$(printf '\033[1;31m')" "$T/out"; then
	bad "match in colour: the article's escapes written raw"
else
	ok
fi
run "match --json" "$HARK" match --json -r k.rules e.txt
raw "match --json"
has "match --json escapes" '\u001B[1;31mBOLD \u009b2J'
# a file named with a control character
cp e.txt "$(printf 'n\033[2Jame.txt')"
run "match, a file's name" "$HARK" match --color=never -r k.rules "$(printf 'n\033[2Jame.txt')"
raw "match, a file's name"
has "match, a file's name" 'n\x1b[2Jame.txt: k:'

run "feed" "$HARK" feed f.json
raw "feed"
has "feed title" 'title:     F\x1b[2J'
has "entry title" '1. T \x1b]0;X\x07'
has "entry content" 'content:   Khalil \x1b[31m red \u009b end'
run "feed --json" "$HARK" feed --json f.json
raw "feed --json"
# a feed that is not one: the JSON parser's error quotes its bytes, on standard error
printf '{"version": \302\233\033[2J}' >bad.json
"$HARK" feed bad.json >/dev/null 2>"$T/out" && bad "feed of bad JSON: exit 0"
raw "feed's error"
has "feed's error, C1" "hark: bad.json: JSON Feed: line 1: invalid token near '\u009b'"

# errors name files, URLs and rule files raw no more: a missing file named
# with OSC and BEL, on standard error, escaped
N=$(printf 'no\033]0;PWN\007.txt')
# err WHAT CMD...: exits non-zero, its standard error into $T/out
err() {
	what=$1; shift
	"$@" >/dev/null 2>"$T/out" && bad "$what: exit 0"
	raw "$what"
}
err "match, a missing file" "$HARK" match -r k.rules "$N"
has "match, a missing file named" 'hark: no\x1b]0;PWN\x07.txt: No such file or directory'
err "extract, a missing file" "$HARK" extract "$N"
has "extract, a missing file named" 'hark: no\x1b]0;PWN\x07.txt: No such file or directory'
mkdir -p sp/incoming
err "ingest, a missing file" "$HARK" ingest --spool sp "$N"
has "ingest, a missing file named" 'hark: ingest: no\x1b]0;PWN\x07.txt: No such file or directory'
printf '[hark]\nstate_dir = %s/st\nrules = %s/k.rules\nspool_dir = %s/sp\n' "$T" "$T" "$T" >h.conf
err "ingest -c, a missing file" "$HARK" -c h.conf ingest "$N"
has "ingest -c, a missing file named" 'no\x1b]0;PWN\x07.txt: No such file or directory'
err "match, a missing rule file" "$HARK" match -r "$(printf 'r\033[2J.rules')" e.txt
has "match, a missing rule file named" 'r\x1b[2J.rules: error: cannot read rules'
err "an unexpected argument" "$HARK" hits "$(printf 'a\033[2J')"
has "an unexpected argument named" "unexpected argument 'a\x1b[2J'"
err "not a command" "$HARK" "$(printf 'x\033[2J')"
has "not a command named" "'x\x1b[2J' is not a hark command"

# the bidi controls that reorder a terminal's line (Trojan Source) are
# escaped; Arabic and Persian letters, RLM, ZWNJ and ZWJ stay as they are
RLO=$(printf '\342\200\256') LRI=$(printf '\342\201\246')
ZWNJ=$(printf '\342\200\214') ZWJ=$(printf '\342\200\215')
printf 'Title %sevil\342\200\254 \330\263%s\330\247\342\200\217\n\nKhalil \330\271\331\204\333\214%s %sx\342\201\251 end\n' \
	"$RLO" "$ZWNJ" "$ZWJ" "$LRI" >b.txt
bidi() {
	if grep -qF "$RLO" "$T/out" || grep -qF "$LRI" "$T/out"; then
		bad "$1: a bidi control written raw"
	else
		ok
	fi
}
run "extract, bidi" "$HARK" extract b.txt
bidi "extract, bidi"
has "extract, bidi in a title" 'title:     Title \u202eevil\u202c'
has "extract, Persian with its ZWNJ kept" "$(printf '\330\263%s\330\247' "$ZWNJ")"
has "extract, ZWJ kept" "$(printf '\330\271\331\204\333\214%s \\u2066x\\u2069' "$ZWJ")"
run "match, bidi" "$HARK" match --color=never -r k.rules b.txt
bidi "match, bidi"
has "match, bidi" '\u2066x\u2069 end'
cp b.txt "$(printf 'a\342\200\256txt.exe')"
run "match, a bidi file name" "$HARK" match --color=never -r k.rules "$(printf 'a\342\200\256txt.exe')"
bidi "match, a bidi file name"
has "match, a bidi file name" 'a\u202etxt.exe: k:'
err "match, a missing bidi file" "$HARK" match -r k.rules "$(printf 'no\342\200\256txt.exe')"
bidi "match, a missing bidi file"
has "match, a missing bidi file" 'no\u202etxt.exe: No such file'

# hark rules names each rule's file on standard output
R=$(printf 'r\033[2J.rules')
cp k.rules "$R"
printf '[hark]\nstate_dir = %s/st\nrules = %s/%s\n' "$T" "$T" "$R" >r.conf
run "rules, a rule file's name" "$HARK" -c r.conf rules
raw "rules, a rule file's name"
has "rules, a rule file's name" "k  $T/r\x1b[2J.rules:1  hits_24h 0"
# and in JSON: a C1 control (CSI) in its name is a JSON escape, as in every --json output
R=$(printf 'r\302\2332J.rules')
cp k.rules "$R"
printf '[hark]\nstate_dir = %s/st\nrules = %s/%s\n' "$T" "$T" "$R" >r1.conf
run "rules --json, a rule file's name" "$HARK" -c r1.conf rules --json
raw "rules --json, a rule file's name"
has "rules --json, a rule file's name" 'r\u009b2J.rules'

echo "escape: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
