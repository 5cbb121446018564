#!/bin/sh
# tag= that no rule in force has, over loopback with curl, on a real harkd:
# the page / answers 404 saying "no such tag: TAG" (escaped, the filter
# form kept), GET /api/v1/hits 404 with {"error": ...}, /hits.atom 404, as
# hark hits --tag refuses it, a disabled rule's tag too (its hits are not
# read by tag). A tag of a rule in force without hits is a tag: 200.
# Usage: httpnotag.sh HARK HARKD
. "$(dirname "$0")/lib.sh"
daemon_init "$@"
command -v curl >/dev/null 2>&1 || { echo "skip: no curl (contrib/install-deps)"; exit 77; }

printf '[rule assad]\nquery = Assad\ntags = syrie, monde\n' >"$T/w.rules"
printf '[rule quiet]\nquery = "Nobody Here"\ntags = calme\n' >>"$T/w.rules"
printf '[rule off]\nquery = Assad\nenabled = no\ntags = eteint\n' >>"$T/w.rules"
printf "Le retour d'Assad\n\nL'ancien président s'est réfugié à Moscou.\n" >"$T/fr.txt"

# req ARGS...: curl, the status code in $CODE, headers in $T/h, body in $T/b.
req() {
	CODE=$(curl -s --max-time 10 -o "$T/b" -D "$T/h" -w '%{http_code}' "$@")
}
has() { grep -qF -- "$2" "$T/b" && ok || bad "$1: no '$2' in: $(head -c 600 "$T/b")"; }
hasnt() { grep -qF -- "$2" "$T/b" && bad "$1: '$2' in: $(head -c 600 "$T/b")" || ok; }

write_conf
printf '[http]\nlisten = 127.0.0.1:0\n' >>"$T/hark.conf"
start_harkd
URL=$(cut -d' ' -f1 "$T/state/harkd.http")
api=${URL}api/v1
ingest "$T/fr.txt"
wait_for "$LOG" "article a_" 20 && ok || bad "fr.txt stored"

# --- the CLI's answer, which the HTTP answers follow
hk hits --tag nope
expect_eq "$?" 2 "hark hits --tag nope"
grep -qF "no configured rule has this tag" "$T/err" && ok || bad "hark hits --tag nope: $(cat "$T/err")"

# --- the page: 404, said, escaped, the form kept with the tag to correct
req "${URL}?tag=nope"
expect_eq "$CODE" 404 "/?tag=nope"
grep -qi '^Content-Type: text/html' "$T/h" && ok || bad "the 404 is a page: $(cat "$T/h")"
has "/?tag=nope" 'no such tag: <span dir="auto">nope</span>'
has "/?tag=nope: the form" 'name="tag" dir="auto" value="nope"'
hasnt "/?tag=nope" 'No hits.'
req -G --data-urlencode 'tag=<script>x</script>' "$URL"
expect_eq "$CODE" 404 "/?tag=<script>"
has "/?tag=<script>" 'no such tag: <span dir="auto">&lt;script&gt;x&lt;/script&gt;</span>'
hasnt "/?tag=<script>" '<script>x'
req "${URL}?tag=nope&q=Assad" # q= runs on the worker: the tag is checked before
expect_eq "$CODE" 404 "/?tag=nope&q="
has "/?tag=nope&q=" 'no such tag: <span dir="auto">nope</span>'

# --- the API and the feed
req "$api/hits?tag=nope"
expect_eq "$CODE" 404 "/api/v1/hits?tag=nope"
grep -qi '^Content-Type: application/json' "$T/h" && ok || bad "the API's 404 is JSON"
has "/api/v1/hits?tag=nope" '{"error":"no such tag: '"'"'nope'"'"' (no rule in force has it)"}'
req "${URL}hits.atom?tag=nope"
expect_eq "$CODE" 404 "/hits.atom?tag=nope"
has "/hits.atom?tag=nope" "no such tag: 'nope'"

# --- tags of rules: with hits, without, disabled: 200
req "${URL}?tag=monde"
expect_eq "$CODE" 200 "/?tag=monde"
has "/?tag=monde" 'Le retour d'
for t in calme; do
	req "${URL}?tag=$t"
	expect_eq "$CODE" 200 "/?tag=$t (a rule without hits)"
	has "/?tag=$t" 'No hits.'
	req "$api/hits?tag=$t"
	expect_eq "$CODE" 200 "/api/v1/hits?tag=$t"
	req "${URL}hits.atom?tag=$t"
	expect_eq "$CODE" 200 "/hits.atom?tag=$t"
done
# a disabled rule's tag: as the CLI, no such tag
hk hits --tag eteint
expect_eq "$?" 2 "hark hits --tag eteint (a disabled rule's)"
req "${URL}?tag=eteint"
expect_eq "$CODE" 404 "/?tag=eteint (a disabled rule's)"
# a tag with rule=: an empty intersection is an answer
req "$api/hits?tag=calme&rule=assad"
expect_eq "$CODE" 200 "/api/v1/hits?tag=calme&rule=assad"

stop_harkd
expect_eq "$HSTATUS" 0 "exit status"
finish
