#!/bin/sh
# Every command's argument errors in the one form of hark(1): exit 2, one
# line on standard error, "hark CMD: CAUSE (see hark CMD --help)", nothing
# on standard output; said before any configuration or database is read (the
# configuration here names a state_dir that does not exist). For each
# command: an extra argument, an unknown option, a missing argument (an
# operand, or an option's), a bad value.
# Usage: usage.sh HARK
HARK=$1
[ -x "$HARK" ] || { echo "usage: $0 HARK" >&2; exit 2; }
case $HARK in /*) ;; *) HARK=$(pwd)/$HARK ;; esac
SELF=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
T=$(mktemp -d) || exit 2
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 2
printf '[rule okafor]\nquery = okafor\n' >w.rules
printf '[hark]\nstate_dir = %s/nostate\nspool_dir = %s/nospool\nrules = w.rules\n' "$T" "$T" >hark.conf
printf 'x\n' >a.txt
HARK_CONFIG=$T/hark.conf
export HARK_CONFIG
pass=0 fail=0

# CMD | ARGS (split on blanks) | a fixed string the cause must hold
while IFS='|' read -r cmd args want; do
	[ -z "$cmd" ] && continue
	case $cmd in \#*) continue ;; esac
	cmd=$(echo $cmd) want=$(echo "$want" | sed 's/^ *//; s/ *$//')
	# shellcheck disable=SC2086
	timeout 10 "$HARK" $cmd $args </dev/null >out 2>err
	st=$?
	what="hark $cmd$(echo " $args" | sed 's/ *$//')"
	line=$(cat err)
	if [ "$st" != 2 ]; then
		fail=$((fail + 1)); echo "FAIL: $what: exit $st, not 2: $line"
	elif [ "$(wc -l <err | tr -d ' ')" != 1 ] || [ -s out ]; then
		fail=$((fail + 1)); echo "FAIL: $what: not one line on stderr alone: $line"
	elif ! printf '%s\n' "$line" | grep -qxF -e "hark $cmd: $want (see hark $cmd --help)" &&
		! { printf '%s\n' "$line" | grep -q "^hark $cmd: .* (see hark $cmd --help)\$" &&
			printf '%s\n' "$line" | grep -qF -- "$want"; }; then
		fail=$((fail + 1)); echo "FAIL: $what: '$line' is not 'hark $cmd: ...$want... (see hark $cmd --help)'"
	else
		pass=$((pass + 1))
	fi
done <<'TABLE'
article    | a_0123456789abcdef extra       | one article id only
article    | --bogus                        | unknown option '--bogus'
article    |                                | no article id given
backtest   | extra                          | unexpected argument 'extra'
backtest   | --bogus                        | unknown option '--bogus'
backtest   | -r                             | option '-r' needs an argument
backtest   | --since xx                     | --since: 'xx' is not a duration
backup     | a b                            | one file at a time
backup     | --bogus                        | unknown option '--bogus'
backup     |                                | no file given
check      | --bogus                        | unknown option '--bogus'
deliveries | extra                          | unexpected argument 'extra'
deliveries | --bogus                        | unknown option '--bogus'
deliveries | --json=x                       | option '--json' takes no argument
extract    | --bogus a.txt                  | unknown option '--bogus'
extract    |                                | no file given
extract    | --lang                         | option '--lang' needs an argument
extract    | --lang xx a.txt                | --lang: 'xx' is not an ISO 639-1
extract    | --charset zz a.txt             | --charset: 'zz' is not a charset
feed       | a b                            | one feed at a time
feed       | --bogus                        | unknown option '--bogus'
feed       |                                | no feed given
help       | match extra                    | unexpected argument 'extra'
help       | --bogus                        | unknown option '--bogus'
help       | nope                           | 'nope' is not a hark command
hits       | extra                          | unexpected argument 'extra'
hits       | --bogus                        | unknown option '--bogus'
hits       | --since                        | option '--since' needs an argument
hits       | --since xx                     | --since: 'xx' is not a duration
hits       | --lang xx                      | --lang: 'xx' is not an ISO 639-1
hits       | --limit 0                      | --limit: '0' is not a number from 1 to 500
import-opml | a b                           | one file at a time
import-opml | --bogus                       | unknown option '--bogus'
import-opml |                               | no file given
import-opml | --interval 1s a.txt           | --interval: '1s' is less than 1m
ingest     | --bogus a.txt                  | unknown option '--bogus'
ingest     |                                | no file given
ingest     | --spool                        | option '--spool' needs an argument
ingest     | --lang jp a.txt                | --lang: 'jp' is not an ISO 639-1
ingest     | --charset zz a.txt             | --charset: 'zz' is not a charset
match      | --bogus a.txt                  | unknown option '--bogus'
match      |                                | no article given
match      | -r                             | option '-r' needs an argument
match      | -j 0 a.txt                     | -j: '0' is not a number of threads
match      | --color=zz a.txt               | --color: 'zz' is not never, always or auto
match      | --lang xx a.txt                | --lang: 'xx' is not an ISO 639-1
mute       | okafor 2d extra                | unexpected argument 'extra'
mute       | --bogus                        | unknown option '--bogus'
mute       | okafor                         | no duration given
mute       |                                | no rule given
mute       | okafor 2x                      | '2x' is not a duration
mute       | okafor until 2001-01-01        | is past
prune      | extra                          | unexpected argument 'extra'
prune      | --bogus                        | unknown option '--bogus'
redeliver  | --bogus                        | unknown option '--bogus'
redeliver  |                                | no delivery id given
redeliver  | 3 12x                          | '12x' is not a delivery id
rules      | extra                          | unexpected argument 'extra'
rules      | --bogus                        | unknown option '--bogus'
sink       | extra                          | unexpected argument 'extra'
sink       | --bogus                        | unknown option '--bogus'
sink       | --port                         | option '--port' needs an argument
sink       | --port 0                       | --port: '0' is not a port
status     | extra                          | unexpected argument 'extra'
status     | --bogus                        | unknown option '--bogus'
unmute     | a b                            | one rule at a time
unmute     | --bogus                        | unknown option '--bogus'
unmute     |                                | no rule given
TABLE

# every command of hark --help is in the table above
"$HARK" --help | sed -n '/^commands:/,/^$/p' | awk 'NF > 1 { print $1 }' | while read -r c; do
	grep -q "^$c *|" "$SELF" || echo "FAIL: hark $c has no row in the table"
done >missing
[ -s missing ] && { cat missing; fail=$((fail + 1)); } || pass=$((pass + 1))

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
