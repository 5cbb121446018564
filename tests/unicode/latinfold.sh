#!/bin/sh
# Run contrib/gen-latinfold.py again and check that it reproduces the
# committed daemon/core/latinfold.c byte for byte. Skipped (77) without
# python3 or UnicodeData.txt (Debian's unicode-data), or when the installed
# UnicodeData.txt is not the one the table was made from (another Unicode
# version: the header names its sha256).
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
UCD=${HARK_UNICODEDATA:-/usr/share/unicode/UnicodeData.txt}
TABLE=$ROOT/daemon/core/latinfold.c
command -v python3 >/dev/null || { echo "latinfold.sh: no python3: skipped" >&2; exit 77; }
[ -r "$UCD" ] || { echo "latinfold.sh: $UCD not found (apt-get install unicode-data): skipped" >&2; exit 77; }
want=$(sed -n 's/^ \* (sha256 \([0-9a-f]*\))\..*/\1/p' "$TABLE")
have=$(sha256sum "$UCD" | cut -d' ' -f1)
if [ "$want" != "$have" ]; then
	echo "latinfold.sh: $UCD is not the file latinfold.c was made from: skipped" >&2
	exit 77
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/hark-latinfold.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
python3 "$ROOT/contrib/gen-latinfold.py" "$UCD" >"$T/latinfold.c" || exit 1
if ! cmp -s "$T/latinfold.c" "$TABLE"; then
	echo "latinfold.sh: contrib/gen-latinfold.py gives another table than daemon/core/latinfold.c:" >&2
	diff -u "$TABLE" "$T/latinfold.c" | head -40 >&2
	exit 1
fi
echo "latinfold.sh: $(grep -c '^    {0x' "$TABLE") entries reproduced from $UCD"
