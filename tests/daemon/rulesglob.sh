#!/bin/sh
# A rules glob that matches no file is an error wherever the rules are run
# (hark.conf(5): "each glob must match at least one file"): harkd -n and
# hark check exit 2 with one line naming the glob, harkd does not start, and
# a SIGHUP after the last rule file was moved away fails the reload and keeps
# the old rules (hark status says so, from state_dir/harkd.reload). Before,
# it was a warning and harkd ran, or reloaded, with 0 rules: alerts stopped
# without a word. Usage: rulesglob.sh HARK HARKD
. "$(dirname "$0")/lib.sh"
daemon_init "$@"

mkdir -p "$T/rules.d" "$T/state"
printf '[rule assad]\nquery = Assad\n' >"$T/rules.d/watch.rules"
printf '[hark]\nstate_dir = state\nspool_dir = spool\nrules = rules.d/*.rules\n' >"$T/hark.conf"
start_harkd

# --- the last rule file moved away, then SIGHUP: the reload fails
mv "$T/rules.d/watch.rules" "$T/rules.d/watch.rules.off"
kill -HUP "$HPID"
wait_for "$LOG" "reload failed" 20 && ok || bad "the reload without rules is refused"
grep -F "error: rules: 'rules.d/*.rules' matches no file" "$LOG" >/dev/null && ok ||
	bad "the log names the glob"
grep -F "reloaded: rules 0" "$LOG" >/dev/null && bad "reloaded with 0 rules" || ok
[ -s "$T/state/harkd.reload" ] && ok || bad "no state_dir/harkd.reload after the failed reload"
line=$("$HARK" -c "$T/hark.conf" status 2>&1 | sed -n 's/^rules: *//p')
case $line in
"reload failed at "*"rules.d/*.rules' matches no file; still using the rules loaded at "*) ok ;;
*) bad "hark status after the failed reload: '$line'" ;;
esac
printf 'One\n\nAssad spoke.\n' >"$T/one.txt"
ingest "$T/one.txt"
wait_for "$LOG" "file=one.txt lang=en hits=1" 20 && ok || bad "the old rules still hit"

# --- harkd -n and hark check: exit 2, one line naming the glob
"$HARKD" -n -c "$T/hark.conf" >"$T/n.out" 2>"$T/n.err"
rc=$?
expect_eq "$rc" 2 "harkd -n without rules: exit status"
expect_eq "$(head -1 "$T/n.err")" "$T/hark.conf:4:9: error: rules: 'rules.d/*.rules' matches no file" \
	"harkd -n without rules: its diagnostic"
grep -q OK "$T/n.out" && bad "harkd -n says OK: $(cat "$T/n.out")" || ok
hk check
expect_eq "$?" 2 "hark check without rules: exit status"
grep -qF "error: rules: 'rules.d/*.rules' matches no file" "$T/err" && ok ||
	bad "hark check without rules: $(cat "$T/err")"
# hark status still works on it (a fresh installation with an empty rules.d/)
hk status
expect_eq "$?" 0 "hark status with an empty rules.d/"

# --- a fresh harkd refuses to start
stop_harkd
"$HARKD" -c "$T/hark.conf" 2>"$T/start.err" &
pid=$!
wait_until "! kill -0 $pid" 20 || { kill -KILL $pid; bad "harkd runs without rules"; }
wait $pid
rc=$?
[ "$rc" -ne 0 ] && ok || bad "harkd without rules: exit status 0"
grep -qF "rules: 'rules.d/*.rules' matches no file" "$T/start.err" && ok ||
	bad "harkd without rules: $(cat "$T/start.err")"

# --- back: a reload (of a new harkd) takes them again
mv "$T/rules.d/watch.rules.off" "$T/rules.d/watch.rules"
start_harkd
grep -F "rules 1" "$LOG" >/dev/null && ok || bad "harkd starts with the rule back"
stop_harkd
finish
