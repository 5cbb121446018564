#!/bin/sh
# Feed conformance: every fixture in conformance/ through `hark feed --json`,
# compared byte for byte with its NAME.expected.json (one line, as hark
# prints it). The expected files were reviewed by hand against the fixture
# and CLI.md's feed object: a difference is a change in what hark reads.
# Usage: run.sh HARK            check
#        run.sh --update HARK   rewrite the .expected.json files (review the diff!)
update=0
[ "$1" = "--update" ] && { update=1; shift; }
HARK=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
[ -x "$HARK" ] || { echo "usage: $0 [--update] HARK" >&2; exit 2; }
D=$(cd "$(dirname "$0")" && pwd)/conformance
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$D" || exit 2
pass=0 fail=0
for f in [0-9]*.xml [0-9]*.rdf [0-9]*.atom [0-9]*.json; do
	case $f in *.expected.json | "[0-9]*"*) continue ;; esac
	exp=${f%.*}.expected.json
	"$HARK" feed --json "$f" >"$T/out" 2>"$T/err"
	st=$?
	if [ $st -ne 0 ]; then
		fail=$((fail + 1))
		echo "FAIL: $f: hark feed exit $st: $(cat "$T/err")"
		continue
	fi
	if [ $update -eq 1 ]; then
		cp "$T/out" "$exp"
		pass=$((pass + 1))
	elif [ ! -f "$exp" ]; then
		fail=$((fail + 1))
		echo "FAIL: $f has no $exp (write it with --update, then read it)"
	elif cmp -s "$T/out" "$exp"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $f differs from $exp"
		if command -v jq >/dev/null 2>&1; then
			jq . "$exp" >"$T/want" 2>/dev/null
			jq . "$T/out" >"$T/got" 2>/dev/null
			diff -u "$T/want" "$T/got" | head -40
		else
			diff "$exp" "$T/out" | head -20
		fi
	fi
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
