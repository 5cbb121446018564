#!/bin/sh
# make run's demo (contrib/demo/run.sh) sends its alerts to the hark sink it
# started, on a free port, never to a fixed port where another program may
# listen: with a stranger on 8975 (the port it used), the demo's own sink
# gets the alerts, signed, and the stranger none. Run on a copy of the demo's
# files (the script removes ./var/ at each run). Usage: demo.sh HARK HARKD
. "$(dirname "$0")/../daemon/lib.sh"
daemon_init "$@"
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(dirname "$HARK")
DPID= XPID=
trap 'for p in $DPID $XPID; do kill -TERM $p 2>/dev/null && wait $p; done; daemon_cleanup' EXIT

mkdir -p "$T/tree/contrib" "$T/tree/etc"
cp -r "$SRC/contrib/demo" "$T/tree/contrib/"
cp -r "$SRC/rules" "$T/tree/"
cp "$SRC/etc/demo.conf" "$T/tree/etc/"

# a stranger on 8975, the demo's old fixed port: whatever it is sent is printed
"$HARK" sink --port 8975 >"$T/stranger.out" 2>"$T/stranger.err" &
XPID=$!
wait_until "grep -q listening '$T/stranger.err' || ! kill -0 $XPID 2>/dev/null" 10
if ! grep -q listening "$T/stranger.err"; then
	note "8975 is taken here: the stranger is whoever holds it"
	XPID=
fi

"$T/tree/contrib/demo/run.sh" "$BUILD" >"$T/demo.out" 2>"$T/demo.err" &
DPID=$!
wait_until "grep -q 'signature ok' '$T/demo.out' || ! kill -0 $DPID 2>/dev/null" 40 ||
	bad "no alert reached the demo's sink in 40 s: $(cat "$T/demo.out" "$T/demo.err" | tail -20)"
grep -q 'signature ok' "$T/demo.out" && ok || bad "the demo's sink got no signed alert"
port=$(sed -n 's|^url *= *http://127\.0\.0\.1:\([0-9]*\)/$|\1|p' "$T/tree/var/demo.conf" 2>/dev/null)
[ -n "$port" ] && [ "$port" != 8975 ] && ok || bad "var/demo.conf: the webhook's port '$port'"
grep -qF "hark sink --port $port " "$T/demo.out" && ok || bad "the demo does not say the sink's port $port"
if [ -n "$XPID" ]; then
	grep -q 'webhook-id' "$T/stranger.out" && bad "the stranger on 8975 got alerts: $(head -5 "$T/stranger.out")" || ok
fi
kill -TERM $DPID 2>/dev/null
wait_until "! kill -0 $DPID 2>/dev/null" 20 || bad "the demo did not stop on SIGTERM"
wait $DPID
DPID=
finish
