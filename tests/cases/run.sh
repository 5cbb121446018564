#!/bin/sh
# Golden cases for the rule language (docs: RULES.md, hark.rules(5)).
#
#   tests/cases/run.sh HARK            check every case against HARK (build/hark)
#   tests/cases/run.sh --update HARK   (re)write each case's expected.jsonl from HARK
#
# A case is a directory NN-topic/ holding case.rules, one or more documents
# *.txt and expect.tsv. Each line of expect.tsv is
#
#   doc<TAB>rule<TAB>1|0[<TAB>text|text|...]
#
# 1: `hark match --color=never -r case.rules doc` prints a line `doc: rule: …`;
# 0: it does not. The optional fourth column lists original texts that must
# appear, in this order, marked [text] in that line's snippet (hark match marks
# between [ ] without colour). Lines starting
# with # and empty lines are ignored. hark runs inside the case directory, so
# a hark.conf there is its configuration (its [hark] languages, the prior of
# language identification, count with -r too). When expected.jsonl exists, the output
# of `hark match --json -r case.rules *.txt` (run inside the case directory,
# documents in sorted order, "detected_at" removed) must equal it byte for byte.
#
# POSIX sh and awk only. Prints every failure, then "N passed, M failed".

usage() {
	echo "usage: $0 [--update] HARK" >&2
	exit 2
}

update=0
if [ "${1-}" = "--update" ]; then
	update=1
	shift
fi
[ $# -eq 1 ] || usage
HARK=$1
case $HARK in
/*) ;;
*) HARK=$(pwd)/$HARK ;;
esac
[ -x "$HARK" ] || {
	echo "$0: $HARK: not an executable" >&2
	exit 2
}

LC_ALL=C
export LC_ALL
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hark-cases.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# Strip the run-dependent field from --json output.
strip_time() {
	sed 's/,\{0,1\} *"detected_at": *"[^"]*"//'
}

pass=0
fail=0
for dir in "$here"/[0-9]*; do
	[ -d "$dir" ] || continue
	name=${dir##*/}
	if [ ! -f "$dir/case.rules" ] || [ ! -f "$dir/expect.tsv" ]; then
		echo "FAIL $name: needs case.rules and expect.tsv"
		fail=$((fail + 1))
		continue
	fi
	out=$tmp/$name.out
	docs=$tmp/$name.docs
	: >"$out"
	: >"$docs"

	# Run each document on its own, as users would, and keep the text lines.
	for path in "$dir"/*.txt; do
		[ -f "$path" ] || continue
		doc=${path##*/}
		echo "$doc" >>"$docs"
		(cd "$dir" && "$HARK" match --color=never -r case.rules "$doc") \
			>"$tmp/doc.out" 2>"$tmp/doc.err"
		rc=$?
		case $rc in
		0 | 1)
			lines=$(wc -l <"$tmp/doc.out")
			if { [ "$rc" -eq 0 ] && [ "$lines" -eq 0 ]; } ||
				{ [ "$rc" -eq 1 ] && [ "$lines" -ne 0 ]; }; then
				echo "FAIL $name/$doc: exit $rc with $lines output lines"
				fail=$((fail + 1))
			fi
			cat "$tmp/doc.out" >>"$out"
			;;
		*)
			echo "FAIL $name/$doc: hark match exited $rc: $(head -n 3 "$tmp/doc.err")"
			fail=$((fail + 1))
			echo "$doc	ERROR" >>"$docs"
			;;
		esac
	done

	# Rule ids the case defines, to catch typos in expect.tsv.
	sed -n 's/^[[:space:]]*\[rule[[:space:]]\{1,\}\([^]]*\)\].*/\1/p' "$dir/case.rules" \
		>"$tmp/$name.ids"

	res=$(awk -F '	' -v case="$name" -v docsf="$docs" -v idsf="$tmp/$name.ids" '
	BEGIN {
		while ((getline l < docsf) > 0) {
			if (l ~ /\tERROR$/) { sub(/\tERROR$/, "", l); broken[l] = 1 }
			else known[l] = 1
		}
		while ((getline l < idsf) > 0) ids[l] = 1
		pass = fail = 0
	}
	FNR == NR { out[++n] = $0; next }
	/^#/ || /^[ \t]*$/ { next }
	{
		doc = $1; rule = $2; want = $3; texts = $4
		where = case "/" doc " " rule " (expect.tsv:" FNR ")"
		if (NF < 3 || (want != "0" && want != "1")) {
			print "FAIL " where ": malformed row"; fail++; next
		}
		if (broken[doc]) { print "FAIL " where ": hark failed on the document"; fail++; next }
		if (!known[doc]) { print "FAIL " where ": no such document"; fail++; next }
		if (!ids[rule]) { print "FAIL " where ": no such rule in case.rules"; fail++; next }
		prefix = doc ": " rule ": "
		line = ""; found = 0
		for (i = 1; i <= n; i++)
			if (substr(out[i], 1, length(prefix)) == prefix) {
				line = substr(out[i], length(prefix) + 1); found = 1; break
			}
		if (want == "1" && !found) {
			print "FAIL " where ": expected a hit, got none"; fail++; next
		}
		if (want == "0" && found) {
			print "FAIL " where ": unexpected hit: " line; fail++; next
		}
		if (want == "1" && texts != "") {
			k = split(texts, t, "|"); rest = line; ok = 1
			for (j = 1; j <= k; j++) {
				m = "[" t[j] "]"
				p = index(rest, m)
				if (p == 0) {
					print "FAIL " where ": [" t[j] "] not marked (in order) in: " line
					ok = 0; break
				}
				rest = substr(rest, p + length(m))
			}
			if (!ok) { fail++; next }
		}
		pass++
	}
	END { print "COUNT " pass " " fail }
	' "$out" "$dir/expect.tsv")
	printf '%s\n' "$res" | grep -v '^COUNT '
	set -- $(printf '%s\n' "$res" | sed -n 's/^COUNT //p')
	pass=$((pass + ${1:-0}))
	fail=$((fail + ${2:-1}))

	# The whole JSON output, when the case has a golden file (or is updated).
	exp=$dir/expected.jsonl
	if [ "$update" -eq 1 ] || [ -f "$exp" ]; then
		(cd "$dir" && "$HARK" match --json -r case.rules *.txt) >"$tmp/json.out" 2>"$tmp/json.err"
		rc=$?
		if [ "$rc" -gt 1 ]; then
			echo "FAIL $name --json: hark match exited $rc: $(head -n 3 "$tmp/json.err")"
			fail=$((fail + 1))
		elif [ "$update" -eq 1 ]; then
			strip_time <"$tmp/json.out" >"$exp"
			echo "updated $name/expected.jsonl"
		else
			strip_time <"$tmp/json.out" >"$tmp/json.got"
			if cmp -s "$tmp/json.got" "$exp"; then
				pass=$((pass + 1))
			else
				echo "FAIL $name --json: output differs from expected.jsonl:"
				diff "$exp" "$tmp/json.got" | sed 's/^/    /' | head -n 20
				fail=$((fail + 1))
			fi
		fi
	fi
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
