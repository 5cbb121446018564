#!/bin/sh
# The demo of `make run`: start `hark sink` (a webhook receiver on 127.0.0.1:8975
# that checks signatures and prints alerts) and harkd in the foreground on
# etc/demo.conf (state in ./var/, rules from rules/, its pages on a free port of
# 127.0.0.1, printed), drop the demo articles into its spool with `hark ingest`,
# and let the hits and alerts scroll by. Ctrl-C stops both cleanly.
#   usage: contrib/demo/run.sh BUILD_DIR
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
BUILD=$1
case $BUILD in
/*) ;;
*) BUILD=$(pwd)/$BUILD ;;
esac
cd "$(dirname "$0")/../.." || exit 2
HARK="$BUILD/hark -c etc/demo.conf"

# a demo already running (another terminal) keeps its state: removing var/
# from under it would stop that harkd and leave this one refused
if [ -f var/harkd.lock ] && command -v flock >/dev/null 2>&1 &&
	! flock -n var/harkd.lock true 2>/dev/null; then
	echo "$0: a harkd of the demo already runs on ./var/ (pid $(head -n 1 var/harkd.lock));" \
		"stop it with Ctrl-C first, or drop more files with: $BUILD/hark -c etc/demo.conf ingest FILE" >&2
	exit 2
fi
# a fresh state each time, so the demo articles are new and raise their hits
rm -rf var
mkdir -p var

# the receiver of [webhook demo]: its secret is the one etc/demo.conf signs with
stop_sink() {
	[ -n "$sink" ] && kill -TERM $sink 2>/dev/null && wait $sink
	sink=
}
trap 'stop_sink; exit 130' INT TERM
secret=$(sed -n 's/^secret *= *\(whsec_[A-Za-z0-9+\/=]*\).*/\1/p' etc/demo.conf)
echo "\$ hark sink --port 8975 --secret $secret &"
"$BUILD/hark" sink --port 8975 --secret "$secret" &
sink=$!
sleep 0.3
if ! kill -0 $sink 2>/dev/null; then
	echo "(no hark sink: harkd keeps the alerts in its outbox and retries them)"
	sink=
fi

echo "\$ harkd -c etc/demo.conf      (state in ./var/, rules from rules/; Ctrl-C stops it)"
"$BUILD/harkd" -c etc/demo.conf &
pid=$!
trap 'kill -INT $pid 2>/dev/null' INT TERM
# harkd creates the spool before it scans it: then it is ready for files
for _ in $(seq 50); do
	[ -d var/spool/incoming ] && break
	kill -0 $pid 2>/dev/null || { wait $pid; stop_sink; exit 2; }
	sleep 0.1
done
sleep 0.3
# harkd refused to start (a port or spool taken, a broken configuration): say so
kill -0 $pid 2>/dev/null || { wait $pid; rc=$?; stop_sink; echo "$0: harkd exited ($rc)" >&2; exit 2; }
# the pages: [http] listens on a free port of 127.0.0.1, written to var/harkd.http
url=$(cut -d' ' -f1 var/harkd.http 2>/dev/null)
echo "harkd's pages: ${url:-(none: see the log above)}"
echo "\$ hark -c etc/demo.conf ingest contrib/demo/articles/*"
$HARK ingest -q contrib/demo/articles/* || { kill -TERM $pid; wait $pid; stop_sink; exit 2; }
sleep 2
echo
echo "\$ hark -c etc/demo.conf hits"
$HARK hits
echo
echo "harkd keeps running: drop more files with"
echo "  $BUILD/hark -c etc/demo.conf ingest FILE..."
echo "and look at 'hark -c etc/demo.conf hits' and 'hark -c etc/demo.conf status'."
[ -n "$url" ] && echo "The hits are also at $url (open it in a browser)."
echo "hark sink prints each alert harkd sends to [webhook demo]."
echo "Press Ctrl-C to stop harkd and hark sink."
wait $pid
# wait returns early when the trap runs: wait for harkd itself
while kill -0 $pid 2>/dev/null; do
	wait $pid
done
stop_sink
