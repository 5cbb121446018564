#!/bin/sh
# What a member of group hark can do, and what it cannot read. As installed
# (README, hark.sysusers, hark.tmpfiles): hark.conf and the rules 0640
# root:GROUP, the secrets (a webhook's secret_file and url_file, [http]
# token_file) 0600 root, out of the group's reach. A throwaway user, member
# of a throwaway group, runs hark check, ingest, hits, status, match,
# extract and backtest: each works, and none opens a secret file (strace's
# file calls when strace is here; the files being unreadable to it makes any
# read fail the command either way); hark check tries them, as harkd would,
# is refused, and notes it without an error. harkd, which reads them, sends
# the hit signed to the URL of url_file; harkd -n run by the member fails
# naming the secret it cannot read, as harkd would.
# Needs root (useradd, setpriv): exit 77 otherwise.
# Usage: groupread.sh HARK HARKD RECEIVER
. "$(dirname "$0")/lib.sh"
RECV=$(abspath "${3:-}")
daemon_init "$@"
[ -x "$RECV" ] || {
	echo "usage: $0 HARK HARKD RECEIVER" >&2
	exit 2
}
if [ "$(id -u)" -ne 0 ]; then
	echo "skip: not root (the test makes a user and a group)"
	exit 77
fi
for _c in useradd userdel groupadd groupdel setpriv; do
	command -v "$_c" >/dev/null 2>&1 || {
		echo "skip: no $_c"
		exit 77
	}
done
getent group nogroup >/dev/null 2>&1 || {
	echo "skip: no group nogroup (the member's primary group)"
	exit 77
}
SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
# short: at most 32 characters; the pid keeps two runs apart
U=hkt$$ G=hktg$$
RPID=
gr_cleanup() {
	[ -n "$RPID" ] && kill -TERM "$RPID" 2>/dev/null && wait "$RPID" 2>/dev/null
	userdel "$U" 2>/dev/null
	groupdel "$G" 2>/dev/null
	daemon_cleanup
}
trap gr_cleanup EXIT
groupadd "$G" || exit 2
useradd -M -N -g nogroup -G "$G" -d /nonexistent -s /usr/sbin/nologin "$U" || exit 2
# as_member CMD...: CMD as the member, file system calls traced when strace is here
STRACE=
command -v strace >/dev/null 2>&1 && strace -f -qq -o /dev/null true 2>/dev/null && STRACE=1
[ -n "$STRACE" ] || note "no working strace: only the failing reads show"
n=0
as_member() {
	n=$((n + 1))
	if [ -n "$STRACE" ]; then
		# LeakSanitizer stops the world with ptrace, which a traced process cannot
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
			strace -f -qq -e trace=%file -o "$T/trace.$n" \
			setpriv --reuid="$U" --regid=nogroup --init-groups -- "$@"
	else
		setpriv --reuid="$U" --regid=nogroup --init-groups -- "$@"
	fi
}
# refused WHAT: the last as_member read no secret file: every call on one was refused
refused() {
	[ -n "$STRACE" ] || return 0
	grep -F "$T/secrets/" "$T/trace.$n" | grep -v ' = -1 EACCES ' >"$T/touched"
	if [ -s "$T/touched" ]; then
		bad "$1 reached a secret file: $(head -3 "$T/touched")"
	else
		ok
	fi
}
# never_opened WHAT: the last as_member touched no secret file
never_opened() {
	[ -n "$STRACE" ] || return 0
	if grep -F "$T/secrets/" "$T/trace.$n" >"$T/touched"; then
		bad "$1 touched a secret file: $(head -3 "$T/touched")"
	else
		ok
	fi
}

chmod 0755 "$T" # mktemp -d's 0700 would keep the member out of everything
mkdir "$T/secrets"
chmod 0755 "$T/secrets" # the files themselves keep their secret
recv_port() { cat "$T/recv.port"; }
"$RECV" "$T/recv.port" ok "$SECRET" >"$T/recv.out" 2>"$T/recv.err" &
RPID=$!
wait_until "[ -s '$T/recv.port' ]" 5 || bad "receiver did not start: $(cat "$T/recv.err")"
(
	umask 077
	echo "$SECRET" >"$T/secrets/hook.secret"
	echo "http://127.0.0.1:$(recv_port)/from-url-file" >"$T/secrets/hook.url"
	echo 0123456789abcdefghijklmnopqrstuvwxyzABCD >"$T/secrets/http.token"
)
printf '[rule tice]\nquery = "Austin Tice"\n' >"$T/w.rules"
write_conf
cat >>"$T/hark.conf" <<EOF
[webhook chat]
url_file    = secrets/hook.url
secret_file = secrets/hook.secret
[http]
listen     = 127.0.0.1:0
token_file = secrets/http.token
EOF
chgrp "$G" "$T/hark.conf" "$T/w.rules"
chmod 0640 "$T/hark.conf" "$T/w.rules"
printf 'Austin Tice\n\nThe family of Austin Tice spoke on Monday.\n' >"$T/a.txt"
chmod 0644 "$T/a.txt"

# harkd -n by root reads the secrets: good; by the member: the unreadable secret named
"$HARKD" -n -c "$T/hark.conf" >/dev/null 2>"$T/n.err"
expect_eq "$?" 0 "harkd -n as root: $(cat "$T/n.err")"
as_member "$HARKD" -n -c "$T/hark.conf" >/dev/null 2>"$T/n.err"
expect_eq "$?" 2 "harkd -n as the member"
grep -qF "hark.conf:6:" "$T/n.err" && grep -qF "Permission denied" "$T/n.err" && ok ||
	bad "harkd -n as the member names the secret it cannot read: $(cat "$T/n.err")"
rm -f "$T/n.err" # written as root: the sanitizer check reads it, nothing else

start_harkd
# as the tmpfiles and the unit make them: the spool group-writable, the state group-readable
chgrp -R "$G" "$T/spool" "$T/state"
find "$T/spool" -type d -exec chmod 2770 {} +
chmod 0750 "$T/state"
chmod g+r "$T/state"/*

# hark check tries them as harkd would: what it may not read is no error, but a note
as_member "$HARK" -c "$T/hark.conf" check >"$T/out" 2>"$T/check.txt"
expect_eq "$?" 0 "hark check as the member: $(cat "$T/check.txt")"
refused "hark check"
grep -qF "note: 3 secret files not read: they are harkd's" "$T/check.txt" && ok ||
	bad "hark check says the secrets were not checked: $(cat "$T/check.txt")"
# and root's hark check reads them all: nothing to say
"$HARK" -c "$T/hark.conf" check >"$T/out" 2>"$T/check.txt"
expect_eq "$?$(cat "$T/check.txt")" 0 "hark check as root"

as_member "$HARK" -c "$T/hark.conf" ingest "$T/a.txt" >"$T/out" 2>"$T/ingest.txt"
expect_eq "$?" 0 "hark ingest as the member: $(cat "$T/ingest.txt")"
never_opened "hark ingest"
wait_for "$LOG" "hit rule=tice" 10 && ok || bad "harkd matched the member's file"
wait_until "grep -q ' 200 ' '$T/recv.out'" 10 || bad "the hit reached the URL of url_file"
grep -q " 200 .* sig=ok .* /from-url-file\$" "$T/recv.out" && ok ||
	bad "signed with the secret of secret_file, to url_file's path: $(cat "$T/recv.out")"

for cmd in "hits" "status" "deliveries" "match $T/a.txt" "extract $T/a.txt" "backtest"; do
	# shellcheck disable=SC2086 # the command's words
	as_member "$HARK" -c "$T/hark.conf" $cmd >"$T/out" 2>"$T/cmd.txt"
	expect_eq "$?" 0 "hark $cmd as the member: $(cat "$T/cmd.txt")"
	never_opened "hark $cmd"
	case $cmd in
	hits | match* | backtest) grep -q tice "$T/out" && ok || bad "hark $cmd shows the hit: $(cat "$T/out")" ;;
	esac
done

stop_harkd
expect_eq "$HSTATUS" 0 "harkd's exit status"
finish
