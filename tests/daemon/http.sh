#!/bin/sh
# harkd's HTTP server ([http], HTTP.md) over loopback, with curl: a listen
# address not loopback without a token refused (harkd -n and harkd, file:line);
# /healthz and /metrics (Prometheus text, counters after 3 files); the
# security headers on every answer; 404, 405, 401 and the bearer token;
# oversized headers and bodies; an idle connection closed; 300 idle
# connections do not stop ingest; a port taken stops the start; hark status;
# reads beside another writer's lock; the reload metrics; 503 while stopping.
# Usage: http.sh HARK HARKD DBLOCK CONNS
. "$(dirname "$0")/lib.sh"
daemon_init "$@"
DBLOCK=$(abspath "$3") CONNS=$(abspath "$4")
command -v curl >/dev/null 2>&1 || { echo "skip: no curl (contrib/install-deps)"; exit 77; }

printf '[rule assad]\nquery = Assad\n' >"$T/w.rules"
for i in 1 2 3; do
	printf 'Report %s\n\nAssad was seen in Moscow, report number %s says.\n' "$i" "$i" >"$T/a$i.txt"
done
printf 'Late report\n\nAssad again, dropped while 300 connections sat idle.\n' >"$T/late.txt"

# http_conf [LINES...]: $T/hark.conf with an [http] section of LINES.
http_conf() {
	write_conf "max_document_size = 1K"
	printf '[http]\n' >>"$T/hark.conf"
	for _l in "$@"; do printf '%s\n' "$_l" >>"$T/hark.conf"; done
}

# req ARGS...: curl, the status code in $CODE, headers in $T/h, body in $T/b.
req() {
	CODE=$(curl -s --max-time 10 -o "$T/b" -D "$T/h" -w '%{http_code}' "$@")
}

# headers_ok WHAT: the answer in $T/h carries the headers of HTTP.md.
headers_ok() {
	grep -qiF "Content-Security-Policy: default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; form-action 'self'; frame-ancestors 'none'" "$T/h" &&
		grep -qiF 'X-Content-Type-Options: nosniff' "$T/h" &&
		grep -qiF 'Referrer-Policy: no-referrer' "$T/h" && ok || bad "$1: security headers: $(cat "$T/h")"
}

# --- a listen address that is not loopback needs a token: harkd -n and harkd refuse
http_conf "listen = 127.0.0.1:0 0.0.0.0:0"
"$HARKD" -n -c "$T/hark.conf" >"$T/out" 2>"$T/n.err"
expect_eq "$?" 2 "harkd -n, non-loopback listen without token_file"
grep -qF "hark.conf:7:1: error: listen: 0.0.0.0:0 is not a loopback address: it needs token_file" "$T/n.err" &&
	ok || bad "harkd -n names file:line: $(cat "$T/n.err")"
"$HARKD" -c "$T/hark.conf" 2>"$T/refused.err"
expect_eq "$?" 2 "harkd, non-loopback listen without token_file"
grep -qF "hark.conf:7:1: error: listen: 0.0.0.0:0 is not a loopback address" "$T/refused.err" &&
	ok || bad "harkd names file:line: $(cat "$T/refused.err")"
[ ! -e "$T/state/hark.db" ] && ok || bad "a refused configuration created a database"

# --- open on loopback, port 0; a webhook nobody answers (port 9, discard, closed)
http_conf "listen = 127.0.0.1:0"
printf '[webhook w]\nurl = http://127.0.0.1:9/\n' >>"$T/hark.conf"
# an email every hit goes to (its SMTP server closed: they wait), and a
# webhook and an email no rule is sent to: their series say 0, not nothing
printf '[webhook idle]\nurl = http://127.0.0.1:9/\nrules = none-such\n' >>"$T/hark.conf"
printf '[email desk]\nsmtp = smtp://127.0.0.1:9\nfrom = a@example.org\nto = b@example.org\n' >>"$T/hark.conf"
printf '[email quiet]\nsmtp = smtp://127.0.0.1:9\nfrom = a@example.org\nto = b@example.org\nrules = none-such\n' >>"$T/hark.conf"
HARK_HTTP_IDLE_TIMEOUT=2
export HARK_HTTP_IDLE_TIMEOUT
start_harkd
URL=$(cut -d' ' -f1 "$T/state/harkd.http")
case $URL in
http://127.0.0.1:[1-9]*/) ok ;;
*) bad "state/harkd.http holds the bound address: '$URL'" ;;
esac
grep -qF "listening on $URL" "$LOG" && ok || bad "the log says where it listens"
req "${URL}healthz"
expect_eq "$CODE" 200 "GET /healthz"
expect_eq "$(cat "$T/b")" ok "GET /healthz body"
headers_ok "/healthz"

ingest "$T/a1.txt" "$T/a2.txt" "$T/a3.txt"
wait_for "$LOG" "article a_" 20 3 || bad "three articles stored"
req "${URL}metrics"
expect_eq "$CODE" 200 "GET /metrics"
headers_ok "/metrics"
grep -qiF 'Content-Type: text/plain; version=0.0.4; charset=utf-8' "$T/h" && ok || bad "metrics content type: $(cat "$T/h")"
cp "$T/b" "$T/metrics"
grep -qxF 'hark_articles_stored_total{source="drop"} 3' "$T/metrics" && ok || bad "3 articles in the metrics"
grep -qxF 'hark_articles_stored_total{source="feed"} 0' "$T/metrics" && ok || bad "0 feed articles"
grep -qxF 'hark_hits_total 3' "$T/metrics" && ok || bad "3 hits in the metrics"
grep -qxF 'hark_rules 1' "$T/metrics" && ok || bad "1 rule in the metrics"
grep -qxF 'hark_commit_seconds_count 3' "$T/metrics" && ok || bad "3 commits in the histogram"
grep -qxF 'hark_commit_seconds_bucket{le="+Inf"} 3' "$T/metrics" && ok || bad "+Inf bucket of 3"
grep -qE '^hark_database_size_bytes [1-9][0-9]*$' "$T/metrics" && ok || bad "database size"
grep -qxF 'hark_last_reload_success 1' "$T/metrics" && ok || bad "last reload success"
grep -qxF 'hark_deliveries{webhook="w",state="pending"} 3' "$T/metrics" && ok || bad "3 deliveries pending"
grep -qxF 'hark_deliveries{webhook="w",state="dead"} 0' "$T/metrics" && ok || bad "0 deliveries dead"
# every configured destination, 0 when it has no delivery; an email under email=
grep -qxF 'hark_deliveries{webhook="idle",state="pending"} 0' "$T/metrics" && ok || bad "a webhook without deliveries: 0"
grep -qxF 'hark_deliveries{webhook="idle",state="dead"} 0' "$T/metrics" && ok || bad "a webhook without deliveries: 0 dead"
grep -qxF 'hark_email_deliveries{email="desk",state="pending"} 3' "$T/metrics" && ok || bad "3 emails pending"
grep -qxF 'hark_email_deliveries{email="quiet",state="pending"} 0' "$T/metrics" && ok || bad "an email without deliveries: 0"
grep -qxF 'hark_email_deliveries{email="quiet",state="dead"} 0' "$T/metrics" && ok || bad "an email without deliveries: 0 dead"
grep -qF 'webhook="desk"' "$T/metrics" && bad "an email labelled as a webhook: $(grep desk "$T/metrics")" || ok
grep -qF 'webhook="quiet"' "$T/metrics" && bad "an email labelled as a webhook" || ok
grep -qxF 'hark_feeds{state="ok"} 0' "$T/metrics" && ok || bad "no feed"
# the first attempts fail at once (connection refused)
wait_until "curl -s '${URL}metrics' | awk '/^hark_delivery_attempts_total\{outcome=\"failed\"\} / { f = 1; exit !(\$2 >= 3) } END { if (!f) exit 1 }'" 20 &&
	ok || bad "3 failed delivery attempts counted"
# the emails' attempts apart: the webhooks' counter is the requests to w
# alone (as many as its failure lines, read before and after the metrics)
wait_until "curl -s '${URL}metrics' | awk '/^hark_email_delivery_attempts_total\{outcome=\"failed\"\} / { f = 1; exit !(\$2 >= 3) } END { if (!f) exit 1 }'" 20 &&
	ok || bad "3 failed email attempts counted"
l1=$(grep -c 'delivery of hit=[^ ]* to w failed' "$LOG")
curl -s "${URL}metrics" >"$T/metrics2"
l2=$(grep -c 'delivery of hit=[^ ]* to w failed' "$LOG")
wa=$(sed -n 's/^hark_delivery_attempts_total{outcome="failed"} \([0-9]*\)$/\1/p' "$T/metrics2")
[ "${wa:-x}" -ge "$l1" ] 2>/dev/null && [ "$wa" -le "$l2" ] && ok ||
	bad "webhook attempts $wa, not the $l1..$l2 requests to w (emails counted?)"
grep -qF 'hark_delivery_attempts_total{outcome="sent"} 0' "$T/metrics2" && ok || bad "no webhook attempt sent"
grep -qF '# HELP hark_email_delivery_attempts_total Email' "$T/metrics2" && ok || bad "the emails' attempts described"
grep -qF '# HELP hark_delivery_attempts_total Webhook requests' "$T/metrics2" && ok || bad "the webhooks' attempts described"
for m in hark_near_duplicates_total hark_files_failed_total hark_queue_depth \
	hark_documents_in_flight hark_delivery_attempts_total hark_email_delivery_attempts_total \
	hark_feed_polls_total hark_feeds \
	hark_last_reload_timestamp_seconds hark_delivery_seconds_count; do
	grep -q "^$m[ {]" "$T/metrics" && ok || bad "metric $m missing"
done
# the grammar of text format 0.0.4: HELP and TYPE once per family, before its
# samples; every sample of a known family, a valid name, labels, a number
awk '
/^# HELP / { if (help[$3]++) { print "two HELP for " $3; bad = 1 } next }
/^# TYPE / {
	if (type[$3]) { print "two TYPE for " $3; bad = 1 }
	if ($4 !~ /^(counter|gauge|histogram|summary|untyped)$/) { print "bad type: " $0; bad = 1 }
	type[$3] = $4; next
}
/^#/ || /^$/ { next }
{
	if ($0 !~ /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="[^"\\]*"(,[a-zA-Z_][a-zA-Z0-9_]*="[^"\\]*")*\})? [-+0-9.eE]+(Inf)?$/) {
		print "bad sample line: " $0; bad = 1; next
	}
	name = $0; sub(/[{ ].*/, "", name); fam = name
	if (!(fam in type)) sub(/_(bucket|sum|count)$/, "", fam)
	if (!(fam in type) || !(fam in help)) { print "no HELP/TYPE before " name; bad = 1 }
	if (fam !~ /^hark_/) { print "not hark_: " name; bad = 1 }
	n++
}
END { if (n < 20) { print "only " n " samples"; bad = 1 } exit bad }
' "$T/metrics" >"$T/grammar" && ok || { bad "metrics grammar"; cat "$T/grammar"; }

# a reload that fails, then one that is taken: the metrics say which
cp "$T/w.rules" "$T/w.rules.good"
printf '[rule broken]\nquery = "open\n' >"$T/w.rules"
kill -HUP "$HPID"
wait_for "$LOG" "reload failed" 20 || bad "the broken reload is logged"
curl -s "${URL}metrics" >"$T/metrics2"
grep -qxF 'hark_last_reload_success 0' "$T/metrics2" && ok || bad "a failed reload: success 0"
printf '[rule assad]\nquery = Assad\n[rule moscow]\nquery = Moscow\n' >"$T/w.rules"
kill -HUP "$HPID"
wait_for "$LOG" "reloaded: rules 2" 20 || bad "the good reload is logged"
curl -s "${URL}metrics" >"$T/metrics2"
grep -qxF 'hark_last_reload_success 1' "$T/metrics2" && ok || bad "a reload taken: success 1"
grep -qxF 'hark_rules 2' "$T/metrics2" && ok || bad "2 rules after the reload"
cp "$T/w.rules.good" "$T/w.rules"

req -I "${URL}metrics"
expect_eq "$CODE" 200 "HEAD /metrics"
# curl -I writes the headers where the body would go: no sample may follow them
grep -q '^hark_' "$T/b" && bad "HEAD has no body: $(cat "$T/b")" || ok
req -X POST "${URL}metrics"
expect_eq "$CODE" 405 "POST /metrics"
grep -qiF 'Allow: GET, HEAD' "$T/h" && ok || bad "405 says Allow"
headers_ok "405"
req "${URL}nope"
expect_eq "$CODE" 404 "GET /nope"
headers_ok "404"
req "${URL}api/v1/nope"
expect_eq "$CODE" 404 "GET /api/v1/nope"
grep -qiF 'Content-Type: application/json' "$T/h" && ok || bad "an API error is JSON"
expect_eq "$(cat "$T/b")" '{"error":"no such page: /api/v1/nope"}' "an API error's body"

# bounds: headers over 16 KiB; a body over max_document_size (1K) to an unknown POST
big=$(head -c 20000 /dev/zero | tr '\0' x)
req -H "X-Big: $big" "${URL}healthz"
case $CODE in 400 | 431) ok ;; *) bad "oversized headers: got $CODE, want 431 or 400" ;; esac
head -c 5000 /dev/zero >"$T/big.body"
req --data-binary @"$T/big.body" "${URL}nope"
expect_eq "$CODE" 413 "a body over max_document_size"
req "${URL}healthz"
expect_eq "$CODE" 200 "GET /healthz after the refusals"

# reads have their own connection: another writer's lock (and commit) does not hold them up
"$DBLOCK" "$T/state/hark.db" 5 write >"$T/dblock.out" 2>&1 &
dpid=$!
wait_for "$T/dblock.out" locked 20 || bad "dblock took the lock"
req --max-time 3 "${URL}healthz"
expect_eq "$CODE" 200 "GET /healthz while another writer holds the database"
req --max-time 3 "${URL}metrics"
expect_eq "$CODE" 200 "GET /metrics while another writer holds the database"
grep -qF released "$T/dblock.out" && bad "the reads waited for the writer's commit" || ok
wait "$dpid"

# an idle connection is closed by the server after HARK_HTTP_IDLE_TIMEOUT (2 s)
port=${URL##*:}
"$CONNS" idle 127.0.0.1 "${port%/}" >"$T/idle" 2>&1
awk '/^closed after/ { exit !($3 >= 1.5 && $3 < 20 && $5 == 0) } END { if (NR == 0) exit 1 }' "$T/idle" &&
	ok || bad "idle connection closed after the timeout: $(cat "$T/idle")"

# hark status: running, and where
hk status
grep -qE "^harkd: +running \(pid $HPID\) since $(date +%Y-%m-%d) [0-9]{2}:[0-9]{2}$" "$T/out" && ok ||
	bad "hark status says running, since when: $(cat "$T/out")"
grep -qE "^http: +$URL$" "$T/out" && ok || bad "hark status says the address: $(cat "$T/out")"
hk status --json
grep -qE "\"running\":true,\"pid\":$HPID,\"since\":\"$(date -u +%Y-%m-%d)T[0-9:]{8}Z\",\"http\":\[\"$URL\"\]" "$T/out" &&
	ok || bad "status --json: $(cat "$T/out")"

# --- a port taken stops another harkd's start: exit 2, one clear line
port=${URL##*:}
port=${port%/}
mkdir "$T/other" && printf '[rule x]\nquery = x\n' >"$T/other/w.rules" &&
	printf '[hark]\nstate_dir = state\nspool_dir = spool\nrules = w.rules\n[http]\nlisten = 127.0.0.1:%s\n' \
		"$port" >"$T/other/hark.conf"
"$HARKD" -c "$T/other/hark.conf" 2>"$T/taken.err" &
opid=$!
if wait_until "! kill -0 $opid" 20; then
	wait "$opid"
	expect_eq "$?" 2 "harkd on a port taken"
else
	kill -KILL "$opid"
	bad "harkd on a port taken did not stop"
fi
grep -qF "cannot listen on 127.0.0.1:$port: Address already in use; not started" "$T/taken.err" &&
	ok || bad "the port taken is said: $(cat "$T/taken.err")"
stop_harkd
expect_eq "$HSTATUS" 0 "SIGTERM"
[ ! -e "$T/state/harkd.http" ] && ok || bad "harkd.http removed at the stop"
hk status
grep -qE '^harkd: +not running \(no pid in .*/harkd.lock: harkd stopped\)$' "$T/out" && ok || bad "hark status says not running, and why: $(cat "$T/out")"
hk status --json
grep -qF '"running":false,"pid":null,"since":null,"http":[]' "$T/out" && ok || bad "status --json, stopped: $(cat "$T/out")"

# --- 300 idle connections: 256 taken, the rest wait; ingest goes on
HARK_HTTP_IDLE_TIMEOUT=120
start_harkd
URL=$(cut -d' ' -f1 "$T/state/harkd.http")
port=${URL##*:}
"$CONNS" hold 127.0.0.1 "${port%/}" 300 "$T/conns" >"$T/conns.out" 2>&1 &
ppid=$!
wait_until "[ -e '$T/conns.open' ]" 30 || bad "300 connections opened"
wait_for "$LOG" "256 connections open: not accepting more" 30 ||
	bad "harkd says it stopped accepting at 256"
ingest "$T/late.txt"
wait_for "$LOG" "file=late.txt" 20 || bad "a file dropped during 300 idle connections is stored"
curl -s --max-time 1 "${URL}healthz" >/dev/null 2>&1 && bad "a 301st connection was served" || ok
: >"$T/conns.close"
wait "$ppid" && ok || bad "300 connections made: $(cat "$T/conns.out")"
wait_until "curl -sf --max-time 2 '${URL}healthz'" 30 && ok || bad "/healthz answers once they are closed"
req "${URL}metrics"
grep -qE '^hark_http_connections [0-9]+$' "$T/b" && ok || bad "connections gauge"
stop_harkd
expect_eq "$HSTATUS" 0 "SIGTERM after 300 connections"

# --- a token: 401 without it, 200 with it, /healthz open, the token never logged
tok=0123456789abcdef0123456789abcdef-test
printf '%s\n' "$tok" >"$T/http.token"
chmod 600 "$T/http.token"
http_conf "listen = 127.0.0.1:0" "token_file = http.token"
start_harkd "$T/log2"
URL=$(cut -d' ' -f1 "$T/state/harkd.http")
req "${URL}metrics"
expect_eq "$CODE" 401 "GET /metrics without a token"
headers_ok "401"
grep -qiF 'WWW-Authenticate: Bearer' "$T/h" && ok || bad "401 says WWW-Authenticate"
req -H "Authorization: Bearer ${tok}x" "${URL}metrics"
expect_eq "$CODE" 401 "GET /metrics with a wrong token"
req -H "Authorization: Bearer ${tok%?}" "${URL}metrics"
expect_eq "$CODE" 401 "GET /metrics with a token cut short"
req -H "Authorization: Bearer $tok" "${URL}metrics"
expect_eq "$CODE" 200 "GET /metrics with the token"
req "${URL}healthz"
expect_eq "$CODE" 200 "GET /healthz needs no token"
req "${URL}api/v1/hits"
expect_eq "$CODE" 401 "the API without a token"
grep -qF '{"error":' "$T/b" && ok || bad "the API's 401 is JSON: $(cat "$T/b")"
req "${URL}nope"
# a page's GET goes to /login whether the page is there or not: nothing learnt of the routes
expect_eq "$CODE" 303 "an unknown page without a token is sent to /login, not 404"
req -X POST "${URL}nope"
expect_eq "$CODE" 401 "a POST to an unknown page without a token is 401, not 404"
# /healthz says 503 while harkd stops: a file in hand, held up by another writer's lock
"$DBLOCK" "$T/state/hark.db" 10 >"$T/dblock2.out" 2>&1 &
dpid=$!
wait_for "$T/dblock2.out" locked 20 || bad "dblock took the lock"
printf 'At the stop\n\nAssad, at the stop.\n' >"$T/stop.txt"
ingest "$T/stop.txt"
wait_for "$LOG" "database busy" 20 || bad "the file in hand waits for the lock"
kill -TERM "$HPID"
wait_for "$LOG" "SIGTERM: finishing" 20 || bad "SIGTERM heard"
req "${URL}healthz"
expect_eq "$CODE" 503 "GET /healthz while stopping"
expect_eq "$(cat "$T/b")" stopping "GET /healthz while stopping: the cause"
headers_ok "503"
wait "$dpid"
stop_harkd
expect_eq "$HSTATUS" 0 "the stop, once the lock is released"
grep -qF "file=stop.txt" "$LOG" && ok || bad "the file in hand stored before the exit"
grep -qF "$tok" "$T/log2" "$T/log" && bad "the token is in the log" || ok
grep -qF "(token required)" "$T/log2" && ok || bad "the log says a token is required"

finish
