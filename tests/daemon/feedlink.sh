#!/bin/sh
# Feed items with a link and no text at all (no title, no description):
# with fetch_article = yes their page is their text, fetched, stored and
# matched; without it they are skipped with a debug line and nothing is
# stored for them (an article of no words matches nothing and would only
# take the address). Items with text beside them are stored as always. A
# feed file dropped in the spool: its text-less entries are skipped too.
# A page served as text/markdown is read as Markdown (as a .md file): its
# first heading the title, link targets not text.
# Usage: feedlink.sh HARK HARKD FEEDSERVER
. "$(dirname "$0")/lib.sh"
daemon_init "$1" "$2"
FS=$(abspath "$3")
[ -x "$FS" ] || {
	echo "usage: $0 HARK HARKD FEEDSERVER" >&2
	exit 2
}
FPID=
feedlink_cleanup() {
	[ -n "$FPID" ] && kill -KILL "$FPID" 2>/dev/null && wait "$FPID" 2>/dev/null
	daemon_cleanup
}
trap feedlink_cleanup EXIT

R=$T/root
mkdir "$R"
"$FS" "$T/port" "$R" >"$T/srv" 2>"$T/fs.err" &
FPID=$!
wait_until "[ -s '$T/port' ]" 10 || {
	bad "feed server: no port: $(cat "$T/fs.err")"
	finish
}
U=http://127.0.0.1:$(cat "$T/port")

# links NAME [ITEM]: an RSS feed of one link-only item (its page at
# /f/NAME.html), one item with only a guid that is its permalink, one item
# with text, and ITEM
links() {
	printf '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
	printf '<title>%s</title><link>%s/</link>\n' "$1" "$U"
	printf '<item><link>%s/f/%s.html</link></item>\n' "$U" "$1"
	printf '<item><guid>%s/f/%s-guid.html</guid></item>\n' "$U" "$1"
	printf '<item><title>Weather</title><link>%s/f/%s-w.html</link>' "$U" "$1"
	printf '<description>Rain on the coast of %s, about Kamalmaz too.</description></item>\n' "$1"
	printf '%s</channel></rss>\n' "$2"
}
# the feed server answers /f/NAME with ROOT/NAME
links fetched "<item><link>$U/f/fetched-md.md</link></item>" >"$R/fetched.xml"
printf '# Checkpoint *news*\n\nThe family of [Majd Kamalmaz](https://track.example/zorglub) asked again.\n' \
	>"$R/fetched-md.md"
links plain >"$R/plain.xml"
for p in fetched fetched-guid plain plain-guid; do
	printf '<html><head><title>Checkpoint</title></head><body><article><h1>Checkpoint</h1>
<p>The family of Majd Kamalmaz asked again on Monday for news of the therapist (%s).</p>
</article></body></html>\n' "$p" >"$R/$p.html"
done

cat >"$T/w.rules" <<'R'
[rule kamal]
query = Kamalmaz
R
write_conf 'log_level = debug'
for n in fetched plain; do
	printf '[feed %s]\nurl = %s/f/%s.xml\ninterval = 1h\nallow_private = yes\n' "$n" "$U" "$n"
	[ "$n" = fetched ] && printf 'fetch_article = yes\n'
done >>"$T/hark.conf"

start_harkd
wait_for "$LOG" "feed plain: " 30 || bad "feed plain: no poll line"
wait_until "[ \$(\"\$HARK\" -c \"\$T/hark.conf\" hits --json | grep -c '\"source\":\"fetched\"') -ge 3 ]" 30 ||
	bad "fetched: three hits (two pages, one item): $(grep 'feed fetched' "$LOG")"

hk hits --json
# fetch_article: the link-only item and the guid-only item are their pages
for p in fetched fetched-guid; do
	grep -F "\"url\":\"$U/f/$p.html\"" "$T/out" | grep -qF '"source":"fetched"' && ok ||
		bad "a hit from the page of the text-less item $p"
done
grep -F "\"url\":\"$U/f/fetched.html\"" "$T/out" | grep -qF '"title":"Checkpoint"' && ok ||
	bad "its title is the page's: $(grep -F "$U/f/fetched.html" "$T/out")"
# text/markdown: Markdown's title and text, the link's target not text
wait_until "\"\$HARK\" -c \"\$T/hark.conf\" hits --json | grep -qF '\"url\":\"$U/f/fetched-md.md\"'" 20 ||
	bad "no hit from the text/markdown page: $(grep 'feed fetched' "$LOG")"
hk hits --json
grep -F "\"url\":\"$U/f/fetched-md.md\"" "$T/out" | grep -qF '"title":"Checkpoint news"' && ok ||
	bad "the text/markdown page's title: $(grep -F "$U/f/fetched-md.md" "$T/out")"
grep -F "\"url\":\"$U/f/fetched-md.md\"" "$T/out" | grep -qF 'zorglub' &&
	bad "a link target in the text/markdown page's text: $(grep -F "$U/f/fetched-md.md" "$T/out")" || ok
# without it: skipped, with a debug line each; the item with text is stored
for p in plain plain-guid; do
	grep -qF "feed plain: item $U/f/$p.html has no text: skipped (fetch_article = no)" "$LOG" &&
		ok || bad "the debug line of $p: $(grep 'feed plain' "$LOG")"
	! grep -qF "url=$U/f/$p.html" "$LOG" && ok || bad "no article for $p"
done
grep -F "\"url\":\"$U/f/plain-w.html\"" "$T/out" | grep -qF '"source":"plain"' && ok ||
	bad "the item with text is stored and matched"
expect_eq "$(grep -c '"source":"plain"' "$T/out")" 1 "hits of the plain feed"
# the skipped items are seen: a second poll of the changed feed reads its
# new item only, neither storing nor logging the text-less ones again
links plain "<item><title>Later</title><link>$U/f/later.html</link><description>Kamalmaz again.</description></item>" >"$R/plain.xml"
kill -USR1 "$HPID"
wait_for "$LOG" "SIGUSR1: polling every feed" 5 || bad "SIGUSR1 line"
wait_for "$LOG" "feed plain: 1 new item" 10 2 && ok || bad "the second poll of plain: 1 new item"
expect_eq "$(grep -cF "item $U/f/plain.html has no text" "$LOG")" 1 "the skip is said once"
# a feed file dropped in the spool: its text-less entries are skipped too
{
	printf '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>D</title>\n'
	printf '<item><link>https://drop.invalid/a</link></item>\n'
	printf '<item><title>Dropped</title><link>https://drop.invalid/b</link>'
	printf '<description>Kamalmaz in a dropped file.</description></item>\n'
	printf '<item><guid>https://drop.invalid/c</guid></item>\n</channel></rss>\n'
} >"$T/drop.xml"
ingest "$T/drop.xml"
wait_for "$LOG" "file=drop.xml" 10 || bad "the dropped feed's article: $(grep drop "$LOG")"
for p in a c; do
	grep -qF "file drop.xml: item https://drop.invalid/$p has no text: skipped" "$LOG" && ok ||
		bad "the debug line of the dropped entry $p: $(grep 'drop' "$LOG")"
done
expect_eq "$(grep -c 'article a_.* file=drop.xml' "$LOG")" 1 "one article from the dropped feed"
hk hits --json
grep -qF '"url":"https://drop.invalid/b"' "$T/out" && ok || bad "the dropped entry with text is matched"
stop_harkd
expect_eq "$HSTATUS" 0 "harkd exit status"
finish
