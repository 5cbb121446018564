#!/bin/sh
# The time /try shows on a hit: when its article was stored (when a rule
# then in force would have hit it), not when the try ran: on the page and
# in POST /api/v1/try's detected_at, each hit its own article's time.
# Usage: trytime.sh HARK HARKD
. "$(dirname "$0")/lib.sh"
daemon_init "$@"
command -v curl >/dev/null 2>&1 || { echo "skip: no curl (contrib/install-deps)"; exit 77; }

printf '[rule assad]\nquery = Assad\n' >"$T/w.rules"
printf 'One\n\nAssad spoke in Damascus.\n' >"$T/one.txt"
printf 'Two\n\nAssad spoke in Moscow.\n' >"$T/two.txt"
write_conf
printf '[http]\nlisten = 127.0.0.1:0\n' >>"$T/hark.conf"
start_harkd
URL=$(cut -d' ' -f1 "$T/state/harkd.http")
# RFC 3339 of Unix seconds
rfc() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }

t0=$(date +%s)
ingest "$T/one.txt"
wait_for "$LOG" "file=one.txt" 20 && ok || bad "one.txt stored"
sleep 2
t1=$(date +%s)
ingest "$T/two.txt"
wait_for "$LOG" "file=two.txt" 20 && ok || bad "two.txt stored"
sleep 2
tr=$(date +%s) # the try runs from here on

curl -s --max-time 20 -X POST -H 'Content-Type: application/json' \
	--data-binary '{"query": "Assad"}' "${URL}api/v1/try" >"$T/api"
got=$(grep -o '"detected_at":"[^"]*"' "$T/api" | sed 's/.*:"\(.*\)"/\1/' | tr '\n' ' ')
note "try at $(rfc "$tr"): detected_at $got"
set -- $got
expect_eq "$#" 2 "two hits"
# newest first: two.txt stored in [t1, tr), one.txt in [t0, t1)
a=${1:-x} b=${2:-x}
{ [ "$a" \> "$(rfc $((t1 - 1)))" ] && [ "$a" \< "$(rfc "$tr")" ]; } && ok ||
	bad "the newest hit's time ($a) is two.txt's storing, in [$(rfc "$t1"), $(rfc "$tr"))"
{ [ "$b" \> "$(rfc $((t0 - 1)))" ] && [ "$b" \< "$(rfc "$t1")" ]; } && ok ||
	bad "the older hit's time ($b) is one.txt's storing, in [$(rfc "$t0"), $(rfc "$t1"))"

curl -s --max-time 20 "${URL}try?query=Assad" >"$T/page"
shown=$(grep -o '<p class="meta"><time datetime="[^"]*"' "$T/page" | sed 's/.*="\(.*\)"/\1/' | tr '\n' ' ')
expect_eq "$shown" "$got" "the page /try shows the times of the API"

stop_harkd
expect_eq "$HSTATUS" 0 "exit status"
finish
