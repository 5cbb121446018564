#!/bin/sh
# Every accepted format and charset through the real command: which rules hit
# each fixture (expected.tsv), exactly what `hark extract --json` sees in it
# (NAME.extract.jsonl), and the refusals (errors.tsv).
# Usage: run.sh HARK            check
#        run.sh --update HARK   rewrite the .extract.jsonl files (review the diff!)
update=0
[ "$1" = "--update" ] && { update=1; shift; }
HARK=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
[ -x "$HARK" ] || { echo "usage: $0 [--update] HARK" >&2; exit 2; }
D=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$D" || exit 2
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }

# which rules hit
for f in $(awk -F'\t' '!/^#/ { print $1 }' expected.tsv | sort -u); do
	"$HARK" match --json -r formats.rules "$f" >"$T/out" 2>"$T/err"
	st=$?
	[ $st -le 1 ] || { ko "$f: hark match exit $st: $(cat "$T/err")"; continue; }
	sed -n 's/.*"rule":{"id":"\([^"]*\)".*/\1/p' "$T/out" | sort -u >"$T/hits"
	awk -F'\t' -v f="$f" '$1 == f { print $2 "\t" $3 }' expected.tsv >"$T/rows"
	while IFS="$(printf '\t')" read -r rule want; do
		if grep -qx "$rule" "$T/hits"; then got=1; else got=0; fi
		[ "$got" = "$want" ] && ok || ko "$f $rule: got $got, expected $want"
	done <"$T/rows"
done

# what hark sees, field by field
for f in *.md *.html *.json *.xml *.txt; do
	exp=$f.extract.jsonl
	"$HARK" extract --json "$f" >"$T/x" 2>"$T/err"
	st=$?
	[ $st -eq 0 ] || { ko "$f: hark extract exit $st: $(cat "$T/err")"; continue; }
	if [ $update -eq 1 ]; then
		cp "$T/x" "$exp"
	elif cmp -s "$T/x" "$exp"; then
		ok
	else
		ko "$f: hark extract differs from $exp"
		diff "$exp" "$T/x" | head -20
	fi
done

# --charset overrides what the bytes say (even uchardet's good guess)
"$HARK" extract --json --charset windows-1251 plain-koi8r.txt >"$T/x" 2>"$T/err"
grep -q '"charset":"windows-1251","charset_by":"declared"' "$T/x" && ok ||
	ko "extract --charset windows-1251: $(cat "$T/x" "$T/err")"
"$HARK" match --json --charset windows-1251 -r formats.rules plain-koi8r.txt >"$T/x" 2>"$T/err"
[ $? -eq 1 ] && ok || ko "match --charset windows-1251 still hit: $(cat "$T/x" "$T/err")"
"$HARK" match --json --charset KOI8-R -r formats.rules plain-koi8r.txt >"$T/x" 2>"$T/err"
grep -q '"petrov"' "$T/x" && ok || ko "match --charset KOI8-R: $(cat "$T/x" "$T/err")"

# refusals: one line naming the cause, exit 2
while IFS="$(printf '\t')" read -r f cmd want; do
	case $f in "#"* | "") continue ;; esac
	"$HARK" $cmd "$f" >/dev/null 2>"$T/err"
	st=$?
	if [ $st -eq 2 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -qF -- "$want" "$T/err"; then
		ok
	else
		ko "$f ($cmd): exit $st, stderr: $(cat "$T/err"), expected: $want"
	fi
done <errors.tsv

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
