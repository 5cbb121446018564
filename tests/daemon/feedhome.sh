#!/bin/sh
# Feed entries that share a link, end to end: the real harkd and the test
# feed server (tests/daemon/feedserver.c) over loopback. A shared link alone
# never makes one article of two entries:
#   home   every item links to the site's home page, each with its own guid,
#          title and text: each is an article of its own (its link its url,
#          not its address), matched and alerted, so a second article naming
#          a watched person alerts again; an item's edit (its guid) is a
#          revision of that item's article, not of the first one's; an
#          item with its own guid and another's title (a daily briefing
#          under one title) is an article of its own all the same, as the
#          feed lists both at once
#   bare   the same with no guids (the link is each entry's only id; the
#          home page of another site, as a second feed may link too): an
#          entry is a revision of the feed's article at the link with its
#          title; another title is an article of its own
#   churn  one item whose guid changes at each fetch, at its own link: the
#          same title is the same article (a revision), so is a text a near
#          duplicate of it (SimHash) under a new title; a new title and a new
#          short text is an article of its own
# Usage: feedhome.sh HARK HARKD FEEDSERVER
. "$(dirname "$0")/lib.sh"
daemon_init "$1" "$2"
FS=$(abspath "$3")
[ -x "$FS" ] || {
	echo "usage: $0 HARK HARKD FEEDSERVER" >&2
	exit 2
}
FPID=
home_cleanup() {
	[ -n "$FPID" ] && kill -KILL "$FPID" 2>/dev/null && wait "$FPID" 2>/dev/null
	daemon_cleanup
}
trap home_cleanup EXIT

R=$T/root
mkdir "$R"
NPOLL=0
FEEDS="home bare churn"
HOME_URL=http://news.invalid/
BARE_URL=http://wire.invalid/
# rss NAME ITEM...: the RSS feed NAME.xml with the ITEMs (whole <item>
# elements); the channel's description changes at each poll, so that the
# body (and its ETag) does even when the items do not
rss() {
	_n=$1
	shift
	{
		printf '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
		printf '<title>%s</title><link>%s</link>' "$_n" "$HOME_URL"
		printf '<description>poll %s</description>\n' "$NPOLL"
		for _i in "$@"; do printf '%s\n' "$_i"; done
		printf '</channel></rss>\n'
	} >"$R/$_n.xml"
}
# item GUID TITLE LINK TEXT: an <item> (no <guid> when GUID is "")
item() {
	printf '<item><title>%s</title>' "$2"
	[ -z "$1" ] || printf '<guid isPermaLink="false">%s</guid>' "$1"
	printf '<link>%s</link><description>%s</description></item>' "$3" "$4"
}
# poll: poll again and wait for every feed's poll line (the NPOLL-th)
poll() {
	kill -USR1 "$HPID"
	for _f in $FEEDS; do
		wait_until "[ \$(grep -c 'feed $_f: [0-9]* new item' '$LOG') -ge $NPOLL ]" 20 ||
			bad "poll $NPOLL: no poll line of $_f: $(grep "$_f" "$LOG" | tail -3)"
	done
}
# nth_of FEED N: the feed's N-th article stored as an item (not a revision)
nth_of() { sed -n "s/.*article \(a_[0-9a-f]*\) feed=$1 .*/\1/p" "$LOG" | sed -n "$2p"; }
# LONG: some 560 words, so that a sentence changed moves its SimHash by a few bits
LONG=$(awk 'BEGIN {
	n = split("council met monday northern city discuss water supply roads schools budget mayor said residents asked questions about prices market bridge river workers hospital doctors teachers parents children farmers harvest rain winter electricity fuel bakery station trains buses police court judge lawyers village district province governor minister", w, " ")
	for (i = 1; i <= 560; i++) printf "%s%s", w[(i * 7 + int(i / 5)) % n + 1], (i % 9 == 0 ? ". " : " ")
}')
STORY=http://news.invalid/2026/story-9
H1=$(item h-1 Markets "$HOME_URL" 'Prices at the market rose with the rain.')
H2=$(item h-2 Letter "$HOME_URL" 'A letter from the family of Austin Tice.')
H2b=$(item h-2 Letter "$HOME_URL" 'A letter from the family of Austin Tice, read by the envoy.')
H3=$(item h-3 Evening "$HOME_URL" 'The family of Austin Tice spoke in the evening.')
H4=$(item h-4 Letter "$HOME_URL" 'Another letter, from the mother of Austin Tice.')
B1=$(item '' Harbour "$BARE_URL" 'A note on the harbour, naming Nadia Salem.')
B2=$(item '' Station "$BARE_URL" 'Nadia Salem was seen at the station.')
B2b=$(item '' Station "$BARE_URL" 'Nadia Salem was seen at the station, then with the envoy.')
B3=$(item '' Port "$BARE_URL" 'Nadia Salem left by the port.')
NPOLL=1
rss home "$H1" "$H2"
rss bare "$B1" "$B2"
rss churn "$(item c-1 Checkpoint "$STORY" "$LONG Samir Kassab was released.")"
printf '[rule tice]\nquery = "Austin Tice"\n[rule salem]\nquery = "Nadia Salem"\n[rule kassab]\nquery = "Samir Kassab"\n[rule envoy]\nquery = envoy\n' >"$T/w.rules"

"$FS" "$T/port" "$R" >"$T/srv" 2>"$T/fs.err" &
FPID=$!
wait_until "[ -s '$T/port' ]" 10 || {
	bad "feed server: no port: $(cat "$T/fs.err")"
	finish
}
U=http://127.0.0.1:$(cat "$T/port")
write_conf "[feed home]" "url = $U/f/home.xml" "interval = 1h" "allow_private = yes" \
	"[feed bare]" "url = $U/f/bare.xml" "interval = 1h" "allow_private = yes" \
	"[feed churn]" "url = $U/f/churn.xml" "interval = 1h" "allow_private = yes"
start_harkd
wait_for "$LOG" "feed home: 2 new items" 20 && ok || bad "home: first poll: $(grep home "$LOG")"
wait_for "$LOG" "feed bare: 2 new items" 20 && ok || bad "bare: first poll: $(grep bare "$LOG")"
wait_for "$LOG" "feed churn: 1 new item" 20 && ok || bad "churn: first poll: $(grep churn "$LOG")"
expect_eq "$(count "$LOG" "hit rule=tice ")" 1 "poll 1: tice alerted"
expect_eq "$(count "$LOG" "hit rule=salem ")" 2 "poll 1: salem alerted for each of bare's two items"
expect_eq "$(count "$LOG" "revised feed=")" 0 "poll 1: no revision"
# the second item at the home page: an article of its own, without the address
grep -q "article a_[0-9a-f]* feed=home url=$HOME_URL lang=en hits=1 (an item of its own at a link another item of the feed has: its url, not its address)\$" "$LOG" &&
	ok || bad "home: the second item's line: $(grep 'feed=home' "$LOG")"
HA=$(nth_of home 1)
HB=$(nth_of home 2)
BB=$(nth_of bare 2)
C=$(nth_of churn 1)
[ -n "$HA" ] && [ -n "$HB" ] && [ "$HA" != "$HB" ] && [ -n "$BB" ] && [ -n "$C" ] && ok ||
	bad "the first articles: $(grep article "$LOG")"
hk article --json "$HB"
grep -q '^{"id":"'"$HB"'","title":"Letter","url":"'"$HOME_URL"'"' "$T/out" && ok ||
	bad "home: the second item's article: $(cat "$T/out" "$T/err")"
expect_eq "$(grep -c 'revision_of\|near_of' "$T/out")" 0 "home: the second item is in no group"

# poll 2: home: a third item naming Austin Tice (a new guid, another title:
# alerted again), the second's text edited (its guid: a revision of its
# article, envoy alerted, tice not again); bare: the second's text edited
# (its title: a revision of it), a third (another title: alerted again);
# churn: a new guid, the same title, an edited text (a revision)
NPOLL=2
rss home "$H1" "$H2b" "$H3"
rss bare "$B1" "$B2b" "$B3"
rss churn "$(item c-2 Checkpoint "$STORY" "$LONG Samir Kassab was released on Tuesday.")"
poll
expect_eq "$(count "$LOG" "hit rule=tice ")" 2 "poll 2: tice alerted for home's third item, another article naming him"
expect_eq "$(count "$LOG" "hit rule=salem ")" 3 "poll 2: salem alerted for bare's third item"
expect_eq "$(count "$LOG" "feed home: 1 new item")" 1 "poll 2: home's third item is new, the edit is not"
expect_eq "$(count "$LOG" "feed bare: 1 new item")" 1 "poll 2: bare's third item is new, the edit is not"
grep -q "revised feed=home item=$HOME_URL of=$HB new_hits=1: article a_[0-9a-f]* lang=en hits=2 (the rules alerted on an earlier text of the article are not alerted again)\$" "$LOG" &&
	ok || bad "poll 2: home's edit a revision of its own item: $(grep 'revised feed=home' "$LOG")"
grep -q "revised feed=bare item=$BARE_URL of=$BB new_hits=1: article a_[0-9a-f]* lang=en hits=2 (the rules alerted on an earlier text of the article are not alerted again)\$" "$LOG" &&
	ok || bad "poll 2: bare's edit a revision of its own item: $(grep 'revised feed=bare' "$LOG")"
expect_eq "$(count "$LOG" "hit rule=envoy ")" 2 "poll 2: envoy alerted on both edits"
grep -q "revised feed=churn item=$STORY of=$C new_hits=0: " "$LOG" &&
	ok || bad "poll 2: churn's new guid with the same title a revision: $(grep 'churn' "$LOG" | tail -3)"
expect_eq "$(count "$LOG" "hit rule=kassab ")" 1 "poll 2: kassab not alerted again"

# poll 3: home: a fourth item under the second one's title, its own guid:
# an article of its own (tice alerted again); churn: a new guid, a new
# title, a text a near duplicate: a revision
NPOLL=3
rss home "$H1" "$H2b" "$H3" "$H4"
rss bare "$B1" "$B2b" "$B3"
rss churn "$(item c-3 'Checkpoint reopened' "$STORY" "$LONG Samir Kassab was released on Tuesday and is home.")"
poll
expect_eq "$(count "$LOG" "revised feed=churn item=$STORY of=$C new_hits=0: ")" 2 "poll 3: churn's near duplicate text a revision"
expect_eq "$(count "$LOG" "hit rule=kassab ")" 1 "poll 3: kassab not alerted again"
expect_eq "$(count "$LOG" "hit rule=tice ")" 3 "poll 3: tice alerted for home's fourth item, under another item's title"
expect_eq "$(count "$LOG" "revised feed=home")" 1 "poll 3: home's fourth item is no revision"

# poll 4: churn: a new guid, a new title and a new short text: an article of its own
NPOLL=4
rss home "$H1" "$H2b" "$H3" "$H4"
rss bare "$B1" "$B2b" "$B3"
rss churn "$(item c-4 Harbour "$STORY" 'Samir Kassab spoke at the harbour.')"
poll
expect_eq "$(count "$LOG" "revised feed=churn")" 2 "poll 4: another article at the link is no revision"
expect_eq "$(count "$LOG" "hit rule=kassab ")" 2 "poll 4: kassab alerted for it"
grep -q "article a_[0-9a-f]* feed=churn url=$STORY lang=en hits=1 (an item of its own at a link another item of the feed has: its url, not its address)\$" "$LOG" &&
	ok || bad "poll 4: churn's other article: $(grep 'feed=churn' "$LOG" | tail -2)"

expect_eq "$(status_of articles)" 13 "articles: home 4 and a revision, bare 3 and a revision, churn 2 and 2 revisions"
expect_eq "$(status_of alerts)" 10 "alerts: tice 3, salem 3, envoy 2, kassab 2"
stop_harkd
expect_eq "$HSTATUS" 0 "exit status"
finish
