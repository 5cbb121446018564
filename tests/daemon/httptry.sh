#!/bin/sh
# q= and /try over loopback, with curl, on what a real harkd stored: the
# worker of the long reads (httpd_work.c). /try's form and its markup; a
# broken query's diagnostics (line:col, on the page and in the API); a good
# query's hits with their marks; a whole rule file; q= narrowing
# /api/v1/hits and / and combining with rule=, lang= and paging; a broken
# q= a 400 naming its place; hostile text escaped; unknown parameters and
# keys 400, other methods 405, another origin 403; then a big archive and
# a tiny time limit: the answer says it was cut and where, /healthz
# answers at once while a search runs, a full queue is 503 with
# Retry-After, a client that leaves mid-search harms nothing, and harkd
# stops at once with a search running; with a token, a try needs it.
# Usage: httptry.sh HARK HARKD
. "$(dirname "$0")/lib.sh"
daemon_init "$@"
command -v curl >/dev/null 2>&1 || { echo "skip: no curl (contrib/install-deps)"; exit 77; }

cat >"$T/w.rules" <<'R'
[rule assad]
query = Assad
tags = syria
[rule moscou]
query = Moscou
R
printf "Le retour d'Assad\n\nL'ancien président s'est réfugié à Moscou avec sa famille, selon l'agence.\n" >"$T/fr.txt"
printf '{"title": "Assad in Moscow", "lang": "en", "body": "Assad was seen in Moscow on Monday, a report says."}\n' >"$T/en.json"
cat >"$T/hostile.md" <<'A'
---
title: "</textarea><script>alert(1)</script> Assad \"><img src=x onerror=alert(2)>"
lang: en
---
Assad was seen <b>here</b>, the page says, far from Moscow.
A

# req ARGS...: curl, the status code in $CODE, headers in $T/h, body in $T/b.
req() {
	CODE=$(curl -s --max-time 20 -o "$T/b" -D "$T/h" -w '%{http_code}' "$@")
}
has() { grep -qF -- "$2" "$T/b" && ok || bad "$1: no '$2' in: $(head -c 1500 "$T/b")"; }
hasnt() { grep -qF -- "$2" "$T/b" && bad "$1: '$2' in: $(head -c 1500 "$T/b")" || ok; }
files_of() { grep -o '"file":"[^"]*"' "$1" | sed 's/"file":"\(.*\)"/\1/' | tr '\n' ' '; }
rules_of() { grep -o '"rule":{"id":"[^"]*"' "$1" | sed 's/.*"id":"\(.*\)"/\1/' | tr '\n' ' '; }
next_of() { sed -n 's/.*"next":"\([^"]*\)".*/\1/p' "$1"; }
post_json() { req -X POST -H 'Content-Type: application/json' --data-binary "$1" "$api/try"; }

write_conf
printf '[http]\nlisten = 127.0.0.1:0\n' >>"$T/hark.conf"
# start: harkd, and where it listens now (a new port each start)
start() {
	start_harkd
	URL=$(cut -d' ' -f1 "$T/state/harkd.http")
	api=${URL}api/v1
}
start
n=0
for f in fr.txt en.json hostile.md; do
	n=$((n + 1))
	ingest "$T/$f"
	wait_for "$LOG" "article a_" 20 "$n" || bad "$f stored"
done

# --- the form
req "${URL}try"
expect_eq "$CODE" 200 "GET /try"
has "the form" '<form id="try-form" method="post" action="/try">'
has "the textarea" '<textarea id="try-query" name="query"'
has "the button" '<button type="submit">'
has "Try in the nav bar, current" '<a href="/try" aria-current="page">Try</a>'
has "nothing tried: p.empty" '<p class="empty">'
hasnt "no diagnostics yet" 'try-diagnostics'
req "${URL}"
has "Try in the nav bar of /" '<a href="/try">Try</a>'

# --- a broken query: its place and message, on the page and in the API
req -G --data-urlencode 'query=Assad "al' "${URL}try"
expect_eq "$CODE" 200 "GET /try?query= broken"
has "the diagnostic as hark check says it" '<li class="diag error"><code dir="ltr">query:1:7: error: unclosed phrase'
has "the caret under the place" "$(printf 'Assad &quot;al\n      ^</pre>')"
has "the text kept in the form" '>Assad &quot;al</textarea>'
hasnt "no hits list" 'try-hits'
post_json '{"query": "Moscow OR\n  (Assad NEAR/2 \"al"}'
expect_eq "$CODE" 200 "POST /api/v1/try broken"
has "line and column of the second line" '{"line":2,"col":17,"severity":"error","message":"unclosed phrase (opened here)"}'
has "no hits" '"hits":[]'
# a warning: shown, and the query still runs
req -G --data-urlencode 'query=Moscou OR Assa~2' "${URL}try"
has "a warning" '<li class="diag warning"><code dir="ltr">query:1:11: warning: '
has "hits despite the warning" '<ol id="try-hits" class="hits">'

# --- a good query: the archive's articles, newest first, the matches marked
post_json '{"query": "Moscow OR Moscou"}'
expect_eq "$CODE" 200 "POST /api/v1/try"
expect_eq "$(files_of "$T/b")" "hostile.md en.json fr.txt " "its hits, newest first"
expect_eq "$(rules_of "$T/b")" "try try try " "the hits name the rule 'try'"
has "no diagnostics" '"diagnostics":[]'
has "hit objects as the CLI's" '"snippet":{"text":"L'"'"'ancien président s'"'"'est réfugié à Moscou avec sa famille, selon l'"'"'agence.","marks":[[35,41]]}'
req -X POST --data-urlencode 'query=Moscou' "${URL}try"
expect_eq "$CODE" 200 "POST /try (the form)"
has "the hits list" '<ol id="try-hits" class="hits">'
has "the hits page's item" '<li class="hit">'
has "the match marked in the snippet" '<mark>Moscou</mark>'
hasnt "one hit" 'en.json'
# a whole rule file, typed into the same box
req -X POST --data-urlencode "query=$(printf '# mine\n[rule m]\nquery = Moscow\n[rule n]\nquery = (Assad\n')" "${URL}try"
has "the rule file's diagnostic" 'rules:5:9: error: unclosed parenthesis'
post_json '{"rules": "[rule m]\nquery = Moscow\n[rule x]\nquery = Moscou\ntags = t\n"}'
expect_eq "$(rules_of "$T/b")" "m m x " "a rule file's hits name its rules"
post_json '{"rules": "[rule m]\nquery = @/etc/passwd\n"}'
has "no file of the server's read" '"severity":"error"'
has "no hits from it" '"hits":[]'

# --- hostile text escaped: the query typed, and the archive's titles
req -X POST --data-urlencode 'query=</textarea><script>alert(1)</script>"><img src=x onerror=alert(2)> OR Assad' "${URL}try"
expect_eq "$CODE" 200 "a hostile query"
hasnt "no script from the query or the title" '<script>'
hasnt "no closing textarea from them" '</textarea><script'
hasnt "no img element" '<img'
has "the textarea holds it escaped" '&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt; OR Assad</textarea>'

# --- unknown parameters and keys, methods, origins
req "${URL}try?querry=x"
expect_eq "$CODE" 400 "/try?querry="
req -X POST --data-urlencode 'query=x' --data-urlencode 'x=1' "${URL}try"
expect_eq "$CODE" 400 "an unknown field of the form"
post_json '{"query": "Assad", "limit": 5}'
expect_eq "$CODE" 400 "an unknown key"
has "the key named" "unknown key 'limit'"
post_json '{"query": "Assad", "rules": "[rule a]\nquery = b\n"}'
expect_eq "$CODE" 400 "query and rules"
post_json '{"query": 5}'
expect_eq "$CODE" 400 "query not a string"
post_json '["Assad"]'
expect_eq "$CODE" 400 "not an object"
req -X POST -H 'Content-Type: text/plain' --data-binary 'Assad' "$api/try"
expect_eq "$CODE" 415 "not JSON"
req "$api/try"
expect_eq "$CODE" 405 "GET /api/v1/try"
grep -qi '^Allow: POST' "$T/h" && ok || bad "Allow: POST"
req -X PUT "${URL}try"
expect_eq "$CODE" 405 "PUT /try"
req -X POST -H 'Origin: http://evil.example' -H 'Content-Type: application/json' \
	--data-binary '{"query": "Assad"}' "$api/try"
expect_eq "$CODE" 403 "another origin"
req -X POST -H 'Sec-Fetch-Site: cross-site' --data-urlencode 'query=Assad' "${URL}try"
expect_eq "$CODE" 403 "a cross-site form"
req -X POST -H "Origin: ${URL%/}" --data-urlencode 'query=Assad' "${URL}try"
expect_eq "$CODE" 200 "this server's own origin"

# --- q= on /api/v1/hits: the hits whose article matches
req "$api/hits?q=Moscow"
expect_eq "$CODE" 200 "q=Moscow"
expect_eq "$(files_of "$T/b")" "hostile.md en.json " "q=Moscow: the articles that say it"
req "$api/hits?q=Moscou"
expect_eq "$(files_of "$T/b") $(rules_of "$T/b")" "fr.txt fr.txt  moscou assad " "q=Moscou: both hits of fr.txt"
grep -qF '"next":null' "$T/b" && ok || bad "one page: $(cat "$T/b")"
hasnt "no cut" '"cut"'
req "$api/hits?q=Moscou&rule=assad"
expect_eq "$(rules_of "$T/b")" "assad " "q= and rule="
req "$api/hits?q=Moscou&lang=en"
expect_eq "$(files_of "$T/b")" "" "q= and lang="
req "$api/hits?q=Moscou%20OR%20Moscow&tag=syria"
expect_eq "$(files_of "$T/b")" "hostile.md en.json fr.txt " "q= and tag="
req -G --data-urlencode 'q=title:Assad' "$api/hits"
expect_eq "$(files_of "$T/b")" "hostile.md en.json fr.txt fr.txt " "q= with a field"
# paging: one a page, through every matching hit
paged='' cursor='' pages=0
while [ $pages -lt 10 ]; do
	if [ -n "$cursor" ]; then
		req -G --data-urlencode "before=$cursor" --data-urlencode q=Assad --data-urlencode limit=1 "$api/hits"
	else
		req "$api/hits?q=Assad&limit=1"
	fi
	expect_eq "$CODE" 200 "q= page $pages"
	pages=$((pages + 1))
	paged="$paged$(files_of "$T/b")"
	cursor=$(next_of "$T/b")
	[ -n "$cursor" ] || break
done
req "$api/hits?q=Assad"
expect_eq "$paged" "$(files_of "$T/b")" "q= paged one by one: the same hits"
expect_eq "$pages" 4 "four pages of one"
# a broken q=: 400 naming its place, on the API and the page
req -G --data-urlencode 'q=Assad AND (Moscou' "$api/hits"
expect_eq "$CODE" 400 "a broken q="
has "its diagnostic in one line" '{"error":"query:1:11: error: unclosed parenthesis (opened here)"}'
req -G --data-urlencode 'q=NOT Assad' "${URL}"
expect_eq "$CODE" 400 "a broken q= on /"
# --- q= on the page /
req "${URL}?q=Moscou"
expect_eq "$CODE" 200 "/?q=Moscou"
has "the French article" '<mark>Moscou</mark>'
hasnt "not the English one" 'Assad in Moscow'
has "the query kept in the form" 'name="q" dir="auto" value="Moscou"'
req "${URL}?q=Moscow&rule=assad&lang=en"
has "q= with rule= and lang= on /" 'Assad in Moscow'
hasnt "the French one filtered out" 'réfugié'
stop_harkd
expect_eq "$HSTATUS" 0 "exit status"

# --- a big archive: every article hit by one rule, each with a run that
# makes /(a+)+b/ backtrack to PCRE2's match limit (milliseconds an article)
awk 'BEGIN {
	srand(7)
	print "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>big</title>"
	for (i = 0; i < 1500; i++) {
		w = ""
		for (k = 0; k < 40; k++) w = w " w" int(rand() * 100000)
		a = ""
		for (k = 0; k < 40; k++) a = a "a"
		printf "<item><title>Report %d Assad</title><guid>g%d</guid>", i, i
		printf "<description>Assad %s %s! b item %d</description></item>\n", w, a, i
	}
	print "</channel></rss>"
}' >"$T/big.xml"
start
ingest "$T/big.xml"
wait_for "$LOG" "file=big.xml" 120 1500 || bad "the big archive stored: $(grep -c 'file=big.xml' "$LOG")"
stop_harkd

HARK_HTTP_WORK_TIMEOUT=0.05
export HARK_HTTP_WORK_TIMEOUT
start
req -G --data-urlencode 'q=/(a+)+b/' "$api/hits"
expect_eq "$CODE" 200 "a q= past the time limit"
has "it says it was cut" '"cut":{"reason":"time limit","searched_to":"'
cut_next=$(sed -n 's/.*"cut":{[^}]*"next":"\([^"]*\)".*/\1/p' "$T/b")
[ -n "$cut_next" ] && ok || bad "the cut names a cursor: $(cat "$T/b")"
expect_eq "$(next_of "$T/b" | head -1)" "$cut_next" "next reads on from the cut"
req -G --data-urlencode 'q=/(a+)+b/' --data-urlencode "before=$cut_next" "$api/hits"
expect_eq "$CODE" 200 "reading on from the cut"
has "cut again, further on" '"cut":{"reason":"time limit"'
req -G --data-urlencode 'q=/(a+)+b/' "${URL}"
has "the page says it was cut" '<p class="cut" role="status">The search stopped at its time limit (0.05 s)'
has "and offers to read on" 'rel="next"'
post_json '{"query": "/(a+)+b/"}'
has "a try cut" '"cut":{"reason":"time limit","searched_to":"'
req -X POST --data-urlencode 'query=/(a+)+b/' "${URL}try"
has "the try page says it was cut" '<p class="cut" role="status">'
stop_harkd
expect_eq "$HSTATUS" 0 "exit status"

# --- a longer limit: the loop stays free, the queue is bounded
HARK_HTTP_WORK_TIMEOUT=0.8
start
curl -s --max-time 20 -o "$T/slow.b" -X POST -H 'Content-Type: application/json' \
	--data-binary '{"query": "/(a+)+b/"}' "$api/try" &
slow=$!
sleep 0.3
t=$(curl -s --max-time 10 -o "$T/hz" -w '%{time_total}' "${URL}healthz")
expect_eq "$(cat "$T/hz")" "ok" "/healthz while a search runs"
note "/healthz in $t s while a search ran"
awk -v t="$t" 'BEGIN { exit !(t < 0.5) }' && ok || bad "/healthz took $t s while a search ran"
req "$api/hits?limit=1"
expect_eq "$CODE" 200 "a plain page while a search runs"
# one runs, HWORK_QUEUE (4) wait: the sixth is refused
pids=''
for i in 1 2 3 4 5 6; do
	curl -s --max-time 30 -o /dev/null -D "$T/q$i.h" -w '%{http_code}\n' -G \
		--data-urlencode 'q=/(a+)+b/' "$api/hits" >"$T/q$i.code" &
	pids="$pids $!"
done
wait $slow
for p in $pids; do wait "$p"; done
busy=$(cat "$T"/q*.code | grep -c 503)
[ "$busy" -ge 1 ] && ok || bad "a full queue answers 503: $(cat "$T"/q*.code | tr '\n' ' ')"
grep -qi '^Retry-After: 5' $(grep -l '503' "$T"/q*.h | head -1) && ok || bad "Retry-After with the 503"
# cut or not (an idle machine may search the 1,500 articles within the limit;
# the cut itself is checked above, at 0.05 s), it answers
grep -qF '"hits":[' "$T/slow.b" && ok || bad "the slow try answered: $(head -c 300 "$T/slow.b")"
# a client that leaves while its search runs
curl -s --max-time 0.3 -o /dev/null -G --data-urlencode 'q=/(a+)+b/' "$api/hits"
curl -s --max-time 0.3 -o /dev/null -X POST -H 'Content-Type: application/json' \
	--data-binary '{"query": "/(a+)+b/"}' "$api/try"
sleep 3.5
req "${URL}healthz"
expect_eq "$CODE" 200 "harkd answers after its clients left"
kill -0 "$HPID" && ok || bad "harkd still runs"
# stopping with a search running: at once, not at its time limit
curl -s --max-time 10 -o /dev/null -G --data-urlencode 'q=/(a+)+b/' "$api/hits" &
slow=$!
sleep 0.3
t0=$(date +%s.%N)
stop_harkd
t1=$(date +%s.%N)
wait $slow
expect_eq "$HSTATUS" 0 "exit status with a search running"
note "stopped in $(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }') s with a search running"
awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 2) }' && ok || bad "stopping took $(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }') s"

# --- with a token: a try needs it as every other route does
tok=$(head -c 48 /dev/urandom | od -An -tx1 | tr -d ' \n')
printf '%s\n' "$tok" >"$T/http.token"
chmod 600 "$T/http.token"
printf 'token_file = http.token\n' >>"$T/hark.conf"
start
post_json '{"query": "Moscou"}'
expect_eq "$CODE" 401 "POST /api/v1/try without the token"
req -X POST --data-urlencode 'query=Moscou' "${URL}try"
expect_eq "$CODE" 401 "POST /try without the token or a session"
req "${URL}try?query=Moscou"
expect_eq "$CODE" 303 "GET /try without the token: to the login"
req -X POST -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
	--data-binary '{"query": "Moscou"}' "$api/try"
expect_eq "$CODE" 200 "POST /api/v1/try with the token"
expect_eq "$(files_of "$T/b")" "fr.txt " "its hit"
req -H "Authorization: Bearer $tok" "$api/hits?q=Moscou&rule=moscou"
expect_eq "$(rules_of "$T/b")" "moscou " "q= with the token"
stop_harkd
expect_eq "$HSTATUS" 0 "exit status"
finish
