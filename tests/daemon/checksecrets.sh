#!/bin/sh
# hark check reads the secret files it may read as harkd does (one function,
# conf.c's secret_file_read): each problem harkd's start refuses, hark check
# reports with the same line, at the file:line of the key that names the
# file, and exits 2; harkd -n says the same. The [http] token_file first
# (absent, readable by others, short, not one line of printable ASCII, a
# directory), then a webhook's secret_file and url_file and an email's
# password_file. Readable and good, no note is left: every file was read.
# Usage: checksecrets.sh HARK HARKD
. "$(dirname "$0")/lib.sh"
daemon_init "$@"
printf '[rule r1]\nquery = Aleppo\n' >"$T/w.rules"
mkdir "$T/sec"
# secret FILE TEXT [MODE]: a secret file in $T/sec
secret() {
	printf '%s\n' "$2" >"$T/sec/$1"
	chmod "${3:-0600}" "$T/sec/$1"
}
# conf SECTION_LINES...: $T/hark.conf with these lines after [hark]
conf() {
	write_conf
	for _l in "$@"; do printf '%s\n' "$_l"; done >>"$T/hark.conf"
}
# same WHAT WANT: hark check and harkd -n both exit 2, and both print WANT
# (an error line, the file's directory written $T) among their lines
same() {
	_want=$(printf '%s' "$2" | sed "s|\\\$T|$T|g")
	"$HARK" -c "$T/hark.conf" check >"$T/c.out" 2>"$T/c.err"
	expect_eq "$?" 2 "$1: hark check's exit status ($(cat "$T/c.err"))"
	grep -qxF -- "$_want" "$T/c.err" && ok || bad "$1: hark check says: $(cat "$T/c.err") (want: $_want)"
	grep -q ' ok$' "$T/c.out" && bad "$1: hark check says ok: $(cat "$T/c.out")" || ok
	"$HARKD" -n -c "$T/hark.conf" >/dev/null 2>"$T/n.err"
	expect_eq "$?" 2 "$1: harkd -n's exit status"
	grep -qxF -- "$_want" "$T/n.err" && ok || bad "$1: harkd -n says: $(cat "$T/n.err") (want: $_want)"
}
TOKEN=0123456789abcdefghijklmnopqrstuvwxyzABCD

# [http] token_file: line 7 of the file, the value at column 14
conf '[http]' 'listen     = 127.0.0.1:0' 'token_file = sec/http.token'
same "token_file absent" \
	"\$T/hark.conf:7:14: error: token_file: 'sec/http.token': No such file or directory"
secret http.token "$TOKEN" 0644
same "token_file readable by others" \
	"\$T/hark.conf:7:14: error: token_file: 'sec/http.token' is accessible to others (mode 0644); chmod o= it"
secret http.token short
same "token_file short" \
	"\$T/hark.conf:7:14: error: token_file: the token in 'sec/http.token' is shorter than 32 characters"
secret http.token "$TOKEN two words"
same "token_file with a blank" \
	"\$T/hark.conf:7:14: error: token_file: the token in 'sec/http.token' is not one line of printable ASCII without blanks"
rm "$T/sec/http.token"
mkdir "$T/sec/http.token"
same "token_file a directory" \
	"\$T/hark.conf:7:14: error: token_file: 'sec/http.token' is not a regular file"
rmdir "$T/sec/http.token"

# the start refuses the short token with the same line, and does not start
secret http.token short
start_out=$T/start.err
"$HARKD" -c "$T/hark.conf" >/dev/null 2>"$start_out" &
HPID=$!
wait_until "! kill -0 $HPID" 20 || bad "harkd with a short token did not stop"
wait "$HPID"
expect_eq "$?" 2 "harkd's exit status with a short token"
HPID=
grep -qF "$T/hark.conf:7:14: error: token_file: the token in 'sec/http.token' is shorter than 32 characters" "$start_out" && ok ||
	bad "harkd's start names the token's problem as hark check does: $(cat "$start_out")"

# a webhook's secret files, an email's password file
secret http.token "$TOKEN"
conf '[webhook w]' 'url_file    = sec/w.url' 'secret_file = sec/w.secret'
secret w.url "ftp://hooks.example/x"
secret w.secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
same "url_file not a URL" \
	"\$T/hark.conf:6:15: error: url_file: the URL in 'sec/w.url' is not an http:// or https:// URL"
secret w.url "https://hooks.example/x"
secret w.secret "nope"
same "secret_file not whsec_" \
	"\$T/hark.conf:7:15: error: secret_file: the secret in 'sec/w.secret' does not start with 'whsec_'"
conf '[email m]' 'smtp = smtp://127.0.0.1:2525' 'from = hark@example.org' 'to = desk@example.org' \
	'user = hark' 'password_file = sec/m.pw'
secret m.pw ""
same "password_file empty" \
	"\$T/hark.conf:10:17: error: password_file: 'sec/m.pw' does not hold one line of password"

# all readable and good: exit 0, and no note of files not read
secret m.pw "s3cret"
secret w.secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
conf '[webhook w]' 'url_file    = sec/w.url' 'secret_file = sec/w.secret' \
	'[http]' 'listen     = 127.0.0.1:0' 'token_file = sec/http.token'
"$HARK" -c "$T/hark.conf" check >"$T/c.out" 2>"$T/c.err"
expect_eq "$?" 0 "hark check on good secrets: $(cat "$T/c.err")"
expect_eq "$(cat "$T/c.err")" "" "hark check on good secrets, read: nothing to say"
"$HARKD" -n -c "$T/hark.conf" >/dev/null 2>"$T/n.err"
expect_eq "$?" 0 "harkd -n on good secrets: $(cat "$T/n.err")"
finish
