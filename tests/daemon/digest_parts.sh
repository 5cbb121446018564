#!/bin/sh
# A webhook's digest too long for one message (Discord: 2,000 characters)
# goes in parts; a receiver that refuses each part once (fail-first) makes
# the digest fail twice. Each retry sends only the parts not yet taken,
# each with the id it had: every part is taken (200) exactly once, signed.
# Usage: digest_parts.sh HARK HARKD RECEIVER
. "$(dirname "$0")/lib.sh"
RECV=$(abspath "${3:-}")
daemon_init "$@"
[ -x "$RECV" ] || {
	echo "usage: $0 HARK HARKD RECEIVER" >&2
	exit 2
}
SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
RPID=
trap '[ -n "$RPID" ] && kill -TERM "$RPID" 2>/dev/null; daemon_cleanup' EXIT
"$RECV" "$T/recv.port" fail-first "$SECRET" >"$T/recv.out" 2>"$T/recv.err" &
RPID=$!
wait_until "[ -s '$T/recv.port' ]" 5 || bad "the receiver did not start: $(cat "$T/recv.err")"
# reqs [STATUS]: requests received (answered STATUS)
reqs() { awk -v s="${1:-}" 's == "" || $2 == s { n++ } END { print n + 0 }' "$T/recv.out"; }

# the digest's time twelve hours away: only SIGUSR1 sends it
H=$(( ($(date +%H | sed 's/^0//') + 12) % 24 ))
printf '[rule heading]\nquery = heading\n' >"$T/w.rules"
write_conf
cat >>"$T/hark.conf" <<CONF
[webhook disc]
url    = http://127.0.0.1:$(cat "$T/recv.port")/hook
format = discord
secret = $SECRET
digest = daily $H:00
CONF
start_harkd
# 40 hits, a line of some 100 characters each: three messages or so
i=0
while [ $i -lt 40 ]; do
	printf 'A heading of the regional news desk about the harbour works, number %02d of the series\n\nThe heading story.\n' "$i" >"$T/a$i.txt"
	i=$((i + 1))
done
ingest "$T"/a*.txt
wait_until "[ \$(\"\$HARK\" -c \"\$T/hark.conf\" deliveries --json | grep -c '\"state\":\"pending\"') -eq 40 ]" 30 ||
	bad "40 pending rows: $("$HARK" -c "$T/hark.conf" deliveries --json | head -3)"

# each attempt: SIGUSR1 sends the digest now; wait for its failure or success
attempt() {
	_n=$(grep -c "hits to disc failed\|delivered digest=" "$LOG")
	kill -USR1 "$HPID"
	wait_until "[ \$(grep -c 'hits to disc failed\|delivered digest=' '$LOG') -gt $_n ]" 20 ||
		bad "attempt $1: no outcome: $(tail -5 "$LOG")"
	sleep 0.5
}
attempt 1
attempt 2
# a reload (the same webhook) between attempts: what the receiver took stays taken
_r=$(grep -c "reloaded" "$LOG")
kill -HUP "$HPID"
wait_until "[ \$(grep -c 'reloaded' '$LOG') -gt $_r ]" 10 || bad "no reload: $(tail -3 "$LOG")"
attempt 3
grep -q "delivered digest=" "$LOG" || attempt 4
grep -q "delivered digest=" "$LOG" || attempt 5
grep -q "delivered digest=" "$LOG" && ok || bad "the digest was never delivered: $(grep digest "$LOG")"
parts=$(awk '{ print $3 }' "$T/recv.out" | sort -u | wc -l)
[ "$parts" -ge 2 ] && ok || bad "the digest went in one part: $(cat "$T/recv.out")"
# each part: refused once, taken once; no part taken twice
expect_eq "$(awk '$2 == 200 { print $3 }' "$T/recv.out" | sort | uniq -d)" "" "a part taken twice: $(cat "$T/recv.out")"
expect_eq "$(reqs 200)" "$parts" "each part taken once: $(cat "$T/recv.out")"
expect_eq "$(reqs 500)" "$parts" "each part refused once (fail-first): $(cat "$T/recv.out")"
expect_eq "$(grep -vc ' sig=ok ' "$T/recv.out")" 0 "every part signed: $(cat "$T/recv.out")"
grep -qF "parts 1 to 1 of $parts were taken: from part 2" "$LOG" && ok ||
	bad "the log says where a retry starts: $(grep digest "$LOG")"
"$HARK" -c "$T/hark.conf" deliveries --json >"$T/d.json"
expect_eq "$(grep -c '"state":"sent"' "$T/d.json")" 40 "every row sent: $(head -3 "$T/d.json")"
stop_harkd
expect_eq "$HSTATUS" 0 "harkd exit status"
finish
