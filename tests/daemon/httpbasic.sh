#!/bin/sh
# HTTP Basic auth on a tokened harkd, over loopback with curl -u, as a feed
# reader (Miniflux, NetNewsWire, Thunderbird) sends it: the token as the
# password of any user opens /hits.atom (GET and HEAD, ?rule=), the API's
# reads and /metrics; a wrong or cut password is 401, whose challenges name
# Basic (first) and Bearer on the feed; a page is still sent to /login and
# a POST still refused (Basic is for programs' reads only); a stale Basic
# password beside a session cookie is no bar; the token never in the log.
# Usage: httpbasic.sh HARK HARKD
. "$(dirname "$0")/lib.sh"
daemon_init "$@"
command -v curl >/dev/null 2>&1 || { echo "skip: no curl (contrib/install-deps)"; exit 77; }

printf '[rule assad]\nquery = Assad\n' >"$T/w.rules"
printf 'Report\n\nAssad was seen in Moscow, a report says.\n' >"$T/a.txt"
tok=0123456789abcdef0123456789abcdef-basic
printf '%s\n' "$tok" >"$T/http.token"
chmod 600 "$T/http.token"

# req ARGS...: curl, the status code in $CODE, headers in $T/h, body in $T/b.
req() {
	CODE=$(curl -s --max-time 10 -o "$T/b" -D "$T/h" -w '%{http_code}' "$@")
}
# challenges: the WWW-Authenticate values of $T/h, in order, on one line
challenges() { grep -i '^WWW-Authenticate:' "$T/h" | sed 's/^[^:]*: *//' | tr -d '\r' | tr '\n' '|'; }

write_conf "log_level = debug"
printf '[http]\nlisten = 127.0.0.1:0\ntoken_file = http.token\n' >>"$T/hark.conf"
start_harkd
URL=$(cut -d' ' -f1 "$T/state/harkd.http")
ingest "$T/a.txt"
wait_for "$LOG" "article a_" 20 || bad "a.txt stored"
wait_until "[ \"\$(status_of hits)\" = 1 ]" 20 || bad "the hit stored"

# the feed with the token as Basic password
req -u "feeds:$tok" "${URL}hits.atom"
expect_eq "$CODE" 200 "GET /hits.atom with curl -u feeds:TOKEN"
grep -qF '<feed xmlns="http://www.w3.org/2005/Atom"' "$T/b" && ok || bad "an Atom feed: $(head -c 300 "$T/b")"
grep -qF 'Assad' "$T/b" && ok || bad "the feed holds the hit"
req -u ":$tok" "${URL}hits.atom?rule=assad"
expect_eq "$CODE" 200 "GET /hits.atom?rule=assad with no user name"
req -I -u "anyone:$tok" "${URL}hits.atom"
expect_eq "$CODE" 200 "HEAD /hits.atom with Basic"
# the scheme's name in any case (RFC 7235)
req -H "Authorization: basic $(printf 'x:%s' "$tok" | base64 | tr -d '\n')" "${URL}hits.atom"
expect_eq "$CODE" 200 "'basic' in lower case"

# wrong: 401, with the Basic challenge a feed reader answers
req -u "feeds:${tok}x" "${URL}hits.atom"
expect_eq "$CODE" 401 "a wrong Basic password"
req -u "feeds:${tok%?}" "${URL}hits.atom"
expect_eq "$CODE" 401 "a Basic password cut short"
req -u "$tok:" "${URL}hits.atom"
expect_eq "$CODE" 401 "the token as the user name, no password"
req "${URL}hits.atom"
expect_eq "$CODE" 401 "/hits.atom without auth"
expect_eq "$(challenges)" 'Basic realm="hark"|Bearer realm="hark"|' "the feed's challenges"
grep -qF 'Basic auth with the token as the password' "$T/b" && ok || bad "the 401 says Basic: $(cat "$T/b")"
req -H "Authorization: Bearer $tok" "${URL}hits.atom"
expect_eq "$CODE" 200 "the Bearer header still opens the feed"

# the other reads of programs
req -u "feeds:$tok" "${URL}api/v1/hits"
expect_eq "$CODE" 200 "GET /api/v1/hits with Basic"
grep -qF '"rule":{"id":"assad"' "$T/b" && ok || bad "the API's hits: $(head -c 300 "$T/b")"
req -u "feeds:$tok" "${URL}metrics"
expect_eq "$CODE" 200 "GET /metrics with Basic"
req "${URL}api/v1/hits"
expect_eq "$CODE" 401 "the API without auth"
expect_eq "$(challenges)" 'Basic realm="hark"|Bearer realm="hark"|' "the API's challenges"

# not pages, not writes
req -u "feeds:$tok" "${URL}"
expect_eq "$CODE" 303 "a page with Basic is still sent to /login"
req -u "feeds:$tok" -H 'Content-Type: text/plain' --data-binary 'Title

Assad by Basic.' "${URL}api/v1/articles"
expect_eq "$CODE" 401 "a POST with Basic is refused"
expect_eq "$(challenges)" 'Bearer realm="hark"|' "a POST's challenge is Bearer only"
req -u "feeds:$tok" -X POST "${URL}rules/assad"
expect_eq "$CODE" 401 "a form's POST with Basic is refused"

# a browser that remembers a stale Basic password but holds a session
req --data-urlencode "token=$tok" "${URL}login"
expect_eq "$CODE" 303 "POST /login"
cookie=$(grep -i '^Set-Cookie:' "$T/h" | sed -n 's/^[^:]*: *hark_session=\([^;]*\);.*/\1/p')
req -u "feeds:old" -b "hark_session=$cookie" "${URL}hits.atom"
expect_eq "$CODE" 200 "a stale Basic password with a session"

stop_harkd
expect_eq "$HSTATUS" 0 "SIGTERM"
grep -qF "$tok" "$LOG" && bad "the token is in the log" || ok
finish
