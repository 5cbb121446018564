#!/bin/sh
# A feed of 100,000 items (the feed server's /big/100000, 16 MB) is read
# whole: harkd reads it 10,000 entries at a time and stores every item as an
# article, each once, with no line about a cut; its peak RSS is shown and
# bounded; a second poll stores nothing again. hark feed URL and hark extract
# read every entry of it too. A kill -9 between two pages loses nothing and
# stores nothing twice; the validators are kept only after the last page.
# (It used to stop at 10,000 items, silently, and for good.)
# Usage: bigfeed.sh HARK HARKD FEEDSERVER
. "$(dirname "$0")/lib.sh"
daemon_init "$1" "$2"
FS=$(abspath "$3")
[ -x "$FS" ] || {
	echo "usage: $0 HARK HARKD FEEDSERVER" >&2
	exit 2
}
FPID=
bigfeed_cleanup() {
	[ -n "$FPID" ] && kill -KILL "$FPID" 2>/dev/null && wait "$FPID" 2>/dev/null
	daemon_cleanup
}
trap bigfeed_cleanup EXIT

N=100000
# the sanitizer build is several times slower, and its memory is shadowed
# (the peak was 196 MB, and 973 MB under ASan; with the whole tree of the body
# built for each page it was 343 MB)
slow=1 lim=300000
grep -qa __asan_init "$HARKD" && slow=6 lim=2000000

mkdir "$T/root"
"$FS" "$T/port" "$T/root" >"$T/srv" 2>"$T/fs.err" &
FPID=$!
wait_until "[ -s '$T/port' ]" 10 || {
	bad "feed server: no port: $(cat "$T/fs.err")"
	finish
}
U=http://127.0.0.1:$(cat "$T/port")

cat >"$T/w.rules" <<'R'
[rule tice]
query = "Austin Tice"
R
write_conf
printf '[feed big]\nurl = %s/big/%d\ninterval = 1h\nallow_private = yes\n' "$U" "$N" >>"$T/hark.conf"

t0=$(date +%s)
# the log exists before harkd does: start_harkd counts its lines from the first
: >"$T/log"
start_harkd
wait_for "$LOG" "feed big: " $((150 * slow)) || bad "feed big: no line after $((150 * slow)) s"
note "$N items polled and stored in $(($(date +%s) - t0)) s"
grep -qF "feed big: $N new items (read in 10 pages of 10000 entries)" "$LOG" && ok ||
	bad "feed big: $N new items: $(grep -F 'feed big' "$LOG" | head -3)"
hwm=$(awk '$1 == "VmHWM:" { print $2 }' "/proc/$HPID/status")
note "harkd peak RSS (VmHWM) for $N items: ${hwm} kB"
[ "${hwm:-0}" -gt 0 ] && [ "$hwm" -lt "$lim" ] && ok || bad "harkd's peak RSS ${hwm} kB (limit $lim)"
# every item an article, each once; every 100th names Austin Tice
expect_eq "$(status_of articles)" "$N" "articles stored"
expect_eq "$(grep -c 'article a_[0-9a-f]* feed=big ' "$LOG")" "$N" "article lines of the big feed"
expect_eq "$(status_of hits)" $((N / 100)) "hits of the big feed"
# no cut, silent or said, and no warning about the feed
! grep -qiE 'feed big.*(limit|not read|dropped|cut)' "$LOG" && ok ||
	bad "a cut: $(grep -iE 'feed big.*(limit|not read|dropped|cut)' "$LOG" | head -2)"
! grep -qE 'warning: feed big' "$LOG" && ok || bad "a warning: $(grep 'warning: feed big' "$LOG")"

# a second poll: every entry read again, all seen, nothing stored twice
kill -USR1 "$HPID"
wait_for "$LOG" "feed big: 0 new items" $((150 * slow)) && ok || bad "the second poll: 0 new items"
expect_eq "$(status_of articles)" "$N" "articles after the second poll"
stop_harkd
expect_eq "$HSTATUS" 0 "harkd stops"

# hark feed URL reads every entry, and says nothing was left out
"$HARK" -c "$T/hark.conf" feed --json --allow-private "$U/big/$N" >"$T/out" 2>"$T/err"
expect_eq "$?" 0 "hark feed $U/big/$N"
expect_eq "$(grep -o '"id":"big-[0-9]*"' "$T/out" | wc -l | tr -d ' ')" "$N" "entries shown by hark feed"
grep -qF '"id":"big-99999"' "$T/out" && ok || bad "hark feed shows the last entry"
expect_eq "$(cat "$T/err")" "" "hark feed's standard error"
# hark extract of the same feed as a file: one document per item
awk -v n="$N" 'BEGIN {
	print "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	print "<rss version=\"2.0\"><channel><title>Big feed</title><link>http://big.invalid/</link>"
	for (i = 0; i < n; i++)
		printf "<item><title>Item %d</title><link>http://big.invalid/%d</link><guid>big-%d</guid></item>\n", i, i, i
	print "</channel></rss>"
}' >"$T/big.xml"
"$HARK" -c "$T/hark.conf" extract --json "$T/big.xml" >"$T/out" 2>"$T/err"
expect_eq "$?" 0 "hark extract big.xml"
expect_eq "$(wc -l <"$T/out" | tr -d ' ')" "$N" "documents shown by hark extract"
grep -qF '"url":"http://big.invalid/99999"' "$T/out" && ok || bad "hark extract shows the last item"
expect_eq "$(cat "$T/err")" "" "hark extract's standard error"

# --- kill -9 between two pages: the validators are not kept, and after the
# restart the whole feed is read again, what was stored skipped as seen;
# once every page is stored they are kept (the next poll is a 304)
M=25000
awk -v n="$M" 'BEGIN {
	print "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	print "<rss version=\"2.0\"><channel><title>File feed</title><link>http://file.invalid/</link>"
	for (i = 0; i < n; i++)
		printf "<item><title>Entry %d</title><link>http://file.invalid/%d</link><guid>f-%d</guid></item>\n", i, i, i
	print "</channel></rss>"
}' >"$T/root/file.xml"
write_conf
printf '[feed file]\nurl = %s/f/file.xml\ninterval = 1h\nallow_private = yes\n' "$U" >>"$T/hark.conf"
start_harkd
wait_for "$LOG" " feed=file " $((60 * slow)) 10000 || bad "the first page of the file feed"
kill_harkd
stored=$(grep -c 'article a_[0-9a-f]* feed=file ' "$LOG")
note "killed with $stored of $M items stored"
start_harkd
if [ "$stored" -lt "$M" ]; then
	wait_for "$LOG" "feed file: " $((60 * slow)) || bad "feed file: no line after the restart"
	grep -qF "feed file: $((M - stored)) new items (read in 3 pages of 10000 entries)" "$LOG" &&
		ok || bad "the rest after the restart: $(grep -F 'feed file' "$LOG")"
	# the request after the restart asked without validators: none were kept
	expect_eq "$(awk '$3 == "/f/file.xml" { print $4, $5 }' "$T/srv" | sed -n 2p)" "200 -" \
		"the request after the crash"
else
	note "the poll ended before the kill: the crash between pages not shown"
	wait_until "[ \$(awk '\$3 == \"/f/file.xml\"' '$T/srv' | wc -l) -ge 2 ]" $((30 * slow))
	sleep 1
fi
expect_eq "$(status_of articles)" $((N + M)) "articles after the crash"
expect_eq "$(grep -c 'article a_[0-9a-f]* feed=file ' "$LOG")" "$M" "each item of the file feed once"
kill -USR1 "$HPID"
wait_until "[ \$(awk '\$3 == \"/f/file.xml\" && \$4 == 304' '$T/srv' | wc -l) -ge 1 ]" $((30 * slow)) &&
	ok || bad "a 304 once every page is stored: $(tail -2 "$T/srv")"
stop_harkd
expect_eq "$HSTATUS" 0 "harkd stops"
note "$(($(date +%s) - t0)) s in all"
finish
