#!/bin/sh
# A failing feed's back-off counts failures over time, not polls forced by
# SIGUSR1 or by a restart, end to end: the real harkd and the test feed
# server (tests/daemon/feedserver.c) over loopback, a feed answering 404
# with interval = 5m. Four SIGUSR1 1.5 s apart each poll it, and each
# failure keeps the failures and the next poll its schedule set (before:
# 300 -> 600 -> 1200 -> 2400 -> 4800 s); two restarts after kill -9 do the
# same (before: doubled at each start). A poll at its time still counts
# (600 s after the second failure), the back-off stops at its cap (6 hours),
# and once the feed answers, a forced poll sets the normal interval again.
# Usage: feedbackoff.sh HARK HARKD FEEDSERVER
. "$(dirname "$0")/lib.sh"
daemon_init "$1" "$2"
FS=$(abspath "$3")
[ -x "$FS" ] || {
	echo "usage: $0 HARK HARKD FEEDSERVER" >&2
	exit 2
}
command -v sqlite3 >/dev/null 2>&1 || {
	echo "sqlite3 not installed (contrib/install-deps --test): skipped"
	exit 77
}
FPID=
feeds_cleanup() {
	[ -n "$FPID" ] && kill -KILL "$FPID" 2>/dev/null && wait "$FPID" 2>/dev/null
	daemon_cleanup
}
trap feeds_cleanup EXIT

R=$T/root
SRV=$T/srv
mkdir "$R"
printf '[rule tice]\nquery = "Austin Tice"\n' >"$T/w.rules"
"$FS" "$T/port" "$R" >"$SRV" 2>"$T/fs.err" &
FPID=$!
wait_until "[ -s '$T/port' ]" 10 || {
	bad "feed server: no port: $(cat "$T/fs.err")"
	finish
}
U=http://127.0.0.1:$(cat "$T/port")
DB=$T/state/hark.db
# polls: requests of the feed in the server's log
polls() { awk '$3 == "/f/bo.xml"' "$SRV" | wc -l | tr -d ' '; }
# db COLUMN: the feed's stored COLUMN
db() { sqlite3 -cmd '.timeout 5000' "$DB" "SELECT $1 FROM feeds WHERE name = 'bo'"; }
# failed: the feed's failure lines in harkd's log
failed() { count "$LOG" "feed bo: HTTP 404; next poll in"; }
# last_delay: the next poll's delay the last failure line set, in seconds
last_delay() { grep -F "feed bo: HTTP 404; next poll in" "$LOG" | tail -1 | sed 's/.*next poll in \([0-9]*\)s.*/\1/'; }
# within N LO HI WHAT
within() {
	if [ -n "$1" ] && [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]; then ok; else bad "$4: got '$1', want $2..$3"; fi
}
# poll_fails N WHAT: the Nth poll reached the server and its failure is logged and stored
poll_fails() {
	wait_until "[ \$(polls) -ge $1 ]" 20 || bad "$2: not polled ($(polls) polls)"
	wait_until "[ \$(failed) -ge $1 ]" 20 || bad "$2: no failure line ($(failed))"
	# the state is written on the loop's next turn, right after the line
	sleep 0.5
}

write_conf "[feed bo]" "url = $U/f/bo.xml" "interval = 5m" "allow_private = yes"
start_harkd

# --- the first failure: the interval
poll_fails 1 "the first poll"
expect_eq "$(last_delay)" 300 "the first failure's delay"
wait_until '[ "$(db failures)" = 1 ]' 5 && ok || bad "failures after the first poll: $(db failures)"
NEXT=$(db next_poll)

# --- four SIGUSR1 1.5 s apart: each polls, none moves the next poll
i=1
while [ $i -le 4 ]; do
	kill -USR1 "$HPID"
	poll_fails $((i + 1)) "SIGUSR1 $i"
	within "$(last_delay)" 200 300 "the next poll's delay after SIGUSR1 $i"
	sleep 1.5
	i=$((i + 1))
done
expect_eq "$(count "$LOG" "an early poll, not counted: 1 failure in a row")" 4 "early failures logged"
expect_eq "$(db failures)" 1 "failures after four SIGUSR1"
expect_eq "$(db next_poll)" "$NEXT" "the next poll after four SIGUSR1"

# --- kill -9 and start again, twice: the start's poll resumes the stored schedule
for r in 1 2; do
	kill_harkd
	start_harkd
	poll_fails $((5 + r)) "restart $r"
	within "$(last_delay)" 200 300 "the next poll's delay after restart $r"
	expect_eq "$(db failures)" 1 "failures after restart $r"
	expect_eq "$(db next_poll)" "$NEXT" "the next poll after restart $r"
done

# --- a poll at its time counts: the second failure, twice the interval
stop_harkd
sqlite3 "$DB" "UPDATE feeds SET next_poll = strftime('%s', 'now') - 1 WHERE name = 'bo'"
start_harkd
poll_fails 8 "the poll at its time"
expect_eq "$(last_delay)" 600 "the delay after a second failure at its time"
wait_until '[ "$(db failures)" = 2 ]' 5 && ok || bad "failures after a poll at its time: $(db failures)"
NEXT=$(db next_poll)
kill -USR1 "$HPID"
poll_fails 9 "SIGUSR1 after the second failure"
within "$(last_delay)" 500 600 "the next poll's delay after SIGUSR1, two failures"
expect_eq "$(db failures)" 2 "failures after SIGUSR1, two failures"

# --- the cap: 6 hours, however many failures
stop_harkd
sqlite3 "$DB" "UPDATE feeds SET failures = 40, next_poll = strftime('%s', 'now') - 1 WHERE name = 'bo'"
start_harkd
poll_fails 10 "the poll after 40 failures"
expect_eq "$(last_delay)" 21600 "the delay after 41 failures (the cap)"
wait_until '[ "$(db failures)" = 41 ]' 5 && ok || bad "failures counted past the cap: $(db failures)"

# --- recovery: the feed answers, SIGUSR1 polls it, the interval is back
{
	printf '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
	printf '<title>B</title><link>http://news.invalid/</link><description>d</description>\n'
	printf '<item><title>Journalist missing</title><guid>bo-1</guid><link>http://news.invalid/bo-1</link>'
	printf '<description>The family of Austin Tice asked for news.</description></item>\n'
	printf '</channel></rss>\n'
} >"$R/bo.xml"
kill -USR1 "$HPID"
wait_for "$LOG" "hit rule=tice" 20 && ok || bad "the recovered feed's item hit: $(tail -5 "$LOG")"
wait_until '[ "$(db failures)" = 0 ]' 10 && ok || bad "failures after recovery: $(db failures)"
now=$(date +%s)
within "$(($(db next_poll) - now))" 265 330 "the next poll after recovery (5m, a tenth either way)"
"$HARK" -c "$T/hark.conf" status 2>/dev/null | grep -q '^feed bo: *ok ' && ok ||
	bad "status after recovery: $("$HARK" -c "$T/hark.conf" status 2>&1 | grep 'feed bo')"
expect_eq "$(failed)" 10 "failures logged in all"

stop_harkd
expect_eq "$HSTATUS" 0 "exit status"
finish
