#!/bin/sh
# hark ingest as a producer drives it, with --spool: files arrive in
# incoming/ under their names, a suffix on a clash, each printed with its
# full path, errors per file with exit 2, nothing left in tmp/; standard
# input with --name; a directory that is not a spool refused, and a --spool
# that is not one already (a typo) refused before anything is made; the
# configured spool made when missing (ingest before harkd's first start).
# Usage: ingest.sh HARK
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
same() { if cmp -s "$1" "$2"; then ok; else bad "$3: $2 differs from $1"; fi; }
lines() {
	n=$(wc -l <"$T/$1")
	if [ "$n" -eq "$2" ]; then ok; else bad "$3: $n lines in $1, want $2"; cat "$T/$1"; fi
}
empty_dir() {
	if [ -z "$(ls -A "$1")" ]; then ok; else bad "$2: $1 not empty:"; ls -A "$1"; fi
}

S=$T/spool
# spool DIR...: each a spool as harkd leaves it (--spool takes no other)
spool() { for d in "$@"; do mkdir -p "$d/incoming" "$d/tmp" "$d/done" "$d/failed"; done; }
# the full path printed: the spool's, links resolved
TR=$(cd "$T" && pwd -P)
mkdir "$T/in"
printf 'Title one\nBody.\n' >"$T/in/a.txt"
printf '<title>Two</title>\n' >"$T/in/b article.html"
# a --spool that is no spool yet (a typo, harkd never started there): refused,
# nothing made, nothing copied
expect 2 "--spool that is not a spool yet" -- "$HARK" ingest --spool "$S" "$T/in/a.txt"
has err "hark: ingest: --spool $S: not a spool (no incoming/ in it): harkd creates its spool when it starts; give its spool_dir, or start harkd first" "--spool typo named"
lines err 1 "--spool typo: one line"
[ ! -e "$S" ] && ok || bad "--spool typo: $S made"
spool "$S"
rm -r "$S/tmp" "$S/done" "$S/failed" # incoming/ alone will do: the rest is made

expect 0 "two files" -- "$HARK" ingest --spool "$S" "$T/in/a.txt" "$T/in/b article.html"
same "$T/in/a.txt" "$S/incoming/a.txt" "name kept"
same "$T/in/b article.html" "$S/incoming/b article.html" "name with a space kept"
has out "$T/in/a.txt -> $TR/spool/incoming/a.txt" "reported with the full path"
lines out 2 "one line a file"
for d in tmp incoming done failed; do
	[ -d "$S/$d" ] && ok || bad "spool/$d created"
done

expect 0 "clash" -- "$HARK" ingest --spool "$S" "$T/in/a.txt"
same "$T/in/a.txt" "$S/incoming/a.txt.1" "suffix on a clash"
has out "-> $TR/spool/incoming/a.txt.1" "suffix reported"

expect 0 "quiet" -- "$HARK" ingest -q --spool "$S" "$T/in/a.txt"
[ -s "$T/out" ] && bad "-q prints nothing" || ok
[ -f "$S/incoming/a.txt.2" ] && ok || bad "-q still ingests"

expect 2 "missing file" -- "$HARK" ingest --spool "$S" "$T/in/nope.txt" "$T/in/a.txt"
has err "hark: ingest: $T/in/nope.txt: No such file or directory" "missing file named"
lines err 1 "one-line message"
[ -f "$S/incoming/a.txt.3" ] && ok || bad "the other file still ingested"

expect 2 "directory" -- "$HARK" ingest --spool "$S" "$T/in"
has err "$T/in: is a directory" "directory refused"

expect 2 "no file" -- "$HARK" ingest --spool "$S"
has err "no file given" "no file named"

expect 2 "stdin without --name" -- "$HARK" ingest --spool "$S" -
has err "hark: ingest: -: standard input needs --name NAME" "- without --name refused"
expect 2 "--name without -" -- "$HARK" ingest --spool "$S" --name x.txt "$T/in/a.txt"
has err "--name names standard input: give - among the files" "--name without - refused"
expect 2 "- twice" -- "$HARK" ingest --spool "$S" --name x.txt - -
has err "- given twice" "- twice refused"
printf 'Piped title\nPiped body.\n' >"$T/piped"
"$HARK" ingest --spool "$S" --name piped.txt - <"$T/piped" >"$T/out" 2>"$T/err" && ok ||
	bad "standard input with --name: $(cat "$T/err")"
same "$T/piped" "$S/incoming/piped.txt" "standard input under --name"
has out "- -> $TR/spool/incoming/piped.txt" "standard input reported"
cat "$T/piped" | "$HARK" ingest --spool "$S" --name piped.txt - "$T/in/a.txt" >"$T/out" 2>"$T/err" && ok ||
	bad "a pipe and a file: $(cat "$T/err")"
same "$T/piped" "$S/incoming/piped.txt.1" "a pipe, a suffix on a clash"
lines out 2 "a pipe and a file: two lines"
for n in ../x.txt .hidden "a/b.txt"; do
	"$HARK" ingest --spool "$S" --name "$n" - <"$T/piped" >"$T/out" 2>"$T/err" && bad "--name $n accepted" || ok
	has err "--name: '$n' is not a file name" "--name $n named"
done
: | "$HARK" ingest --spool "$S" --name empty.txt - >"$T/out" 2>"$T/err" && ok || bad "empty standard input: $(cat "$T/err")"
[ -f "$S/incoming/empty.txt" ] && [ ! -s "$S/incoming/empty.txt" ] && ok || bad "empty standard input ingested empty"

# a directory that is not a spool: refused, nothing made in it
mkdir "$T/articles"
printf 'x\n' >"$T/articles/keep.txt"
expect 2 "not a spool" -- "$HARK" ingest --spool "$T/articles" "$T/in/a.txt"
has err "hark: ingest: --spool $T/articles: not a spool (no incoming/ in it)" "not a spool named"
[ ! -e "$T/articles/incoming" ] && [ ! -e "$T/articles/tmp" ] && ok || bad "not a spool: left alone"
lines err 1 "not a spool: one line"
# an empty directory named by --spool: refused too, left empty
mkdir "$T/emptyspool"
expect 2 "an empty directory" -- "$HARK" ingest --spool "$T/emptyspool" "$T/in/a.txt"
has err "--spool $T/emptyspool: not a spool" "an empty --spool named"
empty_dir "$T/emptyspool" "an empty --spool left alone"
# a spool whose incoming/ went: harkd's to make again
mkdir -p "$T/halfspool/tmp" "$T/halfspool/done"
expect 2 "incoming/ missing" -- "$HARK" ingest --spool "$T/halfspool" "$T/in/a.txt"
has err "$T/halfspool/incoming: missing (removed or renamed?)" "incoming/ missing named"
# a relative --spool: the full path printed all the same
(cd "$T" && "$HARK" ingest --spool spool in/a.txt) >"$T/out" 2>"$T/err"
has out "in/a.txt -> $TR/spool/incoming/a.txt." "relative --spool printed in full"

expect 2 "missing parent" -- "$HARK" ingest --spool "$T/no/spool" "$T/in/a.txt"
has err "--spool $T/no/spool: not a spool" "missing parent named"
[ ! -e "$T/no" ] && ok || bad "missing parent: nothing made"

# the spool from the configuration
printf '[rule r]\nquery = word\n' >"$T/w.rules"
printf '[hark]\nspool_dir = %s\nrules = w.rules\n' "$T/spool2" >"$T/hark.conf"
expect 0 "configured spool" -- "$HARK" -c "$T/hark.conf" ingest "$T/in/a.txt"
same "$T/in/a.txt" "$T/spool2/incoming/a.txt" "configured spool used, made when missing"
for d in tmp incoming done failed; do
	[ -d "$T/spool2/$d" ] && ok || bad "configured spool2/$d created"
done
# the configured spool an empty directory (tmpfiles or mkdir before harkd's first start): made a spool
mkdir "$T/spool3"
printf '[hark]\nspool_dir = %s\nrules = w.rules\n' "$T/spool3" >"$T/hark3.conf"
expect 0 "configured empty spool" -- "$HARK" -c "$T/hark3.conf" ingest "$T/in/a.txt"
[ -f "$T/spool3/incoming/a.txt" ] && ok || bad "an empty configured spool_dir made a spool"

# --lang LL: the language declared beside the bytes (the extended attribute
# user.hark.lang), which are copied as they are: a plain text with "<...>"
# spans stays plain text (a front matter written before it made its body
# markup, and its "<Lena Okafor>" no text); hark extract reads the spool
# file as harkd does, its declaration over the file's own
L=$T/lang
spool "$L"
mkdir "$T/lin"
printf '\n  Путин в Минске: "визит"  \nТекст.\n' >"$T/lin/ru.txt"
printf 'Note\nFrom: <Lena Okafor> via the desk\n<Hezbollah statement follows>\n' >"$T/lin/fw.txt"
printf -- '---\ntitle: Macron à Berlin\nlang: de\n---\nLe président est arrivé.\n' >"$T/lin/fr.md"
printf '{"title": "Macron à Berlin", "body": "Visite.", "lang": "de"}\n' >"$T/lin/fr.json"
printf '<html lang="de"><title>Macron à Berlin</title><p>Le président est arrivé.</p></html>\n' >"$T/lin/p.html"
expect 0 "--lang on text" -- "$HARK" ingest --spool "$L" --lang RU "$T/lin/ru.txt" "$T/lin/fw.txt"
same "$T/lin/ru.txt" "$L/incoming/ru.txt" "--lang: the text's bytes as they are"
same "$T/lin/fw.txt" "$L/incoming/fw.txt" "--lang: the bytes of a text with <...> as they are"
"$HARK" ingest --spool "$L" --lang ru --name piped-ru.txt - <"$T/lin/ru.txt" >"$T/out" 2>"$T/err" ||
	bad "--lang on standard input: $(cat "$T/err")"
same "$L/incoming/ru.txt" "$L/incoming/piped-ru.txt" "--lang on standard input: as on the file"
"$HARK" extract --json "$T/lin/ru.txt" >"$T/plain.json"
for f in ru.txt piped-ru.txt; do
	"$HARK" extract --json "$L/incoming/$f" >"$T/out"
	has out '"title":"Путин в Минске: \"визит\"",' "$f: title kept"
	has out '"format":"text"' "$f: still plain text"
	has out '"lang":"ru","lang_by":"declared","lang_declared":"ru"' "$f: declared language"
	has out '"body":"Текст."}' "$f: body kept"
done
has plain.json '"body":"Текст."}' "the same body as the file alone"
"$HARK" extract --json "$L/incoming/fw.txt" >"$T/out"
has out '"format":"text"' "fw.txt: still plain text"
has out '<Lena Okafor> via the desk' "fw.txt: its <...> spans are text"
expect 0 "--lang on front matter, JSON and HTML" -- "$HARK" ingest --spool "$L" --lang fr "$T/lin/fr.md" "$T/lin/fr.json" "$T/lin/p.html"
for f in fr.md fr.json p.html; do same "$T/lin/$f" "$L/incoming/$f" "--lang: $f as it is"; done
"$HARK" extract --json "$L/incoming/fr.md" "$L/incoming/fr.json" "$L/incoming/p.html" >"$T/out"
lines out 3 "three articles"
if [ "$(grep -c '"lang_declared":"fr"' "$T/out")" -eq 3 ]; then ok; else
	bad "--lang fr not over the files' own de: $(cat "$T/out")"
fi
# hark match --lang, the user's word, over the file's declaration
"$HARK" extract --json --lang de "$L/incoming/fr.md" >"$T/out"
has out '"lang":"de"' "extract --lang over the declaration beside the file"
expect 2 "bad --lang" -- "$HARK" ingest --spool "$L" --lang french "$T/lin/ru.txt"
has err "--lang: 'french' is not an ISO 639-1 code" "bad code named"
# a declaration set by hand that is no code: named, the file not read
if command -v python3 >/dev/null 2>&1; then
	cp "$T/lin/ru.txt" "$T/lin/byhand.txt"
	python3 -c 'import os, sys; os.setxattr(sys.argv[1], "user.hark.lang", b"french")' "$T/lin/byhand.txt"
	expect 2 "a bad user.hark.lang" -- "$HARK" extract "$T/lin/byhand.txt"
	has err "byhand.txt: its extended attribute user.hark.lang: 'french' is not an ISO 639-1 code" "bad attribute named"
fi

# --charset CS: the bytes as they are, the charset beside them, which hark
# (and harkd) believe over the page's own (here wrong) declaration
C=$T/spool-cs
spool "$C"
mkdir "$T/cin"
printf '<html><head><meta charset="shift_jis"><title>Новости</title></head><body><p>Иван Петров вернулся домой.</p></body></html>\n' |
	iconv -t koi8-r >"$T/cin/ru.html"
expect 0 "--charset koi8-r" -- "$HARK" ingest --spool "$C" --charset KOI8-R "$T/cin/ru.html"
has out "$T/cin/ru.html -> $TR/spool-cs/incoming/ru.html" "--charset: reported"
same "$T/cin/ru.html" "$C/incoming/ru.html" "--charset: the bytes as they are"
"$HARK" extract --json "$C/incoming/ru.html" >"$T/out" 2>"$T/err" || bad "extract the copy: $(cat "$T/err")"
has out '"charset":"koi8-r","charset_by":"declared"' "--charset: read in KOI8-R, as declared"
has out 'Иван Петров вернулся домой.' "--charset: the text right"
printf 'Заголовок\n\nИван Петров вернулся домой.\n' | iconv -t cp1251 >"$T/cin/ru.txt"
expect 0 "--charset with --lang" -- "$HARK" ingest --spool "$C" --charset windows-1251 --lang ru "$T/cin/ru.txt"
"$HARK" extract --json "$C/incoming/ru.txt" >"$T/out" 2>"$T/err" || bad "extract: $(cat "$T/err")"
has out '"title":"Заголовок"' "--charset with --lang: the title"
has out '"lang_declared":"ru"' "--charset with --lang: the language declared"
expect 2 "bad --charset" -- "$HARK" ingest --spool "$C" --charset x-klingon "$T/cin/ru.txt"
has err "--charset: 'x-klingon' is not a charset hark knows" "bad charset named"

empty_dir "$S/tmp" "nothing left in tmp/"
empty_dir "$T/spool2/tmp" "nothing left in tmp/ (configured)"
empty_dir "$L/tmp" "nothing left in tmp/ (--lang)"

echo "ingest: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
