#!/bin/sh
# Feed entries that share a link held by another source, end to end (the
# real harkd, hark ingest and the test feed server over loopback). A shared
# link alone never makes one article of two entries, whoever stored the
# address first:
#   feed   two items of a feed, each with its own guid, link to a home page
#          a drop file stored: each is an article of its own (its link its
#          url, not its address), not a revision of the drop file's
#          article, so both alert the rule they name
#   file   a feed file dropped into incoming/ whose two entries (two guids)
#          share a link: the second is no revision of the first, both alert
# Usage: sharedlinkother.sh HARK HARKD FEEDSERVER
. "$(dirname "$0")/lib.sh"
daemon_init "$1" "$2"
FS=$(abspath "${3:-}")
[ -x "$FS" ] || {
	echo "usage: $0 HARK HARKD FEEDSERVER" >&2
	exit 2
}
FPID=
sl_cleanup() {
	[ -n "$FPID" ] && kill -KILL "$FPID" 2>/dev/null && wait "$FPID" 2>/dev/null
	daemon_cleanup
}
trap sl_cleanup EXIT
R=$T/root
mkdir "$R"
# rss ITEMS...: an RSS body, the items whole <item> elements
rss() {
	printf '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
	printf '<title>Wire</title><link>http://example.org/</link>\n'
	for _i in "$@"; do printf '%s\n' "$_i"; done
	printf '</channel></rss>\n'
}
item() {
	printf '<item><title>%s</title><guid isPermaLink="false">%s</guid>' "$2" "$1"
	printf '<link>%s</link><description>%s</description></item>' "$3" "$4"
}
"$FS" "$T/port" "$R" >"$T/srv" 2>"$T/fs.err" &
FPID=$!
wait_until "[ -s '$T/port' ]" 10 || {
	bad "feed server: no port: $(cat "$T/fs.err")"
	finish
}
cat >"$T/w.rules" <<'R'
[rule okafor]
query = "Lena Okafor"
[rule hezbollah]
query = Hezbollah
R
# no feed body yet: the drop file stores the home page first
write_conf "[feed wire]" "url = http://127.0.0.1:$(cat "$T/port")/f/wire.xml" "interval = 1h" \
	"allow_private = yes"
start_harkd
IN=$T/in
mkdir "$IN"
printf '<html><head><title>Home</title><link rel="canonical" href="http://example.org/home"></head><body><article><p>Welcome to the newsroom of the example site.</p></article></body></html>' >"$IN/home.html"
ingest "$IN/home.html"
wait_for "$T/log" "file=home.html lang=" 10 || bad "the home page was not stored: $(grep -F home.html "$T/log")"

# 1. a feed's two items at the home page's link
rss "$(item g-1 Tyre http://example.org/home 'Lena Okafor was seen in Tyre on Monday.')" \
	"$(item g-2 Family http://example.org/home 'Lena Okafor spoke to her family by telephone.')" \
	>"$R/wire.xml"
kill -USR1 "$HPID"
wait_until "grep -q 'feed wire: [0-9]* new item' '$T/log'" 20 || bad "the feed's poll: $(grep wire "$T/log")"
has_log() { if grep -qF -- "$1" "$T/log"; then ok; else bad "$2: no '$1' in the log"; fi; }
has_log "feed wire: 2 new items" "both items new"
has_log "(an item of its own at a link another item of the feed has: its url, not its address)" \
	"the article line of an item at a shared link"
expect_eq "$(count "$T/log" "hit rule=okafor")" 2 "each item at the shared link alerts okafor"
if grep -qF "revised feed=wire" "$T/log"; then
	bad "an item at a shared link made a revision: $(grep -F revised "$T/log")"
else ok; fi

# 2. a feed file dropped, its two entries at one link
rss "$(item d-1 Beirut http://example.org/live 'Hezbollah issued a statement at noon.')" \
	"$(item d-2 Sidon http://example.org/live 'Hezbollah fighters were seen near Sidon.')" \
	>"$IN/live.xml"
ingest "$IN/live.xml"
wait_until "[ \$(grep -c 'file=live.xml' '$T/log') -ge 2 ]" 10 ||
	bad "live.xml's entries: $(grep -F live.xml "$T/log")"
has_log "(an entry of its own at a link another entry has: its url, not its address)" \
	"the article line of the second entry"
expect_eq "$(count "$T/log" "hit rule=hezbollah")" 2 "each entry of the dropped feed alerts hezbollah"
if grep -qF "revised file=live.xml" "$T/log"; then
	bad "an entry at a shared link made a revision: $(grep -F revised "$T/log")"
else ok; fi

stop_harkd
expect_eq "$HSTATUS" 0 "harkd's exit"
finish
