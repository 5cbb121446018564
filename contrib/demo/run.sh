#!/bin/sh
# The demo of `make run`: start harkd in the foreground on etc/demo.conf (state in
# ./var/, rules from rules/), drop the demo articles into its spool with
# `hark ingest`, and let the hits scroll by. Ctrl-C stops harkd cleanly.
#   usage: contrib/demo/run.sh BUILD_DIR
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
BUILD=$1
case $BUILD in
/*) ;;
*) BUILD=$(pwd)/$BUILD ;;
esac
cd "$(dirname "$0")/../.." || exit 2
HARK="$BUILD/hark -c etc/demo.conf"

# a fresh state each time, so the demo articles are new and raise their hits
rm -rf var
mkdir -p var

echo "\$ harkd -c etc/demo.conf      (state in ./var/, rules from rules/; Ctrl-C stops it)"
"$BUILD/harkd" -c etc/demo.conf &
pid=$!
trap 'kill -INT $pid 2>/dev/null' INT TERM
# harkd creates the spool before it scans it: then it is ready for files
for _ in $(seq 50); do
	[ -d var/spool/incoming ] && break
	kill -0 $pid 2>/dev/null || { wait $pid; exit 2; }
	sleep 0.1
done
sleep 0.3
echo "\$ hark -c etc/demo.conf ingest contrib/demo/articles/*"
$HARK ingest -q contrib/demo/articles/* || { kill -TERM $pid; wait $pid; exit 2; }
sleep 2
echo
echo "\$ hark -c etc/demo.conf hits"
$HARK hits
echo
echo "harkd keeps running: drop more files with"
echo "  $BUILD/hark -c etc/demo.conf ingest FILE..."
echo "and look at 'hark -c etc/demo.conf hits' and 'hark -c etc/demo.conf status'."
echo "Press Ctrl-C to stop harkd."
wait $pid
# wait returns early when the trap runs: wait for harkd itself
while kill -0 $pid 2>/dev/null; do
	wait $pid
done
