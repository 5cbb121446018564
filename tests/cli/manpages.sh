#!/bin/sh
# The man pages render without a warning from groff (-ww, through preconv as
# man(1) does), and no alternating font macro (.BI .BR .IR ...) is given a
# lone font letter as an argument: `.BI "harkd's" R;` prints "harkd'sR;",
# which groff does not warn about.
# Usage: manpages.sh SOURCE_DIR
[ $# -eq 1 ] || { echo "usage: $0 SOURCE_DIR" >&2; exit 2; }
SRC=$1
command -v groff >/dev/null 2>&1 && command -v preconv >/dev/null 2>&1 || {
	echo "manpages: no groff (groff-base): skipped"
	exit 77
}
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
T=$(mktemp -d) || exit 2
trap 'rm -rf "$T"' EXIT

n=0
for f in "$SRC"/docs/*.1 "$SRC"/docs/*.5 "$SRC"/docs/*.8; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	preconv "$f" | groff -man -Tutf8 -ww -z >"$T/out" 2>"$T/err"
	[ -s "$T/err" ] && bad "$(basename "$f"): groff warns: $(head -3 "$T/err")" || ok
	# an argument of an alternating macro that is only R, B or I (and punctuation)
	grep -nE '^\.(BI|BR|IB|IR|RB|RI)[[:space:]].*[[:space:]]((R|B|I)[;,.:)]*|"(R|B|I)[;,.:)]*")$' "$f" >"$T/lone"
	[ -s "$T/lone" ] && bad "$(basename "$f"): a font letter as a macro's argument: $(head -3 "$T/lone")" || ok
done
[ "$n" -ge 4 ] && ok || bad "only $n man pages found in $SRC/docs"
echo "manpages: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
