#!/bin/sh
# make install's layout of the configuration and its secrets, staged with
# DESTDIR: hark.conf mode 0640 (the group hark reads it), secrets/ mode 0750
# (the group hark-secrets: harkd's user alone); the sysusers.d and
# tmpfiles.d files installed give them those owners. Everything goes under
# the prefix: the configuration in PREFIX/etc/hark (GNUInstallDirs), /etc/hark
# only when PREFIX is /usr (the Debian package), and hark and harkd look for
# it there when no -c names one.
# Usage: install.sh BUILD_DIR [SOURCE_DIR]
[ $# -ge 1 ] || { echo "usage: $0 BUILD_DIR [SOURCE_DIR]" >&2; exit 2; }
BUILD=$1
SRC=${2:-$(dirname "$0")/../..}
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
T=$(mktemp -d) || exit 2
trap 'rm -rf "$T"' EXIT

# the prefix of the build, and the configuration's directory GNUInstallDirs gives it
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$BUILD/CMakeCache.txt")
case $prefix in
/usr) sysconf=/etc ;;
*) sysconf=$prefix/etc ;;
esac
DESTDIR=$T/root cmake --install "$BUILD" >"$T/log" 2>&1 || { bad "cmake --install: $(tail -5 "$T/log")"; }
outside=$(cd "$T/root" && find . ! -type d | sed 's/^\.//' | grep -v -e "^$prefix/" -e "^$sysconf/")
[ -z "$outside" ] && ok || bad "installed outside $prefix: $(echo $outside)"
conf=$T/root$sysconf/hark/hark.conf
[ -f "$conf" ] && ok || bad "no $sysconf/hark/hark.conf installed: $(cd "$T/root" && find . -name hark.conf)"
# the binaries' default configuration is the installed one
bin=$(find "$T/root" -path '*/bin/hark' -type f | head -1)
"$bin" help 2>&1 | grep -qF "else $sysconf/hark/hark.conf." && ok ||
	bad "hark help does not name $sysconf/hark/hark.conf: $("$bin" help 2>&1 | grep CONFIG)"
(cd "$T" && env -u HARK_CONFIG "$bin" check) >/dev/null 2>"$T/err"
grep -qF "create ./hark.conf or $sysconf/hark/hark.conf" "$T/err" && ok ||
	bad "hark check without a configuration: $(cat "$T/err")"
# rules = rules.d/*.rules: beside the installed hark.conf, wherever that is
grep -qE '^rules *= *rules\.d/\*\.rules' "$conf" && ok || bad "the example's rules are not relative: $(grep '^rules' "$conf")"
mode() { stat -c %a "$1" 2>/dev/null; }
[ "$(mode "$conf")" = 640 ] && ok || bad "hark.conf mode $(mode "$conf"), want 640"
[ "$(mode "$(dirname "$conf")/secrets")" = 750 ] && ok ||
	bad "hark/secrets mode $(mode "$(dirname "$conf")/secrets"), want 750"
sysusers=$(find "$T" -path '*/sysusers.d/hark.conf' | head -1)
tmpfiles=$(find "$T" -path '*/tmpfiles.d/hark.conf' | head -1)
grep -qE '^g hark-secrets' "$sysusers" && ok || bad "sysusers.d: no group hark-secrets"
grep -qE '^m hark hark-secrets' "$sysusers" && ok || bad "sysusers.d: hark is not in hark-secrets"
grep -qE "^d $sysconf/hark/secrets +0750 root hark-secrets" "$tmpfiles" && ok || bad "tmpfiles.d: $sysconf/hark/secrets"
grep -qE "^z $sysconf/hark/hark.conf +0640 root hark" "$tmpfiles" && ok || bad "tmpfiles.d: hark.conf root:hark 0640"
grep -qF "ExecStart=$prefix/sbin/harkd -c $sysconf/hark/hark.conf" "$T/root$prefix/lib/systemd/system/harkd.service" &&
	ok || bad "harkd.service: $(grep ExecStart "$T/root$prefix/lib/systemd/system/harkd.service")"
# the example's secrets go in secrets/: no secret written in it
grep -qE '^secret *=' "$conf" && bad "the example hark.conf holds a secret" || ok

# PREFIX=/usr, as dh configures the Debian package: /etc/hark, for the
# binaries, the unit and tmpfiles.d (configured only, not built)
if cmake -S "$SRC" -B "$T/usr" -DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_INSTALL_SYSCONFDIR=/etc \
	-DHARK_TESTS=OFF >"$T/usr.log" 2>&1; then
	grep -qF '#define HARK_CONF_DEFAULT "/etc/hark/hark.conf"' "$T/usr/include/hark_paths.h" && ok ||
		bad "PREFIX=/usr: $(cat "$T/usr/include/hark_paths.h")"
	grep -qF 'ExecStart=/usr/sbin/harkd -c /etc/hark/hark.conf' "$T/usr/harkd.service" && ok ||
		bad "PREFIX=/usr: harkd.service: $(grep ExecStart "$T/usr/harkd.service")"
	grep -qE '^d /etc/hark/secrets +0750' "$T/usr/hark.tmpfiles" && ok || bad "PREFIX=/usr: tmpfiles.d"
	# and without CMAKE_INSTALL_SYSCONFDIR: GNUInstallDirs' /usr -> /etc
	cmake -S "$SRC" -B "$T/usr2" -DCMAKE_INSTALL_PREFIX=/usr -DHARK_TESTS=OFF >"$T/usr.log" 2>&1
	grep -qF '"/etc/hark/hark.conf"' "$T/usr2/include/hark_paths.h" && ok ||
		bad "PREFIX=/usr, no SYSCONFDIR: $(cat "$T/usr2/include/hark_paths.h")"
else
	bad "cmake -DCMAKE_INSTALL_PREFIX=/usr: $(tail -5 "$T/usr.log")"
fi
echo "install: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
