#!/bin/sh
# The feed server of the poller's tests, checked with curl: every path, the
# conditional requests, gzip, the bomb's size, the log line, the bench mode
# and the signals. Exit 77 (skipped) without curl.
# Usage: feedserver-selftest.sh FEEDSERVER
. "$(dirname "$0")/lib.sh"

command -v curl >/dev/null 2>&1 || {
	echo "skipped: no curl"
	exit 77
}
FS=$(abspath "$1")
[ -x "$FS" ] || {
	echo "usage: $0 FEEDSERVER" >&2
	exit 2
}
T=$(mktemp -d) || exit 2
FPID= BPID=
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export ASAN_OPTIONS
cleanup() {
	for _p in $FPID $BPID; do
		kill -KILL "$_p" 2>/dev/null && wait "$_p" 2>/dev/null
	done
	[ -n "$KEEP" ] && echo "kept $T" || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 2' INT TERM HUP

# start_fs PORTFILE LOG [ARGS...]: a feed server on $T/root; sets $SPID.
start_fs() {
	_pf=$1 _log=$2
	shift 2
	"$FS" "$_pf" "$T/root" "$@" >"$_log" 2>>"$T/err" &
	SPID=$!
	wait_until "[ -s '$_pf' ]" 10 || {
		bad "no port file: $(cat "$T/err")"
		finish
	}
}

# get PATH [CURL-ARGS...]: GET the path; headers in $T/h (CRs removed),
# the body in $T/b, the status in $T/code.
get() {
	_p=$1
	shift
	# curl writes no file for an empty body: no stale one either
	rm -f "$T/b"
	: >"$T/b"
	curl -s -o "$T/b" -D "$T/h.raw" -w '%{http_code}' "$@" "$U$_p" >"$T/code"
	tr -d '\r' <"$T/h.raw" >"$T/h"
}
code() { cat "$T/code"; }
# header NAME: its value in $T/h
header() { sed -n "s/^$1: //Ip" "$T/h" | head -1; }

mkdir "$T/root"
cat >"$T/root/a.xml" <<'X'
<?xml version="1.0"?>
<rss version="2.0"><channel><title>A</title><link>http://a.invalid/</link>
<description>a</description><item><title>One</title><guid>a-1</guid>
<description>Austin Tice was seen.</description></item></channel></rss>
X
printf ' windows-1252\n' >"$T/root/a.xml.charset"
printf '{"version":"https://jsonfeed.org/version/1.1","title":"J","items":[]}\n' >"$T/root/j.json"
printf '<feed xmlns="http://www.w3.org/2005/Atom"><title>B</title></feed>\n' >"$T/root/b.atom"
mkdir "$T/root/sub"
cp "$T/root/a.xml" "$T/root/sub/c.xml"
echo secret >"$T/secret"

start_fs "$T/port" "$T/log"
FPID=$SPID
P=$(cat "$T/port")
U=http://127.0.0.1:$P

# --- /f/NAME: type, charset, validators
get /f/a.xml
expect_eq "$(code)" 200 "/f/a.xml"
cmp -s "$T/b" "$T/root/a.xml" && ok || bad "/f/a.xml body is the file"
expect_eq "$(header Content-Type)" "application/rss+xml; charset=windows-1252" "type and charset"
ETAG=$(header ETag) LM=$(header Last-Modified)
case $ETAG in \"?*\") ok ;; *) bad "ETag quoted: '$ETAG'" ;; esac
expect_eq "$LM" "$(TZ=GMT date -r "$T/root/a.xml" '+%a, %d %b %Y %H:%M:%S GMT')" "Last-Modified is the mtime"
get /f/j.json
expect_eq "$(header Content-Type)" "application/feed+json" "/f/j.json type"
get /f/b.atom
expect_eq "$(header Content-Type)" "application/atom+xml" "/f/b.atom type"
get /f/sub/c.xml
expect_eq "$(code)" 200 "a file in a subdirectory"
for p in /f/../secret /f/.hidden /f/sub/../a.xml /f/a.xml/ /f/ /f/nothere.xml /f//a.xml; do
	get "$p" --path-as-is
	expect_eq "$(code)" 404 "$p"
done

# --- conditional requests
get /f/a.xml -H "If-None-Match: $ETAG"
expect_eq "$(code)" 304 "If-None-Match naming the ETag"
[ ! -s "$T/b" ] && ok || bad "a 304 has no body"
get /f/a.xml -H "If-None-Match: \"other\", W/$ETAG"
expect_eq "$(code)" 304 "a weak ETag among others"
get /f/a.xml -H 'If-None-Match: "other"'
expect_eq "$(code)" 200 "If-None-Match naming another ETag"
get /f/a.xml -H "If-Modified-Since: $LM"
expect_eq "$(code)" 304 "If-Modified-Since the mtime"
get /f/a.xml -H 'If-Modified-Since: Mon, 01 Jan 2001 00:00:00 GMT'
expect_eq "$(code)" 200 "If-Modified-Since older"
get /f/a.xml -H 'If-None-Match: "other"' -H "If-Modified-Since: $LM"
expect_eq "$(code)" 200 "If-None-Match wins over If-Modified-Since"
# the file is read on every request: an edit shows at once
sed 's/One/Two/' "$T/root/a.xml" >"$T/root/a.xml.new" && mv "$T/root/a.xml.new" "$T/root/a.xml"
get /count/a.xml -H "If-None-Match: $ETAG"
expect_eq "$(code)" 200 "an edited file, the old ETag"
grep -q Two "$T/b" && ok || bad "/count/a.xml serves the edit"
[ "$(header ETag)" != "$ETAG" ] && ok || bad "an edit changes the ETag"
ETAG=$(header ETag)

# --- HEAD
curl -s -I "$U/f/a.xml" | tr -d '\r' >"$T/h"
expect_eq "$(header Content-Length)" "$(wc -c <"$T/root/a.xml" | tr -d ' ')" "HEAD's Content-Length"
get /f/a.xml -X POST
expect_eq "$(code)" 405 "POST"

# --- gzip
get /gz/a.xml -H 'Accept-Encoding: gzip'
expect_eq "$(header Content-Encoding)" gzip "/gz/ with gzip accepted"
gzip -dc <"$T/b" | cmp -s - "$T/root/a.xml" && ok || bad "/gz/ inflates to the file"
[ "$(header ETag)" != "$ETAG" ] && ok || bad "the gzip variant has its own ETag"
GZTAG=$(header ETag)
get /gz/a.xml -H 'Accept-Encoding: gzip' -H "If-None-Match: $GZTAG"
expect_eq "$(code)" 304 "/gz/ conditional"
get /gz/a.xml
expect_eq "$(header Content-Encoding)" "" "/gz/ without Accept-Encoding"
cmp -s "$T/b" "$T/root/a.xml" && ok || bad "/gz/ without Accept-Encoding: the file as is"
get /gz/a.xml -H 'Accept-Encoding: br, gzip;q=0'
expect_eq "$(header Content-Encoding)" "" "gzip;q=0 refuses gzip"
get /gz/a.xml --compressed
cmp -s "$T/b" "$T/root/a.xml" && ok || bad "curl --compressed reads /gz/"

# --- the bomb: small on the wire, 1 GiB inflated, a valid gzip stream
get /bomb
expect_eq "$(code)" 200 "/bomb"
expect_eq "$(header Content-Encoding)" gzip "/bomb is gzip-encoded"
n=$(wc -c <"$T/b" | tr -d ' ')
[ "$n" -lt 2000000 ] && ok || bad "/bomb is $n bytes, not under 2 MB"
cp "$T/b" "$T/bomb.gz"
big=$(gzip -l "$T/bomb.gz" | awk 'NR == 2 { print $2 }')
[ "${big:-0}" -gt 1073741824 ] && ok || bad "/bomb inflates to $big bytes, not over 1 GiB"
gzip -dc "$T/bomb.gz" 2>/dev/null | head -c 200 | grep -q '<rss version="2.0">' && ok ||
	bad "/bomb starts as an RSS feed"
gzip -t "$T/bomb.gz" && ok || bad "/bomb is a valid gzip stream (CRC and length)"

# --- redirects
for c in 301 302 307 308; do
	get /$c/a.xml
	expect_eq "$(code) $(header Location)" "$c /f/a.xml" "/$c/a.xml"
done
get /chain/3/a.xml
expect_eq "$(code) $(header Location)" "301 /chain/2/a.xml" "/chain/3"
get /chain/1/a.xml
expect_eq "$(header Location)" /f/a.xml "/chain/1"
r=$(curl -sL -o /dev/null -w '%{http_code} %{num_redirects} %{url_effective}' "$U/chain/4/a.xml")
expect_eq "$r" "200 4 $U/f/a.xml" "/chain/4 followed"
get /loop
expect_eq "$(code) $(header Location)" "301 /loop" "/loop"
curl -sL --max-redirs 5 -o /dev/null "$U/loop"
expect_eq $? 47 "/loop is endless"
get /private-redirect/a.xml
expect_eq "$(code) $(header Location)" "301 http://127.0.0.2:$P/f/a.xml" "/private-redirect"
if curl -s -o /dev/null "http://127.0.0.2:$P/f/a.xml"; then
	wait_for "$T/log" "GET /f/a.xml 200 - - - via=127.0.0.2" 5 && ok ||
		bad "a request to 127.0.0.2 logged with via="
else
	note "127.0.0.2 not reachable here: its listener not checked"
fi

# --- failures
get /gone
expect_eq "$(code)" 410 "/gone"
get /429
expect_eq "$(code) $(header Retry-After)" "429 2" "/429"
get /429
expect_eq "$(code) $(header Retry-After)" "429 2" "/429 again"
get /503
expect_eq "$(code) $(header Retry-After)" "503 1" "/503"
get /500
expect_eq "$(code)" 500 "/500"
get /nothing
expect_eq "$(code)" 404 "an unknown path"

# --- odd bodies
get /empty
expect_eq "$(code) $(wc -c <"$T/b" | tr -d ' ')" "200 0" "/empty"
expect_eq "$(header Content-Type)" application/rss+xml "/empty's type"
get /html
expect_eq "$(header Content-Type)" application/rss+xml "/html's type"
grep -q '<html' "$T/b" && ok || bad "/html is HTML"
get /big/1000
expect_eq "$(grep -c '<item>' "$T/b")" 1000 "/big/1000 items"
expect_eq "$(grep -o '<guid[^>]*>[^<]*' "$T/b" | sort -u | wc -l | tr -d ' ')" 1000 "/big/1000 guids unique"
expect_eq "$(grep -c 'Austin Tice' "$T/b")" 10 "/big/1000: one Austin Tice in 100"
grep -q '<title>Item 999</title>' "$T/b" && ok || bad "/big/1000 titles"

# --- slow: the client gives up first; /slow/1 answers after a second
curl -s -m 1 -o /dev/null "$U/slow"
expect_eq $? 28 "/slow outlasts a 1 s timeout"
t=$(curl -s -o "$T/b" -w '%{http_code} %{time_total}' "$U/slow/1")
expect_eq "${t% *}" 200 "/slow/1"
awk -v t="${t#* }" 'BEGIN { exit !(t >= 0.9) }' && ok || bad "/slow/1 took ${t#* } s"
grep -q '<rss' "$T/b" && ok || bad "/slow/1 is a feed"
# the server still answers at once while a /slow waits
curl -s -m 10 -o /dev/null "$U/slow/5" &
cpid=$!
t=$(curl -s -o /dev/null -w '%{time_total}' "$U/gone")
awk -v t="$t" 'BEGIN { exit !(t < 2) }' && ok || bad "a request beside a /slow took $t s"
kill "$cpid" 2>/dev/null
wait "$cpid" 2>/dev/null

# --- the log line
get /f/a.xml -H "If-None-Match: $ETAG" -H 'Accept-Encoding: gzip, br'
grep -qE "^[0-9]{13} GET /f/a.xml 304 $ETAG - gzip,_br\$" "$T/log" && ok ||
	bad "log line of a conditional GET: $(tail -1 "$T/log")"
grep -qF " GET /f/a.xml 304 - $(printf '%s' "$LM" | tr ' ' _) -" "$T/log" && ok ||
	bad "log line with If-Modified-Since"
grep -qE '^[0-9]{13} HEAD /f/a.xml 200 - - -$' "$T/log" && ok || bad "log line of a HEAD"
grep -qE '^[0-9]{13} POST /f/a.xml 405 ' "$T/log" && ok || bad "log line of a POST"
grep -qE '^[0-9]{13} GET /slow 200 ' "$T/log" && ok || bad "a /slow logged when it comes"

# --- signals: SIGHUP changes nothing, SIGTERM stops with 0
kill -HUP "$FPID"
sleep 0.2
get /gone
expect_eq "$(code)" 410 "answers after SIGHUP"
kill -TERM "$FPID"
wait "$FPID"
expect_eq $? 0 "SIGTERM: exit 0"
FPID=

# --- bench mode
start_fs "$T/bport" "$T/blog" --feeds 3
BPID=$SPID
U=http://127.0.0.1:$(cat "$T/bport")
get /bench/0
expect_eq "$(code)" 200 "/bench/0"
B0=$(cat "$T/b") T0=$(header ETag) L0=$(header Last-Modified)
get /bench/2
expect_eq "$(code)" 200 "/bench/2"
[ "$(cat "$T/b")" != "$B0" ] && ok || bad "the bench feeds are distinct"
[ "$(header ETag)" != "$T0" ] && ok || bad "the bench feeds have their own ETag"
get /bench/3
expect_eq "$(code)" 404 "/bench/3 of 3"
get /bench/0 -H "If-None-Match: $T0"
expect_eq "$(code)" 304 "a bench feed unchanged"
get /bench/0 -H "If-Modified-Since: $L0"
expect_eq "$(code)" 304 "a bench feed unchanged, If-Modified-Since"
kill -USR1 "$BPID"
wait_until "curl -s '$U/bench/0' | grep -q bench-0-3" 5 && ok || bad "SIGUSR1 adds an item"
get /bench/0 -H "If-None-Match: $T0"
expect_eq "$(code)" 200 "a bench feed after SIGUSR1"
expect_eq "$(grep -c '<item>' "$T/b")" 3 "a bench feed keeps three items"
get /bench/0 -H "If-Modified-Since: $L0"
expect_eq "$(code)" 200 "after SIGUSR1, If-Modified-Since"
kill -TERM "$BPID"
wait "$BPID"
expect_eq $? 0 "bench mode: SIGTERM, exit 0"
BPID=

# --- usage
"$FS" "$T/x" "$T/root" --feeds many 2>"$T/use.err"
expect_eq $? 2 "--feeds many"
grep -qF "feedserver: --feeds: 'many'" "$T/use.err" && ok || bad "--feeds message: $(cat "$T/use.err")"
"$FS" "$T/x" "$T/nodir" 2>"$T/use.err"
expect_eq $? 2 "a ROOT that is not there"
rm -f "$T/use.err"

finish
