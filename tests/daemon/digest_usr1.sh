#!/bin/sh
# SIGUSR1 sends every pending digest now, not only the earliest of each
# destination (harkd(8), CLI.md). Two webhooks with a daily digest twelve
# hours away each hold two digests: yesterday's, failed once and due again
# in an hour (made so in the database), and today's so far. One SIGUSR1:
# the receiver that answers 200 gets both digests, every row sent; the one
# that answers 500 gets both once each, as early attempts that do not count
# (each row keeps its attempts and next attempt), and no more (the sweep
# does not read again a digest whose early attempt failed).
# Needs the sqlite3 shell: exit 77 otherwise.
# Usage: digest_usr1.sh HARK HARKD RECEIVER
. "$(dirname "$0")/lib.sh"
RECV=$(abspath "${3:-}")
daemon_init "$@"
[ -x "$RECV" ] || {
	echo "usage: $0 HARK HARKD RECEIVER" >&2
	exit 2
}
command -v sqlite3 >/dev/null 2>&1 || {
	echo "skip: no sqlite3 shell"
	exit 77
}
P1= P2=
trap '[ -n "$P1" ] && kill -TERM "$P1" 2>/dev/null; [ -n "$P2" ] && kill -TERM "$P2" 2>/dev/null; daemon_cleanup' EXIT
"$RECV" "$T/ok.port" ok >"$T/ok.out" 2>"$T/ok.err" &
P1=$!
"$RECV" "$T/down.port" always500 >"$T/down.out" 2>"$T/down.err" &
P2=$!
wait_until "[ -s '$T/ok.port' ] && [ -s '$T/down.port' ]" 5 ||
	bad "the receivers did not start: $(cat "$T/ok.err" "$T/down.err")"
reqs() { wc -l <"$T/$1.out" | tr -d ' '; }
DB=$T/state/hark.db
sql() { sqlite3 -cmd '.timeout 5000' "$DB" "$1"; }

# the digests' time twelve hours away: only SIGUSR1 sends them
H=$((($(date +%H | sed 's/^0//') + 12) % 24))
printf '[rule heading]\nquery = heading\n' >"$T/w.rules"
write_conf
cat >>"$T/hark.conf" <<CONF
[webhook desk]
url    = http://127.0.0.1:$(cat "$T/ok.port")/hook
digest = daily $H:00
[webhook down]
url    = http://127.0.0.1:$(cat "$T/down.port")/hook
digest = daily $H:00
CONF
start_harkd
pending() { sql "SELECT count(*) FROM deliveries WHERE state = 'pending'"; }

printf 'A heading of yesterday\n\nThe heading story.\n' >"$T/a1.txt"
ingest "$T/a1.txt"
wait_until '[ "$(pending)" = 2 ]' 30 || bad "two pending rows: $(sql 'SELECT * FROM deliveries')"
# yesterday's digest: its period a day earlier, failed once, due again in an hour
sql "UPDATE deliveries SET period = period - 86400, attempts = 1,
     next_at = CAST(strftime('%s', 'now') AS INTEGER) + 3600 WHERE state = 'pending'"
printf 'A heading of today\n\nThe heading story.\n' >"$T/a2.txt"
ingest "$T/a2.txt"
wait_until '[ "$(pending)" = 4 ]' 30 || bad "four pending rows: $(sql 'SELECT * FROM deliveries')"
periods=$(sql "SELECT count(DISTINCT period) FROM deliveries WHERE webhook = 'desk'")
expect_eq "$periods" 2 "desk's pending digests"
before=$(sql "SELECT id, attempts, next_at FROM deliveries WHERE webhook = 'down' ORDER BY id")
expect_eq "$(reqs ok)$(reqs down)" 00 "requests before SIGUSR1"

kill -USR1 "$HPID"
wait_until '[ "$(reqs ok)" -ge 2 ]' 20 || bad "desk: the digests sent after one SIGUSR1: $(reqs ok) (want 2)"
wait_until '[ "$(reqs down)" -ge 2 ]' 20 || bad "down: the digests tried after one SIGUSR1: $(reqs down) (want 2)"
wait_until "[ \$(grep -c 'to down failed (HTTP 500): an early attempt, not counted' '$LOG') -ge 2 ]" 10 ||
	bad "down: two early failures logged: $(grep 'to down' "$LOG")"
wait_until "[ \"\$(sql \"SELECT count(*) FROM deliveries WHERE webhook = 'desk' AND state = 'sent'\")\" = 2 ]" 10 ||
	bad "desk: every row sent: $(sql "SELECT * FROM deliveries WHERE webhook = 'desk'")"
expect_eq "$(grep -c 'delivered digest=.* webhook=desk hits=1 ' "$LOG")" 2 "desk: two digests of one hit each"
sleep 2
# one request per digest: a failed early attempt is not read again by the sweep
expect_eq "$(reqs ok)" 2 "desk: requests after one SIGUSR1"
expect_eq "$(reqs down)" 2 "down: requests after one SIGUSR1"
expect_eq "$(sql "SELECT id, attempts, next_at FROM deliveries WHERE webhook = 'down' ORDER BY id")" \
	"$before" "down: the schedule's attempts and next attempts, unchanged"
expect_eq "$(sql "SELECT group_concat(state || ' ' || last_status) FROM deliveries WHERE webhook = 'down'")" \
	"pending 500,pending 500" "down: the early answers recorded"

# a second SIGUSR1: a new sweep tries down's digests again, once each
kill -USR1 "$HPID"
wait_until '[ "$(reqs down)" -ge 4 ]' 20 || bad "down: a second sweep: $(reqs down) requests (want 4)"
sleep 1
expect_eq "$(reqs down)" 4 "down: requests after two SIGUSR1"
expect_eq "$(reqs ok)" 2 "desk: nothing left to send"
# a retry of a digest no part of which was taken starts from the first without a word
grep -q 'parts 1 to 0 of' "$LOG" && bad "a retry said no part was taken: $(grep 'parts 1 to 0' "$LOG")" || ok
stop_harkd
expect_eq "$HSTATUS" 0 "harkd's exit status"
finish
