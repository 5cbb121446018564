#!/bin/sh
# make run's build step (contrib/build-quiet) says nothing when hark and
# harkd are up to date, and the Makefile's run target goes through it; the
# demo's configuration serves the pages on loopback (harkd -n accepts it).
# Usage: buildquiet.sh SOURCE_DIR BUILD_DIR
[ $# -eq 2 ] || { echo "usage: $0 SOURCE_DIR BUILD_DIR" >&2; exit 2; }
SRC=$1 BUILD=$2
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
T=$(mktemp -d) || exit 2
trap 'rm -rf "$T"' EXIT

[ -x "$SRC/contrib/build-quiet" ] && ok || bad "no contrib/build-quiet"
# ctest runs after the build: hark and harkd are up to date
"$SRC/contrib/build-quiet" "$BUILD" 1 hark harkd >"$T/out" 2>"$T/err"
[ $? -eq 0 ] && ok || bad "build-quiet failed: $(cat "$T/err")"
[ -s "$T/out" ] || [ -s "$T/err" ] && bad "build-quiet is not quiet when nothing changed: $(head -5 "$T/out" "$T/err")" || ok
# a failing build shows its output, exit 1
"$SRC/contrib/build-quiet" "$BUILD" 1 no-such-target >"$T/out" 2>"$T/err"
[ $? -eq 1 ] && ok || bad "a failing build: exit 1"
grep -q "no-such-target" "$T/err" && ok || bad "a failing build shows why: $(cat "$T/err")"
# a first build says so before it starts (it takes about a minute, silent
# otherwise): a small CMake project whose targets are not built yet
if command -v cc >/dev/null 2>&1; then
	mkdir -p "$T/proj"
	printf 'cmake_minimum_required(VERSION 3.13)\nproject(bq C)\nadd_executable(hark a.c)\nadd_executable(harkd a.c)\n' >"$T/proj/CMakeLists.txt"
	echo 'int main(void) { return 0; }' >"$T/proj/a.c"
	cmake -S "$T/proj" -B "$T/pb" >/dev/null 2>&1 || bad "the small project does not configure"
	"$SRC/contrib/build-quiet" "$T/pb" 1 hark harkd >"$T/out" 2>"$T/err"
	[ $? -eq 0 ] && ok || bad "first build failed: $(cat "$T/err")"
	head -1 "$T/out" | grep -q '^building hark (first build takes about a minute)' && ok ||
		bad "a first build does not say so first: $(head -3 "$T/out")"
	grep -q 'Linking' "$T/out" && ok || bad "a first build does not show its progress: $(cat "$T/out")"
	# built: quiet again
	"$SRC/contrib/build-quiet" "$T/pb" 1 hark harkd >"$T/out" 2>"$T/err"
	[ -s "$T/out" ] || [ -s "$T/err" ] && bad "not quiet once built: $(head -3 "$T/out" "$T/err")" || ok
fi
# make run builds through it
sed -n '/^run:/,/^$/p' "$SRC/Makefile" >"$T/run"
grep -q 'contrib/build-quiet' "$T/run" && ok || bad "make run does not use build-quiet: $(cat "$T/run")"
grep -q 'cmake --build' "$T/run" && bad "make run still builds loudly: $(cat "$T/run")" || ok
# the demo serves the pages on loopback, and its configuration holds
grep -q '^listen *= *127\.0\.0\.1:' "$SRC/etc/demo.conf" && ok || bad "etc/demo.conf has no [http] listen on 127.0.0.1"
HARKD=$BUILD/harkd
if [ -x "$HARKD" ]; then
	(cd "$SRC" && "$HARKD" -n -c etc/demo.conf) >"$T/out" 2>"$T/err" && ok || bad "harkd -n etc/demo.conf: $(cat "$T/err")"
fi
grep -q 'harkd.http' "$SRC/contrib/demo/run.sh" && ok || bad "the demo does not print the pages' address"
echo "buildquiet: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
