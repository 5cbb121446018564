#!/bin/sh
# A feed cut short by its server, end to end: the real harkd and the test
# feed server (tests/daemon/feedserver.c) over loopback. The body ends in
# the middle of its third item: the two whole items are stored and hit, the
# cut one is not (its text is not all there); the log, hark status, /feeds
# and /api/v1/feeds say "warning" with the cause and its line, and the
# body's validators are not kept, so that the next poll, once the feed is
# whole, reads the third item (stored, hit) and the warning goes.
# Usage: feedcut.sh HARK HARKD FEEDSERVER
. "$(dirname "$0")/lib.sh"
daemon_init "$1" "$2"
FS=$(abspath "$3")
[ -x "$FS" ] || {
	echo "usage: $0 HARK HARKD FEEDSERVER" >&2
	exit 2
}
command -v curl >/dev/null 2>&1 || { echo "skip: no curl (contrib/install-deps)"; exit 77; }
FPID=
feeds_cleanup() {
	[ -n "$FPID" ] && kill -KILL "$FPID" 2>/dev/null && wait "$FPID" 2>/dev/null
	daemon_cleanup
}
trap feeds_cleanup EXIT

R=$T/root
SRV=$T/srv
mkdir "$R"
# head, two whole items, the third (line 5) cut inside its description
whole() {
	printf '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
	printf '<title>C</title><link>http://news.invalid/</link><description>d</description>\n'
	printf '<item><title>Un</title><guid>cut-1</guid><link>http://news.invalid/cut-1</link>'
	printf '<description>A letter from the family of Austin Tice was read on Monday.</description></item>\n'
	printf '<item><title>Deux</title><guid>cut-2</guid><link>http://news.invalid/cut-2</link>'
	printf '<description>Nothing about anyone in this one.</description></item>\n'
	printf '<item><title>Trois</title><guid>cut-3</guid><link>http://news.invalid/cut-3</link>'
	printf '<description>Austin Tice, the journalist, was seen in'
}
whole >"$R/cut.xml"
printf '[rule tice]\nquery = "Austin Tice"\n' >"$T/w.rules"

"$FS" "$T/port" "$R" >"$SRV" 2>"$T/fs.err" &
FPID=$!
wait_until "[ -s '$T/port' ]" 10 || {
	bad "feed server: no port: $(cat "$T/fs.err")"
	finish
}
U=http://127.0.0.1:$(cat "$T/port")
feed_line() { "$HARK" -c "$T/hark.conf" status 2>/dev/null | grep '^feed cut:'; }
hits_n() { "$HARK" -c "$T/hark.conf" hits --json 2>/dev/null | grep -c '^{"id":"h_'; }
req() { CODE=$(curl -s --max-time 10 -o "$T/b" -w '%{http_code}' "$@"); }

write_conf "[feed cut]" "url = $U/f/cut.xml" "interval = 1h" "allow_private = yes" \
	"[http]" "listen = 127.0.0.1:0"
start_harkd
URL=$(cut -d' ' -f1 "$T/state/harkd.http")

CAUSE='line 5: Premature end of data in tag description line 5; 1 item cut by the end of the document left out (line 5)'
wait_for "$LOG" "$CAUSE" 20 && ok || bad "the log names the cause: $(grep 'cut' "$LOG")"
wait_until "feed_line | grep -qF 'warning: ill-formed feed read in recovery mode: $CAUSE'" 10 &&
	ok || bad "hark status: $(feed_line)"
wait_until "[ \$(hits_n) -eq 1 ]" 10 && ok || bad "the whole items' hit: $(hits_n)"
sleep 1
expect_eq "$(hits_n)" 1 "the cut item is not stored"
"$HARK" -c "$T/hark.conf" hits --json | grep -qF 'cut-3' && bad "cut-3 stored" || ok
req "${URL}feeds"
expect_eq "$CODE" 200 "GET /feeds"
grep -qF '<td class="state-warning">warning</td>' "$T/b" && ok || bad "/feeds state: $(grep -F 'class="feed"' "$T/b")"
grep -qF "$CAUSE" "$T/b" && ok || bad "/feeds names the cause"
req "${URL}api/v1/feeds"
grep -qF '"state":"warning"' "$T/b" && ok || bad "/api/v1/feeds state: $(cat "$T/b")"

# the feed whole: polled again, not 304, the third item stored and hit
{
	whole
	printf ' Damascus.</description></item>\n</channel></rss>\n'
} >"$R/cut.xml"
kill -USR1 "$HPID"
wait_for "$LOG" "SIGUSR1: polling every feed" 5 && ok || bad "SIGUSR1"
wait_until "[ \$(hits_n) -eq 2 ]" 20 && ok || bad "the third item once whole: $(hits_n)"
expect_eq "$(awk '$3 == "/f/cut.xml" && $4 == "304"' "$SRV" | wc -l | tr -d ' ')" 0 \
	"no 304 after a cut body"
wait_until "feed_line | grep -q ': *ok '" 10 && ok || bad "status ok once whole: $(feed_line)"
req "${URL}api/v1/feeds"
grep -qF '"state":"ok"' "$T/b" && ok || bad "/api/v1/feeds state once whole: $(cat "$T/b")"

stop_harkd
expect_eq "$HSTATUS" 0 "exit status"
finish
