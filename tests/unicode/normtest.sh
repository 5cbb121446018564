#!/bin/sh
# Feed Unicode's NormalizationTest.txt to normtest (normtest.c says what it
# checks). The file comes with Debian's unicode-data (contrib/install-deps
# --test); HARK_NORMTEST names another copy, compressed with bzip2 or not.
#
#   tests/unicode/normtest.sh NORMTEST
NORMTEST=${1:?usage: $0 NORMTEST}
FILE=${HARK_NORMTEST:-/usr/share/unicode/NormalizationTest.txt.bz2}
if [ ! -r "$FILE" ]; then
	echo "normtest.sh: $FILE not found (apt-get install unicode-data): skipped" >&2
	exit 77
fi
case $FILE in
*.bz2)
	command -v bzip2 >/dev/null || {
		echo "normtest.sh: bzip2 not found: skipped" >&2
		exit 77
	}
	bzip2 -dc "$FILE" | "$NORMTEST"
	;;
*) "$NORMTEST" <"$FILE" ;;
esac
