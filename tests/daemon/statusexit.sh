#!/bin/sh
# hark status's exit status, as systemctl status and LSB's: 0 while harkd
# runs; 3 when it does not, the harkd line saying why: no database yet (it
# never ran on this state_dir), no pid in harkd.lock (it stopped: harkd
# clears its pid as it stops), a stale pid (it died: kill -9); --json the
# same; 4 when it cannot be told (harkd.lock a symbolic link).
# Usage: statusexit.sh HARK HARKD
. "$(dirname "$0")/lib.sh"
daemon_init "$@"

printf '[rule assad]\nquery = Assad\n' >"$T/w.rules"
write_conf

# st [ARGS...]: hark status ARGS; its exit status in $RC, stdout $T/out, stderr $T/err
st() {
	"$HARK" -c "$T/hark.conf" status "$@" >"$T/out" 2>"$T/err"
	RC=$?
}

st
expect_eq "$RC" 3 "never started: exit status"
grep -qxF "hark: status: harkd is not running: no database at $T/state/hark.db (it has not run on this state_dir)" "$T/err" &&
	ok || bad "never started: the cause: $(cat "$T/err")"

start_harkd
st
expect_eq "$RC" 0 "running: exit status"
grep -qE "^harkd: +running \(pid $HPID\) since " "$T/out" && ok || bad "running: $(cat "$T/out")"
st --json
expect_eq "$RC" 0 "running, --json: exit status"

stop_harkd
expect_eq "$HSTATUS" 0 "SIGTERM"
[ ! -s "$T/state/harkd.lock" ] && ok || bad "the pid cleared at the stop: '$(cat "$T/state/harkd.lock")'"
st
expect_eq "$RC" 3 "stopped: exit status"
grep -qxE "harkd: +not running \(no pid in $T/state/harkd.lock: harkd stopped\)" "$T/out" &&
	ok || bad "stopped: the cause: $(cat "$T/out")"
grep -qE '^articles: +0$' "$T/out" && ok || bad "stopped: the rest is said: $(cat "$T/out")"
st --json
expect_eq "$RC" 3 "stopped, --json: exit status"
grep -qF '"running":false' "$T/out" && ok || bad "stopped, --json: $(cat "$T/out")"

start_harkd
pid=$HPID
kill_harkd
st
expect_eq "$RC" 3 "killed: exit status"
grep -qxE "harkd: +not running \(stale $T/state/harkd.lock: pid $pid holds no lock on it: harkd died without stopping \(killed or crashed\)\)" "$T/out" &&
	ok || bad "killed: the cause: $(cat "$T/out")"

# harkd.lock a symbolic link, which neither harkd nor hark follows: cannot be told
mv "$T/state/harkd.lock" "$T/state/lock.real"
ln -s lock.real "$T/state/harkd.lock"
st
expect_eq "$RC" 4 "harkd.lock a symbolic link: exit status"
grep -qE "^harkd: +unknown \($T/state/harkd.lock: " "$T/out" &&
	ok || bad "unknown: the cause: $(cat "$T/out")"
st --json
expect_eq "$RC" 4 "unknown, --json: exit status"
grep -qF '"running":null' "$T/out" && ok || bad "unknown, --json: $(cat "$T/out")"
rm "$T/state/harkd.lock"
mv "$T/state/lock.real" "$T/state/harkd.lock"

# a usage error is still 2
"$HARK" -c "$T/hark.conf" status --nope >/dev/null 2>&1
expect_eq "$?" 2 "a usage error"
finish
