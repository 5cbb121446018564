#!/bin/sh
# harkd on a JSON article whose "published" is no date: the article is
# stored and matched as any other, the date left out, and the log says so in
# one warning line naming the field and quoting the value (its newline and
# bidi override escaped, so it can neither split the line nor disguise it);
# hark match says the same on stderr. Usage: baddate.sh HARK HARKD
. "$(dirname "$0")/lib.sh"
daemon_init "$@"

cat >"$T/w.rules" <<'R'
[rule zorb]
query = zorblax
R
write_conf
start_harkd
printf '{"title":"Zorb","body":"The zorblax council met at noon.","published":"soon\\nfailed x: \\u202egarbage"}\n' >"$T/bad.json"
ingest "$T/bad.json"
wait_for "$LOG" "file=bad.json" 20 || bad "bad.json stored: $(cat "$T/log")"
[ -f "$T/spool/done/bad.json" ] && ok || bad "bad.json in done/, not failed/: $(ls "$T/spool/failed")"
grep -qF "bad.json: published: 'soon\\x0afailed x: \\u202egarbage' is not a date hark can read: left out, the article kept" "$LOG" &&
	ok || bad "the warning line: $(cat "$LOG")"
# one line: the value's newline did not start another
if grep -q '^failed x' "$LOG"; then bad "the value split the log line: $(cat "$LOG")"; else ok; fi
hk hits --json
grep -q '"rule":{"id":"zorb"' "$T/out" && ok || bad "the hit stored: $(cat "$T/out")"
grep -q '"published"' "$T/out" && bad "a date that is none was kept: $(cat "$T/out")" || ok
"$HARK" match -r "$T/w.rules" "$T/bad.json" >"$T/out" 2>"$T/err"
expect_eq "$?" 0 "hark match: a hit"
grep -qF "warning: published: 'soon\\x0afailed x: \\u202egarbage' is not a date" "$T/err" && ok ||
	bad "hark match warns: $(cat "$T/err")"
stop_harkd
expect_eq "$HSTATUS" 0 "harkd exit status"
finish
