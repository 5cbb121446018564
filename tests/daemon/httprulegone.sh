#!/bin/sh
# /rules/ID of a rule no longer in force, over loopback with curl, on a real
# harkd: a rule removed from the rule files whose hits are still stored (the
# hits page links its hits there) answers 200, a page saying it is no
# longer in the rule files, a link to all its hits (/?rule=ID) and its
# latest hits; an id neither in force nor stored is 404, but a page in the
# site's layout (text/html, the navigation), not text/plain.
# Usage: httprulegone.sh HARK HARKD
. "$(dirname "$0")/lib.sh"
daemon_init "$@"
command -v curl >/dev/null 2>&1 || { echo "skip: no curl (contrib/install-deps)"; exit 77; }

rules() {
	printf '[rule assad]\nquery = Assad\n'
	[ "$1" = removed ] || printf '[rule geneve]\nname = Genève\nquery = Moscou\n'
}
rules >"$T/w.rules"
printf "Le retour d'Assad\n\nL'ancien président s'est réfugié à Moscou.\n" >"$T/fr.txt"

# req ARGS...: curl, the status code in $CODE, headers in $T/h, body in $T/b.
req() {
	CODE=$(curl -s --max-time 10 -o "$T/b" -D "$T/h" -w '%{http_code}' "$@")
}
has() { grep -qF -- "$2" "$T/b" && ok || bad "$1: no '$2' in: $(head -c 900 "$T/b")"; }
hasnt() { grep -qF -- "$2" "$T/b" && bad "$1: '$2' in: $(head -c 900 "$T/b")" || ok; }
html() {
	grep -qi '^Content-Type: text/html' "$T/h" && ok || bad "$1: not a page: $(cat "$T/h")"
	grep -qiF 'Content-Security-Policy:' "$T/h" && ok || bad "$1: no security headers"
	has "$1" '<nav><a class="brand" href="/">hark</a>'
}

write_conf
printf '[http]\nlisten = 127.0.0.1:0\n' >>"$T/hark.conf"
start_harkd
URL=$(cut -d' ' -f1 "$T/state/harkd.http")
ingest "$T/fr.txt"
wait_for "$LOG" "article a_" 20 && ok || bad "fr.txt stored"
wait_for "$LOG" "hit rule=geneve" 20 && ok || bad "geneve hit"

req "${URL}rules/geneve"
expect_eq "$CODE" 200 "/rules/geneve in force"
hasnt "/rules/geneve in force" 'no longer in the rule files'

# --- removed from the rule files: its page says so and lists its hits
rules removed >"$T/w.rules"
kill -HUP "$HPID"
wait_for "$LOG" "reloaded: rules 1," 20 && ok || bad "reloaded without geneve"
req "${URL}?rule=geneve"
expect_eq "$CODE" 200 "/?rule=geneve (removed, hits stored)"
has "the hits page links the rule's page" 'href="/rules/geneve"'
req "${URL}rules/geneve"
expect_eq "$CODE" 200 "/rules/geneve (removed, hits stored)"
html "/rules/geneve (removed)"
has "/rules/geneve (removed)" '<h1 dir="auto">geneve</h1>'
has "/rules/geneve (removed)" 'This rule is no longer in the rule files'
has "/rules/geneve (removed): a link to its hits" '<a href="/?rule=geneve">all its hits</a>'
has "/rules/geneve (removed): its hits" '<mark>Moscou</mark>'
hasnt "/rules/geneve (removed): no mute form" 'action="/rules/geneve/mute"'

# --- an id nobody knows: 404, a page of the site
req "${URL}rules/nosuch"
expect_eq "$CODE" 404 "/rules/nosuch"
html "/rules/nosuch"
has "/rules/nosuch" '<h1>Not found</h1>'
has "/rules/nosuch" "no rule &#39;nosuch&#39; is defined"
req "${URL}rules/%3Cb%3Ex"
expect_eq "$CODE" 404 "/rules/<b>x"
hasnt "/rules/<b>x escaped" '<b>x'
# the API and a rule in force are unchanged
# the path is read decoded (RFC 3986: %65 is e): the same page, and the
# decoded id is what the 404 names, escaped
req "${URL}rules/g%65n%65ve"
expect_eq "$CODE" 200 "/rules/g%65n%65ve is /rules/geneve"
has "/rules/g%65n%65ve" 'This rule is no longer in the rule files'
req "${URL}rules/%3Cb%3Ex"
has "/rules/%3Cb%3Ex names the decoded id, escaped" "no rule &#39;&lt;b&gt;x&#39;"
req "${URL}rules/a%00b"
expect_eq "$CODE" 400 "a NUL byte in the path"
req "${URL}rules/assad"
expect_eq "$CODE" 200 "/rules/assad"
has "/rules/assad" 'action="/rules/assad/mute"'

stop_harkd
expect_eq "$HSTATUS" 0 "exit status"
finish
