#!/bin/sh
# A stranger's control characters (ESC, the C1 CSI U+009B) in hark status
# and harkd's log: a feed's last error, which can quote a server's bytes (a
# JSON parser's error names the token it stopped at: see `hark feed` in
# tests/cli/escape.sh), is shown escaped (\x1b, \u009b) on the feed's line;
# a drop file's name with a C1 control is logged as \u009b. Never raw.
# Usage: statusescape.sh HARK HARKD FEEDSERVER
. "$(dirname "$0")/lib.sh"
daemon_init "$1" "$2"
FS=$(abspath "$3")
[ -x "$FS" ] || {
	echo "usage: $0 HARK HARKD FEEDSERVER" >&2
	exit 2
}
command -v sqlite3 >/dev/null || {
	echo "skipped: no sqlite3"
	exit 77
}
FPID=
# lib.sh's cleanup, and the feed server's
escape_cleanup() {
	[ -n "$FPID" ] && kill -KILL "$FPID" 2>/dev/null && wait "$FPID" 2>/dev/null
	daemon_cleanup
}
trap escape_cleanup EXIT

ESC=$(printf '\033') CSI=$(printf '\302\233')
# raw FILE WHAT: no ESC or C1 CSI in FILE
raw() {
	if grep -q "$ESC" "$1" || grep -qF "$CSI" "$1"; then
		bad "$2: a control character written raw"
		grep -F -e evil -e "file=" "$1" | cat -v
	else
		ok
	fi
}

mkdir "$T/root"
"$FS" "$T/port" "$T/root" >"$T/srv" 2>"$T/fs.err" &
FPID=$!
wait_until "[ -s '$T/port' ]" 10 || {
	bad "feed server: no port: $(cat "$T/fs.err")"
	finish
}
printf '[rule k]\nquery = Khalil\n' >"$T/w.rules"
write_conf
printf '[feed evil]\nurl = http://127.0.0.1:%s/f/nosuch.xml\ninterval = 1h\nallow_private = yes\n' \
	"$(cat "$T/port")" >>"$T/hark.conf"
start_harkd
wait_for "$LOG" "feed evil: HTTP 404" 10 || bad "no log line of the feed's 404"
# a drop file named by a stranger (an attachment's name), with a C1 control
printf 'Khalil al-Masri was seen on Monday.\n' >"$T/spool/tmp/x"
mv "$T/spool/tmp/x" "$T/spool/incoming/n${CSI}2Jame.txt"
wait_for "$LOG" " file=n" 10 || bad "the drop file not ingested"
stop_harkd
raw "$LOG" "harkd's log"
grep -qF ' file=n\u009b2Jame.txt ' "$LOG" && ok ||
	bad "harkd's log: the file's name not as \\u009b"

# the error a server's bytes made, in the row harkd wrote
sqlite3 "$T/state/hark.db" "UPDATE feeds SET last_error = 'JSON Feed: line 1: invalid token near ''' || char(155) || char(27) || '[2J''' WHERE name = 'evil'" ||
	bad "sqlite3 update"
hk status
raw "$T/out" "hark status"
grep '^feed evil: ' "$T/out" | grep -qF "failing: JSON Feed: line 1: invalid token near '\\u009b\\x1b[2J'; last ok never" &&
	ok || { bad "hark status: the feed's error not escaped"; cat -v "$T/out"; }
hk status --json
raw "$T/out" "hark status --json"
finish
