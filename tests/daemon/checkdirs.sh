#!/bin/sh
# harkd -n checks what the start checks of state_dir and spool_dir, creating
# nothing: a missing directory whose parent does not exist, or a path that is
# not a directory, is an error naming it (before, -n said OK and harkd then
# failed with "cannot create state_dir"). And the start's error is true to
# the cause: "its parent P does not exist" only when P does not (mkdir in
# /proc fails with ENOENT though /proc exists). hark check says the same as
# harkd -n, but for what only harkd's user can tell: a directory its own
# user may not reach is no error of hark check (run by root, the member
# case is tried as the user nobody); and of an [http] listen address that is
# not this host's. Usage: checkdirs.sh HARK HARKD
. "$(dirname "$0")/lib.sh"
daemon_init "$@"

printf '[rule assad]\nquery = Assad\n' >"$T/w.rules"
# checkn KEY VALUE: harkd -n on a configuration with KEY = VALUE; status in $rc, stderr in $T/n.err
checkn() {
	{
		printf '[hark]\nrules = w.rules\n'
		[ "$1" = state_dir ] || printf 'state_dir = state\n'
		[ "$1" = spool_dir ] || printf 'spool_dir = spool\n'
		printf '%s = %s\n' "$1" "$2"
	} >"$T/hark.conf"
	"$HARKD" -n -c "$T/hark.conf" >"$T/n.out" 2>"$T/n.err"
	rc=$?
	# hark check says what harkd -n says of them, in the same words
	"$HARK" -c "$T/hark.conf" check >"$T/c.out" 2>"$T/c.err"
	expect_eq "$?" "$rc" "hark check's exit status with $1 = $2 ($(cat "$T/c.err"))"
	expect_eq "$(head -1 "$T/c.err")" "$(head -1 "$T/n.err")" "hark check with $1 = $2"
}

checkn state_dir /nonexistent/deep/st
expect_eq "$rc" 2 "harkd -n, state_dir under a missing parent: exit status"
expect_eq "$(head -1 "$T/n.err")" \
	"$T/hark.conf: error: state_dir /nonexistent/deep/st: cannot create: its parent /nonexistent/deep does not exist" \
	"harkd -n, state_dir under a missing parent"
grep -q OK "$T/n.out" && bad "harkd -n says OK: $(cat "$T/n.out")" || ok

checkn spool_dir "$T/nothere/sp"
expect_eq "$rc" 2 "harkd -n, spool_dir under a missing parent: exit status"
expect_eq "$(head -1 "$T/n.err")" \
	"$T/hark.conf: error: spool_dir $T/nothere/sp: cannot create: its parent $T/nothere does not exist" \
	"harkd -n, spool_dir under a missing parent"

checkn state_dir w.rules
expect_eq "$rc" 2 "harkd -n, state_dir a file: exit status"
expect_eq "$(head -1 "$T/n.err")" "$T/hark.conf: error: state_dir $T/w.rules: Not a directory" \
	"harkd -n, state_dir a file"

mkdir -p "$T/sp2"
: >"$T/sp2/incoming"
checkn spool_dir sp2
expect_eq "$rc" 2 "harkd -n, spool_dir/incoming a file: exit status"
expect_eq "$(head -1 "$T/n.err")" "$T/hark.conf: error: spool_dir $T/sp2/incoming: Not a directory" \
	"harkd -n, spool_dir/incoming a file"

# a good one: OK, and nothing made
checkn state_dir state
expect_eq "$rc" 0 "harkd -n on a good configuration: exit status ($(cat "$T/n.err"))"
[ -e "$T/state" ] || [ -e "$T/spool" ] && bad "harkd -n created a directory" || ok

# the start's words: a parent that exists is not said to be missing
if [ -d /proc/self ]; then
	{
		printf '[hark]\nrules = w.rules\nstate_dir = state\nspool_dir = /proc/hark-spool\n'
	} >"$T/hark.conf"
	"$HARKD" -c "$T/hark.conf" 2>"$T/start.err" &
	pid=$!
	wait_until "! kill -0 $pid" 20 || { kill -KILL $pid; bad "harkd runs on /proc/hark-spool"; }
	wait $pid
	expect_eq "$?" 2 "harkd on spool_dir /proc/hark-spool: exit status"
	grep -q "parent /proc does not exist" "$T/start.err" && bad "the start says /proc does not exist" || ok
	grep -qF "/proc/hark-spool: cannot create: " "$T/start.err" && ok ||
		bad "harkd on spool_dir /proc/hark-spool: $(cat "$T/start.err")"
fi

# a spool_dir inside a state_dir not made yet: the start makes state_dir first
{
	printf '[hark]\nrules = w.rules\nstate_dir = var\nspool_dir = var/spool\n'
} >"$T/hark.conf"
"$HARKD" -n -c "$T/hark.conf" >"$T/n.out" 2>"$T/n.err"
expect_eq "$?" 0 "harkd -n, spool_dir inside a state_dir to be made ($(cat "$T/n.err"))"
[ -e "$T/var" ] && bad "harkd -n made state_dir" || ok

# [http] listen: an address this host does not have (TEST-NET-1) is refused by
# the start; hark check and harkd -n say it in its words, at listen's line
echo 0123456789abcdefghijklmnopqrstuvwxyzABCD >"$T/http.token"
chmod 0600 "$T/http.token"
httpconf() {
	printf '[hark]\nrules = w.rules\nstate_dir = state\nspool_dir = spool\n[http]\nlisten = %s\ntoken_file = http.token\n' "$1" >"$T/hark.conf"
}
httpconf "127.0.0.1:0 192.0.2.1:8976"
WANT="$T/hark.conf:6:10: error: cannot listen on 192.0.2.1:8976: Cannot assign requested address"
"$HARK" -c "$T/hark.conf" check >"$T/c.out" 2>"$T/c.err"
expect_eq "$?" 2 "hark check, listen on an address not of this host: exit status ($(cat "$T/c.err"))"
expect_eq "$(cat "$T/c.err")" "$WANT" "hark check, listen on an address not of this host"
"$HARKD" -n -c "$T/hark.conf" >"$T/n.out" 2>"$T/n.err"
expect_eq "$?" 2 "harkd -n, listen on an address not of this host: exit status"
expect_eq "$(head -1 "$T/n.err")" "$WANT" "harkd -n, listen on an address not of this host"
"$HARKD" -c "$T/hark.conf" 2>"$T/start.err" &
pid=$!
wait_until "! kill -0 $pid" 20 || { kill -KILL $pid; bad "harkd runs on 192.0.2.1:8976"; }
wait $pid
expect_eq "$?" 2 "harkd on 192.0.2.1:8976: exit status"
grep -qF "cannot listen on 192.0.2.1:8976: Cannot assign requested address" "$T/start.err" && ok ||
	bad "harkd on 192.0.2.1:8976: $(cat "$T/start.err")"
# a port in use (this harkd's) is the start's to find, not the check's
httpconf "127.0.0.1:0"
start_harkd
wait_until "[ -s '$T/state/harkd.http' ]" 10 || bad "no harkd.http"
PORT=$(sed 's|.*:\([0-9]*\)/.*|\1|' "$T/state/harkd.http")
httpconf "127.0.0.1:$PORT"
"$HARK" -c "$T/hark.conf" check >"$T/c.out" 2>"$T/c.err"
expect_eq "$?$(cat "$T/c.err")" 0 "hark check on the port harkd holds ($PORT)"
stop_harkd
rm -rf "$T/state" "$T/spool"

# a directory the checker may not reach: harkd's business, not hark check's
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1 && id nobody >/dev/null 2>&1; then
	chmod 0755 "$T"
	chmod 0644 "$T/w.rules"
	mkdir -m 0700 "$T/locked"
	printf '[hark]\nrules = w.rules\nstate_dir = locked/state\nspool_dir = locked/spool\n' >"$T/hark.conf"
	chmod 0644 "$T/hark.conf"
	nobody() { setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups -- "$@"; }
	nobody "$HARKD" -n -c "$T/hark.conf" >/dev/null 2>"$T/n.err"
	expect_eq "$?" 2 "harkd -n as nobody, state_dir out of its reach"
	grep -qF "state_dir $T/locked/state: Permission denied" "$T/n.err" && ok ||
		bad "harkd -n as nobody: $(cat "$T/n.err")"
	nobody "$HARK" -c "$T/hark.conf" check >"$T/c.out" 2>"$T/c.err"
	expect_eq "$?" 0 "hark check as nobody, state_dir out of its reach: $(cat "$T/c.err")"
	expect_eq "$(cat "$T/c.err")" "" "hark check as nobody: nothing to say"
	rm -f "$T/n.err" "$T/c.err" "$T/c.out"
else
	note "not root, or no setpriv or nobody: the member's hark check not tried"
fi

# harkd's usage errors: one line named harkd (not its path), status 2, no help
# usage_line WANT ARGS...: harkd ARGS exits 2 saying exactly WANT
usage_line() {
	_want=$1
	shift
	"$HARKD" "$@" >"$T/u.out" 2>"$T/u.err"
	expect_eq "$?" 2 "harkd $*: exit status"
	expect_eq "$(cat "$T/u.err")" "$_want" "harkd $*: stderr"
}
usage_line "harkd: unknown option '--bogus' (see harkd --help)" --bogus
usage_line "harkd: unknown option '-x' (see harkd --help)" -x
usage_line "harkd: option '-c' needs an argument (see harkd --help)" -c
usage_line "harkd: unexpected argument 'extra' (see harkd --help)" -n extra
finish
