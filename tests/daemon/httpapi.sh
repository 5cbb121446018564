#!/bin/sh
# The routes of the hits over loopback, with curl, on what a real harkd
# stored (a French, an Arabic, a hostile and a JSON article): GET
# /api/v1/hits newest first, paged by its cursors, filtered by rule, tag
# and lang; unknown parameters, bad cursors, limits and times refused (400),
# q= given twice (q= itself: httptry.sh); /api/v1/articles/ID and its 404; /api/v1/status;
# the pages / and /articles/ID with the hostile text escaped and no
# javascript: link, 50 hits a page and the link to the older ones;
# /hits.atom well-formed, one entry a hit, absolute links (from Host, or
# base_url); /static/hark.css; HEAD; the bearer token.
# Usage: httpapi.sh HARK HARKD
. "$(dirname "$0")/lib.sh"
daemon_init "$@"
command -v curl >/dev/null 2>&1 || { echo "skip: no curl (contrib/install-deps)"; exit 77; }

cat >"$T/w.rules" <<'R'
[rule assad]
query = Assad
tags = syria people
[rule asad-ar]
query = الأسد
tags = syria
[rule moscou]
query = Moscou
R
printf "Le retour d'Assad\n\nL'ancien président s'est réfugié à Moscou avec sa famille, selon l'agence.\n" >"$T/fr.txt"
printf 'عودة الرئيس\n\nقال مسؤول إن عائلة والأسد غادرت البلاد إلى روسيا بعد سقوط النظام في دمشق.\n' >"$T/ar.txt"
cat >"$T/hostile.md" <<'A'
---
title: "<script>alert(1)</script> Assad"
url: "javascript:alert(2)"
lang: en
---
Assad was seen <b>here</b>, the page says.
A
printf '{"title": "Assad in Moscow", "url": "javascript:alert(3)", "lang": "en", "body": "Assad was seen in Moscow on Monday, a report says."}\n' >"$T/en.json"

# req ARGS...: curl, the status code in $CODE, headers in $T/h, body in $T/b.
req() {
	CODE=$(curl -s --max-time 10 -o "$T/b" -D "$T/h" -w '%{http_code}' "$@")
}
# files_of FILE: the "file" of every hit in FILE's JSON, in order, blank-separated.
files_of() { grep -o '"file":"[^"]*"' "$1" | sed 's/"file":"\(.*\)"/\1/' | tr '\n' ' '; }
hit_ids() { grep -o '"id":"h_[0-9a-f]*"' "$1" | sed 's/"id":"\(.*\)"/\1/' | tr '\n' ' '; }
next_of() { sed -n 's/.*"next":"\([^"]*\)".*/\1/p' "$1"; }
error_is() { grep -qF "{\"error\":\"$2\"}" "$T/b" && ok || bad "$1: the error: $(cat "$T/b")"; }

write_conf
printf '[http]\nlisten = 127.0.0.1:0\n' >>"$T/hark.conf"
start_harkd
URL=$(cut -d' ' -f1 "$T/state/harkd.http")
api=${URL}api/v1
n=0
# one at a time: each its own detected_at, so newest first has one order
for f in fr.txt ar.txt hostile.md en.json; do
	n=$((n + 1))
	ingest "$T/$f"
	wait_for "$LOG" "article a_" 20 "$n" || bad "$f stored"
done

# --- every hit, newest first, in one page
req "$api/hits"
expect_eq "$CODE" 200 "GET /api/v1/hits"
grep -qi '^Content-Type: application/json' "$T/h" && ok || bad "JSON content type: $(cat "$T/h")"
grep -qiF 'X-Content-Type-Options: nosniff' "$T/h" && ok || bad "security headers on the API"
expect_eq "$(files_of "$T/b")" "en.json hostile.md ar.txt fr.txt fr.txt " "hits newest first"
grep -qF '"next":null}' "$T/b" && ok || bad "one page: next null: $(cat "$T/b")"
all=$(hit_ids "$T/b")

# --- limit=1: a cursor to each next page, through every hit
paged='' cursor='' pages=0
while :; do
	if [ -n "$cursor" ]; then
		req -G --data-urlencode "before=$cursor" --data-urlencode limit=1 "$api/hits"
	else
		req "$api/hits?limit=1"
	fi
	expect_eq "$CODE" 200 "page $pages"
	pages=$((pages + 1))
	paged="$paged$(hit_ids "$T/b")"
	cursor=$(next_of "$T/b")
	[ -z "$cursor" ] && break
	[ "$pages" -gt 8 ] && { bad "paging does not end"; break; }
done
expect_eq "$pages" 5 "5 hits, pages of 1"
expect_eq "$paged" "$all" "pages of 1 in order"
grep -qF '"next":null}' "$T/b" && ok || bad "the last page's next is null: $(cat "$T/b")"

# --- filters
req "$api/hits?rule=moscou"
expect_eq "$(files_of "$T/b")" "fr.txt " "rule="
req "$api/hits?rule=moscou&rule=asad-ar"
expect_eq "$(files_of "$T/b")" "ar.txt fr.txt " "rule= twice: any"
req "$api/hits?lang=ar"
expect_eq "$(files_of "$T/b")" "ar.txt " "lang="
req "$api/hits?lang=FR"
expect_eq "$(files_of "$T/b")" "fr.txt fr.txt " "lang=, upper case"
req "$api/hits?tag=syria&lang=en"
expect_eq "$(files_of "$T/b")" "en.json hostile.md " "tag= and lang="
req "$api/hits?tag=people&rule=asad-ar"
expect_eq "$CODE" 200 "tag= and rule= of no common rule"
expect_eq "$(files_of "$T/b")" "" "tag= and rule= both hold"
req "$api/hits?tag=nosuchtag"
expect_eq "$CODE" 404 "a tag no rule has: 404, as hark hits --tag"
grep -qF "no such tag: 'nosuchtag'" "$T/b" && ok || bad "a tag no rule has: $(cat "$T/b")"
req "$api/hits?source=drop&rule=moscou&since=1h&until=2200-01-01"
expect_eq "$(files_of "$T/b")" "fr.txt " "source=, since=, until="
req "$api/hits?until=1970-01-02"
expect_eq "$(files_of "$T/b")" "" "until= long ago"
req "$api/hits?rule=&tag=&lang="
expect_eq "$(hit_ids "$T/b")" "$all" "empty values: no filter"

# --- refusals
req "$api/hits?rulez=assad"
expect_eq "$CODE" 400 "an unknown parameter"
error_is "unknown parameter" "unknown parameter 'rulez'"
req "$api/hits?before=nonsense"
expect_eq "$CODE" 400 "a bad cursor"
grep -qF '{"error":"before: ' "$T/b" && ok || bad "a bad cursor: the error: $(cat "$T/b")"
for l in 0 501 x 5x; do
	req "$api/hits?limit=$l"
	expect_eq "$CODE" 400 "limit=$l"
done
error_is "limit=5x" "limit: '5x' is not a number from 1 to 500"
req "$api/hits?since=yesterday"
expect_eq "$CODE" 400 "a bad since"
grep -qF '{"error":"since: ' "$T/b" && ok || bad "a bad since: the error: $(cat "$T/b")"
req "$api/hits?lang=english"
expect_eq "$CODE" 400 "a bad lang"
req "$api/hits?source=a&source=b"
expect_eq "$CODE" 400 "source twice"
req "$api/hits?q=Assad&q=Moscou"
expect_eq "$CODE" 400 "q twice (q= itself: httptry.sh)"
req -X POST "$api/hits"
expect_eq "$CODE" 405 "POST /api/v1/hits"

# --- HEAD: the headers of GET
req -I "$api/hits"
expect_eq "$CODE" 200 "HEAD /api/v1/hits"
grep -qi '^Content-Type: application/json' "$T/h" && ok || bad "HEAD: the content type: $(cat "$T/h")"

# --- one article
req "$api/hits?lang=ar"
aid=$(grep -o '"article":{"id":"a_[0-9a-f]*"' "$T/b" | sed 's/.*"\(a_[0-9a-f]*\)"/\1/')
req "$api/articles/$aid"
expect_eq "$CODE" 200 "GET /api/v1/articles/ID"
grep -qF "{\"id\":\"$aid\"" "$T/b" && ok || bad "the article's id: $(cat "$T/b")"
grep -qF '"fields":{"title":"عودة الرئيس"' "$T/b" && ok || bad "the article's fields: $(cat "$T/b")"
grep -qF '"lang":"ar"' "$T/b" && ok || bad "the article's lang: $(cat "$T/b")"
expect_eq "$(grep -o '"rule":{"id":"[^"]*"' "$T/b" | tr '\n' ' ')" '"rule":{"id":"asad-ar" ' "the article's hits"
grep -qF '"duplicates":[]' "$T/b" && ok || bad "the article's duplicates: $(cat "$T/b")"
req "$api/articles/a_0000000000000000"
expect_eq "$CODE" 404 "an article not stored"
error_is "an article not stored" "no article 'a_0000000000000000' is stored"
req --path-as-is "$api/articles/../status"
expect_eq "$CODE" 404 "an article id with a path in it"
req "$api/articles/$aid?x=1"
expect_eq "$CODE" 400 "an article: an unknown parameter"

# --- status
req "$api/status"
expect_eq "$CODE" 200 "GET /api/v1/status"
grep -qF "{\"running\":true,\"pid\":$HPID,\"http\":[\"$URL\"],\"version\":\"" "$T/b" && ok ||
	bad "status: running, pid, http, version: $(cat "$T/b")"
grep -qE '"uptime":[0-9]+,' "$T/b" && ok || bad "status: uptime: $(cat "$T/b")"
grep -qF '"articles":4,' "$T/b" && ok || bad "status: articles: $(cat "$T/b")"
grep -qF '"hits":5,' "$T/b" && ok || bad "status: hits: $(cat "$T/b")"
grep -qF '"feeds":[],"webhooks_disabled":[],"muted":[]' "$T/b" && ok || bad "status: feeds: $(cat "$T/b")"
grep -qF '"files_failed":0}' "$T/b" && ok || bad "status: files_failed: $(cat "$T/b")"
grep -qF '"since":"' "$T/b" && ok || bad "status: since: $(cat "$T/b")"
# HTTP.md: the object of hark status --json, plus version and uptime: every
# key the CLI gives is there
if command -v python3 >/dev/null 2>&1; then
	"$HARK" -c "$T/hark.conf" status --json >"$T/cli.json" 2>"$T/cli.err"
	python3 -c 'import json, sys
cli = json.load(open(sys.argv[1])); api = json.load(open(sys.argv[2]))
missing = sorted(set(cli) - set(api))
print(" ".join(missing)); sys.exit(1 if missing else 0)' "$T/cli.json" "$T/b" >"$T/missing" 2>&1 && ok ||
		bad "status: keys of hark status --json missing from /api/v1/status: $(cat "$T/missing" "$T/cli.err")"
fi
# --- the stylesheet
req "${URL}static/hark.css"
expect_eq "$CODE" 200 "GET /static/hark.css"
grep -qi '^Content-Type: text/css' "$T/h" && ok || bad "css content type: $(cat "$T/h")"
[ -s "$T/b" ] && ok || bad "the stylesheet is empty"

# nothing_hostile WHAT: $T/b shows the hostile title escaped, no script, no javascript: link
nothing_hostile() {
	grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;' "$T/b" && ok || bad "$1: the hostile title escaped"
	grep -qiF '<script' "$T/b" && bad "$1: a raw <script" || ok
	grep -qiE 'href="[[:space:]]*javascript:' "$T/b" && bad "$1: a javascript: link" || ok
}

# --- the hits page
req "$URL"
expect_eq "$CODE" 200 "GET /"
grep -qi '^Content-Type: text/html; charset=utf-8' "$T/h" && ok || bad "/: content type: $(cat "$T/h")"
grep -qiF "Content-Security-Policy: default-src 'none'" "$T/h" && ok || bad "/: security headers"
nothing_hostile "/"
for t in 'عودة الرئيس' 'Assad in Moscow'; do
	grep -qF "$t" "$T/b" && ok || bad "/ shows '$t'"
done
expect_eq "$(grep -c '<li class="hit"' "$T/b")" 5 "/: one item a hit"
grep -qF 'rel="next"' "$T/b" && bad "/: an older link with every hit shown" || ok
req "${URL}?lang=ar&rule="
expect_eq "$CODE" 200 "GET /?lang=ar"
grep -qF 'عودة الرئيس' "$T/b" && ok || bad "/?lang=ar shows the Arabic article"
grep -qF 'Assad in Moscow' "$T/b" && bad "/?lang=ar shows an English one" || ok
grep -qF 'value="ar"' "$T/b" && ok || bad "/?lang=ar: the form keeps the filter"
req "${URL}?rulez=x"
expect_eq "$CODE" 400 "/: an unknown parameter"
grep -qi '^Content-Type: text/html' "$T/h" && ok || bad "/: the error on the page: $(cat "$T/h")"
grep -qF "unknown parameter &#39;rulez&#39;" "$T/b" && ok || bad "/: the error: $(cat "$T/b")"
req "${URL}?rule=assad&rule=moscou"
expect_eq "$CODE" 400 "/: rule twice (the form and its link carry one)"
req "${URL}?limit=5"
expect_eq "$CODE" 400 "/: limit= is the API's"
req "${URL}?q=Assad&q=Moscou"
expect_eq "$CODE" 400 "/: q twice"
req -I "$URL"
expect_eq "$CODE" 200 "HEAD /"

# --- an article's page: the hostile one
req "$api/hits?rule=assad&lang=en"
hid=$(grep -o '"article":{"id":"a_[0-9a-f]*","title":"<script>' "$T/b" | sed 's/.*"\(a_[0-9a-f]*\)".*/\1/')
[ -n "$hid" ] && ok || bad "the hostile article's id: $(cat "$T/b")"
req "${URL}articles/$hid"
expect_eq "$CODE" 200 "GET /articles/ID"
grep -qi '^Content-Type: text/html; charset=utf-8' "$T/h" && ok || bad "/articles: content type"
nothing_hostile "/articles/ID"
grep -qF '</mark> was seen' "$T/b" && ok || bad "/articles/ID shows the body"
# only an http(s) address is kept: a javascript: one is no address at all
grep -qF 'javascript:alert(2)' "$T/b" && bad "/articles/ID kept a javascript: address" || ok
req "${URL}articles/a_0000000000000000"
expect_eq "$CODE" 404 "/articles/ID not stored"
# every match of the article's hit rules marked in its fields (found again by the rules)
req "$api/hits?lang=fr"
fid=$(grep -o '"article":{"id":"a_[0-9a-f]*"' "$T/b" | sed -n '1s/.*"\(a_[0-9a-f]*\)"/\1/p')
req "${URL}articles/$fid"
sed -n '/<section class="field">/,/<\/section>/p' "$T/b" >"$T/fields"
grep -A3 '<h2>title</h2>' "$T/fields" | grep -qF '<mark>Assad</mark>' && ok || bad "the title's match marked: $(cat "$T/fields")"
grep -A3 '<h2>body</h2>' "$T/fields" | grep -qF '<mark>Moscou</mark>' && ok || bad "the body's match marked: $(cat "$T/fields")"

# --- the Atom feed
# entries FILE: how many <entry> the feed in FILE holds, once it parses as XML
entries() {
	if command -v xmllint >/dev/null 2>&1; then
		xmllint --noout "$1" 2>"$T/xml.err" || { echo "invalid: $(cat "$T/xml.err")"; return; }
	elif command -v python3 >/dev/null 2>&1; then
		python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$1" 2>"$T/xml.err" ||
			{ echo "invalid: $(cat "$T/xml.err")"; return; }
	else
		note "neither xmllint nor python3: the feed not parsed"
	fi
	grep -c '<entry>' "$1"
}
req "${URL}hits.atom"
expect_eq "$CODE" 200 "GET /hits.atom"
grep -qi '^Content-Type: application/atom+xml' "$T/h" && ok || bad "atom content type: $(cat "$T/h")"
expect_eq "$(entries "$T/b")" 5 "/hits.atom: an entry a hit"
nothing_hostile "/hits.atom"
grep -qF "<id>${URL}hits.atom</id>" "$T/b" && ok || bad "the feed's id from the Host: $(head -c 600 "$T/b")"
grep -qF "<link rel=\"alternate\" type=\"text/html\" href=\"${URL}articles/$hid\"/>" "$T/b" && ok ||
	bad "a javascript: address linked to the article page instead"
expect_eq "$(grep -c '<id>urn:uuid:' "$T/b")" 5 "/hits.atom: entry ids"
req "${URL}hits.atom?rule=moscou"
expect_eq "$(entries "$T/b")" 1 "/hits.atom?rule=moscou"
grep -qF "<id>${URL}hits.atom?rule=moscou</id>" "$T/b" && ok || bad "the feed's id names its rule"
req "${URL}hits.atom?tag=syria"
expect_eq "$(entries "$T/b")" 4 "/hits.atom?tag=syria"
req -H 'Host: evil.example"><x' "${URL}hits.atom"
expect_eq "$CODE" 200 "/hits.atom, a Host that is no host"
grep -qF "<id>${URL}hits.atom</id>" "$T/b" && ok || bad "a strange Host is not used: $(head -c 600 "$T/b")"
req -H 'Host: a:b:c' "${URL}hits.atom"
expect_eq "$CODE" 200 "/hits.atom, a Host of the right bytes that is no host"
req "${URL}hits.atom?lang=en"
expect_eq "$CODE" 400 "/hits.atom?lang= is not a feed's"

# --- 50 hits a page: the older ones one link away
i=0
while [ "$i" -lt 50 ]; do
	i=$((i + 1))
	printf 'Dépêche %s\n\nÀ Moscou, dépêche numéro %s.\n' "$i" "$i" >"$T/m$i.txt"
done
ingest "$T"/m*.txt
wait_for "$LOG" "article a_" 60 54 || bad "50 more articles stored"
req "$URL?rule=moscou"
expect_eq "$(grep -c '<li class="hit"' "$T/b")" 50 "/: 50 hits a page"
older=$(sed -n 's/.*<a rel="next" href="\([^"]*\)".*/\1/p' "$T/b" | sed 's/&amp;/\&/g')
case $older in
/\?rule=moscou\&before=?*) ok ;;
*) bad "the older link keeps the filter: '$older'" ;;
esac
req "${URL}${older#/}"
expect_eq "$CODE" 200 "the older page"
expect_eq "$(grep -c '<li class="hit"' "$T/b")" 1 "the older page: the 51st hit"
grep -qF "Le retour d" "$T/b" && ok || bad "the older page: the oldest hit"
grep -qF 'rel="next"' "$T/b" && bad "the last page has an older link" || ok
req "${URL}hits.atom?rule=moscou"
expect_eq "$(entries "$T/b")" 51 "/hits.atom?rule=moscou after 50 more"

stop_harkd
expect_eq "$HSTATUS" 0 "SIGTERM"

# --- a token: the API needs it
tok=$(head -c 48 /dev/urandom | od -An -tx1 | tr -d ' \n')
printf '%s\n' "$tok" >"$T/http.token"
chmod 600 "$T/http.token"
printf 'token_file = http.token\nbase_url = https://hark.example.org/news/\n' >>"$T/hark.conf"
start_harkd
URL=$(cut -d' ' -f1 "$T/state/harkd.http")
api=${URL}api/v1
req "$api/hits"
expect_eq "$CODE" 401 "/api/v1/hits without the token"
req -H "Authorization: Bearer $tok" "$api/hits?limit=500"
expect_eq "$CODE" 200 "/api/v1/hits with the token"
expect_eq "$(hit_ids "$T/b" | wc -w | tr -d ' ')" 55 "/api/v1/hits with the token: every hit"
req "${URL}"
# a page in a browser is sent to the login (httplogin.sh); the API and the feed say 401
expect_eq "$CODE" 303 "/ without the token: to the login"
req "${URL}hits.atom"
expect_eq "$CODE" 401 "/hits.atom without the token"
req -H "Authorization: Bearer $tok" "${URL}hits.atom?rule=asad-ar"
expect_eq "$(entries "$T/b")" 1 "/hits.atom with the token"
grep -qF '<id>https://hark.example.org/news/hits.atom?rule=asad-ar</id>' "$T/b" && ok ||
	bad "the feed's id under base_url: $(head -c 600 "$T/b")"
grep -qF 'href="https://hark.example.org/news/articles/a_' "$T/b" && ok ||
	bad "an entry without an address links under base_url: $(cat "$T/b")"
stop_harkd
finish
