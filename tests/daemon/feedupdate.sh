#!/bin/sh
# A feed item updated in place, end to end: the real harkd and the test feed
# server (tests/daemon/feedserver.c) over loopback. The item keeps its guid
# and link and its text changes to name a watched person: the new text is
# read again, stored as a revision (a new article of the first one's group)
# and matched; a rule that hit the first text is not alerted again, a rule
# the new text hits is. The same text again, or a text the item had before,
# is not read again. A revision whose one hit is a muted rule's has
# new_hits=0 and no note of rules held back; hark_near_duplicates_total
# counts every revision as hark status does. Another entry of the feed at
# the same address with the same title and a new text (a live blog's entry
# with no guid) is a revision of that article from its first appearance, as
# when its text changes again; with the same text a duplicate. (Entries
# with their own guids and other titles at one link are items of their
# own: feedhome.sh.) The article page labels the article a revision
# revises as such. Past 20 revisions of the article (its item's and the
# other entries') a new text is still matched: stored and alerted when it
# alerts a rule new to the article, else said and not stored. A different
# text at a stored address is a revision, whoever brings it: an entry at a
# drop file's address is a revision of its article at each new text; an
# entry of feed agg at feed pub's address with a longer text naming the
# consul is a revision of pub's article (consul alerted once, weather not
# again), one of feed mir with pub's text a duplicate. A revision whose rule
# alerted on a near duplicate says so.
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
NPOLL=0
# upd TEXT [ITEM...]: the feed, its item upd-1 with TEXT, then the ITEMs
# (whole <item> elements); the channel's description changes at each call,
# so that the body (and its ETag) does even when the item does not
upd() {
	NPOLL=$((NPOLL + 1))
	{
		printf '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
		printf '<title>U</title><link>http://news.invalid/</link>'
		printf '<description>poll %s</description>\n' "$NPOLL"
		printf '<item><title>Report</title><guid>upd-1</guid><link>http://news.invalid/upd-1</link>'
		printf '<description>%s</description></item>\n' "$1"
		shift
		for _i in "$@"; do printf '%s\n' "$_i"; done
		printf '</channel></rss>\n'
	} >"$R/upd.xml"
}
# poll: poll again and wait for the poll's line (the NPOLL-th)
poll() {
	kill -USR1 "$HPID"
	wait_until "[ \$(grep -c 'feed upd: [0-9]* new item' '$LOG') -ge $NPOLL ]" 20 ||
		bad "poll $NPOLL: no poll line: $(grep 'upd' "$LOG" | tail -3)"
}
# hits_of RULE: the stored hits of RULE
hits_of() { "$HARK" -c "$T/hark.conf" hits --json --rule "$1" | grep -c '^{"id":"h_'; }

T1='A quiet report on the weather in the north.'
T2='A report on the weather, and a letter from the family of Austin Tice.'
upd "$T1"
printf '[rule tice]\nquery = "Austin Tice"\n[rule weather]\nquery = weather\n[rule storm]\nquery = storm\n[rule envoy]\nquery = envoy\n[rule consul]\nquery = consul\n' >"$T/w.rules"
HAVE_CURL=1
command -v curl >/dev/null 2>&1 || HAVE_CURL=

"$FS" "$T/port" "$R" >"$T/srv" 2>"$T/fs.err" &
FPID=$!
wait_until "[ -s '$T/port' ]" 10 || {
	bad "feed server: no port: $(cat "$T/fs.err")"
	finish
}
U=http://127.0.0.1:$(cat "$T/port")

write_conf "[feed upd]" "url = $U/f/upd.xml" "interval = 1h" "allow_private = yes" \
	"[http]" "listen = 127.0.0.1:0"
start_harkd
HURL=$(cut -d' ' -f1 "$T/state/harkd.http")
wait_for "$LOG" "feed upd: 1 new item" 20 && ok || bad "first poll: $(grep 'upd' "$LOG")"
first=$(sed -n 's/.*article \(a_[0-9a-f]*\) feed=upd .*/\1/p' "$LOG" | head -1)
[ -n "$first" ] && ok || bad "the first article's line: $(grep 'article' "$LOG")"
expect_eq "$(count "$LOG" "hit rule=weather")" 1 "poll 1: weather alerted"

# poll 2: the same item, its text changed to name Austin Tice: a revision
upd "$T2"
poll
wait_for "$LOG" "revised feed=upd" 20 && ok || bad "poll 2: no revised line: $(grep 'upd' "$LOG")"
grep -q "revised feed=upd item=http://news.invalid/upd-1 of=$first new_hits=1: article a_[0-9a-f]* lang=en hits=2 (the rules alerted on an earlier text of the article are not alerted again)\$" "$LOG" &&
	ok || bad "the revised line: $(grep 'revised' "$LOG")"
expect_eq "$(count "$LOG" "hit rule=tice")" 1 "poll 2: tice alerted once"
expect_eq "$(count "$LOG" "hit rule=weather")" 1 "poll 2: weather, alerted in revision 1, not again"
expect_eq "$(count "$LOG" "feed upd: 0 new items")" 1 "poll 2: a revision is no new item"
expect_eq "$(count "$LOG" "changed=yes")" 0 "poll 2: no duplicate line"
expect_eq "$(hits_of tice)" 1 "stored hits of tice"
expect_eq "$(hits_of weather)" 2 "stored hits of weather: both revisions'"
expect_eq "$(status_of articles)" 2 "articles after the revision"
expect_eq "$(status_of alerts)" 2 "alerts after the revision"
rev=$(sed -n 's/.*revised feed=upd .*: article \(a_[0-9a-f]*\) .*/\1/p' "$LOG" | head -1)
# the hit objects (hark hits --json, the webhook's body): a revision's
# article names the first one (revision_of), the first one's has no such key
"$HARK" -c "$T/hark.conf" hits --json --rule tice >"$T/hj"
grep -q '"article":{"id":"'"$rev"'",[^}]*"revision_of":"'"$first"'"' "$T/hj" && ok ||
	bad "the revision's hit names the first article: $(cat "$T/hj")"
"$HARK" -c "$T/hark.conf" hits --json --rule weather >"$T/hj"
expect_eq "$(grep -c '"revision_of":"'"$first"'"' "$T/hj")" 1 "weather: the revision's hit alone has revision_of"
expect_eq "$(grep -c 'revision_of' "$T/hj")" 1 "weather: the first article's hit has no revision_of"
hk article --json "$rev"
grep -q '"near_of":"'"$first"'"' "$T/out" && ok || bad "the revision is of the first one's group: $(cat "$T/out" "$T/err")"
grep -q '"revision_of":"'"$first"'"' "$T/out" && ok || bad "the revision names the first one: $(cat "$T/out")"
grep -q "Austin Tice" "$T/out" && ok || bad "the revision's text: $(cat "$T/out")"
hk article --json "$first"
grep -q '"duplicates":\[{"id":"'"$rev"'",[^]]*"revision_of":"'"$first"'"}\]' "$T/out" && ok ||
	bad "the first one lists its revision: $(cat "$T/out")"
# the revision's page: the article it revises labelled so, not "near duplicate"
if [ -n "$HAVE_CURL" ]; then
	curl -s "${HURL}articles/$rev" >"$T/page"
	grep -q "<a href=\"/articles/$first\" dir=\"auto\">Report</a> (the article this one revises)</li>" "$T/page" &&
		ok || bad "the revision's page labels the first one: $(grep -A3 'Duplicates' "$T/page")"
	curl -s "${HURL}articles/$first" >"$T/page"
	grep -q "<a href=\"/articles/$rev\" dir=\"auto\">Report</a> (revision)</li>" "$T/page" &&
		ok || bad "the first one's page labels its revision: $(grep -A3 'Duplicates' "$T/page")"
fi
# the full-text index has it: hark backtest finds the name in the revision alone
if has_backtest; then
	"$HARK" -c "$T/hark.conf" backtest --json -q 2>"$T/backtest.err" >"$T/bt"
	expect_eq "$(grep -c '"rule":{"id":"tice"' "$T/bt")" 1 "backtest: tice in one article"
fi

# poll 3: unchanged item (the body changed around it): nothing read again
upd "$T2"
poll
expect_eq "$(count "$LOG" "revised feed=upd")" 1 "poll 3: no revision"
expect_eq "$(count "$LOG" "hit rule=")" 2 "poll 3: no alert"

# poll 4: the text flips back to the first one: seen, not a revision
upd "$T1"
poll
expect_eq "$(count "$LOG" "revised feed=upd")" 1 "poll 4 (flip back): no revision"
expect_eq "$(count "$LOG" "duplicate feed=upd")" 0 "poll 4: not even looked up"
expect_eq "$(status_of articles)" 2 "articles after the flip back"

# poll 5: a text whose one hit is a muted rule's: a revision, nothing
# alerted, nothing held back by the group (no note)
hk mute storm 2d || bad "hark mute storm: $(cat "$T/err")"
upd 'A storm over the sea.'
poll
wait_for "$LOG" "hit rule=storm" 20 || bad "poll 5: no storm hit: $(grep 'upd' "$LOG" | tail -3)"
grep -q "revised feed=upd item=http://news.invalid/upd-1 of=$first new_hits=0: article a_[0-9a-f]* lang=[a-z-]* hits=1\$" "$LOG" &&
	ok || bad "poll 5: the muted hit is no new hit, and nothing was held back: $(grep 'revised' "$LOG" | tail -1)"
grep -q 'hit rule=storm .*(muted: not alerted)$' "$LOG" && ok || bad "poll 5: storm muted: $(grep storm "$LOG")"
expect_eq "$(status_of 'near duplicates')" 2 "hark status: near duplicates, the two revisions"
if [ -n "$HAVE_CURL" ]; then
	curl -s "${HURL}metrics" >"$T/metrics"
	grep -qxF 'hark_near_duplicates_total 2' "$T/metrics" && ok ||
		bad "metrics: every revision counted, as hark status does: $(grep near "$T/metrics")"
fi

# poll 6: another entry of the feed (no guid: its link its id) at the same
# address with the same title, a new text: a revision of that article at
# once (envoy alerted, tice not again); a third entry there with the item's
# text: a duplicate
S1='<item><title>Report</title><link>http://news.invalid/upd-1</link><description>Another text naming Austin Tice and the envoy.</description></item>'
S2='<item><title>Report</title><link>http://news.invalid/upd-1</link><description>Another text naming Austin Tice, the envoy and the minister.</description></item>'
S3='<item><title>Report</title><guid>upd-3</guid><link>http://news.invalid/upd-1</link><description>A storm over the sea.</description></item>'
upd 'A storm over the sea.' "$S1" "$S3"
poll
wait_for "$LOG" "hit rule=envoy" 20 && ok || bad "poll 6: the other entry not matched: $(grep 'upd' "$LOG" | tail -3)"
grep -q "revised feed=upd item=http://news.invalid/upd-1 of=$first new_hits=1: article a_[0-9a-f]* lang=en hits=2 (the rules alerted on an earlier text of the article are not alerted again)\$" "$LOG" &&
	ok || bad "poll 6: the other entry's revised line: $(grep 'revised' "$LOG" | tail -1)"
expect_eq "$(count "$LOG" "changed=yes")" 0 "poll 6: no 'changed=yes' duplicate"
grep -q "duplicate feed=upd item=http://news.invalid/upd-1 of=a_[0-9a-f]*\$" "$LOG" && ok ||
	bad "poll 6: the entry with the same text is a duplicate: $(grep 'duplicate' "$LOG")"
expect_eq "$(count "$LOG" "hit rule=tice")" 1 "poll 6: tice not alerted again"
expect_eq "$(count "$LOG" "feed upd: 0 new items")" 5 "poll 6: a revision is no new item"
# poll 7: that entry's text changes: a revision again, as at its first appearance
upd 'A storm over the sea.' "$S2" "$S3"
poll
expect_eq "$(count "$LOG" "revised feed=upd item=http://news.invalid/upd-1 of=$first new_hits=0: article a_")" 2 \
	"poll 7: the other entry's second text a revision (and poll 5's)"
expect_eq "$(count "$LOG" "changed=yes")" 0 "poll 7: no 'changed=yes' duplicate"
expect_eq "$(count "$LOG" "hit rule=envoy")" 1 "poll 7: envoy not alerted again"

# polls 8-24: 17 texts of the item: revisions 5 to 20 of the article (the
# bound is the article's: its item's and its other entries' together); the
# 17th past the bound, alerting no new rule: said and not stored
i=5
while [ $i -le 21 ]; do
	upd "Revision $i of the report on the weather."
	poll
	i=$((i + 1))
done
expect_eq "$(grep -c "revised feed=upd .*: article a_" "$LOG")" 20 "revisions 1 to 20"
grep -q "revised feed=upd item=http://news.invalid/upd-1 of=$first: not stored, 20 revisions of it are stored already (the most kept) and its text alerts no new rule" "$LOG" &&
	ok || bad "the 21st revision: $(grep 'revised' "$LOG" | tail -2)"
expect_eq "$(status_of articles)" 21 "articles: the first and 20 revisions"
expect_eq "$(count "$LOG" "hit rule=")" 4 "no more hits alerted or muted"
# poll 25: past the bound, an edit that newly names a watched word is still
# matched, stored (a 21st revision) and alerted: the bound is on storage,
# never on hits; a muted rule's hit alone is no new alert
upd 'Revision 22 of the report on the weather: a storm, and the consul.'
poll
wait_for "$LOG" "hit rule=consul" 20 && ok || bad "poll 25: consul not alerted past the bound: $(grep 'upd' "$LOG" | tail -3)"
expect_eq "$(grep -c "revised feed=upd .*: article a_" "$LOG")" 21 "poll 25: stored as a revision"
grep -q "revised feed=upd item=http://news.invalid/upd-1 of=$first new_hits=1: article a_[0-9a-f]* lang=en hits=3 (the rules" "$LOG" &&
	ok || bad "poll 25: the revised line: $(grep 'revised' "$LOG" | tail -1)"
expect_eq "$(status_of articles)" 22 "poll 25: articles"
# poll 26: a new text whose rules are all alerted (or muted): said, not stored
upd 'Revision 23: the consul on the weather and a storm.'
poll
expect_eq "$(count "$LOG" ": not stored, 21 revisions of it are stored already")" 1 "poll 26: past the bound, no new rule: not stored"
expect_eq "$(status_of articles)" 22 "poll 26: articles"
expect_eq "$(count "$LOG" "hit rule=consul")" 1 "poll 26: consul not alerted again"

stop_harkd
expect_eq "$HSTATUS" 0 "exit status"

# fetch_article: the item's teaser changes, its page is fetched again; a page
# now naming Austin Tice is a revision, a page unchanged a duplicate
NART=0
# art TEASER PAGE: the feed art.xml, its item art-1 with TEASER, linking
# to art.html holding PAGE
art() {
	NART=$((NART + 1))
	printf '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>A</title>' >"$R/art.xml"
	printf '<link>http://news.invalid/</link><description>%s</description>\n' "$NART" >>"$R/art.xml"
	printf '<item><title>Checkpoint</title><guid>art-1</guid><link>%s/f/art.html</link>' "$U" >>"$R/art.xml"
	printf '<description>%s</description></item>\n</channel></rss>\n' "$1" >>"$R/art.xml"
	printf '<html><head><title>Checkpoint</title></head><body><article><h1>Checkpoint</h1>\n<p>%s</p>\n</article></body></html>\n' "$2" >"$R/art.html"
}
# art_poll LINE: poll again and wait for LINE (the poll's line comes before
# the pages are fetched: the changed item counts among its new items)
art_poll() {
	kill -USR1 "$HPID"
	wait_for "$LOG" "$1" 20 || bad "art poll $NART: no '$1': $(grep 'art' "$LOG" | tail -3)"
}
art 'A teaser.' 'The crossing at the border was closed for the night by the army.'
write_conf "[feed art]" "url = $U/f/art.xml" "interval = 1h" "allow_private = yes" "fetch_article = yes"
start_harkd
wait_for "$LOG" "feed art: 1 new item" 20 && ok || bad "art: first poll: $(grep 'art' "$LOG")"
npage=$(grep -c 'GET /f/art.html ' "$T/srv")
expect_eq "$npage" 1 "art: the page fetched"
art 'A teaser, changed.' 'The crossing was closed, and the family of Austin Tice waited there.'
art_poll "revised feed=art"
expect_eq "$(count "$LOG" "feed art: 1 new item")" 2 "art: the changed item is handed over as new"
expect_eq "$(grep -c 'GET /f/art.html ' "$T/srv")" 2 "art: the page fetched again"
grep -q "revised feed=art item=$U/f/art.html of=a_[0-9a-f]* new_hits=1:" "$LOG" &&
	ok || bad "art: the revised line: $(grep 'art' "$LOG" | tail -4)"
expect_eq "$(count "$LOG" "hit rule=tice")" 2 "art: tice alerted on the page's revision"
# the teaser changes again, the page does not: fetched, a duplicate
art 'A teaser, changed again.' 'The crossing was closed, and the family of Austin Tice waited there.'
art_poll "duplicate feed=art item=$U/f/art.html"
expect_eq "$(grep -c 'GET /f/art.html ' "$T/srv")" 3 "art: the page fetched a third time"
expect_eq "$(count "$LOG" "revised feed=art")" 1 "art: the same page is no revision"
expect_eq "$(count "$LOG" "hit rule=tice")" 2 "art: no alert again"
stop_harkd
expect_eq "$HSTATUS" 0 "exit status"

# Another source's address, and a near duplicate's alert. The feed oth has
# an entry at the address of a drop file's article: a revision of it at its
# first text and at its next (a different text at a stored address is a
# revision, whoever brings it). The feeds pub, agg and mir: agg carries a
# longer text at pub's address, mir pub's text. The feed near has a long
# item; a drop file, a near duplicate of it, names Austin Tice and is
# alerted; the item's text then names him too: a revision, tice held back
# by the near duplicate's alert, as its note says.
NOTH=0
# oth [TEXT]: the feed oth.xml, its entry oth-1 with TEXT at the drop file's
# address (none without TEXT)
oth() {
	NOTH=$((NOTH + 1))
	printf '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>O</title><link>http://news.invalid/</link><description>%s</description>\n' "$NOTH" >"$R/oth.xml"
	[ -z "$1" ] || printf '<item><title>Harbour</title><guid>oth-1</guid><link>http://news.invalid/oth-1</link><description>%s</description></item>\n' "$1" >>"$R/oth.xml"
	printf '</channel></rss>\n' >>"$R/oth.xml"
}
# LONG: some 560 words, so that a sentence added moves its SimHash by a few bits
LONG=$(awk 'BEGIN {
	n = split("council met monday northern city discuss water supply roads schools budget mayor said residents asked questions about prices market bridge river workers hospital doctors teachers parents children farmers harvest rain winter electricity fuel bakery station trains buses police court judge lawyers village district province governor minister", w, " ")
	for (i = 1; i <= 560; i++) printf "%s%s", w[(i * 7 + int(i / 5)) % n + 1], (i % 9 == 0 ? ". " : " ")
}')
# near TEXT: the feed near.xml, its item near-1 with TEXT
near() {
	printf '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>N</title><link>http://news.invalid/</link><description>%s</description>\n' "$NOTH" >"$R/near.xml"
	printf '<item><title>Council</title><guid>near-1</guid><link>http://news.invalid/near-1</link><description>%s</description></item>\n</channel></rss>\n' "$1" >>"$R/near.xml"
}
# xfeed NAME [TEXT]: the feed NAME.xml, its entry NAME-1 titled Port with
# TEXT at pub's address (none without TEXT)
xfeed() {
	NOTH=$((NOTH + 1))
	printf '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>%s</title><link>http://news.invalid/</link><description>%s</description>\n' "$1" "$NOTH" >"$R/$1.xml"
	[ -z "$2" ] || printf '<item><title>Port</title><guid>%s-1</guid><link>http://news.invalid/pub-1</link><description>%s</description></item>\n' "$1" "$2" >>"$R/$1.xml"
	printf '</channel></rss>\n' >>"$R/$1.xml"
}
PUB='A teaser on the port and the weather.'
xfeed pub "$PUB"
xfeed agg ''
xfeed mir ''
printf -- '---\ntitle: Harbour\nurl: "http://news.invalid/oth-1"\n---\nA note on the harbour.\n' >"$T/oth.md"
oth ''
near "$LONG"
write_conf "[feed oth]" "url = $U/f/oth.xml" "interval = 1h" "allow_private = yes" \
	"[feed near]" "url = $U/f/near.xml" "interval = 1h" "allow_private = yes" \
	"[feed pub]" "url = $U/f/pub.xml" "interval = 1h" "allow_private = yes" \
	"[feed agg]" "url = $U/f/agg.xml" "interval = 1h" "allow_private = yes" \
	"[feed mir]" "url = $U/f/mir.xml" "interval = 1h" "allow_private = yes"
mkdir -p "$T/spool/incoming"
nweather=$(count "$LOG" "hit rule=weather")
nconsul=$(count "$LOG" "hit rule=consul")
nenvoy=$(count "$LOG" "hit rule=envoy")
start_harkd
wait_for "$LOG" "feed near: 1 new item" 20 && ok || bad "near: first poll: $(grep 'near' "$LOG")"
wait_for "$LOG" "feed pub: 1 new item" 20 && ok || bad "pub: first poll: $(grep 'pub' "$LOG")"
nfirst=$(sed -n 's/.*article \(a_[0-9a-f]*\) feed=near .*/\1/p' "$LOG" | head -1)
ingest "$T/oth.md"
printf 'Council\n\n%s Austin Tice was named.\n' "$LONG" >"$T/near.txt"
ingest "$T/near.txt"
wait_until "[ \$(grep -c 'article a_[0-9a-f]* file=' '$LOG') -ge 2 ]" 20 || bad "the drop files: $(grep 'file=' "$LOG")"
grep -q "article a_[0-9a-f]* file=near.txt .*hits=1\$" "$LOG" && ok || bad "near.txt stored: $(grep 'near.txt' "$LOG")"
hk article --json "$(sed -n 's/.*article \(a_[0-9a-f]*\) file=near.txt.*/\1/p' "$LOG")"
grep -q '"near_of":"'"$nfirst"'"' "$T/out" && ok || bad "near.txt is a near duplicate of the item: $(head -c 300 "$T/out")"
ntice=$(count "$LOG" "hit rule=tice")
othid=$(sed -n 's/.*article \(a_[0-9a-f]*\) file=oth.md.*/\1/p' "$LOG" | head -1)
[ -n "$othid" ] && ok || bad "oth.md stored: $(grep 'oth.md' "$LOG")"
# the drop file's article stored: now the feed's entry at its address
# with another text naming Austin Tice: a revision of it, tice alerted
oth 'A note on the harbour, naming Austin Tice.'
kill -USR1 "$HPID"
wait_for "$LOG" "revised feed=oth" 20 || bad "oth: $(grep 'oth' "$LOG")"
grep -q "revised feed=oth item=http://news.invalid/oth-1 of=$othid new_hits=1: article a_[0-9a-f]* lang=[a-z-]* hits=1\$" "$LOG" &&
	ok || bad "oth: an entry at a drop file's address: $(grep 'oth' "$LOG")"
expect_eq "$(count "$LOG" "hit rule=tice")" "$((ntice + 1))" "oth: tice alerted on the revision"
expect_eq "$(count "$LOG" "duplicate feed=oth")" 0 "oth: no duplicate"
# the entry's text changes: a revision again (its guid), envoy new, tice held back
oth 'A note on the harbour, naming Austin Tice and the envoy.'
near "$LONG Austin Tice was named, and his family spoke."
# pub's article stored: agg at its address with a longer text, mir with its text
pubid=$(sed -n 's/.*article \(a_[0-9a-f]*\) feed=pub .*/\1/p' "$LOG" | head -1)
[ -n "$pubid" ] && ok || bad "pub stored: $(grep 'pub' "$LOG")"
expect_eq "$(count "$LOG" "hit rule=weather")" "$((nweather + 1))" "pub: weather alerted"
xfeed agg "$PUB The full text names the consul."
xfeed mir "$PUB"
kill -USR1 "$HPID"
wait_for "$LOG" "revised feed=near" 20 || bad "near: no revision: $(grep 'near' "$LOG" | tail -3)"
wait_until "[ \$(grep -c 'feed oth: [0-9]* new item' '$LOG') -ge 3 ]" 20 || bad "oth: no third poll"
wait_for "$LOG" "revised feed=agg" 20 || bad "agg: no revision: $(grep 'feed=agg' "$LOG")"
wait_for "$LOG" "duplicate feed=mir" 20 || bad "mir: no duplicate: $(grep 'feed=mir' "$LOG")"
wait_for "$LOG" "revised feed=oth" 20 2 || bad "oth: no second revision: $(grep 'feed=oth' "$LOG")"
expect_eq "$(count "$LOG" "revised feed=oth item=http://news.invalid/oth-1 of=$othid new_hits=1:")" 2 "oth: its next text a revision too"
grep -q "revised feed=oth item=http://news.invalid/oth-1 of=$othid new_hits=1: article a_[0-9a-f]* lang=[a-z-]* hits=2 (the rules alerted on an earlier text of the article are not alerted again)\$" "$LOG" &&
	ok || bad "oth: tice held back: $(grep 'revised feed=oth' "$LOG")"
expect_eq "$(count "$LOG" "hit rule=envoy")" "$((nenvoy + 1))" "oth: envoy alerted on its next text"
grep -q "revised feed=agg item=http://news.invalid/pub-1 of=$pubid new_hits=1: article a_[0-9a-f]* lang=[a-z-]* hits=2 (the rules alerted on an earlier text of the article are not alerted again)\$" "$LOG" &&
	ok || bad "agg: a revision of pub's article: $(grep 'feed=agg' "$LOG")"
expect_eq "$(count "$LOG" "hit rule=consul")" "$((nconsul + 1))" "agg: consul alerted once"
expect_eq "$(count "$LOG" "hit rule=weather")" "$((nweather + 1))" "agg, mir: weather not alerted again"
grep -q "duplicate feed=mir item=http://news.invalid/pub-1 of=$pubid\$" "$LOG" && ok ||
	bad "mir: pub's text at its address is a duplicate: $(grep 'feed=mir' "$LOG")"
expect_eq "$(count "$LOG" "revised feed=mir")" 0 "mir: no revision"
hk article --json "$pubid"
expect_eq "$(grep -o '"revision_of":"'"$pubid"'"' "$T/out" | wc -l | tr -d ' ')" 1 "pub's article: one revision, agg's"
grep -q "revised feed=near item=http://news.invalid/near-1 of=$nfirst new_hits=0: article a_[0-9a-f]* lang=[a-z-]* hits=1 (the rules alerted on a near duplicate of the article are not alerted again)\$" "$LOG" &&
	ok || bad "near: the note names the near duplicate: $(grep 'revised feed=near' "$LOG")"
expect_eq "$(count "$LOG" "hit rule=tice")" "$((ntice + 1))" "near, oth: tice not alerted again"
stop_harkd
expect_eq "$HSTATUS" 0 "exit status"
finish
