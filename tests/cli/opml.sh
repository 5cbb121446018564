#!/bin/sh
# hark import-opml: the fixtures of tests/opml/ give the sections in their
# .expected files, warnings and errors name their line, and what is printed
# loads: `hark -c` on [hark] plus the output passes `check`. Usage: opml.sh HARK
HARK=$1
[ -x "$HARK" ] || { echo "usage: $0 HARK" >&2; exit 2; }
D=$(cd "$(dirname "$0")/../opml" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
unset HARK_CONFIG
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
# expect STATUS DESCRIPTION -- CMD...
expect() {
	want=$1 what=$2; shift 3
	"$@" >"$T/out" 2>"$T/err"; got=$?
	if [ "$got" -eq "$want" ]; then ok; else bad "$what: exit $got, want $want"; cat "$T/err"; fi
}
has() { if grep -qF -- "$2" "$T/$1"; then ok; else bad "$3: no '$2' in $1"; cat "$T/$1"; fi; }
same() {
	if cmp -s "$1" "$2"; then ok; else bad "$3: $2 differs from $1"; diff "$1" "$2" | head -20; fi
}
lines() {
	n=$(wc -l <"$T/$1")
	if [ "$n" -eq "$2" ]; then ok; else bad "$3: $n lines in $1, want $2"; cat "$T/$1"; fi
}
# loads NAME: [hark] and the last output make a configuration hark check accepts
printf '[rule x]\nquery = x\n' >"$T/w.rules"
loads() {
	{ printf '[hark]\nrules = %s/w.rules\n\n' "$T"; cat "$T/out"; } >"$T/$1.conf"
	if "$HARK" -c "$T/$1.conf" check >"$T/check.out" 2>&1; then
		ok
	else
		bad "$1: the output does not load"; cat "$T/check.out"
	fi
}

for f in nested opml1 entities cp1252; do
	expect 0 "$f" -- "$HARK" import-opml "$D/$f.opml"
	same "$D/$f.expected" "$T/out" "$f"
	if [ "$f" = nested ]; then
		# the ftp:// feed is skipped, named by its line
		has err "$D/nested.opml:23: xmlUrl 'ftp://files.example.com/podcast.xml' is not an http:// or https:// URL; skipped" "skip warned"
		lines err 1 "one warning"
	else
		lines err 0 "$f: no warning"
	fi
	loads "$f"
done

expect 0 "stdin" -- sh -c '"$1" import-opml - <"$2"' sh "$HARK" "$D/nested.opml"
same "$D/nested.expected" "$T/out" "stdin"

expect 0 "--interval" -- "$HARK" import-opml --interval 2h "$D/opml1.opml"
same "$D/opml1-interval.expected" "$T/out" "--interval"
loads interval
expect 2 "--interval too short" -- "$HARK" import-opml --interval 30s "$D/opml1.opml"
has err "hark import-opml: --interval: '30s' is less than 1m" "short interval named"
expect 2 "--interval not a duration" -- "$HARK" import-opml --interval 3x "$D/opml1.opml"
has err "hark import-opml: --interval: '3x' is not a duration" "bad interval named"
lines err 1 "one-line message"

expect 2 "broken" -- "$HARK" import-opml "$D/broken.opml"
has err "hark: import-opml: $D/broken.opml: OPML line 7: Opening and ending tag mismatch" "broken named with its line"
lines err 1 "one-line message"
lines out 0 "nothing printed on error"
expect 2 "entity bomb" -- "$HARK" import-opml "$D/laughs.opml"
has err "OPML line 10: entity references expand too much" "bomb refused"
expect 2 "missing" -- "$HARK" import-opml "$T/nope.opml"
has err "hark: import-opml: $T/nope.opml: No such file or directory" "missing file named"
expect 2 "no file" -- "$HARK" import-opml
has err "no file given" "no file"
expect 2 "two files" -- "$HARK" import-opml "$D/nested.opml" "$D/opml1.opml"
expect 2 "not OPML" -- "$HARK" import-opml "$D/../extract/feed/rss20.xml"
has err "root element <rss>, not <opml>" "a feed is not OPML"
expect 0 "help" -- "$HARK" help import-opml
has out "usage: hark [-c CONFIG] import-opml [--interval DURATION] FILE|-" "usage"

# Hostile names and URLs: what is printed still loads, names unique and short.
{
	printf '<opml version="2.0"><body>\n'
	i=0
	while [ $i -lt 30 ]; do
		printf '<outline text="Same title" xmlUrl="https://same.example/%d"/>\n' $i
		i=$((i + 1))
	done
	printf '<outline text="Same title 2" xmlUrl="https://same2.example/"/>\n'
	printf '<outline text="%s" xmlUrl="https://long.example/"/>\n' \
		"A title far longer than forty characters and then some more words"
	printf '<outline text="%s" xmlUrl="https://long.example/2"/>\n' \
		"A title far longer than forty characters and then some more words"
	printf '<outline text="line&#10;break [feed x]&#13;" htmlUrl="https://h.example/&#10;x = 1" xmlUrl="https://nl.example/"/>\n'
	printf '<outline text="!!!" xmlUrl="https://xn--bcher-kva.example/feed"/>\n'
	printf '<outline text="***" xmlUrl="https://www.Example.ORG:8443/feed?a=1;b=2#top"/>\n'
	printf '<outline text="space" xmlUrl="https://sp.example/a ;comment"/>\n'
	printf '<outline text="js" xmlUrl="javascript:alert(1)"/>\n'
	printf '<outline text="relative" xmlUrl="/feed.xml"/>\n'
	printf '<outline text="nohost" xmlUrl="https://:80/feed.xml"/>\n'
	printf '<outline text="Échos" xmlUrl="https://echos.example/" language="FR-fr"/>\n'
	printf '</body></opml>\n'
} >"$T/hostile.opml"
expect 0 "hostile" -- "$HARK" import-opml --interval 1m "$T/hostile.opml"
loads hostile
n=$(grep -c '^\[feed ' "$T/out")
[ "$n" -eq 37 ] && ok || bad "hostile: $n sections, want 37"
u=$(grep '^\[feed ' "$T/out" | sort -u | wc -l)
[ "$u" -eq "$n" ] && ok || bad "hostile: names not unique"
long=$(grep '^\[feed ' "$T/out" | sed 's/^\[feed \(.*\)\]$/\1/' | awk 'length > 40' | wc -l)
[ "$long" -eq 0 ] && ok || bad "hostile: a name longer than 40"
has out "[feed same-title-30]" "30th duplicate"
has out "[feed same-title-2-2]" "a title that was already a name plus suffix"
has out "[feed a-title-far-longer-than-forty-characters]" "long title kept to 40"
has out "[feed a-title-far-longer-than-forty-2]" "long title made unique, cut on a word"
has out "; line break [feed x] https://h.example/ x = 1" "comment on one line"
has out "[feed xn-bcher-kva-example]" "host when the title has no letter"
has out "[feed example-org]" "host without www."
has out "lang = fr" "language tag to its code"
for l in 38 39 40 41; do
	has err "$T/hostile.opml:$l: xmlUrl" "bad URL on line $l skipped"
done
lines err 4 "one warning a bad URL"

printf '<opml><body><outline text="folder"/></body></opml>' >"$T/empty.opml"
expect 0 "no feeds" -- "$HARK" import-opml "$T/empty.opml"
has err "no outline with an http(s) xmlUrl" "said"
lines out 0 "nothing printed"

echo "opml: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
