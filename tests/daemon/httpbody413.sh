#!/bin/sh
# A body over max_document_size, over loopback with curl, on a real harkd:
# hark's own 413, with the headers of HTTP.md (CSP, nosniff), as
# {"error": ...} naming the sizes under /api/, as text on a page's form
# (POST /try), sent with Content-Length or chunked; libevent's own HTML
# page only past twice the limit (at least 1 MiB more), which it refuses
# before reading. The connection then still serves.
# Usage: httpbody413.sh HARK HARKD
. "$(dirname "$0")/lib.sh"
daemon_init "$@"
command -v curl >/dev/null 2>&1 || { echo "skip: no curl (contrib/install-deps)"; exit 77; }

# req ARGS...: curl, the status code in $CODE, headers in $T/h, body in $T/b.
req() {
	CODE=$(curl -s --max-time 20 -o "$T/b" -D "$T/h" -w '%{http_code}' "$@")
}
hdr() { grep -qiF -- "$2" "$T/h" && ok || bad "$1: no '$2' in: $(cat "$T/h")"; }

printf '[rule acme]\nquery = Acme\n' >"$T/w.rules"
write_conf "max_document_size = 1K"
printf '[http]\nlisten = 127.0.0.1:0\n' >>"$T/hark.conf"
start_harkd
URL=$(cut -d' ' -f1 "$T/state/harkd.http")

# 1717 bytes of an article: over 1K
{
	printf 'Acme\n\n'
	head -c 1711 /dev/zero | tr '\0' a
} >"$T/big.txt"
expect_eq "$(wc -c <"$T/big.txt" | tr -d ' ')" 1717 "the body's size"
req -H 'Content-Type: text/plain' --data-binary "@$T/big.txt" "${URL}api/v1/articles"
expect_eq "$CODE" 413 "POST /api/v1/articles of 1717 bytes"
hdr "the API's 413" 'Content-Type: application/json'
hdr "the API's 413" "Content-Security-Policy: default-src 'none'"
hdr "the API's 413" 'X-Content-Type-Options: nosniff'
expect_eq "$(cat "$T/b")" \
	'{"error":"the body is 1717 bytes: larger than max_document_size (1024 bytes)"}' \
	"the API's 413 body"

# chunked: the same answer
req -H 'Content-Type: text/plain' -H 'Transfer-Encoding: chunked' --data-binary "@$T/big.txt" \
	"${URL}api/v1/articles"
expect_eq "$CODE" 413 "a chunked POST of 1717 bytes"
hdr "a chunked 413" 'Content-Type: application/json'
grep -qF '"error":"the body is 1717 bytes' "$T/b" && ok || bad "a chunked 413: $(cat "$T/b")"

# a page's form: its 413 text, with the headers
req --data-binary "@$T/big.txt" -H 'Content-Type: application/x-www-form-urlencoded' "${URL}try"
expect_eq "$CODE" 413 "POST /try of 1717 bytes"
hdr "the page's 413" 'Content-Type: text/plain'
hdr "the page's 413" 'X-Content-Type-Options: nosniff'
grep -qF 'larger than max_document_size (1024 bytes)' "$T/b" && ok || bad "the page's 413: $(cat "$T/b")"

# under the limit: stored as ever
printf 'Acme\n\nAcme opened a plant.\n' >"$T/small.txt"
req -H 'Content-Type: text/plain' --data-binary "@$T/small.txt" "${URL}api/v1/articles"
expect_eq "$CODE" 201 "POST of a small article after the refusals"

# past 1K + 1 MiB: libevent refuses it unread, with its page; harkd goes on
head -c 1100000 /dev/zero | tr '\0' a >"$T/huge.txt"
req -H 'Content-Type: text/plain' --data-binary "@$T/huge.txt" "${URL}api/v1/articles"
expect_eq "$CODE" 413 "POST of 1.1 MB"
req "${URL}healthz"
expect_eq "$CODE" 200 "GET /healthz after"
stop_harkd
expect_eq "$HSTATUS" 0 "exit status"
finish
