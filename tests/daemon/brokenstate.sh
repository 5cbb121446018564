#!/bin/sh
# What hark and harkd say and do in a broken state, end to end (real harkd,
# real hark, a real SQLite file):
#   hark mute RULE while a rule file is broken (harkd still alerts with its
#   rules of before): a rule the files still write, or one with a stored
#   hit, is muted with a warning; an id found in neither is refused
#   hark -c CONF check (and harkd -n): a notify name that is no destination
#   is told even when the same file has an error
#   hark deliveries --json: an email's row says "destination" (and "webhook", the old key, kept for scripts)
#   a second harkd refused on the spool leaves no state_dir nor harkd.lock
#   a file that is no database: harkd's and hark status's lines name the
#   file after "database error:"; damaged pages: the first query's error
#   names it too
# Usage: brokenstate.sh HARK HARKD
. "$(dirname "$0")/lib.sh"
daemon_init "$@"

cat >"$T/w.rules" <<'R'
[rule okafor]
query = okafor
[rule gone]
query = zorglub
[rule other]
query = beta
R
write_conf
# nothing listens on port 1: the email's delivery stays pending, its row kept
cat >>"$T/hark.conf" <<'C'
[email morning]
smtp = smtp://127.0.0.1:1
from = hark@example.org
to = me@example.org
rules = *
C
start_harkd
printf 'A note\n\nZorglub spoke to Okafor.\n' >"$T/a.txt"
ingest "$T/a.txt"
wait_for "$LOG" "file=a.txt" 20 || bad "a.txt stored"

# --- deliveries --json: the email's row
wait_until "hk deliveries --json && grep -q morning '$T/out'" 10 || bad "an email delivery listed"
grep -qF '"destination":"morning"' "$T/out" && ok || bad "deliveries --json: $(head -1 "$T/out")"
grep -qF '"webhook":"morning"' "$T/out" && ok || bad "deliveries --json: the old key webhook dropped"

# --- the rules broken (okafor's query, gone left out): harkd keeps its rules
cat >"$T/w.rules" <<'R'
[rule okafor]
query = (okafor
notify = nowhere
[rule other]
query = beta
R
hk mute okafor 2d
expect_eq "$?" 0 "mute a rule its broken file still writes: $(cat "$T/err")"
grep -qF 'rule okafor muted until' "$T/out" && ok || bad "mute okafor: $(cat "$T/out")"
expect_eq "$(wc -l <"$T/err" | tr -d ' ')" 1 "mute okafor: one line of warning"
grep -qE "^hark: mute: warning: the configured rules do not load \(hark check\); rule 'okafor' is written at $T/w.rules:1$" "$T/err" &&
	ok || bad "mute okafor's warning: $(cat "$T/err")"
hk mute gone 1h
expect_eq "$?" 0 "mute a rule with a stored hit: $(cat "$T/err")"
grep -qF "rule 'gone' has stored hits" "$T/err" && ok || bad "mute gone's warning: $(cat "$T/err")"
hk mute okafo 2d
expect_eq "$?" 2 "mute an unknown rule while the rules are broken"
grep -qxF "hark: mute: no rule 'okafo' is written in the rule files (which do not load: hark check) nor has a stored hit" "$T/err" &&
	ok || bad "mute okafo: $(cat "$T/err")"
hk unmute okafor
expect_eq "$?" 0 "unmute okafor: $(cat "$T/err")"
hk unmute other
expect_eq "$?" 0 "unmute a rule not muted, the rules broken: $(cat "$T/err")"
grep -qF 'rule other was not muted' "$T/out" && ok || bad "unmute other: $(cat "$T/out")"

# --- hark check: every diagnostic of the file, the notify warning too
hk check
expect_eq "$?" 2 "hark check of broken rules"
grep -qF "w.rules:2:9: error: unclosed parenthesis" "$T/err" && ok || bad "check: the error: $(cat "$T/err")"
grep -qF "w.rules:3:10: warning: rule 'okafor': notify names 'nowhere', which is no [webhook] nor [email]" "$T/err" &&
	ok || bad "check: the notify warning with the error: $(cat "$T/err")"
hk check "$T/w.rules"
grep -qF "notify names 'nowhere'" "$T/err" && ok || bad "check FILE: the notify warning: $(cat "$T/err")"
"$HARKD" -n -c "$T/hark.conf" >/dev/null 2>"$T/n.err"
expect_eq "$?" 2 "harkd -n of broken rules"
grep -qF "notify names 'nowhere'" "$T/n.err" && ok || bad "harkd -n: the notify warning: $(cat "$T/n.err")"

# --- a second harkd on the spool, with a state_dir of its own
printf '[rule other]\nquery = beta\n' >"$T/w.rules"
sed 's/^state_dir = state$/state_dir = state2/' "$T/hark.conf" >"$T/second.conf"
"$HARKD" -c "$T/second.conf" 2>"$T/second.err" &
SPID=$!
wait_until "! kill -0 $SPID" 20 || { kill -KILL "$SPID"; bad "the second harkd did not exit"; }
wait "$SPID"
expect_eq "$?" 2 "a second harkd on the spool"
grep -qF 'another harkd runs on the spool' "$T/second.err" && ok || bad "second: $(cat "$T/second.err")"
[ -e "$T/state2" ] && bad "the refused harkd left $(ls -A "$T/state2") in a new state2/" || ok
stop_harkd

# --- a file that is no database
mv "$T/state/hark.db" "$T/good.db"
rm -f "$T/state/hark.db-wal" "$T/state/hark.db-shm"
head -c 20000 /dev/urandom >"$T/state/hark.db"
"$HARKD" -c "$T/hark.conf" 2>"$T/dmg.err"
expect_eq "$?" 2 "harkd on a file that is no database"
grep -qE "harkd error: database error: $T/state/hark.db: .*file is not a database" "$T/dmg.err" &&
	ok || bad "harkd's line: $(cat "$T/dmg.err")"
hk status
expect_eq "$?" 2 "hark status on a file that is no database"
grep -qxE "hark: status: database error: $T/state/hark.db: .*file is not a database" "$T/err" &&
	ok || bad "hark status's line: $(cat "$T/err")"
hk mute other 1h
grep -qxE "hark: mute: database error: $T/state/hark.db: .*file is not a database" "$T/err" &&
	ok || bad "hark mute's line: $(cat "$T/err")"
# --- damaged pages past the header: the first query that meets them names the file
cp "$T/good.db" "$T/state/hark.db"
# every page but the first (the header and the schema stay readable)
pages=$(($(wc -c <"$T/state/hark.db") / 4096))
dd if=/dev/urandom of="$T/state/hark.db" bs=4096 seek=1 count=$((pages - 1)) conv=notrunc 2>/dev/null
hk hits
expect_eq "$?" 2 "hark hits on a damaged database"
grep -qE "^hark: hits: .*$T/state/hark.db: .*(malformed|not a database)" "$T/err" &&
	ok || bad "hark hits names the damaged file: $(cat "$T/err")"
finish
