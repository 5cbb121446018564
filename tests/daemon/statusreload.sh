#!/bin/sh
# A reload that fails keeps the old rules in force, and says so: hark
# status prints "rules: reload failed at TIME: CAUSE; still using the rules
# loaded at TIME" (the cause the first diagnostic, one line), hark status
# --json and GET /api/v1/status "reload_failed" {at, error, rules_loaded},
# /metrics hark_last_reload_success 0 with the same times; the old rules
# still hit. A reload taken clears all of it; the note never outlives its
# harkd (a stale one is not shown). Usage: statusreload.sh HARK HARKD
. "$(dirname "$0")/lib.sh"
daemon_init "$@"
command -v curl >/dev/null 2>&1 || { echo "skip: no curl (contrib/install-deps)"; exit 77; }

printf '[rule assad]\nquery = Assad\n' >"$T/w.rules"
write_conf
printf '[http]\nlisten = 127.0.0.1:0\n' >>"$T/hark.conf"
mkdir -p "$T/state"
# a note left by a harkd killed after a failed reload: not this harkd's
printf '1700000000 1690000000\nstale: an old failure\n' >"$T/state/harkd.reload"
start_harkd
URL=$(cut -d' ' -f1 "$T/state/harkd.http")
# rules_line: the "rules:" line of hark status, or nothing
rules_line() { "$HARK" -c "$T/hark.conf" status 2>&1 | sed -n 's/^rules: *//p'; }
json_field() { grep -o '"reload_failed":\(null\|{[^}]*}\)' "$1" | head -1; }

expect_eq "$(rules_line)" "" "no rules line after the start (a stale note is not shown)"
[ -e "$T/state/harkd.reload" ] && bad "the stale note is removed at the start" || ok
hk status --json
grep -qF '"reload_failed":null' "$T/out" && ok || bad "status --json at the start: $(cat "$T/out")"
loaded=$(curl -s "${URL}metrics" | sed -n 's/^hark_rules_loaded_timestamp_seconds //p')
[ -n "$loaded" ] && [ "$loaded" -gt 0 ] && ok || bad "hark_rules_loaded_timestamp_seconds: '$loaded'"

# --- a broken rule file: the reload fails, the old rules stay
sleep 1 # the failure's second differs from the start's
cp "$T/w.rules" "$T/w.rules.good"
printf '[rule assad]\nquery = Assad\n[rule broken]\nquery = "open\n' >"$T/w.rules"
kill -HUP "$HPID"
wait_for "$LOG" "reload failed" 20 && ok || bad "the failed reload is logged"
line=$(rules_line)
note "hark status: rules: $line"
case $line in
"reload failed at "*": $T/w.rules:4:9: error: "*"; still using the rules loaded at "*) ok ;;
*) bad "the rules line after a failed reload: '$line'" ;;
esac
[ "$(printf '%s\n' "$line" | wc -l)" -eq 1 ] && ok || bad "the rules line is one line"
hk status --json
f=$(json_field "$T/out")
case $f in
'"reload_failed":{"at":"'*'","error":"'"$T"'/w.rules:4:9: error: '*'","rules_loaded":"'*'"}') ok ;;
*) bad "status --json after a failed reload: $f" ;;
esac
curl -s "${URL}api/v1/status" >"$T/api"
fa=$(json_field "$T/api")
expect_eq "$fa" "$f" "GET /api/v1/status says what hark status --json says"
curl -s "${URL}metrics" >"$T/metrics"
grep -qxF 'hark_last_reload_success 0' "$T/metrics" && ok || bad "metrics: success 0"
grep -qxF "hark_rules_loaded_timestamp_seconds $loaded" "$T/metrics" && ok ||
	bad "metrics: the rules still those loaded at the start: $(grep rules_loaded "$T/metrics")"
failed_at=$(sed -n 's/^hark_last_reload_timestamp_seconds //p' "$T/metrics")
at_json=$(printf '%s' "$f" | sed -n 's/.*"at":"\([^"]*\)".*/\1/p')
expect_eq "$(date -u -d "@$failed_at" +%Y-%m-%dT%H:%M:%SZ 2>/dev/null)" "$at_json" \
	"metrics' reload time is the failure's time of status --json"
[ "$failed_at" -gt "$loaded" ] && ok || bad "the failure ($failed_at) after the load ($loaded)"
printf 'One\n\nAssad spoke.\n' >"$T/one.txt"
ingest "$T/one.txt"
wait_for "$LOG" "file=one.txt lang=en hits=1" 20 && ok || bad "the old rules still hit"

# --- a second failure: the rules' load time stays the start's
kill -HUP "$HPID"
wait_for "$LOG" "reload failed" 20 2 && ok || bad "the second failed reload is logged"
hk status --json
f2=$(json_field "$T/out")
expect_eq "$(printf '%s' "$f2" | sed -n 's/.*"rules_loaded":"\([^"]*\)".*/\1/p')" \
	"$(printf '%s' "$f" | sed -n 's/.*"rules_loaded":"\([^"]*\)".*/\1/p')" \
	"rules_loaded after a second failure"

# --- fixed: the reload is taken, the line is gone
cp "$T/w.rules.good" "$T/w.rules"
kill -HUP "$HPID"
wait_for "$LOG" "reloaded: rules 1" 20 && ok || bad "the good reload is logged"
expect_eq "$(rules_line)" "" "no rules line after a reload taken"
hk status --json
grep -qF '"reload_failed":null' "$T/out" && ok || bad "status --json after the fix: $(cat "$T/out")"
curl -s "${URL}api/v1/status" >"$T/api"
grep -qF '"reload_failed":null' "$T/api" && ok || bad "/api/v1/status after the fix: $(cat "$T/api")"
curl -s "${URL}metrics" >"$T/metrics"
grep -qxF 'hark_last_reload_success 1' "$T/metrics" && ok || bad "metrics: success 1"
grep -qxF "hark_rules_loaded_timestamp_seconds $loaded" "$T/metrics" && bad "metrics: the rules' load time moved on" || ok

# --- a failure, then harkd stops: no note is left behind
printf '[rule broken]\nquery = "open\n' >"$T/w.rules"
kill -HUP "$HPID"
wait_for "$LOG" "reload failed" 20 3 && ok || bad "the third failed reload is logged"
[ -s "$T/state/harkd.reload" ] && ok || bad "the note is written"
stop_harkd
expect_eq "$HSTATUS" 0 "exit status"
[ -e "$T/state/harkd.reload" ] && bad "the note outlives harkd" || ok
expect_eq "$(rules_line)" "" "no rules line when harkd is not running"
finish
