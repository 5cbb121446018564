#!/bin/sh
# A feed item updated in place, end to end: the real harkd and the test feed
# server (tests/daemon/feedserver.c) over loopback. The item keeps its guid
# and link and its text changes to name a watched person: an address is
# stored once, so the new text is not stored nor matched; the log says so
# ("duplicate ... changed=yes") and the poll's line does not call it new.
# Usage: feedupdate.sh HARK HARKD FEEDSERVER
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
mkdir "$R"
# upd TEXT: the feed, its one item with TEXT
upd() {
	printf '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
	printf '<title>U</title><link>http://news.invalid/</link><description>d</description>\n'
	printf '<item><title>Report</title><guid>upd-1</guid><link>http://news.invalid/upd-1</link>'
	printf '<description>%s</description></item>\n</channel></rss>\n' "$1"
}
upd 'A quiet report on the weather in the north.' >"$R/upd.xml"
printf '[rule tice]\nquery = "Austin Tice"\n' >"$T/w.rules"

"$FS" "$T/port" "$R" >"$T/srv" 2>"$T/fs.err" &
FPID=$!
wait_until "[ -s '$T/port' ]" 10 || {
	bad "feed server: no port: $(cat "$T/fs.err")"
	finish
}
U=http://127.0.0.1:$(cat "$T/port")

write_conf "[feed upd]" "url = $U/f/upd.xml" "interval = 1h" "allow_private = yes"
start_harkd
wait_for "$LOG" "feed upd: 1 new item" 20 && ok || bad "first poll: $(grep 'upd' "$LOG")"

# the same item, its text changed to name Austin Tice
upd 'A report on the weather, and a letter from the family of Austin Tice.' >"$R/upd.xml"
kill -USR1 "$HPID"
wait_for "$LOG" "feed upd: 0 new items" 20 && ok || bad "second poll: $(grep 'upd' "$LOG")"
grep -q 'duplicate feed=upd item=http://news.invalid/upd-1 of=a_[0-9a-f]* changed=yes: an address is stored once, its new text is not matched' "$LOG" &&
	ok || bad "the changed item's line: $(grep 'duplicate' "$LOG")"
expect_eq "$(count "$LOG" "feed upd: 1 new item")" 1 "the changed item is not called new"
expect_eq "$(count "$LOG" "hit rule=tice")" 0 "no hit"

stop_harkd
expect_eq "$HSTATUS" 0 "exit status"
finish
