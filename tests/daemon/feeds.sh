#!/bin/sh
# harkd's feed poller end to end: the real harkd polling the test feed server
# (tests/daemon/feedserver.c) over loopback. RSS, Atom and JSON Feed items and
# their hits; If-None-Match and 304; a new item on SIGUSR1; 301 remembered
# across a restart, 302 not; 410 asked once; 429 and Retry-After; a slow feed
# beside fast ones; a gzip bomb, billion laughs, XXE, HTML, an empty 200 and
# 10,000 items; the SSRF guard; a feed item and a drop file of the same
# article; fetch_article; SIGHUP adding and removing feeds; hark feed URL, and
# its SSRF guard (--allow-private).
# Usage: feeds.sh HARK HARKD FEEDSERVER
. "$(dirname "$0")/lib.sh"
daemon_init "$1" "$2"
FS=$(abspath "$3")
[ -x "$FS" ] || {
	echo "usage: $0 HARK HARKD FEEDSERVER" >&2
	exit 2
}
FPID=
# lib.sh's cleanup, and the feed server's
feeds_cleanup() {
	[ -n "$FPID" ] && kill -KILL "$FPID" 2>/dev/null && wait "$FPID" 2>/dev/null
	daemon_cleanup
}
trap feeds_cleanup EXIT

R=$T/root
SRV=$T/srv
mkdir "$R"

# item GUID LINK TITLE TEXT: one RSS item
item() {
	printf '<item><title>%s</title><guid>%s</guid><link>%s</link>' "$3" "$1" "$2"
	printf '<description>%s</description></item>\n' "$4"
}
# rss TITLE < ITEMS: an RSS 2.0 feed around the items on stdin
rss() {
	printf '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
	printf '<title>%s</title><link>http://news.invalid/</link><description>d</description>\n' "$1"
	cat
	printf '</channel></rss>\n'
}

TICE='The family of Austin Tice asked for news from Damascus on Monday, a week after the fall.'
item rss-1 http://news.invalid/rss-1 'Journalist missing' "$TICE" | rss R >"$R/rss.xml"
cat >"$R/atom.atom" <<'X'
<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><id>urn:a</id>
<updated>2026-11-20T10:00:00Z</updated>
<entry><title>Therapist disappeared</title><id>urn:a:1</id>
<link rel="alternate" href="http://news.invalid/atom-1"/><updated>2026-11-20T10:00:00Z</updated>
<summary>The therapist Majd Kamalmaz disappeared at a checkpoint near Damascus in 2017.</summary></entry>
</feed>
X
cat >"$R/feed.json" <<'X'
{"version":"https://jsonfeed.org/version/1.1","title":"J","items":[
 {"id":"j-1","url":"http://news.invalid/json-1","title":"Sanctions renewed",
  "content_text":"The council renewed its sanctions against officials close to Assad on Tuesday."}]}
X
item m-1 http://news.invalid/m-1 'Moved' 'A feed that moved to another address for good.' | rss M >"$R/m.xml"
item t-1 http://news.invalid/t-1 'Temporary' 'A feed that is elsewhere for a while only.' | rss T >"$R/t.xml"
item p-1 http://news.invalid/p-1 'Private' "$TICE" | rss P >"$R/p.xml"
item s-1 http://news.invalid/s-1 'Internal' 'A feed only the inside may read.' | rss S >"$R/ssrf.xml"
item late-1 http://news.invalid/late-1 'Late' 'A feed added by a reload, about Moscou.' | rss L >"$R/late.xml"
# billion laughs: ten levels of ten, 10^9 "lol" if the entities were expanded
{
	printf '<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY l0 "lol">\n'
	for i in 1 2 3 4 5 6 7 8 9; do
		printf '<!ENTITY l%d "' "$i"
		for _ in 1 2 3 4 5 6 7 8 9 10; do printf '&l%d;' $((i - 1)); done
		printf '">\n'
	done
	printf ']>\n<rss version="2.0"><channel><title>Laughs</title><link>http://news.invalid/</link>'
	printf '<item><title>Laughs</title><guid>lol-1</guid><link>http://news.invalid/lol-1</link>'
	printf '<description>Laughs about Assad &l9;</description></item></channel></rss>\n'
} >"$R/laughs.xml"
cat >"$R/xxe.xml" <<'X'
<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>X</title><link>http://news.invalid/</link>
<item><title>External entity</title><guid>xxe-1</guid><link>http://news.invalid/xxe-1</link>
<description>Austin Tice [&xxe;] end of the item.</description></item></channel></rss>
X
printf '<html><head><title>Page</title></head><body><article><h1>The long story</h1>
<p>Officials in Damascus said on Monday that they had no news of Austin Tice, the American
journalist who disappeared at a checkpoint in 2012, and that the search went on.</p>
</article></body></html>\n' >"$R/page.html"

# the feed server: its port, and its log of every request in $SRV
"$FS" "$T/port" "$R" >"$SRV" 2>"$T/fs.err" &
FPID=$!
wait_until "[ -s '$T/port' ]" 10 || {
	bad "feed server: no port: $(cat "$T/fs.err")"
	finish
}
P=$(cat "$T/port")
U=http://127.0.0.1:$P

# the teasers of fetch_article: one whose page holds the name, one whose page is missing
{
	item pg-1 "$U/f/page.html" 'The long story' 'Officials said they had no news.'
	item pg-2 "$U/f/nosuch.html" 'Second story' "$TICE"
} | rss Pages >"$R/pages.xml"

# srv PATH [STATUS]: requests to PATH (answered STATUS) in the server's log
srv() { awk -v p="$1" -v s="$2" '$3 == p && (s == "" || $4 == s)' "$SRV" | wc -l | tr -d ' '; }
# hits_of FEED: the stored hits of articles from FEED
hits_of() { "$HARK" -c "$T/hark.conf" hits --json | grep -c "\"source\":\"$1\""; }
# feed NAME PATH [MORE LINES]: a [feed] section on the server
feed() {
	printf '[feed %s]\nurl = %s%s\ninterval = 1h\nallow_private = yes\n' "$1" "$U" "$2"
	shift 2
	for _l in "$@"; do printf '%s\n' "$_l"; done
}
# poll_all N: SIGUSR1, the Nth of this harkd log, and its log line
poll_all() {
	kill -USR1 "$HPID"
	wait_for "$LOG" "SIGUSR1: polling every feed" 5 "$1"
}

cat >"$T/w.rules" <<'R'
[rule tice]
name = Austin Tice
query = "Austin Tice"
[rule kamal]
query = Kamalmaz
[rule assad]
query = Assad
[rule moscou]
query = Moscou
R
write_conf
{
	feed rss /f/rss.xml
	feed atom /f/atom.atom
	feed json /f/feed.json
	feed moved /301/m.xml
	feed temp /302/t.xml
	feed gone /gone
	feed limited /429
	feed slow /slow/40
	feed bomb /bomb
	feed laughs /f/laughs.xml
	feed xxe /f/xxe.xml
	feed html /html
	feed empty /empty
	feed big /big/10000
	feed pages /f/pages.xml 'fetch_article = yes'
	printf '[feed priv]\nurl = %s/f/p.xml\ninterval = 1h\n' "$U"
} >>"$T/hark.conf"

start_harkd
t0=$(date +%s)
# every feed but the slow one (and the 429 one, retried) ends its first poll
for f in rss atom json moved temp pages big; do
	wait_for "$LOG" "feed $f: " 30 || bad "feed $f: no poll line"
done
wait_for "$LOG" "feed gone answered 410 Gone: no longer polled until its url changes" 10 && ok ||
	bad "410 line"
for f in bomb laughs xxe html empty priv; do
	wait_for "$LOG" "feed $f" 15 || bad "feed $f: no line"
done

# --- RSS, Atom, JSON Feed: hits with the item links, source = the feed name
hk hits --json
for p in "rss tice http://news.invalid/rss-1" "atom kamal http://news.invalid/atom-1" \
	"json assad http://news.invalid/json-1"; do
	set -- $p
	grep "\"rule\":{\"id\":\"$2\"" "$T/out" | grep -F "\"url\":\"$3\"" |
		grep -qF "\"source\":\"$1\"" && ok || bad "feed $1: a hit of $2 with url $3"
done
grep -qE "article a_[0-9a-f]+ feed=rss url=http://news.invalid/rss-1 lang=en hits=1$" "$LOG" &&
	ok || bad "article line of the RSS item: $(grep 'feed=rss' "$LOG")"
grep -qF "feed rss: 1 new item" "$LOG" && ok || bad "feed rss: 1 new item"
grep -qF "feed atom: 1 new item" "$LOG" && ok || bad "feed atom: 1 new item"
grep -qF "feed json: 1 new item" "$LOG" && ok || bad "feed json: 1 new item"

# --- a slow server holds up no one: the fast feeds are done, it is still pending
# (the server logs a request when it comes, the slow one answered 40 s later)
[ "$(srv /slow/40)" -eq 1 ] && ! grep -qF 'feed slow' "$LOG" && ok ||
	bad "the slow feed is still being answered while the others are done"

# --- 10,000 items: 10,000 articles, 100 hits of Austin Tice
wait_for "$LOG" "feed big: 10000 new items" 30 && ok || bad "feed big: 10000 new items"
expect_eq "$(grep -c 'article a_[0-9a-f]* feed=big ' "$LOG")" 10000 "articles of the big feed"
expect_eq "$(hits_of big)" 100 "hits of the big feed"

# --- gzip bomb, billion laughs, XXE, HTML, empty: each a clear line
grep -qE "feed bomb: .*response larger than" "$LOG" && ok ||
	bad "bomb line: $(grep 'feed bomb' "$LOG")"
hwm=$(awk '$1 == "VmHWM:" { print $2 }' "/proc/$HPID/status")
# 16 MiB of decoded body at most, not the bomb's 1 GiB; the 10,000 items count
# too, and ASan's shadow memory and quarantine more
lim=400000
grep -qa __asan_init "$HARKD" && lim=900000
[ "${hwm:-0}" -gt 0 ] && [ "$hwm" -lt "$lim" ] && ok || bad "harkd's peak RSS ${hwm} kB (limit $lim)"
note "harkd peak RSS after the bomb and 10,000 items: ${hwm} kB"
grep -qE "feed html: .*not a feed" "$LOG" && ok || bad "html line: $(grep 'feed html' "$LOG")"
grep -qE "feed empty: an empty response; next poll in" "$LOG" && ok ||
	bad "empty line: $(grep 'feed empty' "$LOG")"
grep -E 'feed (laughs|xxe)' "$LOG" | sed 's/^[^:]*:[^:]*:[^ ]* /# /'
# laughs: either refused with a line or stored unexpanded, never 3 GB of lol
grep -qE 'feed laughs: (1 new item|.*(entit|not a feed|cannot))' "$LOG" && ok ||
	bad "laughs line: $(grep 'feed laughs' "$LOG")"
grep -qE 'feed xxe: (1 new item|.*(entit|not a feed|cannot))' "$LOG" && ok ||
	bad "xxe line: $(grep 'feed xxe' "$LOG")"
hk hits --json
grep -F '"source":"xxe"' "$T/out" | grep -qF '"snippet":{"text":"Austin Tice [] end of the item.","marks":[[0,11]]}' &&
	ok || bad "the XXE item stored without its entity: $(grep xxe "$T/out")"
sleep 0.2
if grep -qa 'root:x:0:0' "$T"/state/hark.db* || grep -qF 'root:x:0:0' "$LOG"; then
	bad "XXE: /etc/passwd was read into the database or the log"
else
	ok
fi
! cat "$T"/state/hark.db* | grep -qa 'lollollollollollollollollollol' && ok ||
	bad "billion laughs expanded into the database"

# --- SSRF: without allow_private, 127.0.0.1 is refused, and nothing asked
grep -qF "feed priv: refused: 127.0.0.1 is a private or local address (allow_private = yes permits it)" \
	"$LOG" && ok || bad "SSRF refusal line: $(grep 'feed priv' "$LOG")"
hk status
grep -qE '^feed priv: +failing: refused: 127.0.0.1 is a private' "$T/out" && ok ||
	bad "status of the refused feed: $(grep 'feed priv' "$T/out")"
expect_eq "$(srv /f/p.xml)" 0 "requests of the refused feed"

# --- 301 remembered, 302 not
grep -qF "feed moved moved permanently to $U/f/m.xml" "$LOG" && ok || bad "301 line"
"$HARK" -c "$T/hark.conf" status --json >"$T/out"
grep -qF "{\"name\":\"moved\",\"url\":\"$U/f/m.xml\"" "$T/out" && ok ||
	bad "status: the moved feed's new url: $(cat "$T/out")"
grep -qF "{\"name\":\"temp\",\"url\":\"$U/302/t.xml\"" "$T/out" && ok ||
	bad "status: a 302 feed keeps its url"
! grep -qF 'feed temp moved' "$LOG" && ok || bad "a 302 is not a move"
grep -qF "feed temp: 1 new item" "$LOG" && ok || bad "the 302 is followed"

# --- fetch_article: the hit from the page; the 404 page falls back to the item
wait_for "$LOG" "feed pages: " 10 2 || bad "pages: two lines"
grep -qE "feed pages: the page of $U/f/nosuch.html: HTTP 404; the item's own text is used" "$LOG" &&
	ok || bad "the 404 page line: $(grep 'feed pages' "$LOG")"
hk hits --json
grep -F "\"url\":\"$U/f/page.html\"" "$T/out" | grep -qF '"source":"pages"' && ok ||
	bad "the hit from the fetched page"
grep -F "\"url\":\"$U/f/nosuch.html\"" "$T/out" | grep -qF '"source":"pages"' && ok ||
	bad "the hit from the item's own text"
expect_eq "$(hits_of pages)" 2 "hits of the pages feed"

# --- 429 with Retry-After: 2: the next request about 2 s later
wait_until "[ \$(srv /429) -ge 2 ]" 10 || bad "a second request to /429"
grep -qF "feed limited: HTTP 429, Retry-After 2; next poll in 2s" "$LOG" && ok ||
	bad "429 line: $(grep 'feed limited' "$LOG")"
gap=$(awk '$3 == "/429" { t[++n] = $1 } END { print t[2] - t[1] }' "$SRV")
[ "$gap" -ge 1900 ] && [ "$gap" -le 4500 ] && ok || bad "429: the next poll ${gap} ms later"

# --- the same article from the drop directory: one article, one alert
printf '{"title":"Journalist missing","url":"http://news.invalid/rss-1","body":"%s"}\n' \
	"$TICE" >"$T/same.json"
arts=$(status_of articles)
ingest "$T/same.json"
wait_for "$LOG" "duplicate file=same.json of=a_" 10 && ok || bad "the drop file is a duplicate"
expect_eq "$(status_of articles)" "$arts" "no article from the drop duplicate"
hk hits --json
expect_eq "$(grep -c '"url":"http://news.invalid/rss-1"' "$T/out")" 1 "one hit for the article"

# --- a second poll: If-None-Match, 304, nothing stored
arts=$(status_of articles)
n304=$(srv /f/rss.xml 304)
poll_all 1
wait_until "[ \$(srv /f/rss.xml 304) -gt $n304 ]" 10 && ok || bad "a 304 for rss"
awk '$3 == "/f/rss.xml" && $4 == 304' "$SRV" | tail -1 | awk '{ print $5 }' | grep -q '^".*"$' &&
	ok || bad "If-None-Match sent: $(tail -3 "$SRV")"
for p in /f/atom.atom /f/feed.json /f/m.xml; do
	wait_until "[ \$(srv $p 304) -ge 1 ]" 10 && ok || bad "a 304 for $p"
done
expect_eq "$(srv /301/m.xml)" 1 "the moved feed polled at its new url"
wait_until "[ \$(srv /302/t.xml) -ge 2 ]" 10 && ok || bad "the 302 feed polled at its old url"
expect_eq "$(srv /gone)" 1 "410: asked once"
expect_eq "$(srv /f/p.xml)" 0 "the refused feed, after SIGUSR1 (no reused connection)"
sleep 0.5
expect_eq "$(status_of articles)" "$arts" "articles after a 304 poll"

# --- a new item: only it is picked up
{
	item rss-2 http://news.invalid/rss-2 'Second report' 'Austin Tice was reported seen in a prison in 2016, a former official said.'
	item rss-1 http://news.invalid/rss-1 'Journalist missing' "$TICE"
} | rss R >"$R/rss.xml"
poll_all 2
wait_for "$LOG" "feed rss: 1 new item" 10 2 && ok || bad "the new item picked up"
grep -qE "article a_[0-9a-f]+ feed=rss url=http://news.invalid/rss-2 lang=en hits=1$" "$LOG" &&
	ok || bad "the new item's article line"
expect_eq "$(grep -c 'feed=rss url=http://news.invalid/rss-1' "$LOG")" 1 "the old item once"
expect_eq "$(hits_of rss)" 2 "hits of the rss feed"

# --- SIGHUP: a feed added is polled without restart; one removed is not polled
sed '/^\[feed json\]/,/^allow_private/d' "$T/hark.conf" >"$T/c" && mv "$T/c" "$T/hark.conf"
feed late /f/late.xml >>"$T/hark.conf"
njson=$(srv /f/feed.json)
kill -HUP "$HPID"
wait_for "$LOG" "feed late: 1 new item" 10 && ok || bad "the feed added by SIGHUP is polled"
grep -qE "hit rule=moscou article=a_" "$LOG" && ok || bad "the late feed's hit"
poll_all 3
wait_until "[ \$(srv /f/rss.xml) -ge 4 ]" 10 || bad "rss polled on the third SIGUSR1"
sleep 0.3
expect_eq "$(srv /f/feed.json)" "$njson" "the removed feed is not polled"

# --- hark feed URL: harkd's SSRF guard, on every hop; --allow-private lifts it
for p in /f/ssrf.xml /private-redirect/ssrf.xml; do
	"$HARK" -c "$T/hark.conf" feed "$U$p" >"$T/out" 2>"$T/err"
	expect_eq "$?" 2 "hark feed $p without --allow-private"
	expect_eq "$(cat "$T/err")" \
		"hark: $U$p: refused: 127.0.0.1 is a private or local address (--allow-private permits it)" \
		"the refusal of $p"
	expect_eq "$(wc -c <"$T/out" | tr -d ' ')" 0 "nothing shown of $p"
	"$HARK" -c "$T/hark.conf" feed --json "$U$p" >"$T/out" 2>"$T/err"
	expect_eq "$?" 2 "hark feed --json $p without --allow-private"
	grep -qF "refused: 127.0.0.1 is a private or local address" "$T/err" && ok ||
		bad "the refusal of $p with --json: $(cat "$T/err")"
done
expect_eq "$(srv /f/ssrf.xml)$(srv /private-redirect/ssrf.xml)" 00 "requests of the refused hark feed"
"$HARK" -c "$T/hark.conf" feed --allow-private "$U/f/ssrf.xml" >"$T/out" 2>"$T/err"
expect_eq "$?" 0 "hark feed --allow-private"
grep -qF "Internal" "$T/out" && ok || bad "hark feed --allow-private shows the item: $(cat "$T/err")"
# the redirect's next hop, to another address (127.0.0.2), goes through the same request
if grep -qF "cannot listen on 127.0.0.2" "$T/fs.err"; then
	note "127.0.0.2 not reachable here: the redirect hop not checked"
else
	"$HARK" -c "$T/hark.conf" feed --allow-private "$U/private-redirect/ssrf.xml" >"$T/out" 2>"$T/err"
	expect_eq "$?" 0 "hark feed --allow-private of a redirect to 127.0.0.2"
	grep -qF "fetched:   HTTP 200 from http://127.0.0.2:$P/f/ssrf.xml after 301 to http://127.0.0.2:$P/f/ssrf.xml" \
		"$T/out" && ok || bad "the redirect to 127.0.0.2: $(cat "$T/out" "$T/err" | head -3)"
fi

# --- hark feed URL says the redirect
"$HARK" -c "$T/hark.conf" feed --allow-private "$U/301/m.xml" >"$T/out" 2>"$T/err"
expect_eq "$?" 0 "hark feed URL"
grep -qF "fetched:   HTTP 200 from $U/f/m.xml after 301 to $U/f/m.xml" "$T/out" && ok ||
	bad "hark feed says the redirect: $(cat "$T/out" "$T/err" | head -5)"
grep -qF "Moved" "$T/out" && ok || bad "hark feed shows the item"
# the charset read with, and why: the XML declaration, the Content-Type saying none
grep -qxF "charset:   utf-8 (the XML declaration; the Content-Type declares none)" "$T/out" && ok ||
	bad "hark feed URL says the declared charset: $(cat "$T/out" | head -5)"

# --- a restart: the 301 is remembered, the 410 too, the 302 is not
stop_harkd
expect_eq "$HSTATUS" 0 "harkd stops (a slow poll under way)"
n301=$(srv /301/m.xml) nm=$(srv /f/m.xml) n302=$(srv /302/t.xml)
start_harkd
wait_until "[ \$(srv /f/m.xml) -gt $nm ]" 10 && ok || bad "after a restart, the moved feed polled"
wait_until "[ \$(srv /302/t.xml) -gt $n302 ]" 10 && ok || bad "after a restart, the 302 feed at its url"
sleep 0.3
expect_eq "$(srv /301/m.xml)" "$n301" "after a restart, no request to the old url"
expect_eq "$(srv /gone)" 1 "after a restart, the 410 is asked once still"
grep -qF "feed gone stays unpolled: it answered 410 Gone" "$LOG" && ok || bad "410 at start-up line"
hk status
grep -qE '^feed gone: +gone \(410\)' "$T/out" && ok || bad "status gone: $(grep 'feed gone' "$T/out")"
# the other feeds still fine after everything
grep -qE '^feed rss: +ok ' "$T/out" && ok || bad "status rss ok: $(grep 'feed rss' "$T/out")"
stop_harkd
expect_eq "$HSTATUS" 0 "harkd stops"
note "$(($(date +%s) - t0)) s"
finish
