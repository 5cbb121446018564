#!/bin/sh
# The filters of the hits, over loopback with curl, on a real harkd with a
# base_url, as HTTP.md has them: the page / and GET /api/v1/hits combine
# rule= and tag= (an empty intersection is an answer: 200); a feed is of
# one rule or one tag (/hits.atom, ?rule=ID, ?tag=TAG): rule= and tag=
# together, or rule= twice, are 400 naming the cause. Each feed is titled
# by its filter ("hark: hits of rule 'ID'", "hark: hits tagged 'TAG'") and
# its rel=alternate is the page / of the same filters under base_url, so
# a reader tells two subscriptions apart. Entry ids stay urn:uuid.
# Usage: feedfilter.sh HARK HARKD
. "$(dirname "$0")/lib.sh"
daemon_init "$@"
command -v curl >/dev/null 2>&1 || { echo "skip: no curl (contrib/install-deps)"; exit 77; }

printf '[rule assad]\nquery = Assad\ntags = syrie, monde\n' >"$T/w.rules"
printf '[rule quiet]\nquery = "Nobody Here"\ntags = calme\n' >>"$T/w.rules"
printf "Le retour d'Assad\n\nL'ancien président s'est réfugié à Moscou.\n" >"$T/fr.txt"

# req ARGS...: curl, the status code in $CODE, headers in $T/h, body in $T/b.
req() {
	CODE=$(curl -s --max-time 10 -o "$T/b" -D "$T/h" -w '%{http_code}' "$@")
}
has() { grep -qF -- "$2" "$T/b" && ok || bad "$1: no '$2' in: $(head -c 900 "$T/b")"; }
hasnt() { grep -qF -- "$2" "$T/b" && bad "$1: '$2' in: $(head -c 900 "$T/b")" || ok; }

B=https://hark.example.org/
write_conf
printf '[http]\nlisten = 127.0.0.1:0\nbase_url = %s\n' "$B" >>"$T/hark.conf"
start_harkd
URL=$(cut -d' ' -f1 "$T/state/harkd.http")
api=${URL}api/v1
ingest "$T/fr.txt"
wait_for "$LOG" "article a_" 20 && ok || bad "fr.txt stored"

# --- the page and the API: rule= and tag= combine
req "${URL}?rule=assad&tag=calme"
expect_eq "$CODE" 200 "/?rule=assad&tag=calme"
has "/?rule=assad&tag=calme" 'No hits.'
req "${URL}?rule=assad&tag=monde"
expect_eq "$CODE" 200 "/?rule=assad&tag=monde"
has "/?rule=assad&tag=monde" 'Le retour d'
req "$api/hits?rule=assad&tag=calme"
expect_eq "$CODE" 200 "/api/v1/hits?rule=assad&tag=calme"
has "/api/v1/hits?rule=assad&tag=calme" '{"hits":[],"next":null}'
req "${URL}?rule=assad&rule=quiet"
expect_eq "$CODE" 400 "/?rule= twice"
has "/?rule= twice" "rule given twice (the page&#39;s form takes one rule)"
hasnt "/?rule= twice" "one rule or one tag"

# --- the feed: one rule or one tag
req "${URL}hits.atom?rule=assad&tag=calme"
expect_eq "$CODE" 400 "/hits.atom?rule=assad&tag=calme"
has "/hits.atom?rule=&tag=" "rule and tag both given (a feed is of one rule or one tag"
req "${URL}hits.atom?rule=assad&tag=monde"
expect_eq "$CODE" 400 "/hits.atom?rule=assad&tag=monde"
req "${URL}hits.atom?rule=assad&rule=quiet"
expect_eq "$CODE" 400 "/hits.atom?rule= twice"
has "/hits.atom?rule= twice" "rule given twice (a feed is of one rule or one tag)"
req "${URL}hits.atom?rule=assad&tag="
expect_eq "$CODE" 200 "/hits.atom?rule=assad&tag= (an empty field: no filter)"

# --- each feed titled and linked by its filter
req "${URL}hits.atom"
expect_eq "$CODE" 200 "/hits.atom"
has "/hits.atom" "<title>hark: hits</title>"
has "/hits.atom" "<link rel=\"alternate\" type=\"text/html\" href=\"$B\"/>"
has "/hits.atom: its id" "<id>${B}hits.atom</id>"
has "/hits.atom: an entry's id" "<entry>
<id>urn:uuid:"
req "${URL}hits.atom?rule=assad"
expect_eq "$CODE" 200 "/hits.atom?rule=assad"
has "/hits.atom?rule=assad" "<title>hark: hits of rule 'assad'</title>"
has "/hits.atom?rule=assad" "<link rel=\"alternate\" type=\"text/html\" href=\"${B}?rule=assad\"/>"
has "/hits.atom?rule=assad: self" "href=\"${B}hits.atom?rule=assad\"/>"
has "/hits.atom?rule=assad: its hit" "Le retour d"
req "${URL}hits.atom?tag=monde"
expect_eq "$CODE" 200 "/hits.atom?tag=monde"
has "/hits.atom?tag=monde" "<title>hark: hits tagged 'monde'</title>"
has "/hits.atom?tag=monde" "<link rel=\"alternate\" type=\"text/html\" href=\"${B}?tag=monde\"/>"
req "${URL}hits.atom?tag=calme"
has "/hits.atom?tag=calme" "<title>hark: hits tagged 'calme'</title>"
hasnt "/hits.atom?tag=calme" "Le retour d"
# the alternate is the page of the same hits
req "${URL}?tag=monde"
expect_eq "$CODE" 200 "/?tag=monde, the feed's alternate"
has "/?tag=monde" 'Le retour d'

stop_harkd
expect_eq "$HSTATUS" 0 "exit status"
finish
