#!/bin/sh
# rule= that names no rule, over loopback with curl, on a real harkd: the
# page / answers 404 saying "no such rule: ID" (escaped, the filter form
# kept), GET /api/v1/hits 404 with {"error": ...}, /hits.atom 404, as
# hark hits --rule says "no such rule". A rule in force without hits, a
# disabled one, and a rule removed from the rule files whose hits are
# still stored are rules: 200 (the removed one's hits listed).
# Usage: httpnorule.sh HARK HARKD
. "$(dirname "$0")/lib.sh"
daemon_init "$@"
command -v curl >/dev/null 2>&1 || { echo "skip: no curl (contrib/install-deps)"; exit 77; }

rules() {
	printf '[rule assad]\nquery = Assad\n[rule quiet]\nquery = "Nobody Here"\n'
	printf '[rule off]\nquery = Assad\nenabled = no\n'
	[ "$1" = removed ] || printf '[rule moscou]\nquery = Moscou\n'
}
rules >"$T/w.rules"
printf "Le retour d'Assad\n\nL'ancien président s'est réfugié à Moscou avec sa famille.\n" >"$T/fr.txt"

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
hk hits --rule nosuch
expect_eq "$?" 2 "hark hits --rule nosuch"
grep -qF "no such rule" "$T/err" && ok || bad "hark hits --rule nosuch: $(cat "$T/err")"

# --- the page: 404, said, escaped, the form kept with the id to correct
req "${URL}?rule=nosuch"
expect_eq "$CODE" 404 "/?rule=nosuch"
grep -qi '^Content-Type: text/html' "$T/h" && ok || bad "the 404 is a page: $(cat "$T/h")"
grep -qiF 'Content-Security-Policy:' "$T/h" && ok || bad "the 404 page has the security headers"
has "/?rule=nosuch" 'no such rule: <span dir="auto">nosuch</span>'
has "/?rule=nosuch: the form" 'name="rule" dir="auto" value="nosuch"'
hasnt "/?rule=nosuch" 'No hits.'
req -G --data-urlencode 'rule=<script>x</script>' "$URL"
expect_eq "$CODE" 404 "/?rule=<script>"
has "/?rule=<script>" 'no such rule: <span dir="auto">&lt;script&gt;x&lt;/script&gt;</span>'
hasnt "/?rule=<script>" '<script>x'
req "${URL}?rule=nosuch&q=Assad" # q= runs on the worker: the id is checked before
expect_eq "$CODE" 404 "/?rule=nosuch&q="
has "/?rule=nosuch&q=" 'no such rule: <span dir="auto">nosuch</span>'

# --- the API and the feed
req "$api/hits?rule=nosuch"
expect_eq "$CODE" 404 "/api/v1/hits?rule=nosuch"
grep -qi '^Content-Type: application/json' "$T/h" && ok || bad "the API's 404 is JSON"
has "/api/v1/hits?rule=nosuch" '{"error":"no such rule: '"'"'nosuch'"'"' (not in the rules in force, and no hit stored has it)"}'
req "$api/hits?rule=assad&rule=nosuch"
expect_eq "$CODE" 404 "/api/v1/hits?rule=assad&rule=nosuch"
req "$api/hits?rule=nosuch&q=Assad"
expect_eq "$CODE" 404 "/api/v1/hits?rule=nosuch&q="
req "${URL}hits.atom?rule=nosuch"
expect_eq "$CODE" 404 "/hits.atom?rule=nosuch"
has "/hits.atom?rule=nosuch" "no such rule: 'nosuch'"

# --- rules: with hits, without (in force, disabled): 200
req "${URL}?rule=assad"
expect_eq "$CODE" 200 "/?rule=assad"
hasnt "/?rule=assad" 'no such rule'
for r in quiet off; do
	req "${URL}?rule=$r"
	expect_eq "$CODE" 200 "/?rule=$r (a rule without hits)"
	has "/?rule=$r" 'No hits.'
	req "$api/hits?rule=$r"
	expect_eq "$CODE" 200 "/api/v1/hits?rule=$r"
	req "${URL}hits.atom?rule=$r"
	expect_eq "$CODE" 200 "/hits.atom?rule=$r"
done

# --- a rule removed from the rule files: its stored hits stay readable
rules removed >"$T/w.rules"
kill -HUP "$HPID"
wait_for "$LOG" "reloaded: rules 2," 20 && ok || bad "reloaded without moscou"
req "${URL}?rule=moscou"
expect_eq "$CODE" 200 "/?rule=moscou (removed, hits stored)"
hasnt "/?rule=moscou" 'no such rule'
has "/?rule=moscou" 'Le retour d'
req "$api/hits?rule=moscou"
expect_eq "$CODE" 200 "/api/v1/hits?rule=moscou (removed, hits stored)"
has "/api/v1/hits?rule=moscou" '"file":"fr.txt"'
req "${URL}hits.atom?rule=moscou"
expect_eq "$CODE" 200 "/hits.atom?rule=moscou (removed, hits stored)"
req "${URL}?rule=nosuch"
expect_eq "$CODE" 404 "/?rule=nosuch after the reload"

stop_harkd
expect_eq "$HSTATUS" 0 "exit status"
finish
