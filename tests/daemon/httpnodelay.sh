#!/bin/sh
# Answers larger than one write of a bufferevent (16 KiB) on a kept-alive
# connection, with curl: without TCP_NODELAY on harkd's sockets the rest of
# each answer waited for curl's delayed ACK, and every such request took at
# least 40 ms (Linux's shortest delayed ACK). Ten requests of GET
# /api/v1/rules (70 rules: about 23 KB, one full write and a tail: the
# case that always waited; a larger answer often gets its ACK sooner) on
# one connection: the fastest after the first must take less than 35 ms
# (all nine took 43 to 48 ms before the fix; a loaded machine slows some,
# rarely all nine).
# Usage: httpnodelay.sh HARK HARKD
. "$(dirname "$0")/lib.sh"
daemon_init "$@"
command -v curl >/dev/null 2>&1 || { echo "skip: no curl (contrib/install-deps)"; exit 77; }

i=0
while [ "$i" -lt 70 ]; do
	printf '[rule r%03d]\nname = Rule number %d of the watch list\nquery = "zqx%03d first" OR "zqx%03d second"\ntags = t%d\n\n' \
		"$i" "$i" "$i" "$i" $((i % 20))
	i=$((i + 1))
done >"$T/w.rules"

write_conf
printf '[http]\nlisten = 127.0.0.1:0\n' >>"$T/hark.conf"
start_harkd
URL=$(cut -d' ' -f1 "$T/state/harkd.http")

args=
i=0
while [ "$i" -lt 10 ]; do
	args="$args -o $T/b$i -w %{size_download}:%{num_connects}:%{time_total}\\n ${URL}api/v1/rules"
	i=$((i + 1))
done
# shellcheck disable=SC2086
curl -s --max-time 30 $args >"$T/times" || bad "curl failed"
note "size:connects:seconds of each request: $(tr '\n' ' ' <"$T/times")"
expect_eq "$(wc -l <"$T/times" | tr -d ' ')" 10 "ten answers"
expect_eq "$(awk -F: '$1 > 16384 && $1 < 32768' "$T/times" | wc -l | tr -d ' ')" 10 \
	"each answer between 16 and 32 KiB"
# one connection: the first request connects, the other nine reuse it
expect_eq "$(awk -F: '{ n += $2 } END { print n }' "$T/times")" 1 "one connection kept alive"
# the first is left out: a new connection ACKs at once for its first segments
fastest=$(awk -F: 'NR == 2 || (NR > 2 && $3 < m) { m = $3 } END { printf "%.4f", m }' "$T/times")
expect_eq "$(awk -v m="$fastest" 'BEGIN { print (m < 0.035) ? "fast" : "slow" }')" fast \
	"the fastest of nine large answers on a kept-alive connection (${fastest} s) under 35 ms"

stop_harkd
expect_eq "$HSTATUS" 0 "SIGTERM"
finish
