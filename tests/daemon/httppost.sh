#!/bin/sh
# POST /api/v1/articles over loopback, with curl, to a real harkd behind a
# token, with a real webhook receiver: a JSON article with a watched name
# is 201 with the article and its hits (marks, snippet), the same hit ids in
# GET /api/v1/hits, and a delivery made; the same article again is 200 with
# the same id; text/html, text/plain with a charset, text/markdown read as
# Markdown (as a .md file), Content-Language, a
# feed; 413 over max_document_size, 400 for bad JSON and for parameters,
# 415 for a type it does not read, 405, 401 without the token, 403 from
# another origin; a database held by another writer: the post waits and is
# stored, and a client that leaves before the answer has its article
# stored and alerted all the same; source "api" in /metrics.
# Usage: httppost.sh HARK HARKD RECEIVER DBLOCK
. "$(dirname "$0")/lib.sh"
RECV=$(abspath "${3:-}")
DBLOCK=$(abspath "${4:-}")
daemon_init "$@"
[ -x "$RECV" ] && [ -x "$DBLOCK" ] || {
	echo "usage: $0 HARK HARKD RECEIVER DBLOCK" >&2
	exit 2
}
command -v curl >/dev/null 2>&1 || { echo "skip: no curl (contrib/install-deps)"; exit 77; }

trap 'kill -TERM "$RPID" 2>/dev/null; wait "$RPID" 2>/dev/null; daemon_cleanup' EXIT
"$RECV" "$T/recv.port" ok >"$T/recv.out" 2>"$T/recv.err" &
RPID=$!
wait_until "[ -s '$T/recv.port' ]" 10 || bad "the receiver did not start: $(cat "$T/recv.err")"

tok=0123456789abcdef0123456789abcdef-post
printf '%s\n' "$tok" >"$T/http.token"
chmod 600 "$T/http.token"
cat >"$T/w.rules" <<'R'
[rule acme]
query = Acme
[rule privet]
query = Привет
R
write_conf "max_document_size = 4K"
cat >>"$T/hark.conf" <<C
[webhook hook]
url = http://127.0.0.1:$(cat "$T/recv.port")/hook
[http]
listen = 127.0.0.1:0
token_file = http.token
C
start_harkd
URL=$(cut -d' ' -f1 "$T/state/harkd.http")
api=${URL}api/v1

# post CTYPE ARGS...: POST to /api/v1/articles with the token; $CODE, $T/h, $T/b.
post() {
	_ct=$1
	shift
	CODE=$(curl -s --max-time 30 -o "$T/b" -D "$T/h" -w '%{http_code}' \
		-H "Authorization: Bearer $tok" -H "Content-Type: $_ct" "$@" "$api/articles")
}
req() {
	CODE=$(curl -s --max-time 30 -o "$T/b" -D "$T/h" -w '%{http_code}' \
		-H "Authorization: Bearer $tok" "$@")
}
# jget FILE KEY: the first "KEY":"value" string of FILE
jget() { grep -o "\"$2\":\"[^\"]*\"" "$1" | head -1 | sed "s/\"$2\":\"\(.*\)\"/\1/"; }
hit_ids() { grep -o '"id":"h_[0-9a-f]*"' "$1" | sed 's/"id":"\(.*\)"/\1/' | sort -u | tr '\n' ' '; }
error_has() { grep -qF "$2" "$T/b" && grep -q '^{"error":"' "$T/b" && ok || bad "$1: the error: $(cat "$T/b")"; }

# --- a JSON article with a watched name: 201 once committed, the article and its hits
printf '{"title": "Acme opens a plant", "body": "The Acme company opened a plant near the river on Monday.", "url": "https://news.example/acme-plant", "published": "2026-12-01T10:00:00Z"}' >"$T/a.json"
post application/json --data-binary "@$T/a.json"
expect_eq "$CODE" 201 "POST a JSON article"
grep -qi '^Content-Type: application/json' "$T/h" && ok || bad "JSON answer: $(cat "$T/h")"
grep -qiF 'X-Content-Type-Options: nosniff' "$T/h" && ok || bad "security headers on the answer"
id=$(sed -n 's/^{"article":{"id":"\(a_[0-9a-f]*\)".*/\1/p' "$T/b")
[ -n "$id" ] && ok || bad "the answer opens with the article: $(cat "$T/b")"
grep -qi "^Location: /api/v1/articles/$id" "$T/h" && ok || bad "Location of the new article: $(cat "$T/h")"
expect_eq "$(jget "$T/b" source)" api "the article's source"
grep -qF '"url":"https://news.example/acme-plant"' "$T/b" && ok || bad "its url: $(cat "$T/b")"
grep -qF '"hits":[{"id":"h_' "$T/b" && ok || bad "hits in the answer: $(cat "$T/b")"
grep -qF '"snippet":' "$T/b" && grep -qF '"marks":' "$T/b" && ok || bad "hits with snippet and marks: $(cat "$T/b")"
grep -qF '"rule":{"id":"acme"' "$T/b" && ok || bad "the acme hit: $(cat "$T/b")"
hits1=$(hit_ids "$T/b")
cp "$T/b" "$T/first.json"
# the same hits in GET /api/v1/hits, and in GET /api/v1/articles/ID
req "$api/hits?source=api"
expect_eq "$CODE" 200 "GET /api/v1/hits?source=api"
expect_eq "$(hit_ids "$T/b")" "$hits1" "the posted article's hits in GET /api/v1/hits"
req "$api/articles/$id"
expect_eq "$CODE" 200 "GET /api/v1/articles/$id"
expect_eq "$(hit_ids "$T/b")" "$hits1" "its hits in GET /api/v1/articles/ID"
# a webhook delivery of it, to the real receiver (webhook-id is the hit id)
hid=$(echo "$hits1" | cut -d' ' -f1)
wait_until "grep -qF ' $hid ' '$T/recv.out'" 20 && ok || bad "the receiver got $hid: $(cat "$T/recv.out")"
grep -qF "article $id api=127.0.0.1:" "$LOG" && ok || bad "the log names the article and its client"

# --- the same article again: 200, the stored one, nothing new
post application/json --data-binary "@$T/a.json"
expect_eq "$CODE" 200 "POST the same article again"
expect_eq "$(sed -n 's/^{"article":{"id":"\(a_[0-9a-f]*\)".*/\1/p' "$T/b")" "$id" "the duplicate's answer is the stored article"
expect_eq "$(hit_ids "$T/b")" "$hits1" "with its hits"
grep -qi '^Location:' "$T/h" && bad "no Location for a duplicate" || ok
grep -qF "duplicate api=127.0.0.1:" "$LOG" && ok || bad "the log says duplicate"

# --- text/html: the extracted text is matched, not the markup; declared, not sniffed
printf 'Acme <b>widgets</b> sell out<p>The <i>Acme</i> widget sold out in a day.</p>' >"$T/p.html"
post 'text/html; charset=utf-8' --data-binary "@$T/p.html"
expect_eq "$CODE" 201 "POST text/html"
grep -qF '"rule":{"id":"acme"' "$T/b" && ok || bad "the HTML's text matched: $(cat "$T/b")"
grep -qF '<b>' "$T/b" && bad "markup in the stored text: $(cat "$T/b")" || ok
grep -qF 'sold out in a day' "$T/b" && ok || bad "the HTML's text stored: $(cat "$T/b")"
# text/plain that opens with '<' is text as declared: its brackets stay
printf '<Acme> said it plainly\n\nAcme text, <not> markup.\n' >"$T/p.txt"
post text/plain --data-binary "@$T/p.txt"
expect_eq "$CODE" 201 "POST text/plain opening with <"
grep -qF 'Acme text, <not> markup.' "$T/b" && ok || bad "text/plain kept as text: $(cat "$T/b")"
grep -qF '"format":"text"' "$T/b" && ok || bad "text/plain: format text: $(cat "$T/b")"
# text/markdown (and text/x-markdown) is Markdown, read as a .md file is: the
# first heading the title, link targets and emphasis marks not text
printf '# Acme opens a *plant*\n\nThe [Acme](https://track.example/zorglub) company **opened** it.\n' >"$T/p.md"
post 'text/markdown; charset=utf-8' --data-binary "@$T/p.md"
expect_eq "$CODE" 201 "POST text/markdown"
grep -qF '"title":"Acme opens a plant"' "$T/b" && ok || bad "text/markdown: the heading as title: $(cat "$T/b")"
grep -qF 'zorglub' "$T/b" && bad "text/markdown: a link target in the text: $(cat "$T/b")" || ok
grep -qF 'The Acme company opened it.' "$T/b" && ok || bad "text/markdown: the text: $(cat "$T/b")"
# read as Markdown, it says so (text/plain of the same bytes says text, above)
grep -qF '"format":"markdown"' "$T/b" && ok || bad "text/markdown: format markdown: $(cat "$T/b")"
mid=$(sed -n 's/.*"article":{"id":"\(a_[0-9a-f]*\)".*/\1/p' "$T/b" | head -1)
req "${URL}articles/$mid"
tr -d '\n' <"$T/b" | grep -qiE 'Format</th><td>(<span[^>]*>)?markdown(</span>)?</td>' && ok ||
	bad "the Markdown article's page: $(grep -iA1 'format' "$T/b" | head -4)"
printf 'Acme widgets\n============\n\nSome _Acme_ [widgets](https://track.example/zorglub2).\n' >"$T/p2.md"
post text/x-markdown --data-binary "@$T/p2.md"
expect_eq "$CODE" 201 "POST text/x-markdown"
grep -qF '"title":"Acme widgets"' "$T/b" && ok || bad "text/x-markdown: the title: $(cat "$T/b")"
grep -qF 'zorglub2' "$T/b" && bad "text/x-markdown: a link target in the text: $(cat "$T/b")" || ok

# --- a charset declared: KOI8-R bytes read as KOI8-R
printf '\360\322\311\327\305\324 Acme\n\n\360\322\311\327\305\324 from Acme.\n' >"$T/koi8.txt"
post 'text/plain; charset="koi8-r"' --data-binary "@$T/koi8.txt"
expect_eq "$CODE" 201 "POST text/plain; charset=koi8-r"
grep -qF '"rule":{"id":"privet"' "$T/b" && ok || bad "the KOI8-R text read as such: $(cat "$T/b")"
# how it was read, on GET /api/v1/articles/ID and on the article's page
kid=$(sed -n 's/.*"article":{"id":"\(a_[0-9a-f]*\)".*/\1/p' "$T/b" | head -1)
req "$api/articles/$kid"
grep -qF '"format":"text"' "$T/b" && ok || bad "GET /api/v1/articles/$kid: format: $(cat "$T/b")"
grep -qiF '"charset":"koi8-r"' "$T/b" && ok || bad "GET /api/v1/articles/$kid: charset: $(cat "$T/b")"
req "${URL}articles/$kid"
tr -d '\n' <"$T/b" | grep -qiE 'Format</th><td>(<span[^>]*>)?text(</span>)?</td>.*Charset</th><td>(<span[^>]*>)?koi8-r(</span>)?</td>' && ok ||
	bad "the article page says format and charset: $(grep -iA1 'format\|charset' "$T/b" | head -8)"

# --- a declared language: the JSON's lang, and Content-Language for a file
printf '{"title": "Acme", "body": "Acme gut.", "lang": "de"}' >"$T/de.json"
post application/json --data-binary "@$T/de.json"
expect_eq "$CODE" 201 "POST a JSON article with lang"
expect_eq "$(jget "$T/b" lang)" de "the JSON's declared lang"
printf 'Acme\n\nAcme ok.\n' >"$T/nl.txt"
post text/plain -H 'Content-Language: nl-BE, en' --data-binary "@$T/nl.txt"
expect_eq "$CODE" 201 "POST text/plain with Content-Language"
expect_eq "$(jget "$T/b" lang)" nl "Content-Language as the declared lang"

# --- a feed: each entry an article
cat >"$T/f.rss" <<'F'
<?xml version="1.0"?>
<rss version="2.0"><channel><title>t</title>
<item><title>Acme one</title><link>https://news.example/1</link><description>First Acme item.</description></item>
<item><title>Acme two</title><link>https://news.example/2</link><description>Second Acme item.</description></item>
</channel></rss>
F
post application/rss+xml --data-binary "@$T/f.rss"
expect_eq "$CODE" 201 "POST an RSS feed"
expect_eq "$(grep -o '"url":"https://news.example/[12]"' "$T/b" | sort -u | wc -l | tr -d ' ')" 2 "a feed's two articles: $(cat "$T/b")"
grep -qF '{"articles":[' "$T/b" && ok || bad "a feed answers articles: $(cat "$T/b")"
grep -qF '"stored":2,"duplicates":0}' "$T/b" && ok || bad "a feed's counts: $(cat "$T/b")"

# --- refused: each with a status and one line naming the cause
arts=$(status_of articles)
head -c 5000 /dev/zero | tr '\0' a >"$T/big.txt"
post text/plain --data-binary "@$T/big.txt"
expect_eq "$CODE" 413 "a body over max_document_size"
printf '{"title": "Acme", "body": ' >"$T/bad.json"
post application/json --data-binary "@$T/bad.json"
expect_eq "$CODE" 400 "bad JSON"
error_has "bad JSON" 'JSON line 1 column'
printf '{"title": 3, "body": "Acme"}' >"$T/bad2.json"
post application/json --data-binary "@$T/bad2.json"
expect_eq "$CODE" 400 "a JSON article whose title is a number"
error_has "title not a string" 'title'
printf '{"title": "Acme", "bodyy": "Acme opened a plant."}' >"$T/bad3.json"
post application/json --data-binary "@$T/bad3.json"
expect_eq "$CODE" 400 "a JSON article with an unknown key"
error_has "unknown key" 'unknown key \"bodyy\" in a JSON article (known: title, url, body, html,'
post image/png --data-binary "@$T/a.json"
expect_eq "$CODE" 415 "an unsupported Content-Type"
error_has "415" "unsupported Content-Type 'image/png'"
# curl -d without -H: a form, not an article
CODE=$(curl -s -o "$T/b" -w '%{http_code}' -H "Authorization: Bearer $tok" -d 'title=Acme' "$api/articles")
expect_eq "$CODE" 415 "a form body"
error_has "form" "application/x-www-form-urlencoded"
post 'text/plain; charset=klingon-8' --data-binary "@$T/p.txt"
expect_eq "$CODE" 415 "an unknown charset"
error_has "charset" "unsupported charset 'klingon-8'"
post 'text/' --data-binary "@$T/a.json"
expect_eq "$CODE" 400 "a Content-Type that is no media type"
post application/json --data-binary ''
expect_eq "$CODE" 400 "an empty body"
CODE=$(curl -s -o "$T/b" -D "$T/h" -w '%{http_code}' -H "Authorization: Bearer $tok" "$api/articles")
expect_eq "$CODE" 405 "GET /api/v1/articles"
grep -qi '^Allow: POST' "$T/h" && ok || bad "405 says Allow: POST"
CODE=$(curl -s -o "$T/b" -w '%{http_code}' -H "Authorization: Bearer $tok" \
	-H 'Content-Type: application/json' --data-binary "@$T/de.json" "$api/articles?lang=fr")
expect_eq "$CODE" 400 "a query parameter"
CODE=$(curl -s -o "$T/b" -w '%{http_code}' -H 'Content-Type: application/json' \
	--data-binary "@$T/de.json" "$api/articles")
expect_eq "$CODE" 401 "without the token"
post application/json -H 'Origin: https://evil.example' --data-binary "@$T/de.json"
expect_eq "$CODE" 403 "from another origin"
error_has "403" "another origin"
expect_eq "$(status_of articles)" "$arts" "nothing refused was stored"

# --- another writer holds the database: the post waits, then is stored (201);
# a client that leaves before the answer has its article stored and alerted.
# The lock held 4 s: the wait checked is 2 s, and a loaded machine may take
# a second or two to get from dblock's "locked" to t0
"$DBLOCK" "$T/state/hark.db" 4 >"$T/dblock.out" 2>&1 &
dpid=$!
wait_for "$T/dblock.out" locked 20 || bad "dblock took the lock"
printf '{"title": "Acme waits", "body": "Acme waited for the lock."}' >"$T/w.json"
printf '{"title": "Acme leaves", "body": "The client of Acme left at once."}' >"$T/l.json"
t0=$(date +%s)
post application/json --max-time 1 --data-binary "@$T/l.json"
expect_eq "$CODE" 000 "the client that leaves got no answer"
post application/json --data-binary "@$T/w.json"
t1=$(date +%s)
expect_eq "$CODE" 201 "POST while the database is locked: answered once stored"
[ $((t1 - t0)) -ge 2 ] && ok || bad "the answer waited for the lock ($((t1 - t0)) s)"
wait "$dpid"
wait_for "$LOG" "the client left before the answer; stored all the same" 20 ||
	bad "the log says the leaving client's article was stored"
req "$api/hits?source=api&limit=500"
line=$(sed 's/{"id":"h_/\n&/g' "$T/b" | grep -F '"title":"Acme leaves"' | head -1)
lid=$(printf '%s' "$line" | sed -n 's/.*"article":{"id":"\(a_[0-9a-f]*\)".*/\1/p')
hk article --json "$lid"
grep -qF '"title":"Acme leaves"' "$T/out" && ok || bad "the leaving client's article is stored: $(cat "$T/out" "$T/err")"
lhid=$(printf '%s' "$line" | sed -n 's/^{"id":"\(h_[0-9a-f]*\)".*/\1/p')
[ -n "$lhid" ] && wait_until "grep -qF ' $lhid ' '$T/recv.out'" 20 && ok ||
	bad "the leaving client's hit delivered: $lhid: $(cat "$T/recv.out")"

# --- /metrics counts the posted articles as source "api"
req "${URL}metrics"
n=$(sed -n 's/^hark_articles_stored_total{source="api"} \([0-9]*\)$/\1/p' "$T/b")
expect_eq "$n" 12 "articles stored by source api"
grep -qF 'hark_articles_stored_total{source="drop"} 0' "$T/b" && ok || bad "none counted as dropped"

# --- the intake full: 64 posts wait for a locked database, the 65th is 503
# with Retry-After; once the lock goes, the 64 are stored, each answered 201
"$DBLOCK" "$T/state/hark.db" 6 >"$T/dblock3.out" 2>&1 &
dpid=$!
wait_for "$T/dblock3.out" locked 20 || bad "dblock took the lock (3)"
i=0 pids=''
while [ "$i" -lt 64 ]; do
	printf '{"title": "Acme %d", "body": "Acme number %d of many."}' "$i" "$i" >"$T/m$i.json"
	curl -s --max-time 60 -o "$T/m$i.out" -w '%{http_code}' -H "Authorization: Bearer $tok" \
		-H 'Content-Type: application/json' --data-binary "@$T/m$i.json" "$api/articles" \
		>"$T/m$i.code" &
	pids="$pids $!"
	i=$((i + 1))
done
wait_until "curl -s -H 'Authorization: Bearer $tok' '${URL}metrics' | grep -qx 'hark_documents_in_flight 64'" 20 ||
	bad "64 posts in flight"
post application/json --data-binary "@$T/de.json"
expect_eq "$CODE" 503 "a post past 64 in flight"
grep -qi '^Retry-After: 1' "$T/h" && ok || bad "503 with Retry-After: 1: $(cat "$T/h")"
error_has "full" "the intake is full"
# shellcheck disable=SC2086
wait $pids
expect_eq "$(cat "$T"/m*.code | tr -s ' ' | grep -o 201 | wc -l | tr -d ' ')" 64 "the 64 answered 201 once stored"
wait "$dpid"

stop_harkd
expect_eq "$HSTATUS" 0 "SIGTERM"

# --- stopping: a post waiting for a locked database when the stop's deadline
# passes is not answered 201 (nothing was stored; evhttp frees its request
# with the server, the job after: no use after free, no leak), and a post
# while harkd stops is 503 with Retry-After
HARK_STOP_TIMEOUT=1
export HARK_STOP_TIMEOUT
start_harkd "$T/log2"
URL=$(cut -d' ' -f1 "$T/state/harkd.http")
api=${URL}api/v1
"$DBLOCK" "$T/state/hark.db" 6 >"$T/dblock2.out" 2>&1 &
dpid=$!
wait_for "$T/dblock2.out" locked 20 || bad "dblock took the lock again"
printf '{"title": "Acme at the stop", "body": "Acme, posted as harkd stops."}' >"$T/s.json"
CODE=$(curl -s --max-time 20 -o "$T/b.stop" -w '%{http_code}' -H "Authorization: Bearer $tok" \
	-H 'Content-Type: application/json' --data-binary "@$T/s.json" "$api/articles") &
cpid=$!
wait_for "$T/log2" "database busy" 20 || bad "the post waits for the lock"
kill -TERM "$HPID"
wait_for "$T/log2" "SIGTERM" 10 || bad "harkd stopping"
post application/json --data-binary "@$T/de.json"
expect_eq "$CODE" 503 "a post while harkd stops"
grep -qi '^Retry-After: [0-9]' "$T/h" && ok || bad "503 with Retry-After: $(cat "$T/h")"
error_has "stopping" "harkd is stopping"
wait "$cpid"
grep -qF '"article"' "$T/b.stop" 2>/dev/null && bad "the post cut by the stop was answered: $(cat "$T/b.stop")" || ok
wait_until "! kill -0 $HPID" 20 && ok || bad "harkd exits past its deadline"
wait "$HPID"
HPID=
wait "$dpid"
LOG=$T/log2
finish
