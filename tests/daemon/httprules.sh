#!/bin/sh
# The routes of the rules over loopback, with curl, on what a real harkd
# stored: GET /api/v1/rules (every rule in force with its query as written,
# its counts from the store, zeros and last_hit null for a rule without a
# hit, a disabled rule listed too); the page /rules (every rule, its
# counts, its chart, links to its page and its hits; a hostile name and
# query escaped); /rules/ID with the
# rule's hits; 404 for an unknown rule, 400 for any parameter, 405 for POST;
# a GET of /rules/ID/mute or /unmute (the page's forms) 405 with Allow: POST.
# Usage: httprules.sh HARK HARKD
. "$(dirname "$0")/lib.sh"
daemon_init "$@"
command -v curl >/dev/null 2>&1 || { echo "skip: no curl (contrib/install-deps)"; exit 77; }

cat >"$T/w.rules" <<'R'
[rule hit2]
name = Two hits
query = Volcano
tags = geo nature
lang = en
notify = none

[rule nohit]
query = Zanzibar

[rule off]
query = Volcano
enabled = no

[rule evil]
name = <script>alert(1)</script> "evil"
query = "lava flow"
  OR "<script>x</script>"
R
printf 'Volcano erupts\n\nThe lava flow reached the village on Monday.\n' >"$T/a.txt"
printf 'Volcano calm\n\nNothing new on the island today.\n' >"$T/b.txt"

# req ARGS...: curl, the status code in $CODE, headers in $T/h, body in $T/b.
req() {
	CODE=$(curl -s --max-time 10 -o "$T/b" -D "$T/h" -w '%{http_code}' "$@")
}
# rule_obj ID: the object of rule ID in $T/b (the API's compact JSON), on one line.
rule_obj() { sed 's/{"id":/\n{"id":/g' "$T/b" | grep -F "{\"id\":\"$1\","; }
has() { grep -qF -- "$2" "$T/b" && ok || bad "$1: no '$2' in: $(head -c 3000 "$T/b")"; }
# in_obj WHAT OBJ STRING: OBJ holds STRING, as it is (no pattern: JSON has backslashes).
in_obj() { printf '%s\n' "$2" | grep -qF -- "$3" && ok || bad "$1: no $3 in $2"; }
hasnt() { grep -qF -- "$2" "$T/b" && bad "$1: '$2' in: $(head -c 3000 "$T/b")" || ok; }

write_conf
printf '[http]\nlisten = 127.0.0.1:0\n' >>"$T/hark.conf"
start_harkd
URL=$(cut -d' ' -f1 "$T/state/harkd.http")
api=${URL}api/v1
n=0
for f in a.txt b.txt; do
	n=$((n + 1))
	ingest "$T/$f"
	wait_for "$LOG" "article a_" 20 "$n" || bad "$f stored"
done
# 3 hits: hit2 twice, evil once
req "$api/hits"
expect_eq "$(grep -o '"rule":{"id":"[^"]*"' "$T/b" | sort | tr '\n' ' ')" \
	'"rule":{"id":"evil" "rule":{"id":"hit2" "rule":{"id":"hit2" ' "the hits stored"

# --- GET /api/v1/rules
req "$api/rules"
expect_eq "$CODE" 200 "GET /api/v1/rules"
grep -qi '^Content-Type: application/json' "$T/h" && ok || bad "JSON content type: $(cat "$T/h")"
grep -qiF 'X-Content-Type-Options: nosniff' "$T/h" && ok || bad "security headers"
has "the list" '{"rules":[{"id":"hit2",'
expect_eq "$(grep -o '{"id":"[^"]*"' "$T/b" | tr '\n' ' ')" \
	'{"id":"hit2" {"id":"nohit" {"id":"evil" {"id":"off" ' \
	"every rule, in the rule file's order, then the disabled ones"
o=$(rule_obj hit2)
for f in '"name":"Two hits"' '"tags":["geo","nature"]' '"query":"Volcano"' '"lang":["en"]' \
	'"enabled":true' '"notify":["none"]' '"hits_24h":2' '"hits_7d":2' '"hits_30d":2' \
	'"last_hit":"20'; do
	in_obj "hit2" "$o" "$f"
done
case $o in *'"hits_per_day":[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,2]'*) ok ;;
*) bad "hit2: hits_per_day, the oldest first: $o" ;; esac
o=$(rule_obj nohit)
for f in '"name":"nohit"' '"tags":[]' '"query":"Zanzibar"' '"lang":[]' '"notify":[]' \
	'"hits_24h":0' '"hits_7d":0' '"hits_30d":0' '"last_hit":null'; do
	in_obj "nohit" "$o" "$f"
done
in_obj "hit2" "$(rule_obj hit2)" '"enabled":true'
o=$(rule_obj off)
for f in '"query":"Volcano"' '"enabled":false' '"hits_24h":0' '"last_hit":null'; do
	in_obj "off" "$o" "$f"
done
o=$(rule_obj evil)
for f in '"name":"<script>alert(1)</script> \"evil\""' \
	'"query":"\"lava flow\"\nOR \"<script>x</script>\""' '"hits_24h":1' '"hits_7d":1'; do
	in_obj "evil" "$o" "$f"
done
req "$api/rules?id=hit2"
expect_eq "$CODE" 400 "/api/v1/rules with a parameter"
has "the error names it" '{"error":"unknown parameter '"'"'id'"'"'"}'
req -X POST "$api/rules"
expect_eq "$CODE" 405 "POST /api/v1/rules"

# --- the page /rules
req "${URL}rules"
expect_eq "$CODE" 200 "GET /rules"
grep -qi '^Content-Type: text/html' "$T/h" && ok || bad "HTML content type: $(cat "$T/h")"
grep -qiF "Content-Security-Policy: default-src 'none'" "$T/h" && ok || bad "CSP: $(cat "$T/h")"
expect_eq "$(grep -o '<section class="rule">' "$T/b" | wc -l | tr -d ' ')" 4 "/rules: every rule"
expect_eq "$(grep -o '<svg class="chart" role="img"' "$T/b" | wc -l | tr -d ' ')" 4 \
	"/rules: a chart each"
for id in hit2 nohit evil off; do
	has "/rules: $id's page" "<a href=\"/rules/$id\" dir=\"auto\">"
	has "/rules: $id's hits" "<a href=\"/?rule=$id\">"
done
has "/rules: a count" '<tr><th scope="row">Hits, 24 h</th><td>2</td></tr>'
has "/rules: a count" '<tr><th scope="row">Hits, 7 days</th><td>1</td></tr>'
has "/rules: no hit" '<tr><th scope="row">Last hit</th><td>never</td></tr>'
has "/rules: a disabled rule" '<tr><th scope="row">Enabled</th><td>no</td></tr>'
has "/rules: the query" '<code class="query" dir="auto">Volcano</code>'
has "/rules: the tags" '<a class="tag" href="/?tag=geo" dir="auto">geo</a>'
has "/rules: the chart's total" 'aria-label="Hits per day over the last 30 days: 2 in all'
has "/rules: the hostile name escaped" '&lt;script&gt;alert(1)&lt;/script&gt; &quot;evil&quot;'
has "/rules: the hostile query escaped" \
	'<code class="query" dir="auto">&quot;lava flow&quot;'
hasnt "/rules: no script element" '<script'
req "${URL}rules?x=1"
expect_eq "$CODE" 400 "/rules with a parameter"

# --- /rules/ID
req "${URL}rules/hit2"
expect_eq "$CODE" 200 "GET /rules/hit2"
expect_eq "$(grep -o '<li class="hit">' "$T/b" | wc -l | tr -d ' ')" 2 "/rules/hit2: its 2 hits"
has "/rules/hit2: its name" '<h1 dir="auto">Two hits</h1>'
has "/rules/hit2: its chart" '<svg class="chart" role="img"'
has "/rules/hit2: an article" 'Volcano calm'
has "/rules/hit2: the other" 'Volcano erupts'
req "${URL}rules/evil"
expect_eq "$(grep -o '<li class="hit">' "$T/b" | wc -l | tr -d ' ')" 1 "/rules/evil: its hit"
hasnt "/rules/evil: no script element" '<script'
has "/rules/evil: the title escaped" '<title>&lt;script&gt;alert(1)&lt;/script&gt;'
req "${URL}rules/nohit"
expect_eq "$CODE" 200 "GET /rules/nohit"
has "/rules/nohit: no hits" '<p class="empty">No hits.</p>'
req "${URL}rules/nosuch"
expect_eq "$CODE" 404 "/rules/nosuch"
has "/rules/nosuch: the cause" "no rule &#39;nosuch&#39; is defined"
grep -qi '^Content-Type: text/html' "$T/h" && ok || bad "/rules/nosuch: a page, not text"
req "${URL}rules/off"
expect_eq "$CODE" 200 "GET /rules/off, a disabled rule"
req "${URL}rules/"
expect_eq "$CODE" 404 "/rules/ with no id"
req "${URL}rules/hit2?before=x"
expect_eq "$CODE" 400 "/rules/ID with a parameter"
req -X POST "${URL}rules"
expect_eq "$CODE" 405 "POST /rules"
# the addresses of a rule's mute forms are POST only: a GET is 405 with
# Allow: POST (as /deliveries/ID/retry and the API's mute), not "no rule"
for a in mute unmute; do
	req "${URL}rules/hit2/$a"
	expect_eq "$CODE" 405 "GET /rules/hit2/$a: $(cat "$T/b")"
	grep -qi '^Allow: POST' "$T/h" && ok || bad "GET /rules/hit2/$a: no Allow: POST in $(cat "$T/h")"
	has "GET /rules/hit2/$a" "/rules/hit2/$a changes a rule's mute: POST only"
	grep -qiF 'X-Content-Type-Options: nosniff' "$T/h" && ok || bad "GET /rules/hit2/$a: headers"
done
req -I "${URL}rules/hit2/mute"
expect_eq "$CODE" 405 "HEAD /rules/hit2/mute"
req "${URL}rules/nosuch/mute"
expect_eq "$CODE" 405 "GET /rules/nosuch/mute (the method first, as the API)"
req "${URL}rules/hit2/other"
expect_eq "$CODE" 404 "GET /rules/hit2/other"

stop_harkd
expect_eq "$HSTATUS" 0 "SIGTERM"
finish
