#!/bin/sh
# Golden configuration diagnostics: run `hark -c NN-name.conf check` on every
# configuration here and compare its stderr with NN-name.expected, byte for
# byte. The exit status must be 2 when the expected output holds an error,
# else 0.
#   tests/conf/run.sh path/to/hark
set -u
[ $# -eq 1 ] || { echo "usage: $0 HARK" >&2; exit 2; }
case $1 in
/*) hark=$1 ;;
*) hark=$(pwd)/$1 ;;
esac
cd "$(dirname "$0")" || exit 2
tmp=$(mktemp) || exit 2
trap 'rm -f "$tmp" "$tmp.raw"' EXIT INT TERM
unset HARK_CONFIG

pass=0
fail=0
for conf in [0-9]*.conf; do
	name=${conf%.conf}
	if [ ! -f "$name.expected" ]; then
		echo "FAIL $name: no $name.expected"
		fail=$((fail + 1))
		continue
	fi
	"$hark" -c "$conf" check >/dev/null 2>"$tmp.raw"
	rc=$?
	# rule files are named by their absolute path: make it this directory's
	sed "s|$(pwd)/||g" "$tmp.raw" >"$tmp"
	want=0
	grep -q ': error: ' "$name.expected" && want=2
	if ! cmp -s "$tmp" "$name.expected"; then
		echo "FAIL $name: stderr differs"
		diff "$name.expected" "$tmp" | sed 's/^/    /'
		fail=$((fail + 1))
	elif [ "$rc" -ne "$want" ]; then
		echo "FAIL $name: exit status $rc, want $want"
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
