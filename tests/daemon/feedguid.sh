#!/bin/sh
# A feed item known by its own id, end to end: the real harkd, the test feed
# server (tests/daemon/feedserver.c) and a webhook receiver
# (tests/daemon/receiver.c) over loopback. An item's id (RSS guid, Atom id,
# JSON Feed id) says "the same item" within its feed whatever its link:
#   guid   an RSS item with <guid isPermaLink="false"> and no link, its text
#          edited twice
#   slug   an RSS item with a stable guid whose link's slug changes with its
#          text, then changes alone
#   json   a JSON Feed item "id" with no url, its content_text edited twice
#   atom   an Atom entry <id> with no link, its summary edited twice
#   bare   an RSS item with neither guid nor link: its title is its id
#          within the feed, its description edited once
# Each is one article and its revisions, and its rule is alerted once (in
# the log and at the webhook). A feed that gives one guid to different items
# (two in one body, then a third text) has each read as an item of its own.
# Usage: feedguid.sh HARK HARKD FEEDSERVER RECEIVER
. "$(dirname "$0")/lib.sh"
daemon_init "$1" "$2"
FS=$(abspath "$3")
RECV=$(abspath "$4")
[ -x "$FS" ] && [ -x "$RECV" ] || {
	echo "usage: $0 HARK HARKD FEEDSERVER RECEIVER" >&2
	exit 2
}
FPID=
RPID=
guid_cleanup() {
	[ -n "$FPID" ] && kill -KILL "$FPID" 2>/dev/null && wait "$FPID" 2>/dev/null
	[ -n "$RPID" ] && kill -TERM "$RPID" 2>/dev/null && wait "$RPID" 2>/dev/null
	daemon_cleanup
}
trap guid_cleanup EXIT

R=$T/root
mkdir "$R"
NPOLL=0
FEEDS="guid slug json atom shared bare"
# rss NAME ITEM...: the RSS feed NAME.xml with the ITEMs (whole <item>
# elements); the channel's description changes at each poll, so that the
# body (and its ETag) does even when the items do not
rss() {
	_n=$1
	shift
	{
		printf '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
		printf '<title>%s</title><link>http://news.invalid/</link>' "$_n"
		printf '<description>poll %s</description>\n' "$NPOLL"
		for _i in "$@"; do printf '%s\n' "$_i"; done
		printf '</channel></rss>\n'
	} >"$R/$_n.xml"
}
# feeds GUID SLUG SLUGTEXT JSON ATOM SHARED...: every feed for the next poll
feeds() {
	NPOLL=$((NPOLL + 1))
	rss guid "<item><title>Live</title><guid isPermaLink=\"false\">live-42</guid><description>$1</description></item>"
	rss slug "<item><title>Checkpoint</title><guid isPermaLink=\"false\">story-7</guid><link>http://news.invalid/2026/story-7-$2</link><description>$3</description></item>"
	printf '{"version":"https://jsonfeed.org/version/1.1","title":"J %s","items":[{"id":"j2","title":"Brief","content_text":"%s"}]}\n' \
		"$NPOLL" "$4" >"$R/json.json"
	{
		printf '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
		printf '<title>A</title><subtitle>poll %s</subtitle><id>urn:uuid:5b1c7f0e-atom</id>' "$NPOLL"
		printf '<updated>2026-12-07T06:00:00Z</updated>\n'
		printf '<entry><id>tag:news.invalid,2026:live-9</id><title>Live</title>'
		printf '<updated>2026-12-07T06:00:00Z</updated><summary>%s</summary></entry>\n' "$5"
		printf '</feed>\n'
	} >"$R/atom.atom"
	shift 5
	_items=
	for _t in "$@"; do
		_items="$_items<item><title>Notice</title><guid isPermaLink=\"false\">same</guid><description>$_t</description></item>
"
	done
	rss shared "$_items"
	rss bare "<item><title>Bulletin</title><description>$BARE</description></item>"
}
# poll: poll again and wait for every feed's poll line (the NPOLL-th)
poll() {
	kill -USR1 "$HPID"
	for _f in $FEEDS; do
		wait_until "[ \$(grep -c 'feed $_f: [0-9]* new item' '$LOG') -ge $NPOLL ]" 20 ||
			bad "poll $NPOLL: no poll line of $_f: $(grep "$_f" "$LOG" | tail -3)"
	done
}
# hits_of RULE: the stored hits of RULE
hits_of() { "$HARK" -c "$T/hark.conf" hits --json --rule "$1" | grep -c '^{"id":"h_'; }
# first_of FEED: the feed's first article
first_of() { sed -n "s/.*article \(a_[0-9a-f]*\) feed=$1 .*/\1/p" "$LOG" | head -1; }
# deliveries: the requests the receiver has had
deliveries() { grep -c ' 200 ' "$T/recv.out"; }

G1='Live: the family of Austin Tice spoke to reporters in the morning.'
G2='Live: the family of Austin Tice spoke to reporters in the morning, and at noon.'
G3='Live: the family of Austin Tice spoke again in the evening.'
S1='A first draft: Layla Haddad crossed the checkpoint.'
S2='Corrected: Layla Haddad crossed the checkpoint at dawn, with her brother.'
J1='Brief: Samir Kassab was released.'
J2='Brief: Samir Kassab was released on Tuesday.'
J3='Brief: Samir Kassab was released on Tuesday and is home.'
A1='Live: Rami Aziz arrived in the capital.'
A2='Live: Rami Aziz arrived in the capital and met the envoy.'
A3='Live: Rami Aziz left the capital.'
X1='Notice one: Omar Farid was seen at the market.'
X2='Notice two: Omar Farid was seen at the station.'
X3='Notice three: Omar Farid was seen at the port.'
B1='Bulletin: Nadia Salem was freed.'
B2='Bulletin: Nadia Salem was freed and flown home.'
BARE=$B1
feeds "$G1" first-draft "$S1" "$J1" "$A1" "$X1" "$X2"
{
	printf '[rule tice]\nquery = "Austin Tice"\n[rule haddad]\nquery = "Layla Haddad"\n'
	printf '[rule kassab]\nquery = "Samir Kassab"\n[rule aziz]\nquery = "Rami Aziz"\n'
	printf '[rule farid]\nquery = "Omar Farid"\n[rule salem]\nquery = "Nadia Salem"\n'
} >"$T/w.rules"

"$FS" "$T/port" "$R" >"$T/srv" 2>"$T/fs.err" &
FPID=$!
"$RECV" "$T/recv.port" ok >"$T/recv.out" 2>"$T/recv.err" &
RPID=$!
wait_until "[ -s '$T/port' ] && [ -s '$T/recv.port' ]" 10 || {
	bad "feed server or receiver: no port: $(cat "$T/fs.err" "$T/recv.err")"
	finish
}
U=http://127.0.0.1:$(cat "$T/port")

write_conf "[feed guid]" "url = $U/f/guid.xml" "interval = 1h" "allow_private = yes" \
	"[feed slug]" "url = $U/f/slug.xml" "interval = 1h" "allow_private = yes" \
	"[feed json]" "url = $U/f/json.json" "interval = 1h" "allow_private = yes" \
	"[feed atom]" "url = $U/f/atom.atom" "interval = 1h" "allow_private = yes" \
	"[feed shared]" "url = $U/f/shared.xml" "interval = 1h" "allow_private = yes" \
	"[feed bare]" "url = $U/f/bare.xml" "interval = 1h" "allow_private = yes" \
	"[webhook recv]" "url = http://127.0.0.1:$(cat "$T/recv.port")/hook"
start_harkd
for f in guid slug json atom bare; do
	wait_for "$LOG" "feed $f: 1 new item" 20 && ok || bad "first poll of $f: $(grep "$f" "$LOG")"
done
wait_for "$LOG" "feed shared: 2 new items" 20 && ok || bad "first poll of shared: $(grep shared "$LOG")"
for r in tice haddad kassab aziz; do
	expect_eq "$(count "$LOG" "hit rule=$r ")" 1 "poll 1: $r alerted"
done
expect_eq "$(count "$LOG" "hit rule=farid ")" 2 "poll 1: farid alerted for each of the two items of one guid"
G=$(first_of guid)
S=$(first_of slug)
J=$(first_of json)
A=$(first_of atom)
B=$(first_of bare)
[ -n "$G" ] && [ -n "$S" ] && [ -n "$J" ] && [ -n "$A" ] && [ -n "$B" ] && ok || bad "the first articles: $(grep article "$LOG")"

# poll 2: every text edited; the slug's link changed with its text; the
# shared guid's two items gone, a third text in their place
BARE=$B2
feeds "$G2" checkpoint-closed "$S2" "$J2" "$A2" "$X3"
poll
grep -q "revised feed=guid item=live-42 of=$G new_hits=0: article a_[0-9a-f]* lang=en hits=1 (the rules alerted on an earlier text of the article are not alerted again)\$" "$LOG" &&
	ok || bad "poll 2: guid's revised line: $(grep 'guid' "$LOG" | tail -3)"
grep -q "revised feed=slug item=http://news.invalid/2026/story-7-checkpoint-closed of=$S new_hits=0: article a_[0-9a-f]* lang=en hits=1 (the rules alerted on an earlier text of the article are not alerted again) (a new link: this revision's url; the article keeps its first address)\$" "$LOG" &&
	ok || bad "poll 2: slug's revised line: $(grep 'slug' "$LOG" | tail -3)"
grep -q "revised feed=json item=j2 of=$J new_hits=0:" "$LOG" &&
	ok || bad "poll 2: json's revised line: $(grep 'json' "$LOG" | tail -3)"
grep -q "revised feed=atom item=tag:news.invalid,2026:live-9 of=$A new_hits=0:" "$LOG" &&
	ok || bad "poll 2: atom's revised line: $(grep 'atom' "$LOG" | tail -3)"
for f in guid slug json atom; do
	expect_eq "$(count "$LOG" "feed $f: 0 new items")" 1 "poll 2: $f's revision is no new item"
done
expect_eq "$(count "$LOG" "feed shared: 1 new item")" 1 "poll 2: shared's third text is an item of its own"
expect_eq "$(count "$LOG" "revised feed=shared")" 0 "poll 2: shared's third text is no revision"
grep -q "revised feed=bare item=Bulletin of=$B new_hits=0: article a_[0-9a-f]* lang=en hits=1 (the rules alerted on an earlier text of the article are not alerted again)\$" "$LOG" &&
	ok || bad "poll 2: bare's revised line (its title its id): $(grep 'bare' "$LOG" | tail -3)"
expect_eq "$(count "$LOG" "feed bare: 0 new items")" 1 "poll 2: bare's revision is no new item"
# the revision at a new link: that link its url; the first one keeps its own
rev=$(sed -n 's/.*revised feed=slug .*: article \(a_[0-9a-f]*\) .*/\1/p' "$LOG" | head -1)
hk article --json "$rev"
grep -q '"url":"http://news.invalid/2026/story-7-checkpoint-closed"' "$T/out" && ok ||
	bad "the slug's revision's url: $(cat "$T/out" "$T/err")"
grep -q '"revision_of":"'"$S"'"' "$T/out" && ok || bad "the slug's revision names the first: $(cat "$T/out")"
hk article --json "$S"
grep -q '^{"id":"'"$S"'","title":"Checkpoint","url":"http://news.invalid/2026/story-7-first-draft"' "$T/out" && ok ||
	bad "the slug's first article keeps its address: $(cat "$T/out" "$T/err")"

# poll 3: guid, json and atom edited again; the slug's link changed alone:
# not read; shared unchanged
feeds "$G3" checkpoint-reopened "$S2" "$J3" "$A3" "$X3"
poll
for f in guid json atom; do
	expect_eq "$(count "$LOG" "revised feed=$f ")" 2 "poll 3: $f's second revision"
	expect_eq "$(count "$LOG" "feed $f: 0 new items")" 2 "poll 3: $f's revision is no new item"
done
expect_eq "$(count "$LOG" "revised feed=slug ")" 1 "poll 3: the slug's link alone changed: no revision"
expect_eq "$(count "$LOG" "duplicate feed=slug")" 0 "poll 3: nor a duplicate"

# poll 4: a text the item had before (flip back): nothing read
feeds "$G1" checkpoint-reopened "$S2" "$J1" "$A1" "$X3"
poll
expect_eq "$(count "$LOG" "revised feed=")" 8 "poll 4 (flip back): no revision"

for r in tice haddad kassab aziz; do
	expect_eq "$(count "$LOG" "hit rule=$r ")" 1 "$r alerted once"
done
expect_eq "$(count "$LOG" "hit rule=farid ")" 3 "farid alerted for each of the shared guid's items"
expect_eq "$(hits_of tice)" 3 "stored hits of tice: the first and its two revisions'"
expect_eq "$(hits_of haddad)" 2 "stored hits of haddad"
expect_eq "$(hits_of kassab)" 3 "stored hits of kassab"
expect_eq "$(hits_of aziz)" 3 "stored hits of aziz"
expect_eq "$(count "$LOG" "hit rule=salem ")" 1 "salem alerted once: bare's edit is a revision"
expect_eq "$(hits_of salem)" 2 "stored hits of salem: the first and its revision's"
expect_eq "$(status_of articles)" 16 "articles: 5 first ones, 8 revisions, 3 shared"
expect_eq "$(status_of alerts)" 8 "alerts"
wait_until "[ \$(grep -c ' 200 ' '$T/recv.out') -ge 8 ]" 20 || bad "webhook: $(cat "$T/recv.out")"
stop_harkd
expect_eq "$HSTATUS" 0 "exit status"
expect_eq "$(deliveries)" 8 "webhook: one request per alert"
finish
