#!/bin/sh
# hark_delivery_seconds of a delivery made pending again: hark redeliver
# --force and the API's retry of a delivery sent seconds before send it
# again at once, and its latency counts from the requeue (0 s here), not
# from its hit's commit (6 s, then 12 s, before). The bucket read is le=5:
# a loaded machine may take seconds to send, and the commit's age is past it.
# Usage: deliverytime.sh HARK HARKD RECEIVER
. "$(dirname "$0")/lib.sh"
RECV=$(abspath "${3:-}")
daemon_init "$@"
[ -x "$RECV" ] || {
	echo "usage: $0 HARK HARKD RECEIVER" >&2
	exit 2
}
command -v curl >/dev/null 2>&1 || {
	echo "SKIP: no curl"
	exit 77
}
RPID=
trap '[ -n "$RPID" ] && kill -TERM "$RPID" 2>/dev/null; daemon_cleanup' EXIT
"$RECV" "$T/ok.port" ok >"$T/ok.out" 2>"$T/ok.err" &
RPID=$!
wait_until "[ -s '$T/ok.port' ]" 5 || bad "the receiver did not start: $(cat "$T/ok.err")"
got() { wc -l <"$T/ok.out" | tr -d ' '; }
req() { CODE=$(curl -s --max-time 10 -o "$T/b" -w '%{http_code}' "$@"); }
# m SERIES: its value in /metrics
m() { req "${URL}metrics" && awk -v s="$1" '$1 == s { print $2 }' "$T/b"; }

printf '[rule r1]\nquery = alpha\n' >"$T/w.rules"
write_conf
printf '[webhook ok]\nurl = http://127.0.0.1:%s/hook\n[http]\nlisten = 127.0.0.1:0\n' \
	"$(cat "$T/ok.port")" >>"$T/hark.conf"
start_harkd
URL=$(cut -d' ' -f1 "$T/state/harkd.http")
printf 'Alpha\n\nAn alpha article.\n' >"$T/a.txt"
ingest "$T/a.txt"
wait_until '[ "$(got)" -ge 1 ]' 30 || bad "the first request"
ID=$("$HARK" -c "$T/hark.conf" deliveries --json | sed -n 's/^{"id":\([0-9]*\),.*"state":"sent".*/\1/p')
[ -n "$ID" ] && ok || bad "no sent delivery: $("$HARK" -c "$T/hark.conf" deliveries --json)"
wait_until '[ "$(m hark_delivery_seconds_count)" = 1 ]' 30 || bad "one sample: $(cat "$T/b")"

sleep 6
hk redeliver --force "$ID"
expect_eq "$?" 0 "hark redeliver --force: $(cat "$T/err")"
wait_until '[ "$(got)" -ge 2 ]' 30 || bad "redeliver: no second request"
wait_until '[ "$(m hark_delivery_seconds_count)" = 2 ]' 30 || bad "two samples: $(cat "$T/b")"
expect_eq "$(m 'hark_delivery_seconds_bucket{le="5"}')" 2 \
	"the redelivered one counts from its requeue: $(grep delivery_seconds "$T/b")"

sleep 6
req -X POST "${URL}api/v1/deliveries/$ID/retry"
expect_eq "$CODE" 200 "the API's retry: $(cat "$T/b")"
wait_until '[ "$(got)" -ge 3 ]' 30 || bad "the API's retry: no third request"
wait_until '[ "$(m hark_delivery_seconds_count)" = 3 ]' 30 || bad "three samples: $(cat "$T/b")"
expect_eq "$(m 'hark_delivery_seconds_bucket{le="5"}')" 3 \
	"the retried one counts from its requeue: $(grep delivery_seconds "$T/b")"
grep -qF "made pending again" "$T/b" && ok || bad "HELP says so: $(grep delivery_seconds "$T/b")"
stop_harkd
expect_eq "$HSTATUS" 0 "harkd exit status"
finish
