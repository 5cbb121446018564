#!/bin/sh
# The demo of `make run`: check the demo watchlist, then match the demo
# articles against it, as text and as JSON.   usage: contrib/demo/run.sh HARK
[ $# -eq 1 ] || { echo "usage: $0 HARK" >&2; exit 2; }
HARK=$1
case $HARK in
/*) ;;
*) HARK=$(pwd)/$HARK ;;
esac
cd "$(dirname "$0")/../.." || exit 2

echo "harkd arrives in a later version; meanwhile:"
echo
echo "\$ hark check contrib/demo/demo.rules"
"$HARK" check contrib/demo/demo.rules || exit 2
echo
echo "\$ hark match -r contrib/demo/demo.rules contrib/demo/articles"
"$HARK" match -r contrib/demo/demo.rules contrib/demo/articles
[ $? -le 1 ] || exit 2
echo
echo "\$ hark match --json -r contrib/demo/demo.rules contrib/demo/articles/02-en-detained.txt"
"$HARK" match --json -r contrib/demo/demo.rules contrib/demo/articles/02-en-detained.txt
[ $? -le 1 ] || exit 2
echo
echo "The rule language: man -l docs/hark.rules.5; commands: man -l docs/hark.1"
