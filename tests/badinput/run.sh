#!/bin/sh
# Hostile input: every case ends with a clear error or a bounded result,
# never a crash or a hang (each run is under a time limit). Usage: run.sh HARK
HARK=$1
[ -x "$HARK" ] || { echo "usage: $0 HARK" >&2; exit 2; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
# run WANT_STATUS WHAT CMD...: under a time limit; 124 = hang, >128 = crash
run() {
	want=$1 what=$2; shift 2
	timeout 120 "$@" >"$T/out" 2>"$T/err"; got=$?
	if [ "$got" -eq "$want" ]; then ok; else bad "$what: exit $got, want $want"; head -c 600 "$T/err"; fi
}
has() { if grep -qF -- "$2" "$T/$1"; then ok; else bad "$3: no '$2'"; head -c 600 "$T/$1"; fi; }

printf '[rule a]\nquery = Assad OR "Austin Tice"\n' >"$T/a.rules"

# invalid UTF-8 around a name: U+FFFD stands in, the name still matches
printf 'Title\n\377\376 Assad \300\257 and \355\240\200 end\n' >"$T/bad-utf8.txt"
run 0 "invalid UTF-8" "$HARK" match --json -r "$T/a.rules" "$T/bad-utf8.txt"
has out '"text":"Assad"' "name found among invalid bytes"
# NUL bytes: refused with a reason
printf 'Title\nAssad\000\000 binary\n' >"$T/nul.txt"
run 2 "NUL bytes" "$HARK" match -r "$T/a.rules" "$T/nul.txt"
has err "nul.txt: not a text document (it holds NUL bytes)" "NUL refusal explained"
grep -q "UTF-16" "$T/err" && bad "a NUL or two are no UTF-16: $(cat "$T/err")" || ok
# UTF-16LE without a byte order mark: its NULs named as what they likely are,
# with the option that reads it; which then does
printf 'Title\nAssad was seen.\n' | iconv -f utf-8 -t utf-16le >"$T/u16.txt"
run 2 "UTF-16LE without a BOM" "$HARK" extract "$T/u16.txt"
has err "u16.txt: not a text document (it holds NUL bytes; UTF-16 without a byte order mark? try --charset utf-16le)" "UTF-16 hinted"
run 2 "UTF-16LE without a BOM, matched" "$HARK" match -r "$T/a.rules" "$T/u16.txt"
has err "try --charset utf-16le)" "UTF-16 hinted by hark match"
run 0 "UTF-16LE read with --charset" "$HARK" match --charset utf-16le --color=never -r "$T/a.rules" "$T/u16.txt"
has out "[Assad] was seen." "UTF-16LE read as told"
# a 50 MB single line, the name at its end
awk 'BEGIN { s = "word "; for (i = 0; i < 23; i++) s = s s; printf "Title\n%s", s; for (i = 0; i < 1000000; i++) printf "xyzzy "; print "Assad" }' >"$T/long.txt"
run 0 "50 MB single line" "$HARK" match --color=never -r "$T/a.rules" "$T/long.txt"
has out "[Assad]" "match at the end of a huge line"
# a 100,000-term @file list
awk 'BEGIN { for (i = 0; i < 100000; i++) printf "Name%d Surname%d\n", i, i }' >"$T/names.txt"
printf '[rule list]\nquery = @names.txt\n' >"$T/list.rules"
printf 'T\nwe met Name99999 Surname99999 today\n' >"$T/list.txt"
run 0 "100,000-term list" "$HARK" match --color=never -r "$T/list.rules" "$T/list.txt"
has out "[Name99999 Surname99999]" "last name of the list matches"
# 10,000 nested parentheses: a clear error
awk 'BEGIN { printf "[rule deep]\nquery = "; for (i = 0; i < 10000; i++) printf "("; printf "x"; for (i = 0; i < 10000; i++) printf ")"; print "" }' >"$T/deep.rules"
run 2 "10,000 nested parentheses" "$HARK" check "$T/deep.rules"
has err "nesting deeper than" "nesting error"
# catastrophic backtracking: bounded, no hit
printf '[rule re]\nquery = /(a+)+$/\n' >"$T/re.rules"
awk 'BEGIN { printf "T\n"; for (i = 0; i < 100000; i++) printf "a"; print "!" }' >"$T/re.txt"
run 1 "catastrophic regex" "$HARK" match -r "$T/re.rules" "$T/re.txt"
# a rule file that is not text
printf '[rule a]\nquery = x\000y\n' >"$T/nul.rules"
run 2 "NUL in a rule file" "$HARK" check "$T/nul.rules"
has err "nul.rules:2:" "NUL in rules placed"
# invalid UTF-8 in a rule file
printf '[rule a]\nquery = \377x\n' >"$T/inv.rules"
run 2 "invalid UTF-8 in rules" "$HARK" check "$T/inv.rules"
has err "inv.rules:2:" "invalid UTF-8 in rules placed"
# an empty article is not an article (the daemon moves it to failed/, hark
# extract says so); to hark match, as to grep, it is a file without a match
: >"$T/empty.txt"
run 2 "empty article" "$HARK" extract "$T/empty.txt"
has err "empty.txt: empty document" "empty article explained"
run 1 "empty article matched" "$HARK" match -r "$T/a.rules" "$T/empty.txt"
[ -s "$T/err" ] && bad "hark match on an empty file says: $(cat "$T/err")" || ok
# blanks only: no text either
printf '  \n\n \t\n' >"$T/blank.txt"
run 2 "blank article" "$HARK" extract "$T/blank.txt"
has err "blank.txt: empty document (no text in it)" "blank article explained"
run 1 "blank article matched" "$HARK" match -r "$T/a.rules" "$T/blank.txt"
[ -s "$T/err" ] && bad "hark match on a blank file says: $(cat "$T/err")" || ok
# binary data without a NUL byte (a PDF stream) is not read as mojibake
printf '%%PDF-1.4\n%%\342\343\317\323\nstream\n\001\002\003\004\005\006\007\010\016\017\020\021Assad\nendstream\n' >"$T/doc.pdf"
run 2 "binary without NUL" "$HARK" match -r "$T/a.rules" "$T/doc.pdf"
has err "doc.pdf: not a text document (binary data" "binary refusal explained"
# a file of NULs
head -c 4096 /dev/zero >"$T/zeros.bin"
run 2 "file of NULs" "$HARK" extract "$T/zeros.bin"
has err "zeros.bin: not a text document" "NUL file explained"
# billion laughs: entity amplification is bounded
cat >"$T/laughs.xml" <<'XML'
<?xml version="1.0"?>
<!DOCTYPE rss [
<!ENTITY a "Assad Assad Assad Assad Assad Assad Assad Assad Assad Assad">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
<!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
<!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
<!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">
]>
<rss version="2.0"><channel><title>t</title>
<item><title>laughs</title><description>&i;</description></item></channel></rss>
XML
timeout 60 "$HARK" extract --json "$T/laughs.xml" >"$T/out" 2>"$T/err"; st=$?
if [ $st -le 2 ] && [ "$(wc -c <"$T/out")" -lt 10000000 ]; then ok; else bad "billion laughs: exit $st, $(wc -c <"$T/out") bytes"; fi
# an external entity is never read
cat >"$T/xxe.xml" <<'XML'
<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>t</title>
<item><title>xxe</title><description>before &xxe; after</description></item></channel></rss>
XML
timeout 60 "$HARK" extract --json "$T/xxe.xml" >"$T/out" 2>"$T/err"; st=$?
if [ $st -le 2 ] && ! grep -q "root:" "$T/out"; then ok; else bad "XXE: exit $st, file content leaked"; fi
# 100,000-deep nesting, in HTML and in a feed
awk 'BEGIN { printf "<html><body><p>Assad</p>"; for (i = 0; i < 100000; i++) printf "<div>"; print "deep" }' >"$T/deep.html"
run 0 "100,000-deep HTML" "$HARK" match --color=never -r "$T/a.rules" "$T/deep.html"
has out "[Assad]" "text before deep nesting kept"
awk 'BEGIN { printf "<rss version=\"2.0\"><channel><item><title>x</title><description>"; for (i = 0; i < 100000; i++) printf "<b>"; print "</description></item></channel></rss>" }' >"$T/deep.xml"
timeout 60 "$HARK" extract "$T/deep.xml" >"$T/out" 2>"$T/err"; st=$?
if [ $st -le 2 ] && [ "$(wc -l <"$T/err")" -le 1 ]; then ok; else bad "100,000-deep feed: exit $st"; cat "$T/err" | head -3; fi
# a truncated UTF-16 file: the odd byte becomes U+FFFD
printf '\377\376A\000s\000s\000a\000d\000\n\000A\000s\000s\000a\000d\000x' >"$T/trunc16.txt"
run 0 "truncated UTF-16" "$HARK" extract --json "$T/trunc16.txt"
has out "$(printf '"body":"Assad\357\277\275"')" "truncated UTF-16 ends in U+FFFD"
: >"$T/empty.rules"
run 0 "empty rule file" "$HARK" check "$T/empty.rules"
has out "0 rules, 0 atoms, ok" "empty rule file summary"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
