#!/bin/sh
# Muting a rule, end to end: real harkd, real hark, the real webhook
# receiver over loopback, curl for the API.
#   hark mute r1 2d: r1's hit is stored (hark hits) but no delivery is made
#   and the receiver gets nothing for it, while r2's hit of the same article
#   arrives; hark status (text, --json) lists the mute; no reload needed
#   hark unmute r1: the next hit alerts, the muted one is never sent (not
#   even on SIGUSR1, which sends every pending delivery)
#   a mute of 6s ends by itself: the hit after it alerts
#   errors: an unknown rule, a malformed duration, a time past
#   POST /api/v1/rules/r1/mute {"for": "1h"}: GET /api/v1/rules, /rules and
#   /rules/r1 say muted until; a hit then sends nothing; POST .../unmute:
#   the next alerts; 405, 403 (another Origin), 404, 400, 415; the forms of
#   /rules/ID (POST /rules/ID/mute for=2d, /unmute: 303 back to the page)
# Usage: mute.sh HARK HARKD RECEIVER
. "$(dirname "$0")/lib.sh"
RECV=$(abspath "${3:-}")
daemon_init "$@"
[ -x "$RECV" ] || {
	echo "usage: $0 HARK HARKD RECEIVER" >&2
	exit 2
}
HAVE_CURL=1
command -v curl >/dev/null 2>&1 || HAVE_CURL=

RPID=
trap '[ -n "$RPID" ] && kill "$RPID" 2>/dev/null; daemon_cleanup' EXIT
"$RECV" "$T/recv.port" ok >"$T/recv.out" 2>"$T/recv.err" &
RPID=$!
wait_until "[ -s '$T/recv.port' ]" 10 || bad "receiver did not start: $(cat "$T/recv.err")"

cat >"$T/w.rules" <<'R'
[rule r1]
query = alpha
[rule r2]
query = gamma
[rule off]
query = omega
enabled = no
R
write_conf
cat >>"$T/hark.conf" <<C
[webhook hook]
url = http://127.0.0.1:$(cat "$T/recv.port")/hook
rules = *
[http]
listen = 127.0.0.1:0
C
start_harkd
URL=$(cut -d' ' -f1 "$T/state/harkd.http")
api=${URL}api/v1

# received: the requests the receiver got; deliveries: the outbox's rows
received() { wc -l <"$T/recv.out" | tr -d ' '; }
deliveries() { "$HARK" -c "$T/hark.conf" deliveries --json | wc -l | tr -d ' '; }
# hits_of RULE: how many hits of RULE are stored
hits_of() { "$HARK" -c "$T/hark.conf" hits --rule "$1" --json | wc -l | tr -d ' '; }
# article N WORDS: an article file of its own content
article() { printf 'Article %s\n\nThe words %s, in article %s.\n' "$1" "$2" "$1" >"$T/a$1.txt"; }
# hit_id RULE: the id of RULE's newest hit
hit_id() { "$HARK" -c "$T/hark.conf" hits --rule "$1" --json | head -1 | sed 's/.*"id":"\(h_[0-9a-f]*\)".*/\1/'; }

# ---- the errors of hark mute and unmute ----
hk mute nope 2d
expect_eq "$?" 2 "hark mute of an unknown rule"
grep -qF "no rule 'nope' is defined" "$T/err" && ok || bad "unknown rule: $(cat "$T/err")"
hk mute r1 2x
expect_eq "$?" 2 "hark mute r1 2x"
grep -qF "'2x' is not a duration" "$T/err" && ok || bad "2x: $(cat "$T/err")"
hk mute r1 until 2020-01-01
expect_eq "$?" 2 "hark mute r1 until 2020-01-01"
grep -qF "is past" "$T/err" && ok || bad "a time past: $(cat "$T/err")"
hk mute r1 400d
expect_eq "$?" 2 "hark mute r1 400d"
hk mute r1
expect_eq "$?" 2 "hark mute without a duration"
hk unmute nope
expect_eq "$?" 2 "hark unmute of an unknown rule"
grep -qF "no rule 'nope' is defined" "$T/err" && ok || bad "unmute unknown: $(cat "$T/err")"
hk unmute r2
expect_eq "$?" 0 "hark unmute of a rule not muted"
grep -qF "was not muted" "$T/out" && ok || bad "not muted: $(cat "$T/out")"
"$HARK" -c "$T/hark.conf" status --json | grep -qF '"muted":[]' && ok || bad "no mute yet"

# ---- muted: stored, not alerted ----
hk mute r1 2d
expect_eq "$?" 0 "hark mute r1 2d: $(cat "$T/err")"
grep -qF "rule r1 muted until" "$T/out" && ok || bad "mute says: $(cat "$T/out")"
status_of "muted r1" | grep -qF "until" && ok || bad "hark status lists the mute: $(status_of 'muted r1')"
"$HARK" -c "$T/hark.conf" status --json | grep -qF '"muted":[{"rule":"r1","until":"' && ok ||
	bad "hark status --json: $("$HARK" -c "$T/hark.conf" status --json)"
# a disabled rule is defined: it may be muted
hk mute off 1h
expect_eq "$?" 0 "hark mute of a disabled rule"
article 1 "alpha and gamma"
ingest "$T/a1.txt"
wait_until '[ "$(hits_of r1)" = 1 ] && [ "$(hits_of r2)" = 1 ]' 30 ||
	bad "both hits stored: r1 $(hits_of r1), r2 $(hits_of r2)"
wait_until '[ "$(received)" -ge 1 ]' 30 || bad "r2's hit did not arrive"
# the deliveries are made with the hits, in their transaction: none for r1
expect_eq "$(deliveries)" 1 "deliveries of a muted and an unmuted hit"
"$HARK" -c "$T/hark.conf" deliveries --json | grep -qF '"rule":"r2"' && ok || bad "the delivery is r2's"
MUTED_HIT=$(hit_id r1)
grep -qE 'hit rule=r1 article=a_[0-9a-f]+ ".*" \(muted: not alerted\)$' "$LOG" && ok || bad "the log says muted"
grep -qE 'hit rule=r2 article=a_[0-9a-f]+ ".*"$' "$LOG" && ok || bad "the log of r2's hit"
grep -qF "$MUTED_HIT" "$T/recv.out" && bad "the muted hit $MUTED_HIT was sent" || ok
expect_eq "$(received)" 1 "requests after the muted hit"
# the hits page shows it: stored and visible
"$HARK" -c "$T/hark.conf" hits --rule r1 | grep -qF "alpha" && ok || bad "hark hits shows the muted hit"
# /metrics: two hits, one alert (r2's), one muted (r1's: no alert of any kind)
if [ -n "$HAVE_CURL" ]; then
	curl -s "${URL}metrics" >"$T/metrics"
	grep -qxF 'hark_hits_total 2' "$T/metrics" && ok || bad "metrics: 2 hits: $(grep hits "$T/metrics")"
	grep -qxF 'hark_alerts_total 1' "$T/metrics" && ok || bad "metrics: the muted hit is no alert: $(grep alerts "$T/metrics")"
	grep -qxF 'hark_hits_muted_total 1' "$T/metrics" && ok || bad "metrics: 1 muted hit: $(grep muted "$T/metrics")"
fi
# hark status and /api/v1/status: the muted hit is a hit, not an alert (hark(1))
expect_eq "$(status_of hits)/$(status_of alerts)" "2/1" "hark status hits/alerts with r1 muted"
"$HARK" -c "$T/hark.conf" status --json | grep -qF '"hits":2,"alerts":1' && ok ||
	bad "hark status --json alerts: $("$HARK" -c "$T/hark.conf" status --json)"
if [ -n "$HAVE_CURL" ]; then
	curl -s "${api}/status" | grep -qF '"hits":2,"alerts":1' && ok ||
		bad "/api/v1/status alerts: $(curl -s "${api}/status")"
fi
# a hit stored muted by an older harkd (alert = 1, schema 15): the upgrade finds it by its mute
if command -v sqlite3 >/dev/null 2>&1; then
	stop_harkd
	sqlite3 "$T/state/hark.db" "UPDATE hits SET alert = 1; PRAGMA user_version = 15;" ||
		bad "back to schema 15"
	expect_eq "$(status_of alerts)" "" "hark status on schema 15 (harkd upgrades it)"
	start_harkd
	URL=$(cut -d' ' -f1 "$T/state/harkd.http")
	api=${URL}api/v1
	expect_eq "$(status_of hits)/$(status_of alerts)" "2/1" "hits/alerts after the upgrade"
else
	note "no sqlite3 command: the upgrade of muted hits is not tested"
fi

# ---- unmuted: the next hit alerts; the muted one never goes ----
hk unmute r1
expect_eq "$?" 0 "hark unmute r1"
grep -qF "rule r1 unmuted" "$T/out" && ok || bad "unmute says: $(cat "$T/out")"
status_of "muted r1" | grep -q . && bad "still listed after unmute" || ok
article 2 "alpha alone"
ingest "$T/a2.txt"
wait_until '[ "$(received)" -ge 2 ]' 30 || bad "the hit after unmute did not arrive"
grep -qF "$(hit_id r1)" "$T/recv.out" && ok || bad "the hit after unmute is r1's"
expect_eq "$(status_of hits)/$(status_of alerts)" "3/2" "hark status hits/alerts after unmute"
_u=$(count "$LOG" "SIGUSR1: ")
kill -USR1 "$HPID"
# handled (its line), then a second for what it would send
wait_for "$LOG" "SIGUSR1: " 30 $((_u + 1)) || bad "the SIGUSR1 line"
sleep 1
grep -qF "$MUTED_HIT" "$T/recv.out" && bad "the muted hit was sent after unmute" || ok
expect_eq "$(received)" 2 "requests after unmute and SIGUSR1"

# ---- a mute ends by itself ----
# 6 s: room for the article to be stored while it lasts, under the sanitizers too
hk mute r1 6s
expect_eq "$?" 0 "hark mute r1 6s"
article 3 "alpha during six seconds"
ingest "$T/a3.txt"
wait_until '[ "$(hits_of r1)" = 3 ]' 30 || bad "the hit during a 6s mute is stored"
expect_eq "$(deliveries)" 2 "no delivery during a 6s mute"
wait_until '! status_of "muted r1" | grep -q .' 15 || bad "the 6s mute did not end"
article 4 "alpha after six seconds"
ingest "$T/a4.txt"
wait_until '[ "$(received)" -ge 3 ]' 30 || bad "the hit after an ended mute did not arrive"
expect_eq "$(deliveries)" 3 "deliveries after an ended mute"

# ---- over HTTP ----
if [ -z "$HAVE_CURL" ]; then
	note "skip: no curl, the API part is not tested"
	stop_harkd
	finish
fi
# req ARGS...: curl, the status code in $CODE, the body in $T/b
req() { CODE=$(curl -s --max-time 10 -o "$T/b" -w '%{http_code}' "$@"); }
JSON="Content-Type: application/json"
req -X POST -H "$JSON" -d '{"for": "1h"}' "$api/rules/r1/mute"
expect_eq "$CODE" 200 "POST mute: $(cat "$T/b")"
grep -qF '"rule":{"id":"r1","muted_until":"' "$T/b" && ok || bad "POST mute answers: $(cat "$T/b")"
req "$api/rules"
tr '{' '\n' <"$T/b" | grep -F '"id":"r1"' | grep -qF '"muted_until":"20' && ok ||
	bad "GET /api/v1/rules: r1 muted: $(cat "$T/b")"
tr '{' '\n' <"$T/b" | grep -F '"id":"r2"' | grep -qF '"muted_until":null' && ok ||
	bad "GET /api/v1/rules: r2 not muted: $(cat "$T/b")"
req "${URL}rules/r1"
grep -qF "muted until <time" "$T/b" && ok || bad "/rules/r1 says muted until"
req "${URL}rules/r2"
grep -qF "muted until" "$T/b" && bad "/rules/r2 says muted" || ok
req "${URL}rules"
expect_eq "$(grep -cF 'muted until' "$T/b")" 2 "/rules: r1 and off muted"
status_of "muted r1" | grep -qF until && ok || bad "hark status sees the API's mute"
article 5 "alpha muted over HTTP"
ingest "$T/a5.txt"
wait_until '[ "$(hits_of r1)" = 5 ]' 30 || bad "the hit muted over HTTP is stored"
expect_eq "$(deliveries)" 3 "no delivery of a hit muted over HTTP"
req -X POST "$api/rules/r1/unmute"
expect_eq "$CODE" 200 "POST unmute: $(cat "$T/b")"
grep -qF '"muted_until":null' "$T/b" && ok || bad "POST unmute answers: $(cat "$T/b")"
article 6 "alpha unmuted over HTTP"
ingest "$T/a6.txt"
wait_until '[ "$(received)" -ge 4 ]' 30 || bad "the hit after the API's unmute did not arrive"
# until, with a zone
req -X POST -H "$JSON" -d '{"until": "2099-01-01T00:00:00Z"}' "$api/rules/r2/mute"
expect_eq "$CODE" 400 "a mute too far: $(cat "$T/b")"
req -X POST -H "$JSON" -d "{\"until\": \"$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%SZ)\"}" \
	"$api/rules/r2/mute"
expect_eq "$CODE" 200 "POST mute until tomorrow: $(cat "$T/b")"
# the refusals
req "$api/rules/r1/mute"
expect_eq "$CODE" 405 "GET of mute"
req -X POST -H "$JSON" -H "Origin: http://evil.example" -d '{"for": "1h"}' "$api/rules/r1/mute"
expect_eq "$CODE" 403 "mute from another origin"
req -X POST -H "$JSON" -d '{"for": "1h"}' "$api/rules/nope/mute"
expect_eq "$CODE" 404 "mute of an unknown rule"
grep -qF "no rule 'nope'" "$T/b" && ok || bad "unknown rule: $(cat "$T/b")"
req -X POST "$api/rules/nope/unmute"
expect_eq "$CODE" 404 "unmute of an unknown rule"
req -X POST -H "$JSON" -d '{"for": "2x"}' "$api/rules/r1/mute"
expect_eq "$CODE" 400 "a malformed duration"
grep -qF "not a duration" "$T/b" && ok || bad "2x: $(cat "$T/b")"
req -X POST -H "$JSON" -d '{"for": "1h", "until": "2030-01-01"}' "$api/rules/r1/mute"
expect_eq "$CODE" 400 "both for and until"
req -X POST -H "$JSON" -d '{"for": 3600}' "$api/rules/r1/mute"
expect_eq "$CODE" 400 "a number for for"
req -X POST -H "$JSON" -d 'not json' "$api/rules/r1/mute"
expect_eq "$CODE" 400 "not JSON"
req -X POST -H "$JSON" "$api/rules/r1/mute"
expect_eq "$CODE" 400 "no body"
req -X POST -H "$JSON" -d '[]' "$api/rules/r1/mute"
expect_eq "$CODE" 400 "an array"
req -X POST -H "$JSON" -d "{\"for\": \"$(head -c 5000 /dev/zero | tr '\0' 1)d\"}" "$api/rules/r1/mute"
expect_eq "$CODE" 413 "a body over 4 KiB"
req -X POST -d '{"for": "1h"}' "$api/rules/r1/mute"
expect_eq "$CODE" 415 "a form, not JSON"
req -X POST "$api/rules/r1/other"
expect_eq "$CODE" 404 "another action"
req -X POST -H "$JSON" -d '{"for": "1h"}' "$api/rules/r1/x/mute"
expect_eq "$CODE" 404 "a path with a slash in the id"
hk status
grep -qF "muted r1" "$T/out" && bad "the refused requests muted r1: $(cat "$T/out")" || ok

# the page's forms: POST /rules/ID/mute (for=...), then 303 back to the page
FORM="Content-Type: application/x-www-form-urlencoded"
req "${URL}rules/r1"
grep -qF '<form class="mute" method="post" action="/rules/r1/mute">' "$T/b" && ok || bad "/rules/r1 has the mute form"
grep -qF 'action="/rules/r1/unmute"' "$T/b" && bad "/rules/r1 not muted offers unmute" || ok
CODE=$(curl -s --max-time 10 -o "$T/b" -D "$T/h" -w '%{http_code}' -X POST -H "$FORM" -d 'for=2d' "${URL}rules/r1/mute")
expect_eq "$CODE" 303 "the form mutes: $(cat "$T/b")"
grep -qi '^Location: /rules/r1' "$T/h" && ok || bad "back to /rules/r1: $(cat "$T/h")"
status_of "muted r1" | grep -qF until && ok || bad "the form's mute in hark status"
req "${URL}rules/r1"
grep -qF 'action="/rules/r1/unmute"' "$T/b" && ok || bad "/rules/r1 muted offers unmute"
req -X POST -H "$FORM" -H "Origin: http://evil.example" "${URL}rules/r1/unmute"
expect_eq "$CODE" 403 "the unmute form from another origin"
req -X POST -H "$FORM" -d 'for=2x' "${URL}rules/r1/mute"
expect_eq "$CODE" 400 "the form with a bad length"
req -X POST -H "$FORM" -d 'when=2d' "${URL}rules/r1/mute"
expect_eq "$CODE" 400 "the form without for="
req -X POST -H "$JSON" -d '{"for": "2d"}' "${URL}rules/r1/mute"
expect_eq "$CODE" 415 "the page's route takes the form"
req -X POST "${URL}rules/r1"
expect_eq "$CODE" 405 "POST /rules/r1"
req -X POST -H "$FORM" -d 'for=1h' "${URL}rules/nope/mute"
expect_eq "$CODE" 404 "the form for no rule"
req -X POST "${URL}rules/r1/unmute"
expect_eq "$CODE" 303 "the unmute form"
status_of "muted r1" | grep -q . && bad "the unmute form left r1 muted" || ok

stop_harkd
expect_eq "$HSTATUS" 0 "harkd exit status"
finish
