#!/bin/sh
# The hits page "/" with filters that do not parse, over loopback with curl,
# on a real harkd: a broken q= (compiled on the worker), a date that is no
# date, a bad lang: 400, but a page in the site's layout that says why
# above the form (with a caret under q's place), the form keeping every
# field as typed (escaped), no hit listed, as /try does. The JSON API keeps
# its 400 {"error"}.
# Usage: httpbadform.sh HARK HARKD
. "$(dirname "$0")/lib.sh"
daemon_init "$@"
command -v curl >/dev/null 2>&1 || { echo "skip: no curl (contrib/install-deps)"; exit 77; }

printf '[rule assad]\nquery = Assad\n' >"$T/w.rules"
printf "Le retour d'Assad\n\nL'ancien président s'est réfugié à Moscou.\n" >"$T/fr.txt"

# req ARGS...: curl, the status code in $CODE, headers in $T/h, body in $T/b.
req() {
	CODE=$(curl -s --max-time 10 -o "$T/b" -D "$T/h" -w '%{http_code}' "$@")
}
has() { grep -qF -- "$2" "$T/b" && ok || bad "$1: no '$2' in: $(head -c 900 "$T/b")"; }
hasnt() { grep -qF -- "$2" "$T/b" && bad "$1: '$2' in: $(head -c 900 "$T/b")" || ok; }
page() {
	grep -qi '^Content-Type: text/html' "$T/h" && ok || bad "$1: not a page: $(cat "$T/h")"
	grep -qiF 'Content-Security-Policy:' "$T/h" && ok || bad "$1: no security headers"
	has "$1" '<form class="filters" method="get" action="/">'
	has "$1" '<div class="error filters-error" role="alert">'
	hasnt "$1" 'No hits.'
	hasnt "$1" '<mark>Assad</mark>'
}

write_conf
printf '[http]\nlisten = 127.0.0.1:0\n' >>"$T/hark.conf"
start_harkd
URL=$(cut -d' ' -f1 "$T/state/harkd.http")
api=${URL}api/v1
ingest "$T/fr.txt"
wait_for "$LOG" "article a_" 20 && ok || bad "fr.txt stored"

# --- a broken q=: its diagnostic and a caret, every field kept
req "${URL}?q=%22broken&source=drop&since=7d"
expect_eq "$CODE" 400 "/?q=\"broken"
page "/?q=\"broken"
has "the diagnostic" '<code dir="ltr">query:1:1: error: unclosed phrase'
has "the caret under q" '<pre class="caret">&quot;broken
^</pre>'
has "q kept" 'name="q" dir="auto" value="&quot;broken"'
has "source kept" 'name="source" dir="auto" value="drop"'
has "since kept" 'name="since" dir="auto" value="7d"'
req -G --data-urlencode 'q=Assad AND (Moscou' "$URL"
expect_eq "$CODE" 400 "/?q=Assad AND (Moscou"
has "its place" 'query:1:11: error: unclosed parenthesis'
has "the caret at column 11" '<pre class="caret">Assad AND (Moscou
          ^</pre>'

# --- a date that is no date: said, the fields after it kept too
req "${URL}?since=yesterday&until=1d&q=Assad&lang=fr"
expect_eq "$CODE" 400 "/?since=yesterday"
page "/?since=yesterday"
has "the cause" "since: &#39;yesterday&#39; is not"
has "since kept" 'name="since" dir="auto" value="yesterday"'
has "until kept" 'name="until" dir="auto" value="1d"'
has "q kept" 'name="q" dir="auto" value="Assad"'
has "lang kept" 'name="lang" dir="auto" value="fr"'
hasnt "no caret without q's place" '<pre class="caret">'
req "${URL}?lang=french"
expect_eq "$CODE" 400 "/?lang=french"
page "/?lang=french"
has "the lang's cause" "lang: &#39;french&#39; is not an ISO 639-1 code"

# --- what was typed is stranger text: escaped in the error and the form
req -G --data-urlencode 'since=<script>x</script>' --data-urlencode 'q="<b>' "$URL"
expect_eq "$CODE" 400 "/?since=<script>"
hasnt "escaped" '<script>x'
hasnt "escaped q" '"<b>'
has "escaped in the form" 'value="&lt;script&gt;x&lt;/script&gt;"'

# --- the API keeps its JSON error
req "$api/hits?q=%22broken"
expect_eq "$CODE" 400 "/api/v1/hits?q=\"broken"
grep -qi '^Content-Type: application/json' "$T/h" && ok || bad "the API's 400 is JSON"
has "/api/v1/hits?q=\"broken" '{"error":"query:1:1: error: unclosed phrase'
req "$api/hits?since=yesterday"
expect_eq "$CODE" 400 "/api/v1/hits?since=yesterday"
has "/api/v1/hits?since=yesterday" '{"error":"since: '

# --- and good filters still list the hits
req "${URL}?q=Moscou"
expect_eq "$CODE" 200 "/?q=Moscou"
hasnt "/?q=Moscou" 'filters-error'
has "/?q=Moscou" '<mark>Assad</mark>'

stop_harkd
expect_eq "$HSTATUS" 0 "exit status"
finish
