#!/bin/sh
# README's list of commands against the program: each `hark COMMAND` line of
# its "## Commands" block names the options that `hark COMMAND --help` shows
# in its usage, no more and no fewer. Usage: docsync.sh HARK README
HARK=$1 README=$2
[ -x "$HARK" ] && [ -f "$README" ] || { echo "usage: $0 HARK README" >&2; exit 2; }
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# opts: the option names of standard input, sorted, on one line
opts() { grep -oE '(^|[[ |])--?[a-zA-Z][a-zA-Z-]*' | sed 's/^[[ |]//' | sort -u | tr '\n' ' '; }

# the block: its lines joined with those that continue them (indented)
block=$(awk '/^## Commands/ { on = 1; next } on && /^```/ { n++; if (n == 2) exit; next }
	on && n == 1 { if (/^ /) { sub(/^ +/, " "); printf "%s", $0 } else printf "\n%s", $0 }' "$README")
cmds=$(printf '%s\n' "$block" | sed -n 's/^hark \([a-z-]*\).*/\1/p' | sort -u)
[ -n "$cmds" ] && ok || bad "no hark command in README's block"
for c in $cmds; do
	[ "$c" = help ] && continue
	# the usage: the lines before the first one that does not continue it
	want=$("$HARK" "$c" --help 2>&1 | awk 'NR == 1 || /^  +\[/ { print; next } { exit }' |
		sed 's/^usage: hark \[-c CONFIG\] //' | opts)
	got=$(printf '%s\n' "$block" | grep "^hark $c " | sed 's/^hark //' | opts)
	# the reading of --help works: hits has a usage of two lines
	[ "$c" != hits ] || case $want in *--before*--json*--limit*--since*) ok ;; *) bad "hits: options of --help: '$want'" ;; esac
	[ "$got" = "$want" ] && ok || bad "README's 'hark $c' names '$got', its --help '$want'"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
