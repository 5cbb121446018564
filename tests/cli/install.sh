#!/bin/sh
# make install's layout of the configuration and its secrets, staged with
# DESTDIR: hark.conf mode 0640 (the group hark reads it), secrets/ mode 0750
# (the group hark-secrets: harkd's user alone); the sysusers.d and
# tmpfiles.d files installed give them those owners.
# Usage: install.sh BUILD_DIR
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
BUILD=$1
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
T=$(mktemp -d) || exit 2
trap 'rm -rf "$T"' EXIT

DESTDIR=$T cmake --install "$BUILD" >"$T/log" 2>&1 || { bad "cmake --install: $(tail -5 "$T/log")"; }
conf=$(find "$T" -path '*/hark/hark.conf' -type f | head -1)
[ -n "$conf" ] && ok || bad "no hark/hark.conf installed"
mode() { stat -c %a "$1" 2>/dev/null; }
[ "$(mode "$conf")" = 640 ] && ok || bad "hark.conf mode $(mode "$conf"), want 640"
[ "$(mode "$(dirname "$conf")/secrets")" = 750 ] && ok ||
	bad "hark/secrets mode $(mode "$(dirname "$conf")/secrets"), want 750"
sysusers=$(find "$T" -path '*/sysusers.d/hark.conf' | head -1)
tmpfiles=$(find "$T" -path '*/tmpfiles.d/hark.conf' | head -1)
grep -qE '^g hark-secrets' "$sysusers" && ok || bad "sysusers.d: no group hark-secrets"
grep -qE '^m hark hark-secrets' "$sysusers" && ok || bad "sysusers.d: hark is not in hark-secrets"
grep -qE '^d /etc/hark/secrets +0750 root hark-secrets' "$tmpfiles" && ok || bad "tmpfiles.d: /etc/hark/secrets"
grep -qE '^z /etc/hark/hark.conf +0640 root hark' "$tmpfiles" && ok || bad "tmpfiles.d: hark.conf root:hark 0640"
# the example's secrets go in secrets/: no secret written in it
grep -qE '^secret *=' "$conf" && bad "the example hark.conf holds a secret" || ok
echo "install: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
