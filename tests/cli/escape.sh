#!/bin/sh
# A stranger's text on the user's terminal: the control characters of an
# article or a feed (ESC, BEL, C1's CSI) are shown escaped (\x1b, \u009b)
# by every text output of hark match, extract and feed (its errors too),
# never written raw, and the --json outputs escape them too. Usage: escape.sh HARK
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

echo "escape: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
