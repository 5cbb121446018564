#!/bin/sh
# hark match -j N: the same output, byte for byte, as -j 1 (arguments in
# order, directories sorted), on a directory of every fixture the tests
# have (cases, formats, demo articles, errors) and a file large enough to be
# mapped. Usage: jobs.sh HARK SRCDIR
HARK=$1 SRC=$2
[ -x "$HARK" ] && [ -d "$SRC/tests/cases" ] || { echo "usage: $0 HARK SRCDIR" >&2; exit 2; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# the fixtures: one directory per source, the big file first in sorted order
F=$T/fx
mkdir -p "$F/cases" "$F/formats" "$F/demo"
for d in "$SRC"/tests/cases/*/; do
	n=$(basename "$d")
	mkdir -p "$F/cases/$n"
	for f in "$d"*; do
		case $f in *.rules | *.tsv | *.jsonl | *.conf) ;; *) [ -f "$f" ] && cp "$f" "$F/cases/$n/" ;; esac
	done
done
cp "$SRC"/tests/formats/* "$F/formats/"
cp "$SRC"/contrib/demo/articles/* "$F/demo/"
# about 2 MiB of text (mapped, not read) with names from the demo rules at both ends
{
	echo "Un grand dossier"
	cat "$SRC"/contrib/demo/articles/01-fr-sanctions.txt
	awk '{ a = a $0 "\n" } END { for (i = 0; i < 6000; i++) printf "%s", a }' \
		"$SRC"/contrib/demo/articles/07-fr-no-hit.txt
	cat "$SRC"/contrib/demo/articles/02-en-detained.txt
} >"$F/000-big.txt"
[ "$(wc -c <"$F/000-big.txt")" -gt 1048576 ] && ok || bad "the big file is under 1 MiB"
printf 'Austin Tice\nAustin Tice was seen.\n' >"$F/loose.txt"

# run J OUT ARGS...: hark match -j J, stdout, stderr and status into OUT.*
run() {
	j=$1 out=$2
	shift 2
	"$HARK" match -j "$j" "$@" >"$out.out" 2>"$out.err"
	echo $? >"$out.rc"
}
# same WHAT A B: the two runs printed the same bytes and exited alike
same() {
	for s in out err rc; do
		if cmp -s "$2.$s" "$3.$s"; then ok; else bad "$1: -j 1 and -j 4 differ on std$s"; diff "$2.$s" "$3.$s" | head -5; fi
	done
}

# every case's rules over all the fixtures, arguments out of sorted order
n=0
for r in "$SRC"/tests/cases/*/case.rules "$SRC"/rules/example.rules; do
	n=$((n + 1))
	run 1 "$T/a$n" --color=never -r "$r" "$F/formats" "$F/loose.txt" "$T/missing.txt" "$F"
	run 4 "$T/b$n" --color=never -r "$r" "$F/formats" "$F/loose.txt" "$T/missing.txt" "$F"
	same "$(basename "$(dirname "$r")")" "$T/a$n" "$T/b$n"
done
# the demo rules hit the big file and others: the order is not a trivial one
grep -q "000-big.txt: " "$T/a$n.out" && ok || bad "no hit in the big file"
test "$(grep -c ': ' "$T/a$n.out")" -ge 5 && ok || bad "fewer than 5 hits with the demo rules"
grep -q "missing.txt: No such file or directory" "$T/a$n.err" && ok || bad "missing file not named"
# the arguments' order holds: formats/ before loose.txt before the rest of fx/
first_big=$(grep -n "000-big.txt" "$T/b$n.out" | head -1 | cut -d: -f1)
first_demo=$(grep -n "/demo/" "$T/b$n.out" | head -1 | cut -d: -f1)
[ -n "$first_big" ] && [ -n "$first_demo" ] && [ "$first_big" -lt "$first_demo" ] && ok ||
	bad "sorted order: 000-big.txt after demo/"

# --json, detected_at aside (it is the second the run started)
run 1 "$T/j1" --json -r "$SRC/rules/example.rules" "$F"
run 3 "$T/j3" --json -r "$SRC/rules/example.rules" "$F"
for f in j1 j3; do sed 's/"detected_at":"[^"]*"//' "$T/$f.out" >"$T/$f.norm"; done
cmp -s "$T/j1.norm" "$T/j3.norm" && ok || bad "--json: -j 1 and -j 3 differ"
cmp -s "$T/j1.rc" "$T/j3.rc" && ok || bad "--json: exit statuses differ"
# the default (every CPU) is the same too
"$HARK" match --color=never -r "$SRC/rules/example.rules" "$F" >"$T/d.out" 2>"$T/d.err"
run 1 "$T/d1" --color=never -r "$SRC/rules/example.rules" "$F"
cmp -s "$T/d.out" "$T/d1.out" && ok || bad "the default -j differs from -j 1"

# bad -j values are named
for v in 0 -1 abc 1x 100000; do
	"$HARK" match -j "$v" -r "$SRC/rules/example.rules" "$F/loose.txt" >/dev/null 2>"$T/e"
	rc=$?
	[ $rc -eq 2 ] && grep -q "'$v' is not a number of threads" "$T/e" && ok || bad "-j $v: exit $rc, $(cat "$T/e")"
done
"$HARK" match --jobs=2 --color=never -r "$SRC/rules/example.rules" "$F/demo" >"$T/l.out" 2>&1 && ok || bad "--jobs=2"

# the threads extract before the rules compile, but print nothing before
# their diagnostics; when the rules fail, nothing of the files is printed
printf '[rule tice]\nquery = Tice or Austin\n' >"$T/warn.rules"
run 4 "$T/w4" --color=never -r "$T/warn.rules" "$T/missing.txt" "$F"
run 1 "$T/w1" --color=never -r "$T/warn.rules" "$T/missing.txt" "$F"
same "a warning" "$T/w1" "$T/w4"
head -1 "$T/w4.err" | grep -q "warn.rules:2:14: warning: 'or' is a word" && ok ||
	bad "the rules' warning is not the first line of stderr: $(head -1 "$T/w4.err")"
grep -q "missing.txt: No such file" "$T/w4.err" && ok || bad "a warning: missing file not named"
printf '[rule bad]\nquery = "Austin Tice\n' >"$T/bad.rules"
run 4 "$T/f4" --color=never -r "$T/bad.rules" "$T/missing.txt" "$F"
[ "$(cat "$T/f4.rc")" = 2 ] && ok || bad "bad rules: exit $(cat "$T/f4.rc"), not 2"
[ ! -s "$T/f4.out" ] && ok || bad "bad rules: something printed on stdout"
grep -q "bad.rules:2:" "$T/f4.err" && ok || bad "bad rules: no diagnostic"
grep -q "missing.txt" "$T/f4.err" && bad "bad rules: a file's error printed" || ok
# standard input among the files: read once the rules are ready, in its place
for j in 1 4; do
	"$HARK" match -j "$j" --color=never -r "$SRC/rules/example.rules" "$F/demo" - "$F/loose.txt" \
		<"$SRC/contrib/demo/articles/02-en-detained.txt" >"$T/s$j.out" 2>"$T/s$j.err"
	echo $? >"$T/s$j.rc"
done
same "standard input" "$T/s1" "$T/s4"
grep -q "^(standard input): " "$T/s4.out" && ok || bad "standard input: no hit"

# no thread sleeps or wakes per file: the one that finishes the first file
# not printed prints it (before: the main thread waited for each, twice per
# file, 4,000 context switches here). A loaded machine preempts a thread
# holding the lock and the other sleeps on it: the least of three runs, and
# fewer than one switch for every two files.
mkdir "$T/many"
awk -v d="$T/many" 'BEGIN { for (i = 0; i < 2000; i++) { f = sprintf("%s/%04d.txt", d, i)
	print "Report " i >f; for (k = 0; k < 40; k++) print "The talks go on, a report says. " k >f
	close(f) } }'
if [ -x /usr/bin/time ]; then
	cs=
	for i in 1 2 3; do
		/usr/bin/time -f "%w" -o "$T/cs" "$HARK" match -j 2 --color=never -r "$SRC/rules/example.rules" \
			"$T/many" >/dev/null 2>&1
		c=$(tail -1 "$T/cs")
		[ -z "$cs" ] || [ "$c" -lt "$cs" ] && cs=$c
	done
	[ "$cs" -lt 1000 ] && ok || bad "-j 2 over 2000 files: $cs voluntary context switches at least (1000 or more)"
else
	echo "jobs: no /usr/bin/time: context switches not counted"
fi

# 20,000 rules take a while to compile: the threads extract files meanwhile
# and match them once the rules are ready; the same output as -j 1. With an
# error in the last rule, what they extracted is dropped and nothing printed.
awk 'BEGIN { for (i = 0; i < 20000; i++) printf "[rule r%d]\nquery = \"Name%d Surname%d\" OR word%dx\n\n", i, i, i, i
	print "[rule tice]\nquery = Tice" }' >"$T/big.rules"
run 1 "$T/g1" --color=never -r "$T/big.rules" "$F" "$T/many"
run 3 "$T/g3" --color=never -r "$T/big.rules" "$F" "$T/many"
same "20,000 rules" "$T/g1" "$T/g3"
grep -q ": tice: " "$T/g3.out" && ok || bad "20,000 rules: no hit"
printf '[rule last]\nquery = (Tice\n' >>"$T/big.rules"
run 3 "$T/h3" --color=never -r "$T/big.rules" "$F" "$T/many"
[ "$(cat "$T/h3.rc")" = 2 ] && [ ! -s "$T/h3.out" ] && ok ||
	bad "20,000 rules and an error: exit $(cat "$T/h3.rc"), $(wc -l <"$T/h3.out") lines out"
grep -q "big.rules:60004:" "$T/h3.err" && ok || bad "20,000 rules and an error: $(head -2 "$T/h3.err")"

echo "jobs: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
