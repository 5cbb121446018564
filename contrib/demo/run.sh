#!/bin/sh
# The demo of `make run`: start `hark sink` (a webhook receiver on a free port of
# 127.0.0.1 that checks signatures and prints alerts) and harkd in the
# foreground on etc/demo.conf with its webhook sent to that port (var/demo.conf;
# state in ./var/, rules from rules/, its pages on a free port of 127.0.0.1,
# printed), drop the demo articles into its spool with `hark ingest`, and let
# the hits and alerts scroll by. Ctrl-C stops both cleanly. ./var/ is removed
# and made again at each run.
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
# on a free port, tried from a few as the tests do (a fixed one may be
# another program's, which would then be sent the alerts): harkd is given
# the port the sink listens on (var/demo.conf, etc/demo.conf's paths hold
# there too: both are a level below the top); no sink, no webhook
sink= port=
for try in 1 2 3 4 5 6 7 8; do
	p=$((20000 + ($$ * 7 + try * 613) % 40000))
	"$BUILD/hark" sink --port $p --secret "$secret" 2>var/sink.err &
	sink=$!
	for _ in $(seq 50); do
		grep -q listening var/sink.err && break
		kill -0 $sink 2>/dev/null || break
		sleep 0.05
	done
	if grep -q listening var/sink.err; then
		port=$p
		break
	fi
	wait $sink
	sink=
	grep -q 'Address already in use' var/sink.err || break
done
if [ -n "$port" ]; then
	echo "\$ hark sink --port $port --secret $secret &      (its errors: var/sink.err)"
	sed "s|^url *= *http://127\.0\.0\.1:[0-9]*/|url    = http://127.0.0.1:$port/|" etc/demo.conf >var/demo.conf
else
	echo "(no hark sink: $(tail -n 1 var/sink.err); the demo runs without its webhook)"
	sed '/^\[webhook demo\]/,/^$/d' etc/demo.conf >var/demo.conf
fi

echo "\$ harkd -c var/demo.conf      (etc/demo.conf, the webhook to hark sink's port; Ctrl-C stops it)"
"$BUILD/harkd" -c var/demo.conf &
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
echo "(kept in ./var/ until the next make run, which removes it and starts afresh)"
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
