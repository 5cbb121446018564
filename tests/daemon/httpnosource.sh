#!/bin/sh
# source= and lang= that name nothing, on a real harkd over loopback and in
# hark hits, as rule= and tag= are: a source no configured feed, drop, api
# nor stored hit has is 404 on the page (said, escaped, the form kept) and
# the API, exit 2 in hark hits; a malformed source and a language code no
# document is in (xx) are 400 / exit 2. Before, all of them answered 200
# with no hits, passing a typo off as a quiet feed.
# Usage: httpnosource.sh HARK HARKD
. "$(dirname "$0")/lib.sh"
daemon_init "$@"
command -v curl >/dev/null 2>&1 || { echo "skip: no curl (contrib/install-deps)"; exit 77; }

printf '[rule assad]\nquery = Assad\n' >"$T/w.rules"
printf "Le retour d'Assad\n\nL'ancien président s'est réfugié à Moscou.\n" >"$T/fr.txt"
req() {
	CODE=$(curl -s --max-time 10 -o "$T/b" -D "$T/h" -w '%{http_code}' "$@")
}
has() { grep -qF -- "$2" "$T/b" && ok || bad "$1: no '$2' in: $(head -c 600 "$T/b")"; }
hasnt() { grep -qF -- "$2" "$T/b" && bad "$1: '$2' in: $(head -c 600 "$T/b")" || ok; }

write_conf
printf '[feed world]\nurl = http://127.0.0.1:9/rss\ninterval = 1h\nallow_private = yes\n' >>"$T/hark.conf"
printf '[http]\nlisten = 127.0.0.1:0\n' >>"$T/hark.conf"
start_harkd
URL=$(cut -d' ' -f1 "$T/state/harkd.http")
api=${URL}api/v1
ingest "$T/fr.txt"
wait_for "$LOG" "article a_" 20 && ok || bad "fr.txt stored"

# --- hark hits
hk hits --source nosuch
expect_eq "$?" 2 "hark hits --source nosuch"
expect_eq "$(cat "$T/err")" "hark: hits: no such source: 'nosuch' (not a configured feed, drop or api, and no hit stored has it)" \
	"hark hits --source nosuch: stderr"
hk hits --source 'a b'
expect_eq "$?" 2 "hark hits --source 'a b'"
grep -qF "hark: hits: --source: 'a b' is not a source's name" "$T/err" && ok ||
	bad "hark hits --source 'a b': $(cat "$T/err")"
hk hits --source drop
expect_eq "$?" 0 "hark hits --source drop"
grep -qF "assad" "$T/out" && ok || bad "hark hits --source drop: the hit: $(cat "$T/out")"
hk hits --source world # a configured feed without hits yet: a source, no hit
expect_eq "$?" 0 "hark hits --source world ($(cat "$T/err"))"
hk hits --lang xx
expect_eq "$?" 2 "hark hits --lang xx"

# --- the API
req "$api/hits?source=nosuch"
expect_eq "$CODE" 404 "/api/v1/hits?source=nosuch"
has "/api/v1/hits?source=nosuch" '{"error":"no such source: '"'"'nosuch'"'"' (not a configured feed, drop or api, and no hit stored has it)"}'
req -G --data-urlencode 'source=<b>' "$api/hits"
expect_eq "$CODE" 400 "/api/v1/hits?source=<b>"
has "/api/v1/hits?source=<b>" "is not a source's name"
req "$api/hits?source=drop"
expect_eq "$CODE" 200 "/api/v1/hits?source=drop"
has "/api/v1/hits?source=drop" '"rule":{"id":"assad"'
req "$api/hits?source=world"
expect_eq "$CODE" 200 "/api/v1/hits?source=world"
req "$api/hits?lang=xx"
expect_eq "$CODE" 400 "/api/v1/hits?lang=xx"
has "/api/v1/hits?lang=xx" "{\"error\":\"lang: 'xx' is not an ISO 639-1 language code\"}"
req "$api/hits?lang=jp"
expect_eq "$CODE" 400 "/api/v1/hits?lang=jp"
has "/api/v1/hits?lang=jp" "(Japanese is 'ja')"
req "$api/hits?lang=fr"
expect_eq "$CODE" 200 "/api/v1/hits?lang=fr"
has "/api/v1/hits?lang=fr" '"rule":{"id":"assad"'

# --- the page
req "${URL}?source=nosuch"
expect_eq "$CODE" 404 "/?source=nosuch"
grep -qi '^Content-Type: text/html' "$T/h" && ok || bad "the 404 is a page: $(cat "$T/h")"
has "/?source=nosuch" 'no such source: <span dir="auto">nosuch</span>'
has "/?source=nosuch: the form" 'name="source" dir="auto" value="nosuch"'
req -G --data-urlencode 'source=<script>x</script>' "$URL"
expect_eq "$CODE" 400 "/?source=<script>"
hasnt "/?source=<script>" '<script>x'
req "${URL}?source=nosuch&q=Assad" # q= runs on the worker: the source is checked before
expect_eq "$CODE" 404 "/?source=nosuch&q="
req "${URL}?lang=xx"
expect_eq "$CODE" 400 "/?lang=xx"
has "/?lang=xx" "is not an ISO 639-1 language code"
req "${URL}?source=drop"
expect_eq "$CODE" 200 "/?source=drop"
has "/?source=drop" "Assad"

stop_harkd
finish
