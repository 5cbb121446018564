#!/bin/sh
# The compiled rule cache of hark match: written once, read after, the
# output and the diagnostics byte for byte those of a compile (--no-cache),
# a damaged or stale entry replaced, an unusable directory harmless.
# HARK_CACHE_TRACE=1 tells on stderr what the cache did (hit, miss, bad,
# wrote); HARK_CACHE_MIN=0 caches the small sets of this test.
# Usage: rcache.sh HARK
HARK=$1
[ -x "$HARK" ] || { echo "usage: $0 HARK" >&2; exit 2; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
C=$T/cache
export HARK_CACHE_MIN=0
unset XDG_CACHE_HOME HARK_CACHE_TRACE

cat >"$T/w.rules" <<'R'
[rule tice]
name = Austin Tice
tags = hostage us
query = "Austin Tice" OR (Tice NEAR/5 journaliste)
[rule kamal]
query = Kamalmaz~ OR /Ka[a-z]+az/
[rule list]
query = @names.txt
[rule warned]
query = Sahel and Amman
[rule off]
query = Tice
enabled = no
R
printf 'Majd Kamalmaz\nKarim Haddadin\n' >"$T/names.txt"
printf 'Un otage américain\nLe journaliste Austin Tice et le thérapeute Kalmamaz.\n' >"$T/a.txt"
printf 'Amman\nKarim Haddadin in Sahel and Amman.\n' >"$T/b.txt"

# m NAME [OPTION...]: hark match of both articles, out and err in $T/NAME.*
m() {
	n=$1
	shift
	HARK_CACHE_DIR=${DIR-$C} "$HARK" match --color=never "$@" -r "$T/w.rules" "$T/a.txt" "$T/b.txt" \
		>"$T/$n.out" 2>"$T/$n.err"
	echo $? >"$T/$n.rc"
}
same() {
	if cmp -s "$T/$1.out" "$T/$2.out" && cmp -s "$T/$1.err" "$T/$2.err" &&
		cmp -s "$T/$1.rc" "$T/$2.rc"; then ok; else
		bad "$3: $1 and $2 differ"
		diff "$T/$1.out" "$T/$2.out" | head -5
		diff "$T/$1.err" "$T/$2.err" | head -5
	fi
}
entries() { find "$C" -name '*.hrc' 2>/dev/null | wc -l | tr -d ' '; }
trace() { HARK_CACHE_TRACE=1 HARK_CACHE_DIR=$C "$HARK" match --color=never -r "$T/w.rules" "$T/a.txt" "$T/b.txt" 2>&1 >/dev/null | grep 'rule cache:'; }

m base --no-cache
test -e "$C" && bad "--no-cache made the directory" || ok
grep -q "warning: 'and' is a word here" "$T/base.err" && ok || bad "the rules' warning is printed"
test "$(cat "$T/base.rc")" = 0 && grep -q 'tice' "$T/base.out" && grep -q 'list' "$T/base.out" &&
	ok || bad "base run hits"

m cold
same base cold "cold run"
test "$(entries)" = 1 && ok || bad "cold run wrote $(entries) entries, want 1"
E=$(find "$C" -name '*.hrc')
test "$(stat -c %a "$E")" = 600 && ok || bad "entry mode $(stat -c %a "$E")"
test "$(stat -c %a "$C")" = 700 && ok || bad "directory mode $(stat -c %a "$C")"

m warm
same base warm "warm run (warning replayed)"
trace | grep -q "hit " && ok || bad "second run does not read the entry"
m warm2 -j 2
same base warm2 "warm run, -j 2"
m json0 --no-cache --json
m json1 --json
sed 's/"detected_at":"[^"]*"//' "$T/json0.out" >"$T/j0.out" && cp "$T/json0.err" "$T/j0.err" && cp "$T/json0.rc" "$T/j0.rc"
sed 's/"detected_at":"[^"]*"//' "$T/json1.out" >"$T/j1.out" && cp "$T/json1.err" "$T/j1.err" && cp "$T/json1.rc" "$T/j1.rc"
same j0 j1 "--json from the cache"

# a byte of the payload changed: refused, compiled, written again
cp "$E" "$T/good.hrc"
size=$(stat -c %s "$E")
printf 'X' | dd of="$E" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
cmp -s "$E" "$T/good.hrc" && bad "the entry was not changed" || ok
trace | grep -q "bad .*checksum" && ok || bad "a damaged entry is not refused"
m fixed
same base fixed "after a damaged entry"
cmp -s "$E" "$T/good.hrc" && ok || bad "the damaged entry was not replaced"
trace | grep -q "hit " && ok || bad "the replaced entry is not read"

# cut short: the same
head -c 1000 "$T/good.hrc" >"$E"
m cut
same base cut "after a cut entry"
cmp -s "$E" "$T/good.hrc" && ok || bad "the cut entry was not replaced"

# a file @file reads changes: the entry is stale
printf 'Majd Kamalmaz\nSahel\n' >"$T/names.txt"
m dep0 --no-cache
trace | grep -q "bad .*@file" && ok || bad "a changed @file list is not seen"
m dep1
same dep0 dep1 "after the @file list changed"
cmp -s "$T/dep0.out" "$T/base.out" && bad "the @file change changes no hit" || ok

# an edit of the rule file: a new key, a new entry
printf '[rule more]\nquery = Haddadin\n' >>"$T/w.rules"
m edit0 --no-cache
m edit1
same edit0 edit1 "after an edit"
test "$(entries)" = 2 && ok || bad "an edit gave $(entries) entries, want 2"
grep -q ': more: ' "$T/edit1.out" && ok || bad "the edited rule set is not the one used"

# no cache where it cannot be: a directory under a file, empty HARK_CACHE_DIR
: >"$T/file"
DIR=$T/file/sub m nodir
same edit0 nodir "unusable directory"
DIR= m empty
same edit0 empty "HARK_CACHE_DIR empty"

# the default place: XDG_CACHE_HOME/hark, else HOME/.cache/hark
env -u HARK_CACHE_DIR XDG_CACHE_HOME="$T/xdg" HOME="$T/home" "$HARK" match -r "$T/w.rules" "$T/a.txt" >/dev/null 2>&1
test "$(find "$T/xdg/hark" -name '*.hrc' | wc -l)" = 1 && ok || bad "no entry in XDG_CACHE_HOME/hark"
env -u HARK_CACHE_DIR -u XDG_CACHE_HOME HOME="$T/home" "$HARK" match -r "$T/w.rules" "$T/a.txt" >/dev/null 2>&1
test "$(find "$T/home/.cache/hark" -name '*.hrc' | wc -l)" = 1 && ok || bad "no entry in HOME/.cache/hark"
# small sets are not worth it: under HARK_CACHE_MIN terms, nothing written
env -u HARK_CACHE_MIN HARK_CACHE_DIR="$T/small" "$HARK" match -r "$T/w.rules" "$T/a.txt" >/dev/null 2>&1
test -e "$T/small" && bad "a small set was cached by default" || ok

# a mistyped HARK_CACHE_MIN is said, once; the trace says when the cache is off
HARK_CACHE_MIN=abc HARK_CACHE_DIR=$T/typo "$HARK" match -r "$T/w.rules" "$T/a.txt" >/dev/null 2>"$T/typo.err"
test "$(grep -c 'HARK_CACHE_MIN=abc is not a number of terms: 1000 used' "$T/typo.err")" = 1 && ok ||
	bad "a mistyped HARK_CACHE_MIN: $(cat "$T/typo.err")"
HARK_CACHE_TRACE=1 "$HARK" match --no-cache -r "$T/w.rules" "$T/a.txt" 2>&1 >/dev/null | grep -q 'rule cache: off (--no-cache)' &&
	ok || bad "the trace does not say --no-cache turned the cache off"
HARK_CACHE_TRACE=1 HARK_CACHE_DIR= "$HARK" match -r "$T/w.rules" "$T/a.txt" 2>&1 >/dev/null | grep -q 'rule cache: off (HARK_CACHE_DIR is empty' &&
	ok || bad "the trace does not say an empty HARK_CACHE_DIR turned the cache off"

# a directory others may write is no cache: nothing written there, and an
# entry planted in it (here a good one, copied) is never loaded
mkdir "$T/shared" && chmod 0777 "$T/shared"
HARK_CACHE_TRACE=1 HARK_CACHE_DIR=$T/shared "$HARK" match -r "$T/w.rules" "$T/a.txt" >"$T/sh1.out" 2>"$T/sh1.err"
test "$(find "$T/shared" -name '*.hrc' | wc -l)" = 0 && ok || bad "an entry was written in a directory others may write"
grep -q 'writable by others: not used' "$T/sh1.err" && ok || bad "no trace of the refused directory"
for f in "$C"/*.hrc; do cp "$f" "$T/shared/"; done
HARK_CACHE_TRACE=1 HARK_CACHE_DIR=$T/shared "$HARK" match -r "$T/w.rules" "$T/a.txt" >"$T/sh2.out" 2>"$T/sh2.err"
grep -q 'rule cache: hit' "$T/sh2.err" && bad "an entry in a directory others may write was loaded" || ok
cmp -s "$T/sh1.out" "$T/sh2.out" && ok || bad "the output changed with a planted entry"

# another build of the same version (its build id differs) writes its own
# entry, never reading this one's: a copy of hark with the id's first byte
# changed (python3 finds the GNU build-id note)
if command -v python3 >/dev/null 2>&1 &&
	python3 - "$HARK" "$T/hark2" <<'P'
import sys
b = bytearray(open(sys.argv[1], 'rb').read())
i = b.find(b'\x04\x00\x00\x00\x14\x00\x00\x00\x03\x00\x00\x00GNU\x00')
if i < 0:
    sys.exit(1)
b[i + 16] ^= 0xff
open(sys.argv[2], 'wb').write(b)
P
then
	chmod +x "$T/hark2"
	HARK_CACHE_DIR=$T/ids "$HARK" match -r "$T/w.rules" "$T/a.txt" >"$T/id1.out" 2>/dev/null
	HARK_CACHE_DIR=$T/ids "$T/hark2" match -r "$T/w.rules" "$T/a.txt" >"$T/id2.out" 2>/dev/null
	test "$(find "$T/ids" -name '*.hrc' | wc -l)" = 2 && ok ||
		bad "another build shared an entry ($(find "$T/ids" -name '*.hrc' | wc -l) entries, want 2)"
	cmp -s "$T/id1.out" "$T/id2.out" && ok || bad "the two builds' outputs differ"
else
	echo "rcache: no python3 or no build id: the build check skipped"
fi

# at most 8 entries: the oldest go
for i in 1 2 3 4 5 6 7 8 9 10; do
	printf '[rule r%s]\nquery = word%s\n' "$i" "$i" >"$T/r$i.rules"
	HARK_CACHE_DIR=$T/many "$HARK" match -r "$T/r$i.rules" "$T/a.txt" >/dev/null 2>&1
done
test "$(find "$T/many" -name '*.hrc' | wc -l)" = 8 && ok || bad "$(find "$T/many" -name '*.hrc' | wc -l) entries kept, want 8"

echo "$pass passed, $fail failed"
test "$fail" -eq 0
