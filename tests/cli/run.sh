#!/bin/sh
# hark match / check / help as a user drives them: exit codes, output formats,
# stdin, directories, colour, errors. Usage: run.sh HARK
HARK=$1
[ -x "$HARK" ] || { echo "usage: $0 HARK" >&2; exit 2; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
# expect STATUS DESCRIPTION -- CMD...
expect() {
	want=$1 what=$2; shift 3
	"$@" >"$T/out" 2>"$T/err"; got=$?
	if [ "$got" -eq "$want" ]; then ok; else bad "$what: exit $got, want $want"; cat "$T/err"; fi
}
has() { if grep -qF -- "$2" "$T/$1"; then ok; else bad "$3: no '$2' in $1"; cat "$T/$1"; fi; }
# expect_line LINE WHAT: stderr is exactly that one line
expect_line() {
	if [ "$(cat "$T/err")" = "$1" ]; then ok; else bad "$2: stderr '$(head -c 300 "$T/err")', want '$1'"; fi
}
hasnt() { if grep -qF -- "$2" "$T/$1"; then bad "$3: unexpected '$2' in $1"; else ok; fi; }

cat >"$T/w.rules" <<'R'
[rule tice]
name = Austin Tice
tags = hostage us
query = "Austin Tice" OR (Tice NEAR/5 journaliste)
[rule kamal]
query = Kamalmaz~
R
printf 'Un otage américain\nLe journaliste Austin Tice et le thérapeute Kalmamaz.\n' >"$T/a.txt"
printf 'Nothing here\nabout anything at all.\n' >"$T/b.txt"
mkdir -p "$T/dir/sub"; cp "$T/a.txt" "$T/dir/sub/c.txt"; cp "$T/b.txt" "$T/dir/d.txt"

expect 0 "hit" -- "$HARK" match --color=never -r "$T/w.rules" "$T/a.txt"
has out "$T/a.txt: tice: " "text format"
has out "[Austin Tice]" "marked match"
has out "$T/a.txt: kamal: " "second rule"
has out "[Kalmamaz]" "fuzzy match marked"
expect 1 "no hit" -- "$HARK" match -r "$T/w.rules" "$T/b.txt"
test -s "$T/out" && bad "no hit prints nothing" || ok
expect 2 "missing file" -- "$HARK" match -r "$T/w.rules" "$T/nope.txt"
has err "nope.txt: No such file or directory" "missing file named"
expect 2 "error wins over hit, as grep" -- "$HARK" match -r "$T/w.rules" "$T/a.txt" "$T/nope.txt"
expect 0 "stdin" -- sh -c "'$HARK' match --color=never -r '$T/w.rules' - <'$T/a.txt'"
has out "(standard input): tice:" "stdin named"
expect 0 "directory recursion" -- "$HARK" match --color=never -r "$T/w.rules" "$T/dir"
has out "$T/dir/sub/c.txt: tice:" "file found in subdirectory"
expect 0 "a directory named with its slash" -- "$HARK" match --color=never -r "$T/w.rules" "$T/dir/"
has out "$T/dir/sub/c.txt:" "DIR/ names its files DIR/f"
hasnt out "$T/dir//" "DIR/ names no file DIR//f"
expect 0 "json" -- "$HARK" match --json -r "$T/w.rules" "$T/a.txt"
has out '"rule":{"id":"tice","name":"Austin Tice","tags":["hostage","us"]}' "rule object"
has out '{"atom":"\"Austin Tice\"","field":"body","start":15,"end":26,"text":"Austin Tice"}' "phrase match with byte offsets"
has out '{"atom":"journaliste","field":"body","start":3,"end":14,"text":"journaliste"}' "NEAR operand match"
has out '"file":"'"$T"'/a.txt"' "article file"
has out '"source":"drop"' "article source"
has out '"title":"Un otage américain"' "title is the first line"
has out '"detected_at":"' "detected_at"
test "$(wc -l <"$T/out")" -eq 2 && ok || bad "json: one line per hit"
expect 0 "colour always" -- "$HARK" match --color=always -r "$T/w.rules" "$T/a.txt"
has out "$(printf '\033[01;31mAustin Tice\033[m')" "coloured match"
expect 0 "colour never" -- "$HARK" match --color=never -r "$T/w.rules" "$T/a.txt"
hasnt out "$(printf '\033')" "no escapes with --color=never"
expect 2 "bad --color" -- "$HARK" match --color=sometimes -r "$T/w.rules" "$T/a.txt"
has err "'sometimes' is not never, always or auto" "bad colour named"
expect 2 "bad --lang" -- "$HARK" match --lang french -r "$T/w.rules" "$T/a.txt"
expect 2 "no article" -- "$HARK" match -r "$T/w.rules"
printf '[rule x]\nquery = "open\n' >"$T/broken.rules"
expect 2 "broken rules" -- "$HARK" match -r "$T/broken.rules" "$T/a.txt"
has err "broken.rules:2:9: error: unclosed phrase" "rule error names file:line:col"
# -r directory: every *.rules in it
mkdir "$T/rd"; cp "$T/w.rules" "$T/rd/"; printf 'ignored\n' >"$T/rd/notes.txt"
expect 0 "-r directory" -- "$HARK" match -r "$T/rd" "$T/a.txt"
# configured rules: -c, $HARK_CONFIG
printf '[hark]\nrules = w.rules   ; the watchlist\n' >"$T/hark.conf"
expect 0 "rules from -c config" -- "$HARK" -c "$T/hark.conf" match "$T/a.txt"
expect 0 "rules from HARK_CONFIG" -- env HARK_CONFIG="$T/hark.conf" "$HARK" match "$T/a.txt"
printf '[hark]\nrules = w.rules\nbogus = 1\n' >"$T/bad.conf"
expect 2 "unknown config key" -- "$HARK" -c "$T/bad.conf" match "$T/a.txt"
has err "bad.conf:3:1: error: unknown key 'bogus'" "config error names file:line"
(cd "$T" && mkdir empty && cd empty && HARK_CONFIG= "$HARK" match a.txt >../out 2>../err); [ $? -eq 2 ] && ok || bad "no rules at all: exit 2"
has err "no rules" "no rules explained"

# hark check
expect 0 "check ok" -- "$HARK" check "$T/w.rules"
has out "2 rules, 4 atoms, ok" "check summary"
printf '[rule one]\nquery = x\n' >"$T/one.rules"
expect 0 "check one rule" -- "$HARK" check "$T/one.rules"
has out "1 rule, 1 atom, ok" "check summary in the singular"
expect 2 "check error" -- "$HARK" check "$T/broken.rules"
printf '[rule a]\nquery = x\n' >"$T/d1.rules"; printf '[rule a]\nquery = y\n' >"$T/d2.rules"
expect 2 "duplicate ids across files" -- "$HARK" check "$T/d1.rules" "$T/d2.rules"
has err "d2.rules:1: error: duplicate rule id 'a' (first defined at $T/d1.rules:1)" "duplicate named"
printf '[rule a]\nquery = "..."\n' >"$T/empty.rules"
expect 2 "term without letters" -- "$HARK" check "$T/empty.rules"
has err "empty.rules:2:10: error:" "term without letters placed"
# rule files named with -c CONFIG: a notify name that is none of its
# destinations is warned of, as harkd -n does, in the same words
printf '[hark]\nstate_dir = %s\nrules = %s\n[webhook newsroom]\nurl = http://127.0.0.1:9/\n' "$T" "$T/w.rules" >"$T/n.conf"
printf '[rule n1]\nquery = x\nnotify = nosuchhook\n[rule n2]\nquery = y\nnotify = newsroom\n' >"$T/n.rules"
expect 0 "check RULES with -c" -- "$HARK" -c "$T/n.conf" check "$T/n.rules"
has err "n.rules:3:10: warning: rule 'n1': notify names 'nosuchhook', which is no [webhook] nor [email] of $T/n.conf: its alerts go nowhere" "a misspelt notify warned of with -c"
hasnt err "'n2'" "a notify naming a webhook is not warned of"
hasnt err "no rule is sent to it" "with RULES named, a webhook's reach is not judged"
has out "2 rules, 2 atoms, ok" "check summary with -c"
expect 0 "check RULES with HARK_CONFIG" -- env HARK_CONFIG="$T/n.conf" "$HARK" check "$T/n.rules"
has err "notify names 'nosuchhook'" "a misspelt notify warned of with HARK_CONFIG"
expect 0 "check RULES without a configuration" -- env HARK_CONFIG= "$HARK" check "$T/n.rules"
hasnt err "nosuchhook" "without a configuration, notify names are not judged"
printf '[hark]\nnosuchkey = 1\n' >"$T/broken.conf"
expect 0 "check RULES with a broken -c" -- "$HARK" -c "$T/broken.conf" check "$T/n.rules"
has err "broken.conf: note: the rules' notify names are not checked" "a broken configuration noted"
# a rule's lang that no document is in: a warning naming the code meant;
# --lang refuses it
printf '[rule j]\nquery = x\nlang = en jp\n' >"$T/jp.rules"
expect 0 "check lang = jp" -- "$HARK" check "$T/jp.rules"
has err "jp.rules:3:11: warning: lang: 'jp' is not an ISO 639-1 language code (Japanese is 'ja'): no document is ever in it" "lang = jp warned of"
expect 2 "match --lang jp" -- "$HARK" match --lang jp -r "$T/w.rules" "$T/a.txt"
has err "hark match: --lang: 'jp' is not an ISO 639-1 language code (Japanese is 'ja') (see hark match --help)" "--lang jp explained"
expect 0 "match --lang kr (Kanuri, which a document may declare)" -- "$HARK" match --lang kr -r "$T/w.rules" "$T/a.txt"
# UTF-16 without a byte order mark, in any script, is named as such; a
# binary file (ELF, compressed bytes) is only not text
if command -v iconv >/dev/null 2>&1; then
	printf 'العقوبات الاقتصادية المفروضة على سوريا، تمديد عام كامل للعقوبات.\nقالت وزارة الخارجية إن العقوبات ستستمر.\n' |
		iconv -f utf-8 -t utf-16le >"$T/ar16.txt"
	expect 2 "Arabic UTF-16LE without a BOM" -- "$HARK" match -r "$T/w.rules" "$T/ar16.txt"
	has err "UTF-16 without a byte order mark? try --charset utf-16le" "Arabic UTF-16LE named"
	printf 'Санкции продлены на год.\nМинистры заявили об этом в понедельник.\n' |
		iconv -f utf-8 -t utf-16be >"$T/ru16.txt"
	expect 2 "Russian UTF-16BE without a BOM" -- "$HARK" match -r "$T/w.rules" "$T/ru16.txt"
	has err "try --charset utf-16be" "Russian UTF-16BE named"
fi
head -c 8192 "$HARK" >"$T/elf.txt"
expect 2 "an ELF file" -- "$HARK" match -r "$T/w.rules" "$T/elf.txt"
has err "not a text document (it holds NUL bytes)" "an ELF file is not text"
hasnt err "UTF-16" "an ELF file is not called UTF-16"
{ printf '\211PNG\r\n\032\n\0\0\0\rIHDR'; head -c 65536 "$HARK" | gzip -9n; } >"$T/png.txt"
expect 2 "a PNG-like file" -- "$HARK" match -r "$T/w.rules" "$T/png.txt"
has err "not a text document" "a PNG-like file is not text"
hasnt err "UTF-16" "a PNG-like file is not called UTF-16"

# as grep: an empty file has no match (exit 1, nothing said); a binary file
# met in a directory is skipped without a word, one named is an error; the
# extractor decides what is binary, so UTF-16 with its mark is read
mkdir -p "$T/mixed/sub"
: >"$T/mixed/empty.txt"
cp "$T/elf.txt" "$T/mixed/hark.db"
cp "$T/png.txt" "$T/mixed/sub/image.png"
printf '\377\376' >"$T/mixed/sub/u16.txt"
printf 'Un otage\nLe journaliste Austin Tice.\n' | iconv -f utf-8 -t utf-16le >>"$T/mixed/sub/u16.txt"
expect 1 "an empty file" -- "$HARK" match -r "$T/w.rules" "$T/mixed/empty.txt"
test -s "$T/err" && bad "an empty file: stderr $(cat "$T/err")" || ok
expect 1 "an empty standard input" -- sh -c "'$HARK' match -r '$T/w.rules' - </dev/null"
test -s "$T/err" && bad "an empty standard input: stderr $(cat "$T/err")" || ok
expect 0 "a directory with binary files" -- "$HARK" match --color=never -r "$T/w.rules" "$T/mixed"
has out "$T/mixed/sub/u16.txt: tice: " "UTF-16 with its mark read in a directory"
test -s "$T/err" && bad "binary files in a directory: stderr $(cat "$T/err")" || ok
rm "$T/mixed/sub/u16.txt"
expect 1 "a directory of binary and empty files" -- "$HARK" match -r "$T/w.rules" "$T/mixed"
test -s "$T/err" && bad "binary and empty files: stderr $(cat "$T/err")" || ok
expect 2 "a binary file named" -- "$HARK" match -r "$T/w.rules" "$T/mixed/hark.db"
expect_line "hark: $T/mixed/hark.db: not a text document (it holds NUL bytes)" "a binary file named"

# options after operands, as grep takes them
expect 0 "options after the file" -- "$HARK" match "$T/a.txt" -r "$T/w.rules" --color=never
has out "$T/a.txt: tice: " "options after the file are read"
expect 0 "--lang upper case" -- "$HARK" match --lang FR --json -r "$T/w.rules" "$T/a.txt"
has out '"lang":"fr"' "--lang FR is fr"
expect 0 "check --" -- "$HARK" check -- "$T/w.rules"
expect 2 "check unknown option" -- "$HARK" check -x "$T/w.rules"
has err "unknown option '-x'" "unknown option named"
# a directory without rules warns; a file named twice loads once
mkdir "$T/norules"
expect 0 "empty rules directory" -- "$HARK" check "$T/norules"
has err "norules: warning: no *.rules file in this directory" "empty directory warned"
ln -s w.rules "$T/link.rules"
expect 0 "same file twice" -- "$HARK" check "$T/w.rules" "$T/link.rules" "$T/w.rules"
has out "2 rules, 4 atoms, ok" "the same rules counted once"
# a rule with no words still has a snippet; {N'Diaye} marks the article too
printf '[rule fr]\nquery = lang:fr\n[rule nd]\nquery = {N'"'"'Diaye}\n' >"$T/x.rules"
printf 'Titre\nMme N'"'"'Diaye a parlé.\n' >"$T/x.txt"
expect 0 "lang-only rule" -- "$HARK" match --lang fr --color=never -r "$T/x.rules" "$T/x.txt"
has out "$T/x.txt: fr: Mme N'Diaye a parlé." "snippet of a hit without words"
has out "$T/x.txt: nd: Mme [N'Diaye] a parlé." "exact term with an elided article"

# hark extract and hark feed
printf 'Titre\n\nLe juge a entendu le témoin mardi à Lyon, au palais de justice.\n' >"$T/fr.txt"
expect 0 "extract text" -- "$HARK" extract "$T/fr.txt"
has out "lang:      fr" "language identified"
has out "format:    text, utf-8" "format and charset named"
expect 0 "extract --json" -- "$HARK" extract --json "$T/fr.txt"
has out '"title":"Titre"' "JSON title"
# UTF-8 with a Latin-1 sentence pasted in: both read right, the line says so
printf 'Titre\n\nLe juge H\303\251l\303\250ne Moreau \303\240 Gen\303\250ve.\nD\351j\340 entendu \340 Lyon.\n' >"$T/mixed.txt"
expect 0 "extract mixed" -- "$HARK" extract "$T/mixed.txt"
has out "format:    text, utf-8 (mixed: 3 bytes read as windows-1252)" "mixed charset named"
has out "Déjà entendu à Lyon." "Latin-1 part read"
expect 0 "extract --lang" -- "$HARK" extract --json --lang EN "$T/fr.txt"
has out '"lang":"en"' "language set by hand"
expect 2 "extract --lang bad" -- "$HARK" extract --lang french "$T/fr.txt"
has err "'french' is not an ISO 639-1 code" "bad language named"
expect 2 "extract nothing" -- "$HARK" extract
has err "no file given" "missing file named"
expect 2 "extract missing file" -- "$HARK" extract "$T/nope.txt"
has err "nope.txt: No such file or directory" "missing file explained"
printf '<rss version="2.0"><channel><title>T</title><item><title>A &amp; B</title><link>https://e.org/a</link></item></channel></rss>' >"$T/f.xml"
expect 0 "feed" -- "$HARK" feed "$T/f.xml"
has out "format:    rss2.0" "feed format"
has out "charset:   utf-8 (valid UTF-8, nothing declared)" "a feed without declaration: its charset"
# the XML declaration is a declaration: said, and believed
printf '<?xml version="1.0" encoding="ISO-8859-1"?>\n<rss version="2.0"><channel><title>Caf\351</title></channel></rss>' >"$T/f1.xml"
expect 0 "feed in ISO-8859-1" -- "$HARK" feed "$T/f1.xml"
has out "charset:   windows-1252 (the XML declaration)" "the XML declaration said"
has out "title:     Café" "the XML declaration believed"
printf '\357\273\277<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>T</title></channel></rss>' >"$T/f2.xml"
expect 0 "feed with a byte order mark" -- "$HARK" feed "$T/f2.xml"
has out "charset:   utf-8 (a byte order mark)" "the byte order mark said"
expect 0 "feed --json" -- "$HARK" feed --json "$T/f.xml"
has out '"entries":[{"title":"A & B","link":"https://e.org/a"}]' "feed object"
expect 0 "feed from stdin" -- sh -c "\"$HARK\" feed - <\"$T/f.xml\""
expect 2 "feed of two files" -- "$HARK" feed "$T/f.xml" "$T/f.xml"
has err "one feed at a time" "one feed at a time"
expect 2 "feed of a URL nobody serves" -- "$HARK" feed --allow-private http://127.0.0.1:1/rss
has err "http://127.0.0.1:1/rss: " "the failed fetch names the URL"
expect 2 "feed of a URL of another scheme" -- "$HARK" feed ftp://127.0.0.1/rss
has err "ftp://127.0.0.1/rss" "a file name that is not there"
expect 2 "feed of an article" -- "$HARK" feed "$T/fr.txt"
has err "fr.txt: not a feed" "not a feed"

# a regex stopped by PCRE2's match limit: a warning naming the rule, and a later match found
printf '[rule redos]\nquery = /(a+)+b/\n' >"$T/redos.rules"
printf 'Backtracking\n\n%s!\nthen aab.\n' aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa >"$T/redos.txt"
expect 0 "match after a limit" -- "$HARK" match --color=never -r "$T/redos.rules" "$T/redos.txt"
has out "[aab]" "the match after the limit"
has err "redos.rules:2:10: warning: a nested quantifier" "hark match warns of the pattern"
has err "redos.txt: warning: rule redos: its regular expression hit PCRE2's match limit" \
	"hark match warns of the limit"

# help everywhere
for c in match check extract feed help; do
	expect 0 "hark $c --help" -- "$HARK" "$c" --help
	has out "usage: hark" "$c --help prints usage"
	expect 0 "hark help $c" -- "$HARK" help "$c"
done
expect 0 "hark --help" -- "$HARK" --help
has out "match" "command list"
expect 2 "unknown command" -- "$HARK" frobnicate
has err "'frobnicate' is not a hark command" "unknown command named"
expect 0 "version" -- "$HARK" --version

# a usage error is one line naming the cause and where help is, status 2
# (CLI.md), in every command and in hark itself; never the whole help, never
# the program's path
cmds=$("$HARK" --help | sed -n 's/^  \([a-z-]*\)  .*/\1/p' | grep -v '^help$')
[ "$(printf '%s\n' "$cmds" | wc -l)" -ge 15 ] && ok || bad "the command list of hark --help: $cmds"
for c in $cmds; do
	expect 2 "hark $c --bogus" -- "$HARK" "$c" --bogus
	expect_line "hark $c: unknown option '--bogus' (see hark $c --help)" "hark $c --bogus"
done
for o in -q -l -c; do
	expect 2 "hark match $o" -- "$HARK" match "$o" x
	expect_line "hark match: unknown option '$o' (see hark match --help)" "hark match $o"
done
expect 2 "hark match -r without its argument" -- "$HARK" match -r
expect_line "hark match: option '-r' needs an argument (see hark match --help)" "hark match -r"
expect 2 "hark match --json=x" -- "$HARK" match --json=x f
expect_line "hark match: option '--json' takes no argument (see hark match --help)" "--json=x"
expect 2 "hark match without a file" -- "$HARK" match -r "$T/w.rules"
expect_line "hark match: no article given (use - for standard input) (see hark match --help)" \
	"hark match without a file"
expect 2 "hark --bogus" -- "$HARK" --bogus
expect_line "hark: unknown option '--bogus' (see hark --help)" "hark --bogus"
expect 2 "hark alone" -- "$HARK"
expect_line "hark: no command given (see hark --help)" "hark alone"

# output that cannot be written (a full disk) is an error, as grep's: exit 2, said
if [ -w /dev/full ]; then
	"$HARK" match --color=never -r "$T/w.rules" "$T/a.txt" >/dev/full 2>"$T/err"
	got=$?
	[ "$got" -eq 2 ] && ok || bad "hark match >/dev/full: exit $got, want 2"
	expect_line "hark match: write error: No space left on device" "hark match >/dev/full"
fi
# with a message between them, standard output and error stay in order in one file
"$HARK" match --color=never -r "$T/w.rules" "$T/a.txt" "$T/nope.txt" "$T/dir/sub/c.txt" >"$T/both" 2>&1
order=$(awk -v t="$T" '{ k = "?" }
	index($0, t "/a.txt:") == 1 { k = "a" }
	index($0, "hark: " t "/nope.txt") == 1 { k = "e" }
	index($0, t "/dir/sub/c.txt:") == 1 { k = "c" }
	{ if (k != last) printf "%s", k; last = k }' "$T/both")
[ "$order" = "aec" ] && ok || bad "stdout and stderr out of order ($order): $(cat "$T/both")"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
