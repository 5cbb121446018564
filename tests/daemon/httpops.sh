#!/bin/sh
# The operators' routes over loopback, with curl, on a real harkd: a
# webhook whose receiver answers 500 to everything, its delivery made dead
# at its tenth attempt (the ninth written in the database); GET
# /api/v1/deliveries?state= (400 for an unknown state) as hark deliveries
# --json gives them; /deliveries lists the dead one with its button; POST
# /deliveries/ID/retry answers 303 and the receiver gets the hit again
# (hark deliveries shows the new attempt); POST /api/v1/deliveries/ID/retry
# answers the delivery, 404 for an unknown one; GET on those paths 405; an
# Origin of another site 403; a feed that fails (a document of the feed
# server that is no feed, whose error quotes its markup) on /feeds and
# /api/v1/feeds with its last error, escaped.
# Usage: httpops.sh HARK HARKD RECEIVER FEEDSERVER
. "$(dirname "$0")/lib.sh"
RECV=$(abspath "${3:-}")
FS=$(abspath "${4:-}")
daemon_init "$@"
[ -x "$RECV" ] && [ -x "$FS" ] || {
	echo "usage: $0 HARK HARKD RECEIVER FEEDSERVER" >&2
	exit 2
}
command -v curl >/dev/null 2>&1 || { echo "skip: no curl (contrib/install-deps)"; exit 77; }

RPID= FPID=
trap '[ -n "$RPID" ] && kill "$RPID" 2>/dev/null; [ -n "$FPID" ] && kill "$FPID" 2>/dev/null; daemon_cleanup' EXIT

# req ARGS...: curl, the status code in $CODE, headers in $T/h, body in $T/b.
req() {
	CODE=$(curl -s --max-time 10 -o "$T/b" -D "$T/h" -w '%{http_code}' "$@")
}
# reqs: the requests the receiver got
reqs() { wc -l <"$T/recv.out" | tr -d ' '; }
# attempts_are N: hark deliveries --json says the delivery was tried N times
attempts_are() {
	"$HARK" -c "$T/hark.conf" deliveries --json >"$T/dl" 2>&1 && grep -qF "\"attempts\":$1," "$T/dl"
}

"$RECV" "$T/recv.port" always500 >"$T/recv.out" 2>"$T/recv.err" &
RPID=$!
mkdir "$T/root"
# no feed: its error names its root element, markup if shown raw
printf '<?xml version="1.0"?>\n<script:RDF xmlns:script="urn:x"/>\n' >"$T/root/ns.xml"
"$FS" "$T/fs.port" "$T/root" >"$T/fs.out" 2>"$T/fs.err" &
FPID=$!
wait_until "[ -s '$T/recv.port' ] && [ -s '$T/fs.port' ]" 10 ||
	bad "receiver or feed server did not start: $(cat "$T/recv.err" "$T/fs.err")"
printf '[rule alpha]\nquery = alpha\n' >"$T/w.rules"
write_conf
cat >>"$T/hark.conf" <<C
[webhook hook]
url = http://127.0.0.1:$(cat "$T/recv.port")/hook
[feed notafeed]
url = http://127.0.0.1:$(cat "$T/fs.port")/f/ns.xml
interval = 1h
allow_private = yes
[http]
listen = 127.0.0.1:0
C
start_harkd
URL=$(cut -d' ' -f1 "$T/state/harkd.http")
HOSTPORT=${URL#http://}
HOSTPORT=${HOSTPORT%/}
api=${URL}api/v1

printf 'alpha beta\n\nan alpha article.\n' >"$T/a.txt"
ingest "$T/a.txt"
# attempt 1; then nine counted (SIGUSR1's early attempts do not count): the
# tenth, due now, is the last
wait_until "attempts_are 1" 30 || bad "the first attempt: $(cat "$T/dl")"
stop_harkd
sqlite3 "$T/state/hark.db" "UPDATE deliveries SET attempts = 9, next_at = 0" ||
	bad "attempts set to 9"
start_harkd
URL=$(cut -d' ' -f1 "$T/state/harkd.http")
HOSTPORT=${URL#http://}
HOSTPORT=${HOSTPORT%/}
api=${URL}api/v1
wait_until "grep -qF '\"state\":\"dead\"' '$T/dl' || attempts_are 10 && grep -qF dead '$T/dl'" 30
grep -qF '"state":"dead"' "$T/dl" && ok || bad "dead after 10 attempts: $(cat "$T/dl")"
expect_eq "$(reqs)" 2 "the receiver got 2 requests"
ID=$(sed -n 's/^{"id":\([0-9]*\),.*/\1/p' "$T/dl")

# --- GET /api/v1/deliveries: the objects of hark deliveries --json
req "$api/deliveries"
expect_eq "$CODE" 200 "GET /api/v1/deliveries"
expect_eq "$(cat "$T/b")" "{\"deliveries\":[$(cat "$T/dl")]}" "the delivery as hark deliveries --json"
req "$api/deliveries?state=dead"
grep -qF "{\"deliveries\":[{\"id\":$ID," "$T/b" && ok || bad "state=dead: $(cat "$T/b")"
req "$api/deliveries?state=pending"
expect_eq "$(cat "$T/b")" '{"deliveries":[]}' "state=pending: none"
req "$api/deliveries?state=bogus"
expect_eq "$CODE" 400 "state=bogus"
grep -qF "state: 'bogus' is not pending, sent, dead or cancelled" "$T/b" && ok || bad "bogus: $(cat "$T/b")"
req "$api/deliveries?limit=3"
expect_eq "$CODE" 400 "an unknown parameter"

# --- the page, its button
req "${URL}deliveries"
expect_eq "$CODE" 200 "GET /deliveries"
grep -qF "<form method=\"post\" action=\"/deliveries/$ID/retry\">" "$T/b" && ok ||
	bad "the dead delivery's button: $(cat "$T/b")"
grep -qF '<h2 dir="auto">hook</h2>' "$T/b" && ok || bad "a section per webhook"
grep -qF 'HTTP 500' "$T/b" && ok || bad "the last error on the page"

# --- what may not change it
req "${URL}deliveries/$ID/retry"
expect_eq "$CODE" 405 "GET on the form's path"
grep -qi '^Allow: POST' "$T/h" && ok || bad "Allow: POST: $(cat "$T/h")"
req "$api/deliveries/$ID/retry"
expect_eq "$CODE" 405 "GET on the API's retry"
req -X POST -H 'Origin: http://evil.example' "${URL}deliveries/$ID/retry"
expect_eq "$CODE" 403 "a post from another origin"
req -X POST -H 'Origin: http://evil.example' "$api/deliveries/$ID/retry"
expect_eq "$CODE" 403 "an API post from another origin"
req -X POST -H 'Sec-Fetch-Site: cross-site' "${URL}deliveries/$ID/retry"
expect_eq "$CODE" 403 "Sec-Fetch-Site: cross-site"
# Origin: null is a sandboxed frame's (cross-site) or, with Sec-Fetch-Site:
# same-origin, Chromium's own form under Referrer-Policy: no-referrer (below)
req -X POST -H 'Origin: null' "${URL}deliveries/$ID/retry"
expect_eq "$CODE" 403 "Origin: null without Sec-Fetch-Site"
req -X POST -H 'Origin: null' -H 'Sec-Fetch-Site: cross-site' "${URL}deliveries/$ID/retry"
expect_eq "$CODE" 403 "Origin: null from another site"
req -X POST "${URL}deliveries/99999/retry"
expect_eq "$CODE" 404 "an unknown delivery"
req -X POST "${URL}deliveries/$ID/resend"
expect_eq "$CODE" 404 "not a retry"
expect_eq "$(reqs)" 2 "nothing sent by the refused requests"

# --- the form: 303 to /deliveries, sent again at once; as Chromium posts
# it from /deliveries, whose Referrer-Policy (no-referrer) makes its Origin null
req -X POST -H "Origin: null" -H 'Sec-Fetch-Site: same-origin' -d '' "${URL}deliveries/$ID/retry"
expect_eq "$CODE" 303 "POST /deliveries/ID/retry"
grep -qi '^Location: /deliveries' "$T/h" && ok || bad "Location: $(cat "$T/h")"
wait_until '[ "$(reqs)" -ge 3 ]' 30 && ok || bad "the receiver got it again: $(reqs)"
wait_until "attempts_are 1" 30 && ok || bad "a new attempt: $(cat "$T/dl")"
grep -qF "delivery $ID: due now again (asked over HTTP)" "$LOG" && ok || bad "the log says why"
grep -qF '"state":"pending"' "$T/dl" && ok || bad "pending again: $(cat "$T/dl")"

# --- the API: the delivery, due now
req -X POST -H "Origin: http://$HOSTPORT" "$api/deliveries/$ID/retry"
expect_eq "$CODE" 200 "POST /api/v1/deliveries/ID/retry"
grep -qF "{\"delivery\":{\"id\":$ID," "$T/b" && ok || bad "the answer: $(cat "$T/b")"
grep -qF '"state":"pending","attempts":0,' "$T/b" && ok || bad "due now: $(cat "$T/b")"
wait_until '[ "$(reqs)" -ge 4 ]' 30 && ok || bad "the receiver got it a third time: $(reqs)"
req -X POST "$api/deliveries/99999/retry"
expect_eq "$CODE" 404 "the API: an unknown delivery"
expect_eq "$(cat "$T/b")" '{"error":"no delivery 99999"}' "the API's 404"

# --- feeds: the one that is no feed fails, its error escaped
wait_until "grep -qF 'feed notafeed' '$LOG'" 30
req "$api/feeds"
wait_until "req '$api/feeds'; grep -qF '\"last_error\":\"' '$T/b'" 30 &&
	ok || bad "/api/v1/feeds: the last error: $(cat "$T/b")"
"$HARK" -c "$T/hark.conf" status --json >"$T/st"
feeds=$(sed 's/.*"feeds":\(\[.*\]\),"webhooks_disabled".*/\1/' "$T/st")
expect_eq "$(cat "$T/b")" "{\"feeds\":$feeds}" "/api/v1/feeds as hark status --json"
req "${URL}feeds"
expect_eq "$CODE" 200 "GET /feeds"
grep -qF '<td class="state-failing">failing</td>' "$T/b" && ok || bad "failing: $(cat "$T/b")"
err=$(sed -n 's/.*"last_error":"\([^"]*\)".*/\1/p' "$T/st")
note "the feed's last error: $err"
esc=$(printf '%s' "$err" | sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g; s/'"'"'/\&#39;/g')
case $err in *'<script:RDF>'*) ok ;; *) bad "the error holds the feed's text: $err" ;; esac
grep -qF "<td dir=\"auto\">$esc</td>" "$T/b" && ok || bad "the error shown escaped: $(cat "$T/b")"
grep -qF '<script' "$T/b" && bad "a raw <script on /feeds" || ok
grep -qF "href=\"http://127.0.0.1:$(cat "$T/fs.port")/f/ns.xml\"" "$T/b" && ok ||
	bad "the feed's address"
req "${URL}feeds?x=1"
expect_eq "$CODE" 400 "/feeds: an unknown parameter"

stop_harkd
expect_eq "$HSTATUS" 0 "harkd stopped"
finish
