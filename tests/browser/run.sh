#!/bin/sh
# harkd's pages in a real browser: a real harkd on a real SQLite file, its
# [http] on a free loopback port with a token (so the browser logs in at
# /login as a person would), the fixture articles of tests/browser/articles/
# (French, English, Arabic; hostile ones) and a 100 KB title written here,
# a webhook whose delivery is driven dead against the test receiver
# (tests/daemon/receiver.c, answering 500), which then answers 200; then
# node runs SCRIPT (pages.mjs, try.mjs) in Debian's Chromium with
# playwright-core, which reads what it needs from the environment:
#   HARK_URL     the server's address ("http://127.0.0.1:PORT/")
#   HARK_TOKEN   the token to log in with
#   HARK_DEAD    the id of the dead delivery; HARK_RECV_OUT the receiver's log
#   HARK_STATE   a JSON file: the articles by file name, their ids
# Skips (77) only when Chromium or the npm packages are missing: `make test`
# installs both (contrib/install-deps --test, npm ci in tests/browser).
# Usage: run.sh HARK HARKD RECEIVER SCRIPT.mjs
DIR=$(cd "$(dirname "$0")" && pwd)
. "$DIR/../daemon/lib.sh"
RECV=$(abspath "${3:-}")
SCRIPT=$(abspath "${4:-}")
daemon_init "$@"
[ -x "$RECV" ] && [ -f "$SCRIPT" ] || {
	echo "usage: $0 HARK HARKD RECEIVER SCRIPT.mjs" >&2
	exit 2
}
CHROMIUM=${HARK_CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || {
	echo "skip: no Chromium at $CHROMIUM (make test installs it: contrib/install-deps --test)"
	exit 77
}
command -v node >/dev/null 2>&1 || {
	echo "skip: no node (make test installs it: contrib/install-deps --test)"
	exit 77
}
(cd "$DIR" && npm ls --silent >/dev/null 2>&1) || {
	echo "skip: the npm packages of tests/browser are not installed (make test runs npm ci there)"
	exit 77
}

RPID=
trap '[ -n "$RPID" ] && kill "$RPID" 2>/dev/null; daemon_cleanup' EXIT

# the rules: names in three scripts; one whose name and tag are hostile; one
# only the webhook takes
cat >"$T/w.rules" <<'R'
[rule assad]
name  = Bashar al-Assad
query = Assad OR "بشار الأسد" OR الأسد
tags  = syria people

[rule haddadin]
name  = Karim Haddadin
query = Haddadin
tags  = press

[rule hostile]
name  = <script>alert('rule')</script> "><img src=x onerror=alert('rule-img')>
query = hostile
tags  = </textarea><b>tag</b>
R

# the 100 KB title: one unbroken word, markup in it
big=$(awk 'BEGIN { s = ""; while (length(s) < 102400) s = s "<b>W</b>&amp;"; print s }')
printf -- '---\ntitle: "hostile %s"\n---\nThe hostile article with the longest title.\n' "$big" >"$T/13-hostile-bigtitle.md"

tok=$(head -c 48 /dev/urandom | od -An -tx1 | tr -d ' \n')
printf '%s\n' "$tok" >"$T/http.token"
chmod 600 "$T/http.token"

"$RECV" "$T/recv.port" always500 >"$T/recv.out" 2>"$T/recv.err" &
RPID=$!
wait_until "[ -s '$T/recv.port' ]" 10 || bad "the receiver did not start: $(cat "$T/recv.err")"
RPORT=$(cat "$T/recv.port")
write_conf "max_document_size = 1M"
cat >>"$T/hark.conf" <<C
[webhook hook]
url = http://127.0.0.1:$RPORT/hook
rules = haddadin
[feed closed]
url = http://127.0.0.1:9/feed.xml
interval = 1h
allow_private = yes
[http]
listen = 127.0.0.1:0
token_file = http.token
C
start_harkd
URL=$(cut -d' ' -f1 "$T/state/harkd.http")

ingest "$DIR"/articles/* "$T/13-hostile-bigtitle.md"
n=$(($(ls "$DIR"/articles | wc -l) + 1))
wait_for "$LOG" "article a_" 30 "$n" || bad "$n articles stored: $(grep -c 'article a_' "$LOG")"
# file name -> article id, from the log lines "article ID file=NAME ..."
sed -n 's/.* article \(a_[0-9a-f]*\) file=\([^ ]*\).*/"\2":"\1"/p' "$LOG" | paste -sd, - |
	sed 's/^/{/; s/$/}/' >"$T/articles.json"
note "articles: $(cat "$T/articles.json")"

# the webhook's delivery dead: attempt 1, then nine counted ones written in
# the database (SIGUSR1's early attempts do not count on the schedule): the
# tenth, due at once, is the last
attempts_are() {
	"$HARK" -c "$T/hark.conf" deliveries --json >"$T/dl" 2>&1 && grep -qF "\"attempts\":$1," "$T/dl"
}
wait_until "attempts_are 1" 30 || bad "the first attempt: $(cat "$T/dl")"
stop_harkd
sqlite3 "$T/state/hark.db" "UPDATE deliveries SET attempts = 9, next_at = 0" ||
	bad "attempts set to 9"
start_harkd
URL=$(cut -d' ' -f1 "$T/state/harkd.http")
wait_until "\"$HARK\" -c '$T/hark.conf' deliveries --failed --json >'$T/dead' && grep -qF '\"state\":\"dead\"' '$T/dead'" 30 &&
	ok || bad "dead after 10 attempts: $(cat "$T/dl")"
DEAD=$(sed -n 's/^{"id":\([0-9]*\),.*/\1/p' "$T/dead" | head -1)
# the receiver comes back on the same port, answering 200
kill -TERM "$RPID" && wait "$RPID"
: >"$T/recv.out"
RECEIVER_PORT=$RPORT "$RECV" "$T/recv.port2" ok >"$T/recv.out" 2>"$T/recv.err" &
RPID=$!
wait_until "[ -s '$T/recv.port2' ]" 10 || bad "the receiver did not start again: $(cat "$T/recv.err")"

HARK_URL=$URL HARK_TOKEN=$tok HARK_DEAD=$DEAD HARK_RECV_OUT=$T/recv.out \
	HARK_STATE=$T/articles.json HARK_CHROMIUM=$CHROMIUM HARK_TMP=$T \
	node "$SCRIPT" >"$T/node.out" 2>"$T/node.err"
st=$?
cat "$T/node.out"
[ -s "$T/node.err" ] && sed 's/^/node: /' "$T/node.err"
# node prints "N passed, M failed" itself; its failures count here as one
expect_eq "$st" 0 "node $(basename "$SCRIPT")"

stop_harkd
expect_eq "$HSTATUS" 0 "harkd stopped"
finish
