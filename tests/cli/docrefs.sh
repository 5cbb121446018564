#!/bin/sh
# The documentation cites only files the project has: every *.md a README,
# BENCHMARKS.md or man page names, and every relative link of the Markdown
# files, is a file of the tree (a design note kept elsewhere, such as
# RULES.md, is no reference for a user: the man pages are). The demo's
# paragraph says that make run starts afresh. Usage: docrefs.sh SOURCE_DIR
[ $# -eq 1 ] || { echo "usage: $0 SOURCE_DIR" >&2; exit 2; }
SRC=$1
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
cd "$SRC" || exit 2

# exists NAME: a path from the top, or a file of that name somewhere in the tree
exists() {
	[ -e "$1" ] && return 0
	find . -path ./build -prune -o -path './build-*' -prune -o -path ./.git -prune -o \
		-name "$(basename "$1")" -print | grep -q .
}
docs="README.md BENCHMARKS.md $(ls docs/*.1 docs/*.5 docs/*.8) $(ls tests/*/README.md 2>/dev/null)"
for f in $docs; do
	for m in $(grep -oE '[A-Za-z0-9_./-]*[A-Za-z0-9_-]\.md\b' "$f" | sort -u); do
		exists "$m" && ok || bad "$f cites $m, which is not in the tree"
	done
done
# the relative links of the Markdown files, from their own directory
for f in README.md BENCHMARKS.md $(ls tests/*/README.md 2>/dev/null); do
	d=$(dirname "$f")
	# a link inside a code span is an example
	for l in $(sed 's/`[^`]*`//g' "$f" | grep -oE '\]\([^)#]+' | sed 's/^](//' |
		grep -vE '^(https?|mailto):' | sort -u); do
		[ -e "$d/$l" ] && ok || bad "$f links $l, which is not in the tree"
	done
done
# make run removes ./var/: said where the README invites to drop more into it
awk '/^While it runs, in another terminal/,/^```sh/' README.md | tr '\n' ' ' |
	grep -q 'each run removes `./var/`' && ok || bad "README: the demo's paragraph does not say make run removes ./var/"
echo "docrefs: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
