#!/bin/sh
# A reload that changes how a feed is fetched, end to end: the real harkd
# and the test feed server (tests/daemon/feedserver.c) over loopback. The
# feed on 127.0.0.1 is refused without allow_private (failing, its next
# poll an interval away); allow_private = yes added and SIGHUP: the feed is
# polled at once, as a new one (not at the time the old failure set), its
# item stored and hit, and hark status shows it ok, the old error gone. A
# reload that changes nothing of the fetch (the interval) does not poll.
# Usage: feedreload.sh HARK HARKD FEEDSERVER
. "$(dirname "$0")/lib.sh"
daemon_init "$1" "$2"
FS=$(abspath "$3")
[ -x "$FS" ] || {
	echo "usage: $0 HARK HARKD FEEDSERVER" >&2
	exit 2
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
{
	printf '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
	printf '<title>L</title><link>http://news.invalid/</link><description>d</description>\n'
	printf '<item><title>Journalist missing</title><guid>lo-1</guid><link>http://news.invalid/lo-1</link>'
	printf '<description>The family of Austin Tice asked for news.</description></item>\n'
	printf '</channel></rss>\n'
} >"$R/lo.xml"
printf '[rule tice]\nquery = "Austin Tice"\n' >"$T/w.rules"

"$FS" "$T/port" "$R" >"$SRV" 2>"$T/fs.err" &
FPID=$!
wait_until "[ -s '$T/port' ]" 10 || {
	bad "feed server: no port: $(cat "$T/fs.err")"
	finish
}
U=http://127.0.0.1:$(cat "$T/port")
# srv PATH: requests to PATH in the server's log
srv() { awk -v p="$1" '$3 == p' "$SRV" | wc -l | tr -d ' '; }
feed_line() { "$HARK" -c "$T/hark.conf" status 2>/dev/null | grep '^feed lo:'; }

# --- without allow_private: refused, next poll in 15 minutes
write_conf "[feed lo]" "url = $U/f/lo.xml" "interval = 15m"
start_harkd
wait_for "$LOG" "feed lo: refused: 127.0.0.1" 20 && ok || bad "the refusal: $(grep 'feed lo' "$LOG")"
wait_until "feed_line | grep -q failing" 10 && ok || bad "status failing: $(feed_line)"
expect_eq "$(srv /f/lo.xml)" 0 "requests of the refused feed"

# --- a reload that changes no fetch setting: nothing polled, the error stays
write_conf "[feed lo]" "url = $U/f/lo.xml" "interval = 20m"
kill -HUP "$HPID"
wait_for "$LOG" "reloaded:" 20 && ok || bad "first reload"
# the reload's decision is logged before its "reloaded:" line, however loaded
# the machine: that check holds at once; the sleep only gives another path
# of polling its time
expect_eq "$(count "$LOG" "polled again now")" 0 "no poll decided on a reload that changes no fetch setting"
sleep 1
expect_eq "$(count "$LOG" "feed lo: refused")" 1 "no poll on a reload that changes no fetch setting"
feed_line | grep -q failing && ok || bad "still failing: $(feed_line)"

# --- allow_private added: polled at once, stored, hit, ok in status
write_conf "[feed lo]" "url = $U/f/lo.xml" "interval = 20m" "allow_private = yes"
kill -HUP "$HPID"
wait_for "$LOG" "reloaded:" 20 2 && ok || bad "second reload"
grep -qF "feed lo: its fetch settings changed; polled again now" "$LOG" && ok ||
	bad "the reload says the feed is polled again: $(grep 'feed lo' "$LOG")"
wait_until "[ \$(srv /f/lo.xml) -ge 1 ]" 10 && ok || bad "polled after the reload"
wait_for "$LOG" "hit rule=tice" 20 && ok || bad "its item hit: $(tail -5 "$LOG")"
wait_until "feed_line | grep -q ': *ok '" 10 && ok || bad "status ok after the reload: $(feed_line)"
feed_line | grep -q "refused" && bad "the old error still shown: $(feed_line)" || ok
expect_eq "$(count "$LOG" "feed lo: refused")" 1 "refused once, before allow_private"

stop_harkd
expect_eq "$HSTATUS" 0 "exit status"
finish
