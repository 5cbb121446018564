#!/bin/sh
# harkd's webhooks end to end: real harkd, real HTTP over loopback to the
# evhttp test receiver, one receiver per webhook. One harkd sends to eight
# webhooks at once, so that the slow cases (a retry at 5 s, a request that
# never gets an answer and times out at 15 s) run side by side:
#   std    ok, signed: every hit once, sig=ok, webhook-id = the hit id,
#          the body the hit object; not held up by hang
#   ff     500 to every first attempt: each hit again ~5 s later, one 200 each
#   gone   410: disabled (log, hark status), nothing more even for a new hit;
#          its url changed and SIGHUP: enabled, the pending ones arrive
#   rl     429 with Retry-After: 2: the retry at the back-off's 5 s, the later
#   hang   never answers: the timeout, nobody else waits
#   redir  302: not followed, a failure
#   mpm    max_per_minute = 3: 3 at once, the others wait
# then hark deliveries and hark redeliver; then a second database whose
# receiver is down, harkd killed -9 with deliveries pending, restarted: the
# same webhook-ids arrive; a 200 with a 1 MiB body: a success, sent once;
# four webhooks that never answer listed before one that does: it gets
# all its deliveries at once, and no hanging one holds more than its share;
# and configurations harkd -n refuses.
# Usage: webhooks.sh HARK HARKD RECEIVER
. "$(dirname "$0")/lib.sh"
RECV=$(abspath "${3:-}")
daemon_init "$@"
[ -x "$RECV" ] || {
	echo "usage: $0 HARK HARKD RECEIVER" >&2
	exit 2
}
LC_ALL=C
export LC_ALL # byte lengths, sort and comm agree
SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw

RPIDS=
recv_stop_all() {
	for _p in $RPIDS; do
		kill -TERM "$_p" 2>/dev/null
		wait "$_p" 2>/dev/null
	done
	RPIDS=
}
trap 'recv_stop_all; daemon_cleanup' EXIT

# recv_start NAME MODE [SECRET]: a receiver, its port in $T/NAME.port, its
# request lines in $T/NAME.out; its pid in the variable rpid_NAME.
recv_start() {
	rm -f "$T/$1.port"
	"$RECV" "$T/$1.port" "$2" ${3:+"$3"} >>"$T/$1.out" 2>"$T/$1.err" &
	eval "rpid_$1=$!"
	RPIDS="$RPIDS $!"
	wait_until "[ -s '$T/$1.port' ]" 30 || bad "receiver $1 did not start: $(cat "$T/$1.err")"
}
recv_stop() {
	eval "_p=\$rpid_$1"
	kill -TERM "$_p" && wait "$_p"
}
port() { cat "$T/$1.port"; }
# reqs NAME [STATUS]: how many requests NAME received (answered STATUS)
reqs() { awk -v s="${2:-}" 's == "" || $2 == s { n++ } END { print n + 0 }' "$T/$1.out"; }
# ids NAME [STATUS]: the webhook-ids NAME received (answered STATUS), sorted, once each
ids() { awk -v s="${2:-}" 's == "" || $2 == s { print $3 }' "$T/$1.out" | sort -u; }
# ms NAME STATUS ID: when NAME first answered ID with STATUS (Unix ms)
ms() { awk -v s="$2" -v id="$3" '$2 == s && $3 == id { print $1; exit }' "$T/$1.out"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
# between LO HI N: LO <= N <= HI
between() { [ "$3" -ge "$1" ] && [ "$3" -le "$2" ]; }

# ---- configurations harkd -n refuses, naming file:line ----
printf '[rule r1]\nquery = alpha\n' >"$T/w.rules"
badconf() { # WHAT LINE KEY VALUE
	write_conf
	printf '[webhook x]\nformat = standard\n%s = %s\n' "$3" "$4" >>"$T/hark.conf"
	"$HARKD" -n -c "$T/hark.conf" >"$T/out" 2>"$T/n.err"
	expect_eq "$?" 2 "harkd -n, $1"
	grep -qF "hark.conf:$2:" "$T/n.err" && ok || bad "$1 names hark.conf:$2: $(cat "$T/n.err")"
}
badconf "a malformed URL" 7 url "http://"
badconf "a URL of another scheme" 7 url "ftp://127.0.0.1/x"
write_conf
printf '[webhook x]\nurl = http://127.0.0.1:9/\nsecret = whsec_not*base64!\n' >>"$T/hark.conf"
"$HARKD" -n -c "$T/hark.conf" >"$T/out" 2>"$T/n.err"
expect_eq "$?" 2 "harkd -n, a secret that is not base64"
grep -qF "hark.conf:7:" "$T/n.err" && ok || bad "bad secret names hark.conf:7: $(cat "$T/n.err")"
grep -qF "not*base64" "$T/n.err" && bad "the bad secret is echoed: $(cat "$T/n.err")" || ok
write_conf
printf '[webhook x]\nurl = http://127.0.0.1:9/\nsecret = MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n' >>"$T/hark.conf"
"$HARKD" -n -c "$T/hark.conf" >"$T/out" 2>"$T/n.err"
expect_eq "$?" 2 "harkd -n, a secret without whsec_"
grep -qF "hark.conf:7:" "$T/n.err" && ok || bad "secret without whsec_ names hark.conf:7: $(cat "$T/n.err")"
write_conf
printf '[webhook x]\nurl = http://127.0.0.1:9/\nformat = teams\n' >>"$T/hark.conf"
"$HARKD" -n -c "$T/hark.conf" >"$T/out" 2>"$T/n.err"
expect_eq "$?" 2 "harkd -n, an unknown format"
grep -qF "hark.conf:7:" "$T/n.err" && ok || bad "unknown format names hark.conf:7: $(cat "$T/n.err")"
grep -qF "teams" "$T/n.err" && ok || bad "unknown format named: $(cat "$T/n.err")"
[ ! -e "$T/state/hark.db" ] && ok || bad "harkd -n created a database"

# ---- one harkd, eight webhooks ----
# r1...r6: two hits an article, taken by every webhook (rules = r*); late:
# only gone takes it
cat >"$T/w.rules" <<'R'
[rule r1]
query = Aleppo
[rule r2]
query = Homs
[rule r3]
query = Latakia
[rule r4]
query = Tartus
[rule r5]
query = Idlib
[rule r6]
query = Deraa
[rule late]
query = Palmyra
R
printf 'North\n\nThe convoy left Aleppo at dawn and reached Homs by noon.\n' >"$T/a1.txt"
printf 'Coast\n\nFerries from Latakia to Tartus were cancelled on Monday.\n' >"$T/a2.txt"
printf 'South\n\nAid reached Idlib, while Deraa waited for another week.\n' >"$T/a3.txt"
printf 'Desert\n\nThe museum of Palmyra opened again.\n' >"$T/late.txt"

recv_start std ok "$SECRET"
recv_start ff fail-first "$SECRET"
recv_start gone gone "$SECRET"
recv_start gone2 ok "$SECRET"
recv_start rl ratelimit "$SECRET"
recv_start hang hang "$SECRET"
recv_start redir redirect "$SECRET"
recv_start mpm ok "$SECRET"
# webhooks_conf GONE_PORT: the configuration, gone's url pointing at GONE_PORT
webhooks_conf() {
	write_conf
	for _w in std ff gone rl hang redir mpm; do
		_p=$(port "$_w")
		[ "$_w" = gone ] && _p=$1
		printf '[webhook %s]\nurl = http://127.0.0.1:%s/hook\nsecret = %s\n' "$_w" "$_p" "$SECRET"
		if [ "$_w" = gone ]; then echo "rules = *"; else echo "rules = r*"; fi
		[ "$_w" = mpm ] && echo "max_per_minute = 3"
	done >>"$T/hark.conf"
	# the /deliveries page
	printf '[http]\nlisten = 127.0.0.1:0\n' >>"$T/hark.conf"
}
# deliveries_page: GET /deliveries into $T/page.html (no curl: an empty page)
deliveries_page() {
	: >"$T/page.html"
	command -v curl >/dev/null || return 0
	_u=$(cut -d' ' -f1 "$T/state/harkd.http")
	curl -s "${_u%/}/deliveries" >"$T/page.html"
}
webhooks_conf "$(port gone)"
"$HARKD" -n -c "$T/hark.conf" >"$T/out" 2>"$T/n.err"
st=$?
expect_eq "$st" 0 "harkd -n on eight webhooks: $(cat "$T/n.err")"
start_harkd
t0=$(now_ms)
ingest "$T/a1.txt" "$T/a2.txt" "$T/a3.txt"
wait_for "$LOG" "article a_" 30 3 || bad "three article lines"
hk hits --json
grep -o '"id":"h_[0-9a-f]*"' "$T/out" | sed 's/"id":"//; s/"//' | sort >"$T/hits"
expect_eq "$(wc -l <"$T/hits" | tr -d ' ')" 6 "six hits"

# -- std: every hit once, signed, its id, the hit object as the body
wait_until '[ $(reqs std) -ge 6 ]' 30 || bad "std: 6 requests in 30 s, got $(reqs std)"
t_std=$(now_ms)
ids std 200 >"$T/std.ids"
cmp -s "$T/std.ids" "$T/hits" && ok || { bad "std: the webhook-ids are the hit ids"; diff "$T/hits" "$T/std.ids"; }
expect_eq "$(reqs std)" 6 "std: each hit delivered once"
expect_eq "$(awk '$5 != "sig=ok"' "$T/std.out" | wc -l | tr -d ' ')" 0 "std: every signature holds"
expect_eq "$(awk '$7 != "/hook"' "$T/std.out" | wc -l | tr -d ' ')" 0 "std: the path of the url"
now_s=$(date +%s)
awk -v now="$now_s" '$4 < now - 30 || $4 > now + 1' "$T/std.out" >"$T/stale"
[ ! -s "$T/stale" ] && ok || bad "std: webhook-timestamp not now: $(cat "$T/stale")"
# standard: the body is the hit object of hark hits --json, byte for byte in length
"$HARK" -c "$T/hark.conf" hits --json |
	awk '{ id = $0; sub(/^\{"id":"/, "", id); sub(/".*/, "", id); print id, length($0) }' |
	sort >"$T/hitlen"
awk '{ print $3, $6 }' "$T/std.out" | sort >"$T/bodylen"
cmp -s "$T/hitlen" "$T/bodylen" && ok || { bad "std: body lengths are the hit objects'"; diff "$T/hitlen" "$T/bodylen"; }
wait_for "$LOG" "webhook=std status=200" 30 6 || bad "std: six delivered lines"
grep -qE "delivered hit=h_[0-9a-f]+ webhook=std status=200 in [0-9.]+s$" "$LOG" && ok ||
	bad "delivered line: $(grep -m1 'webhook=std' "$LOG")"

# -- hang: its requests arrived, unanswered; std was not held up by them
wait_until '[ $(reqs hang) -ge 6 ]' 30 || bad "hang: 6 requests, got $(reqs hang)"
t_hang=$(awk 'NR == 1 { print $1 }' "$T/hang.out")
t_std_last=$(awk '{ t = $1 } END { print t }' "$T/std.out")
between -3000 3000 $((t_std_last - t_hang)) && ok ||
	bad "std's deliveries beside hang's: last std at $((t_std_last - t_hang)) ms from hang's first"

# -- mpm: 3 at once, the others wait
wait_until '[ $(reqs mpm) -ge 3 ]' 5 || bad "mpm: 3 requests, got $(reqs mpm)"
t_mpm=$(awk 'NR == 1 { print $1 }' "$T/mpm.out")
t_mpm3=$(awk 'NR == 3 { print $1 }' "$T/mpm.out")
between 0 2000 $((t_mpm3 - t_mpm)) && ok || bad "mpm: 3 within 2 s, took $((t_mpm3 - t_mpm)) ms"

# -- gone: 410 disables
wait_for "$LOG" "webhook gone answered 410 Gone: disabled until its configuration changes" 30 ||
	bad "gone: the disabled line"
hk status
grep -qE '^webhook gone: +disabled \(410 Gone\) since [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2};' "$T/out" && ok ||
	bad "hark status shows gone disabled: $(cat "$T/out")"
hk status --json
grep -qE '"webhooks_disabled":\[\{[^]]*"name":"gone"' "$T/out" && ok || bad "status --json: $(cat "$T/out")"
grep -qF "$SECRET" "$T/out" && bad "hark status shows the secret" || ok
expect_eq "$(awk '$2 != 410' "$T/gone.out" | wc -l | tr -d ' ')" 0 "gone: every answer was 410"
# /deliveries: gone is disabled, its pending rows held by it (no past "next attempt")
if command -v curl >/dev/null; then
	deliveries_page
	grep -qF '<h2 dir="auto">gone <span class="meta">(disabled)</span></h2>' "$T/page.html" && ok ||
		bad "/deliveries says gone is disabled: $(cat "$T/page.html")"
	grep -qF 'until its configuration changes: give it a new <code>url</code> (or <code>format</code>, <code>secret</code>, <code>topic</code>) in the <code>[webhook gone]</code>' "$T/page.html" &&
		ok || bad "/deliveries says how to enable gone: $(cat "$T/page.html")"
	grep -qF '<td dir="auto">held: webhook disabled</td>' "$T/page.html" && ok ||
		bad "/deliveries: gone's rows held: $(cat "$T/page.html")"
fi

# -- redir: not followed, a failure
wait_for "$LOG" "to redir failed (HTTP 302): attempt 1, next in" 30 6 || bad "redir: six HTTP 302 lines"
expect_eq "$(awk '$7 != "/hook"' "$T/redir.out" | wc -l | tr -d ' ')" 0 "redir: /elsewhere never requested"

# -- rl: 429 with Retry-After: 2, the retry when the first back-off ends (about
# 5 s, the later of the two): the attempt counts as any failure's
wait_until '[ $(reqs rl 200) -ge 6 ]' 30 || bad "rl: 6 retries acknowledged, got $(reqs rl 200)"
grep -qE "delivery of hit=h_[0-9a-f]+ to rl failed \(HTTP 429, Retry-After 2s\): attempt 1, next in [4-6]s$" "$LOG" && ok ||
	bad "rl: the Retry-After line: $(grep -m1 'to rl' "$LOG")"
ids rl 200 >"$T/rl.ids"
cmp -s "$T/rl.ids" "$T/hits" && ok || { bad "rl: every hit acknowledged"; diff "$T/hits" "$T/rl.ids"; }
# the lower bound tells the back-off from Retry-After's 2 s; the line above
# the schedule's exact wait; the upper one only that the retry comes then,
# not at the next step (5 min), with room for a loaded machine's late timer
while read -r id; do
	d=$(($(ms rl 200 "$id") - $(ms rl 429 "$id")))
	between 3500 9500 "$d" && ok || bad "rl: $id retried $d ms after its 429"
done <"$T/hits"
expect_eq "$(reqs rl)" 12 "rl: one 429 and one 200 a hit"

# -- ff: each hit on its retry, 5 s later, acknowledged once
wait_until '[ $(reqs ff 200) -ge 6 ]' 30 || bad "ff: 6 retries acknowledged, got $(reqs ff 200)"
ids ff 200 >"$T/ff.ids"
cmp -s "$T/ff.ids" "$T/hits" && ok || { bad "ff: the hits acknowledged"; diff "$T/hits" "$T/ff.ids"; }
expect_eq "$(reqs ff 200)" 6 "ff: one 200 per webhook-id"
expect_eq "$(reqs ff 500)" 6 "ff: one 500 per webhook-id"
while read -r id; do
	d=$(($(ms ff 200 "$id") - $(ms ff 500 "$id")))
	# 5 s, its jitter, and the whole seconds of the schedule; the upper bound
	# with room for a loaded machine, far below the next step (5 min)
	between 4000 9500 "$d" && ok || bad "ff: $id retried $d ms after its 500"
done <"$T/hits"
expect_eq "$(awk '$5 != "sig=ok"' "$T/ff.out" | wc -l | tr -d ' ')" 0 "ff: every attempt signed afresh"
grep -qE "delivery of hit=h_[0-9a-f]+ to ff failed \(HTTP 500\): attempt 1, next in [0-9]+s$" "$LOG" &&
	ok || bad "ff: the failure line: $(grep -m1 'to ff' "$LOG")"

# -- mpm: no 4th before the minute is over (5 s after the first is enough)
sleep "$(awk -v d=$((t_mpm + 5000 - $(now_ms))) 'BEGIN { print (d > 0 ? d / 1000 : 0) }')"
expect_eq "$(reqs mpm)" 3 "mpm: no 4th request within 5 s"
hk status
expect_eq "$(status_of 'deliveries pending')" "$((3 + 6 + 6 + 6))" "pending: mpm's 3, gone's, hang's, redir's 6"

# -- gone: a new hit, no request
n_gone=$(reqs gone)
ingest "$T/late.txt"
wait_for "$LOG" "file=late.txt" 10 || bad "late.txt stored"
sleep 1 # nothing to poll for: no request must come
expect_eq "$(reqs gone)" "$n_gone" "gone: no request once disabled, even for a new hit"

# -- gone: a changed url (to an ok receiver) and SIGHUP enable it; meanwhile
# hang's requests are in flight and mpm's minute is running
n_hang=$(reqs hang)
webhooks_conf "$(port gone2)"
kill -HUP "$HPID"
wait_for "$LOG" "reloaded: " 10 || bad "reloaded line"
wait_until '[ $(reqs gone2) -ge 7 ]' 30 || bad "gone2: the 7 pending deliveries, got $(reqs gone2)"
{
	cat "$T/hits"
	"$HARK" -c "$T/hark.conf" hits --rule late --json | sed 's/^{"id":"\([^"]*\)".*/\1/'
} | sort >"$T/hits7"
ids gone2 200 >"$T/gone2.ids"
cmp -s "$T/gone2.ids" "$T/hits7" && ok || { bad "gone2: every pending hit"; diff "$T/hits7" "$T/gone2.ids"; }
expect_eq "$(reqs gone2)" 7 "gone2: each once"
hk status
grep -qF 'webhook gone' "$T/out" && bad "hark status still shows gone disabled: $(cat "$T/out")" || ok
if command -v curl >/dev/null; then
	deliveries_page
	grep -q 'Deliveries' "$T/page.html" && ! grep -qF '(disabled)' "$T/page.html" && ok ||
		bad "/deliveries still shows gone disabled: $(cat "$T/page.html")"
fi
sleep 1
expect_eq "$(reqs mpm)" 3 "mpm: the reload does not reopen the minute"
expect_eq "$(reqs hang)" "$n_hang" "hang: the reload sends nothing in flight again"

# -- hang: the timeout at 15 s (with 7 s for a loaded machine: without the
# timeout no line comes at all)
left=$((t_hang + 22000 - $(now_ms)))
wait_for "$LOG" "to hang failed (" "$(awk -v l="$left" 'BEGIN { print (l > 0 ? l / 1000 : 0.1) }')" 6 ||
	bad "hang: six time-out lines within 22 s"
grep -qE "delivery of hit=h_[0-9a-f]+ to hang failed \(.*[Tt]imed out.*\): attempt 1, next in [0-9]+s$" "$LOG" &&
	ok || bad "hang: the time-out line: $(grep -m1 'to hang failed' "$LOG")"
t_to=$(grep -m1 'to hang failed' "$LOG" | awk '{ print $2 }')
note "hang: first time-out logged at $t_to"

# ---- hark deliveries and hark redeliver ----
hk deliveries --failed
st=$?
expect_eq "$st" 0 "deliveries --failed"
expect_eq "$(wc -l <"$T/out" | tr -d ' ')" 0 "deliveries --failed: none dead"
hk deliveries --json
expect_eq "$(wc -l <"$T/out" | tr -d ' ')" $((6 * 7 + 1)) "deliveries --json: a row per (hit, webhook)"
ffid=$(head -1 "$T/ff.ids")
grep -E "^\{\"id\":[0-9]+,\"hit\":\"$ffid\",\"rule\":\"r[1-6]\",\"destination\":\"ff\",\"webhook\":\"ff\",\"state\":\"sent\",\"attempts\":2,\"last_status\":200,\"last_error\":null,\"created\":\"[0-9T:-]+Z\",\"next_attempt\":null,\"sent\":\"[0-9T:-]+Z\"\}$" "$T/out" >/dev/null &&
	ok || bad "deliveries --json, ff's row: $(grep "\"$ffid\".*\"ff\"" "$T/out")"
grep -qE '"destination":"hang","webhook":"hang","state":"pending","attempts":1,"last_status":null,"last_error":"[^"]*[Tt]imed out[^"]*","created":"[^"]+","next_attempt":"[0-9T:-]+Z","sent":null' "$T/out" &&
	ok || bad "deliveries --json, hang's row: $(grep -m1 '"hang"' "$T/out")"
grep -qE '"destination":"redir","webhook":"redir","state":"pending","attempts":[12],"last_status":302,"last_error":"HTTP 302"' "$T/out" &&
	ok || bad "deliveries --json, redir's row: $(grep -m1 '"redir"' "$T/out")"
stdrow=$(grep -m1 '"destination":"std"' "$T/out")
stdid=$(printf '%s\n' "$stdrow" | sed 's/^{"id":\([0-9]*\),"hit":"\([^"]*\)".*/\1/')
stdhit=$(printf '%s\n' "$stdrow" | sed 's/^{"id":\([0-9]*\),"hit":"\([^"]*\)".*/\2/')
hk deliveries
grep -qE "^$stdid +[0-9-]+ [0-9:]+ sent +std +$stdhit r[1-6] attempts=1$" "$T/out" && ok ||
	bad "deliveries text row: $(grep "^$stdid " "$T/out")"
hk redeliver "$stdid"
expect_eq "$?" 2 "redeliver a sent delivery without --force"
hk redeliver --force "$stdid"
st=$?
expect_eq "$st" 0 "redeliver --force a sent delivery: $(cat "$T/err")"
wait_until "[ \$(awk '\$3 == \"$stdhit\"' '$T/std.out' | wc -l) -ge 2 ]" 30 &&
	ok || bad "redeliver: std got $stdhit again"
awk -v id="$stdhit" '$3 == id { print $5 }' "$T/std.out" | sort -u >"$T/sigs"
expect_eq "$(cat "$T/sigs")" "sig=ok" "redeliver: signed"
hangid=$("$HARK" -c "$T/hark.conf" deliveries --json | grep -m1 '"destination":"hang"' | sed 's/^{"id":\([0-9]*\),.*/\1/')
hk redeliver "$hangid"
st=$?
expect_eq "$st" 0 "redeliver a pending delivery: $(cat "$T/err")"
hk redeliver 99999
expect_eq "$?" 2 "redeliver an unknown id"
grep -qF "99999" "$T/err" && ok || bad "redeliver names the unknown id: $(cat "$T/err")"
hk redeliver bogus
expect_eq "$?" 2 "redeliver a word"

stop_harkd
expect_eq "$HSTATUS" 0 "exit status after SIGTERM, hang's requests in flight"
recv_stop_all

# ---- receiver down, harkd killed -9, restarted: the same webhook-ids ----
# a port nothing listens on, that the receiver can take again later
recv_start probe ok
P=$(port probe)
recv_stop probe
write_conf
sed -i 's/^state_dir = state$/state_dir = state-b/; s/^spool_dir = spool$/spool_dir = spool-b/' "$T/hark.conf"
printf '[webhook down]\nurl = http://127.0.0.1:%s/hook\nsecret = %s\n' "$P" "$SECRET" >>"$T/hark.conf"
start_harkd "$T/log-b"
ingest "$T/a1.txt"
wait_for "$LOG" "to down failed (" 30 2 || bad "down: two failure lines"
grep -qE "delivery of hit=h_[0-9a-f]+ to down failed \(.*\): attempt 1, next in [0-9]+s$" "$LOG" && ok ||
	bad "down: the failure line: $(grep -m1 'to down' "$LOG")"
hk deliveries --json
grep -c '"state":"pending","attempts":1,' "$T/out" | grep -qx 2 && ok || bad "two pending deliveries: $(cat "$T/out")"
sed 's/^{"id":[0-9]*,"hit":"\([^"]*\)".*/\1/' "$T/out" | sort >"$T/down.want"
kill_harkd
RECEIVER_PORT=$P recv_start down ok "$SECRET"
expect_eq "$(port down)" "$P" "the receiver on the port harkd knows"
start_harkd "$T/log-b"
kill -USR1 "$HPID"
wait_until '[ $(reqs down) -ge 2 ]' 30 || bad "down: the pending deliveries after kill -9 and restart"
ids down 200 >"$T/down.ids"
cmp -s "$T/down.ids" "$T/down.want" && ok ||
	{ bad "down: the same webhook-ids"; diff "$T/down.want" "$T/down.ids"; }
expect_eq "$(awk '$5 != "sig=ok"' "$T/down.out" | wc -l | tr -d ' ')" 0 "down: signed"
wait_until '[ "$(status_of "deliveries pending")" = 0 ]' 30 && ok || bad "down: nothing pending at the end"
stop_harkd
expect_eq "$HSTATUS" 0 "exit status after SIGTERM"
recv_stop_all

# ---- a 200 with a body of 1 MiB: a success, sent once ----
# big tells the length first, bigc (chunked) does not
recv_start big bigbody "$SECRET"
recv_start bigc bigchunked "$SECRET"
write_conf
sed -i 's/^state_dir = state$/state_dir = state-c/; s/^spool_dir = spool$/spool_dir = spool-c/' "$T/hark.conf"
for w in big bigc; do
	printf '[webhook %s]\nurl = http://127.0.0.1:%s/hook\nsecret = %s\n' "$w" "$(port "$w")" "$SECRET"
done >>"$T/hark.conf"
start_harkd "$T/log-c"
ingest "$T/a1.txt" "$T/a2.txt" "$T/a3.txt"
# sent() : how many deliveries hark deliveries shows sent
sent() { "$HARK" -c "$T/hark.conf" deliveries --json | grep -c '"state":"sent"'; }
wait_until '[ "$(sent)" -ge 12 ]' 30 && ok ||
	bad "big: 12 deliveries sent, got $(sent): $("$HARK" -c "$T/hark.conf" deliveries --json | grep -v '"state":"sent"' | head -2)"
for w in big bigc; do
	expect_eq "$(reqs $w)" 6 "$w: each hit requested once"
	expect_eq "$(awk '$2 != 200' "$T/$w.out" | wc -l | tr -d ' ')" 0 "$w: every answer a 200"
	grep -qE "delivered hit=h_[0-9a-f]+ webhook=$w status=200 in [0-9.]+s \(a long answer, not read\)$" "$LOG" &&
		ok || bad "$w: the delivered line: $(grep -m1 "to $w\|=$w " "$LOG")"
done
stop_harkd
expect_eq "$HSTATUS" 0 "exit status after SIGTERM (big)"
recv_stop_all

# ---- four webhooks that never answer, listed first, and one that does ----
# Each takes every hit. The one that answers gets all its deliveries while
# the others' first requests are still waiting for their 15 s timeout; no
# hanging webhook holds more than its share (200 / 5 webhooks) of requests.
NFAIR=150
for w in h1 h2 h3 h4; do recv_start "$w" hang; done
recv_start fair ok
write_conf
sed -i 's/^state_dir = state$/state_dir = state-d/; s/^spool_dir = spool$/spool_dir = spool-d/' "$T/hark.conf"
for w in h1 h2 h3 h4 fair; do
	printf '[webhook %s]\nurl = http://127.0.0.1:%s/hook\n' "$w" "$(port "$w")"
done >>"$T/hark.conf"
mkdir "$T/fair"
i=0
while [ $i -lt $NFAIR ]; do
	printf 'Report %d\n\nThe convoy number %d reached Aleppo.\n' $i $i >"$T/fair/f$i.txt"
	i=$((i + 1))
done
start_harkd "$T/log-d"
ingest "$T"/fair/*.txt
wait_until "[ \$(reqs fair) -ge $NFAIR ]" 60 || bad "fair: $NFAIR requests, got $(reqs fair)"
t_h=$(cat "$T"/h[1-4].out | awk 'NR == 1 || $1 < t { t = $1 } END { print t }')
t_fair=$(awk -v n=$NFAIR 'NR == n { print $1 }' "$T/fair.out")
if [ -n "$t_fair" ] && [ -n "$t_h" ]; then
	note "fair: $NFAIR deliveries in $((t_fair - t_h)) ms from the first request to a hanging webhook"
	# the hanging webhooks' first timeout frees their slots 15 s after their first request
	between -2000 10000 $((t_fair - t_h)) && ok ||
		bad "fair: the $NFAIR-th delivery $((t_fair - t_h)) ms after the first hanging request"
fi
expect_eq "$(ids fair 200 | wc -l | tr -d ' ')" "$NFAIR" "fair: every hit"
for w in h1 h2 h3 h4; do
	n=$(awk -v t=$((t_h + 14000)) '$1 < t' "$T/$w.out" | wc -l | tr -d ' ')
	[ "$n" -le 40 ] && ok || bad "$w: $n requests at once, over its share of 40"
done
wait_for "$LOG" "did not answer within 15 s: one request at a time until it answers" 30 4 ||
	bad "the four hanging webhooks: one request at a time"
stop_harkd
expect_eq "$HSTATUS" 0 "exit status after SIGTERM, hanging requests in flight"
note "$(($(now_ms) - t0)) ms from the first ingest"
finish
