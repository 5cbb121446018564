#!/bin/sh
# The browser's login to a tokened harkd, over loopback with curl: a page
# without the token sent to /login?next=PATH (the API still 401 JSON);
# /login's form; a wrong token 403 with the form; the right one a 303 and a
# session cookie (HttpOnly, SameSite=Strict, Path=/, Secure only with an
# https base_url, never the token) that opens the pages and the API; next=
# followed only to a path of ours; POST /logout ends the session; it ends
# at its expiry too (HARK_HTTP_SESSION_TTL) and at a restart; the
# stylesheet open; /login 404 without a token; the token never in the log;
# wrong tokens past the limit 429.
# Usage: httplogin.sh HARK HARKD
. "$(dirname "$0")/lib.sh"
daemon_init "$@"
command -v curl >/dev/null 2>&1 || { echo "skip: no curl (contrib/install-deps)"; exit 77; }

printf '[rule assad]\nquery = Assad\n' >"$T/w.rules"
printf 'Report\n\nAssad was seen in Moscow, a report says.\n' >"$T/a.txt"
tok=0123456789abcdef0123456789abcdef-login
printf '%s\n' "$tok" >"$T/http.token"
chmod 600 "$T/http.token"

# req ARGS...: curl, the status code in $CODE, headers in $T/h, body in $T/b.
req() {
	CODE=$(curl -s --max-time 10 -o "$T/b" -D "$T/h" -w '%{http_code}' "$@")
}
# header NAME: the value of the header NAME in $T/h (the first), CR dropped.
header() { grep -i "^$1:" "$T/h" | head -1 | sed 's/^[^:]*: *//' | tr -d '\r'; }
# http_conf [LINES...]: $T/hark.conf, debug log, an [http] section of LINES.
http_conf() {
	write_conf "log_level = debug"
	printf '[http]\n' >>"$T/hark.conf"
	for _l in "$@"; do printf '%s\n' "$_l" >>"$T/hark.conf"; done
}
# login [NEXT]: POST /login with the right token; the cookie's value in $COOKIE.
login() {
	if [ -n "$1" ]; then
		req --data-urlencode "token=$tok" --data-urlencode "next=$1" "${URL}login"
	else
		req --data-urlencode "token=$tok" "${URL}login"
	fi
	COOKIE=$(header Set-Cookie | sed -n 's/^hark_session=\([^;]*\);.*/\1/p')
}

# --- without a token: nothing to log in to
http_conf "listen = 127.0.0.1:0"
start_harkd
URL=$(cut -d' ' -f1 "$T/state/harkd.http")
req "${URL}login"
expect_eq "$CODE" 404 "GET /login without a token_file"
grep -qF 'no login here' "$T/b" && ok || bad "the 404 says why: $(cat "$T/b")"
req "${URL}"
expect_eq "$CODE" 200 "GET / open without a token_file"
stop_harkd

# --- a token, http (no base_url)
http_conf "listen = 127.0.0.1:0" "token_file = http.token"
start_harkd
URL=$(cut -d' ' -f1 "$T/state/harkd.http")
ingest "$T/a.txt"
wait_for "$LOG" "article a_" 20 || bad "a.txt stored"

req "${URL}"
expect_eq "$CODE" 303 "GET / without auth"
expect_eq "$(header Location)" "/login?next=%2F" "GET / is sent to the login"
req "${URL}?rule=assad&tag="
expect_eq "$CODE" 303 "GET /?rule=assad without auth"
expect_eq "$(header Location)" "/login?next=%2F%3Frule%3Dassad%26tag%3D" "the query is kept in next="
req "${URL}api/v1/hits"
expect_eq "$CODE" 401 "the API without auth is still 401"
grep -qF '{"error":' "$T/b" && ok || bad "the API's 401 is JSON: $(cat "$T/b")"
req "${URL}metrics"
expect_eq "$CODE" 401 "/metrics without auth is 401, not a redirect"
req "${URL}hits.atom"
expect_eq "$CODE" 401 "/hits.atom without auth is 401, not a redirect"
req -X POST "${URL}"
expect_eq "$CODE" 401 "a POST without auth is 401, not a redirect"
req "${URL}static/hark.css"
expect_eq "$CODE" 200 "the stylesheet needs no auth"

req "${URL}login?next=%2Farticles%2Fx"
expect_eq "$CODE" 200 "GET /login"
grep -qF '<form class="login" method="post" action="/login">' "$T/b" && ok || bad "the form: $(cat "$T/b")"
grep -qF '<input type="password" name="token"' "$T/b" && ok || bad "a password field named token"
grep -qF '<input type="hidden" name="next" value="/articles/x">' "$T/b" && ok || bad "next= kept in the form"
req "${URL}login?nope=1"
expect_eq "$CODE" 400 "GET /login with an unknown parameter"
req -X PUT "${URL}login"
expect_eq "$CODE" 405 "PUT /login"

req --data-urlencode "token=${tok}x" "${URL}login"
expect_eq "$CODE" 403 "POST /login with a wrong token"
grep -qF 'That is not the token.' "$T/b" && ok || bad "the 403 says why"
grep -qF '<input type="password" name="token"' "$T/b" && ok || bad "the 403 shows the form again"
header Set-Cookie | grep -q . && bad "a wrong token set a cookie" || ok
req --data-urlencode "token=${tok%?}" "${URL}login"
expect_eq "$CODE" 403 "POST /login with a token cut short"
req -H 'Content-Type: text/plain' --data "token=$tok" "${URL}login"
expect_eq "$CODE" 415 "POST /login not a form"
req --data "token=$tok&admin=1" "${URL}login"
expect_eq "$CODE" 400 "POST /login with an unknown field"

login
expect_eq "$CODE" 303 "POST /login with the token"
expect_eq "$(header Location)" "/" "the login goes to / by default"
sc=$(header Set-Cookie)
case $sc in
*HttpOnly*) ok ;; *) bad "the cookie is HttpOnly: $sc" ;;
esac
case $sc in
*SameSite=Strict*) ok ;; *) bad "the cookie is SameSite=Strict: $sc" ;;
esac
case $sc in
*"Path=/"*) ok ;; *) bad "the cookie has Path=/: $sc" ;;
esac
case $sc in
*Secure*) bad "no Secure without an https base_url: $sc" ;; *) ok ;;
esac
printf '%s\n' "$COOKIE" | grep -qxE '[0-9a-f]{64}' && ok || bad "the session id is 64 hex digits: '$COOKIE'"
case $sc in
*"$tok"*) bad "the cookie holds the token: $sc" ;; *) ok ;;
esac
req -b "hark_session=$COOKIE" "${URL}"
expect_eq "$CODE" 200 "the cookie opens /"
grep -qF 'Assad' "$T/b" && ok || bad "/ shows the hit"
req -b "other=1; hark_session=$COOKIE; more=2" "${URL}api/v1/hits"
expect_eq "$CODE" 200 "the cookie opens /api/v1/hits (among other cookies)"
grep -qF '"hits":[{' "$T/b" && ok || bad "the API's hits: $(cat "$T/b")"
req -b "hark_session=$(printf '%s' "$COOKIE" | tr '0-9a-f' '1-9a-f0')" "${URL}"
expect_eq "$CODE" 303 "another session id is not a session"
req -b "hark_session=$tok" "${URL}"
expect_eq "$CODE" 303 "the token as a cookie is not a session"
req -H "Authorization: Bearer $tok" "${URL}"
expect_eq "$CODE" 200 "the Bearer header still opens /"

# next=: followed to a path of ours, never to another host
login "/?rule=assad"
expect_eq "$CODE" 303 "login with next="
expect_eq "$(header Location)" "/?rule=assad" "next= followed"
second=$COOKIE
login "//evil.example"
expect_eq "$(header Location)" "/" "next=//evil.example not followed"
login "/\\evil.example"
expect_eq "$(header Location)" "/" "next=/(backslash)evil.example not followed"
login "https://evil.example/"
expect_eq "$(header Location)" "/" "next=https://evil.example/ not followed"

# logout ends that session only
req -X POST -b "hark_session=$COOKIE" "${URL}logout"
expect_eq "$CODE" 303 "POST /logout"
expect_eq "$(header Location)" "/login" "the logout goes to /login"
header Set-Cookie | grep -qE '^hark_session=;.*Max-Age=0' && ok || bad "the logout clears the cookie: $(header Set-Cookie)"
req -b "hark_session=$COOKIE" "${URL}"
expect_eq "$CODE" 303 "the cookie after the logout"
req -b "hark_session=$COOKIE" "${URL}api/v1/hits"
expect_eq "$CODE" 401 "the cookie after the logout, on the API"
req -b "hark_session=$second" "${URL}"
expect_eq "$CODE" 200 "another session lives on"
req "${URL}logout"
expect_eq "$CODE" 405 "GET /logout"

# wrong tokens past the limit (10 a minute, from all clients): 429
got='' i=0
while [ "$i" -lt 12 ]; do
	i=$((i + 1))
	req --data-urlencode "token=wrong-$i" "${URL}login"
	got="$got $CODE"
	[ "$CODE" = 429 ] && break
done
# two wrong ones above, so the ninth here is 429 (the tenth or later only if
# a loaded machine took over a minute since those two)
case $got in
" 403 403 403 403 403 403 403 403 429" | " 403 403 403 403 403 403 403 403 403 429" | \
	" 403 403 403 403 403 403 403 403 403 403 429") ok ;;
*) bad "wrong tokens until the limit (10 a minute): got$got" ;;
esac
grep -qi '^Retry-After: [1-9]' "$T/h" && ok || bad "429 says Retry-After: $(cat "$T/h")"
login
expect_eq "$CODE" 429 "the right token too, while the limit holds"
req -b "hark_session=$second" "${URL}"
expect_eq "$CODE" 200 "a session open before the limit works during it"
wait_for "$LOG" "wrong tokens at /login" 20 || bad "the limit is logged"
grep -qF "login from 127.0.0.1 refused: not the token" "$LOG" && ok || bad "a wrong token is logged"
stop_harkd
expect_eq "$HSTATUS" 0 "SIGTERM"

# --- an https base_url: the cookie is Secure
http_conf "listen = 127.0.0.1:0" "token_file = http.token" "base_url = https://hark.example.org/"
start_harkd
URL=$(cut -d' ' -f1 "$T/state/harkd.http")
login
expect_eq "$CODE" 303 "login, https base_url"
case $(header Set-Cookie) in
*"; Secure"*) ok ;; *) bad "Secure with an https base_url: $(header Set-Cookie)" ;;
esac
req -b "hark_session=$COOKIE" "${URL}"
expect_eq "$CODE" 200 "the cookie opens /, https base_url"
stop_harkd
# after a restart the sessions are gone
HARK_HTTP_SESSION_TTL=2
export HARK_HTTP_SESSION_TTL
start_harkd
URL=$(cut -d' ' -f1 "$T/state/harkd.http")
req -b "hark_session=$COOKIE" "${URL}"
expect_eq "$CODE" 303 "a session does not outlive a restart"
# a session ends at its expiry (HARK_HTTP_SESSION_TTL=2 s here, 30 days else)
login
header Set-Cookie | grep -qF 'Max-Age=2;' && ok || bad "the cookie's Max-Age is the TTL: $(header Set-Cookie)"
req -b "hark_session=$COOKIE" "${URL}"
expect_eq "$CODE" 200 "a new session opens /"
wait_until "[ \"\$(curl -s -o /dev/null -w '%{http_code}' -b 'hark_session=$COOKIE' '${URL}')\" = 303 ]" 30 &&
	ok || bad "the session expires"
stop_harkd

grep -qF "$tok" "$LOG" && bad "the token is in the log" || ok
grep -qF "http GET" "$LOG" && ok || bad "the debug log was on (the grep above means something)"
finish
