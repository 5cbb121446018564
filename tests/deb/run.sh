#!/bin/sh
# The Debian package end to end: contrib/build-deb builds it (lintian must
# report no error), then a real `dpkg -i` in a throwaway Debian bookworm root
# made for it (debootstrap, chroot, its own /proc in a private mount
# namespace) checks what installing does: the user hark, the spool and the
# state directory, the conffile, the unit waiting for rules, `harkd -n` on the
# shipped configuration with an example rule; then that `dpkg -r` leaves only
# /var/lib/hark, /var/spool/hark and the configuration, and `dpkg -P` nothing.
# Usage: run.sh WORKDIR (the packages and a cached root, ~400 MB, go there)
# Needs root, debootstrap and deb.debian.org for the first run (the root is
# cached); without them the package is built and checked, and the
# installation skipped (77), saying why.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
work=${1:?usage: run.sh WORKDIR}
mkdir -p "$work"
work=$(cd "$work" && pwd)
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() {
	fail=$((fail + 1))
	echo "FAIL: $*"
}
note() { echo "# $*"; }
finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ] && exit 0
	exit 1
}

command -v dpkg-buildpackage >/dev/null 2>&1 && command -v dh >/dev/null 2>&1 || {
	echo "SKIP: no dpkg-buildpackage or debhelper (contrib/install-deps --test installs them)"
	exit 77
}

# 1. the package, lintian clean
rm -f "$work"/hark_*.deb "$work"/hark-dbgsym_*.deb
if "$top/contrib/build-deb" "$work" >"$work/build.log" 2>&1; then ok; else
	tail -30 "$work/build.log"
	bad "contrib/build-deb failed (log: $work/build.log)"
	finish
fi
deb=$(ls "$work"/hark_*_"$(dpkg-architecture -q DEB_HOST_ARCH)".deb)
grep -q '^E: ' "$work/build.log" && bad "lintian errors: $(grep '^E: ' "$work/build.log")" || ok
grep '^[WI]: ' "$work/build.log" | sed 's/^/# lintian: /'
# what the package must hold, read from the .deb itself
dpkg-deb --ctrl-tarfile "$deb" | tar -xOf - ./conffiles >"$work/conffiles"
grep -qx /etc/hark/hark.conf "$work/conffiles" && ok || bad "/etc/hark/hark.conf is not a conffile"
dpkg-deb -c "$deb" >"$work/contents"
for f in ./usr/sbin/harkd ./usr/bin/hark ./lib/systemd/system/harkd.service \
	./usr/lib/sysusers.d/hark.conf ./usr/lib/tmpfiles.d/hark.conf \
	./usr/share/doc/hark/examples/example.rules ./usr/share/doc/hark/copyright \
	./usr/share/man/man8/harkd.8.gz ./usr/share/man/man1/hark.1.gz \
	./usr/share/man/man5/hark.conf.5.gz ./usr/share/man/man5/hark.rules.5.gz; do
	grep -q " $f\$" "$work/contents" && ok || bad "$f not in the package"
done
# no rules of its own in /etc/hark/rules.d, or the service would start on them
grep -q ' ./etc/hark/rules.d/.' "$work/contents" && bad "the package ships rules in rules.d" || ok

# 2. a throwaway root
[ "$(id -u)" -eq 0 ] || {
	echo "SKIP: the package is built and checked ($pass checks); installing it needs root (chroot)"
	exit 77
}
command -v debootstrap >/dev/null 2>&1 || {
	echo "SKIP: the package is built and checked ($pass checks); installing it needs debootstrap"
	exit 77
}
base=$work/bookworm-base.tar
mirror=${HARK_DEB_MIRROR:-http://deb.debian.org/debian}
R=$(mktemp -d "${TMPDIR:-/tmp}/hark-deb.XXXXXX")
# never rm -rf a root with a mount in it: in_root's /proc lives in its own
# mount namespace and goes with it, this only guards against the impossible
cleanup() {
	if grep -q " $R/" /proc/self/mounts; then
		echo "hark: $R still has mounts: left in place" >&2
	else
		rm -rf "$R"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM
# in_root CMD: CMD by sh in the root, with a /proc of its own
in_root() {
	DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 \
		unshare --mount --pid --fork --mount-proc="$R/proc" chroot "$R" /bin/sh -c "$1"
}

if [ -f "$base" ]; then
	tar -xf "$base" -C "$R"
else
	note "debootstrap of bookworm from $mirror (once: cached in $base)"
	if ! debootstrap --variant=minbase bookworm "$R" "$mirror" >"$work/debootstrap.log" 2>&1; then
		tail -5 "$work/debootstrap.log"
		echo "SKIP: the package is built and checked ($pass checks); debootstrap failed (no network to $mirror?): $work/debootstrap.log"
		exit 77
	fi
fi
chmod 755 "$R" # its /, 0700 from mktemp (and so in the cache): the user hark walks it
# the package's dependencies, before the snapshot (systemd among them); a
# new one since the cache was made needs the index
cp "$deb" "$R/tmp/hark.deb"
dep=$(dpkg-deb -f "$deb" Depends)
if ! in_root "apt-get satisfy -y -q --no-install-recommends '$dep'" >"$work/satisfy.log" 2>&1; then
	in_root "apt-get update -q && apt-get satisfy -y -q --no-install-recommends '$dep'" \
		>"$work/satisfy.log" 2>&1 || {
		tail -5 "$work/satisfy.log"
		echo "SKIP: the package is built and checked ($pass checks); its dependencies could not be installed in the root: $work/satisfy.log"
		exit 77
	}
	in_root "apt-get clean"
	rm -f "$base"
fi
[ -f "$base" ] || tar -cf "$base" -C "$R" . || bad "caching the root in $base"

# snapshot: every path but the kernel's, the package manager's own records
# and caches, and logs; with type, mode and owner
snapshot() {
	(cd "$R" && find . -xdev \( -path ./proc -o -path ./sys -o -path ./dev -o -path ./run \
		-o -path ./tmp -o -path ./var/lib/dpkg -o -path ./var/lib/apt -o -path ./var/cache \
		-o -path ./var/log \) -prune -o -printf '%p %y %m %U:%G\n' | LC_ALL=C sort)
}
snapshot >"$work/before"

# 3. install
if in_root "dpkg -i /tmp/hark.deb" >"$work/install.log" 2>&1; then ok; else
	cat "$work/install.log"
	bad "dpkg -i"
	finish
fi
grep -q "^hark:x:" "$R/etc/passwd" && ok || bad "no user hark after installing"
grep -q "^hark:x:" "$R/etc/group" && ok || bad "no group hark after installing"
for d in /var/spool/hark /var/spool/hark/tmp /var/spool/hark/incoming /var/spool/hark/done \
	/var/spool/hark/failed; do
	expect=$(in_root "stat -c '%U:%G %a' $d" 2>&1)
	[ "$expect" = "hark:hark 2770" ] && ok || bad "$d: '$expect', want hark:hark 2770"
done
expect=$(in_root "stat -c '%U:%G %a' /var/lib/hark" 2>&1)
[ "$expect" = "hark:hark 750" ] && ok || bad "/var/lib/hark: '$expect', want hark:hark 750"
[ -L "$R/etc/systemd/system/multi-user.target.wants/harkd.service" ] && ok ||
	bad "harkd.service not enabled"
# a fresh installation: no rules, so the unit's condition keeps harkd stopped
cond=$(grep '^ConditionPathExistsGlob=' "$R/lib/systemd/system/harkd.service")
[ "$cond" = 'ConditionPathExistsGlob=/etc/hark/rules.d/*.rules' ] && ok ||
	bad "the unit's condition on the rules: '$cond'"
in_root "systemd-analyze condition '$cond'" >"$work/cond1" 2>&1 &&
	bad "the unit's condition holds without rules: $(cat "$work/cond1")" || ok
grep -q "^ExecStart=/usr/sbin/harkd -c /etc/hark/hark.conf" "$R/lib/systemd/system/harkd.service" && ok ||
	bad "ExecStart: $(grep ExecStart "$R/lib/systemd/system/harkd.service")"
# harkd -n finds no rules yet, and says so: an error (harkd itself would
# refuse to start, which is why the unit waits)
in_root "harkd -n" >"$work/n0" 2>&1 && bad "harkd -n without rules exits 0" || ok
grep -q "rules.d/\*.rules' matches no file" "$work/n0" && ok || bad "harkd -n without rules: $(cat "$work/n0")"

# the operator's steps (README): the example rules, harkd -n as the user hark
in_root "cp /usr/share/doc/hark/examples/example.rules /usr/share/doc/hark/examples/names-example.txt /etc/hark/rules.d/"
if in_root "runuser -u hark -- harkd -n" >"$work/n1" 2>&1; then ok; else
	bad "harkd -n on the shipped configuration and example.rules: $(cat "$work/n1")"
fi
grep -q 'configuration and [1-9][0-9]* rules\{0,1\} OK' "$work/n1" && ok || bad "harkd -n: $(cat "$work/n1")"
grep -q 'warning' "$work/n1" && bad "harkd -n warns: $(cat "$work/n1")" || ok
in_root "systemd-analyze condition '$cond'" >"$work/cond2" 2>&1 &&
	ok || bad "the unit's condition fails with rules: $(cat "$work/cond2")"
# the unit as systemd reads it
in_root "systemd-analyze verify --man=no harkd.service" >"$work/verify" 2>&1 && ok ||
	bad "systemd-analyze verify harkd.service: $(cat "$work/verify")"
# an upgrade (the same version again: postinst configure with the old one)
# keeps the operator's hark.conf and does not start harkd where nothing runs
echo "; the operator's line" >>"$R/etc/hark/hark.conf"
if in_root "dpkg -i /tmp/hark.deb" >"$work/reinstall.log" 2>&1; then ok; else
	bad "dpkg -i again: $(cat "$work/reinstall.log")"
fi
grep -q "^; the operator's line" "$R/etc/hark/hark.conf" && ok || bad "the upgrade replaced hark.conf"
# what harkd would leave: a database in the state directory, a file in done/
touch "$R/var/lib/hark/hark.db" "$R/var/spool/hark/done/a.txt"

# 4. remove: the configuration (conffile, the operator's rules, secrets/, the unit's
# enablement) and the two data directories stay, nothing else
if in_root "dpkg -r hark" >"$work/remove.log" 2>&1; then ok; else
	cat "$work/remove.log"
	bad "dpkg -r"
fi
snapshot >"$work/removed"
LC_ALL=C comm -13 "$work/before" "$work/removed" | grep -v \
	-e '^\./var/lib/hark[/ ]' -e '^\./var/spool/hark[/ ]' \
	-e '^\./etc/hark ' -e '^\./etc/hark/hark\.conf ' -e '^\./etc/hark/rules\.d[/ ]' \
	-e '^\./etc/hark/secrets[/ ]' \
	-e '^\./etc/systemd/system/multi-user\.target\.wants[/ ]' \
	-e '^\./var/lib/systemd/deb-systemd-helper-enabled[/ ]' \
	-e '^\./etc/\(passwd\|group\|shadow\|gshadow\)- ' >"$work/left" || true
[ -s "$work/left" ] && bad "left after dpkg -r: $(cat "$work/left")" || ok
[ -f "$R/var/lib/hark/hark.db" ] && ok || bad "dpkg -r removed /var/lib/hark/hark.db"
[ -f "$R/var/spool/hark/done/a.txt" ] && ok || bad "dpkg -r removed /var/spool/hark"
[ -f "$R/etc/hark/hark.conf" ] && ok || bad "dpkg -r removed the conffile"
[ -e "$R/usr/sbin/harkd" ] && bad "dpkg -r left /usr/sbin/harkd" || ok

# 5. purge: nothing left but the user (Debian removes no user: files
# elsewhere may still be theirs). The operator's rules are theirs too: they
# take them away first, else dpkg keeps /etc/hark/rules.d and says so.
rm -f "$R/etc/hark/rules.d/example.rules" "$R/etc/hark/rules.d/names-example.txt"
if in_root "dpkg -P hark" >"$work/purge.log" 2>&1; then ok; else
	cat "$work/purge.log"
	bad "dpkg -P"
fi
snapshot >"$work/purged"
LC_ALL=C comm -13 "$work/before" "$work/purged" |
	grep -v -e '^\./etc/\(passwd\|group\|shadow\|gshadow\)- ' >"$work/left" || true
[ -s "$work/left" ] && bad "left after dpkg -P: $(cat "$work/left")" || ok
LC_ALL=C comm -23 "$work/before" "$work/purged" >"$work/gone"
[ -s "$work/gone" ] && bad "gone after dpkg -P, though not hark's: $(cat "$work/gone")" || ok
finish
