#!/bin/sh
# The bash completion of contrib/completion/hark.bash against this hark:
# commands, a command's options (from its --help), rule ids from `hark rules`
# of the line's -c; and the zsh one parses (zsh -n) where zsh is installed.
# Usage: completion.sh HARK
. "$(dirname "$0")/../daemon/lib.sh"
HARK=$(abspath "$1")
[ -x "$HARK" ] || { echo "usage: $0 HARK" >&2; exit 2; }
T=$(mktemp -d) || exit 2
trap 'rm -rf "$T"' EXIT
C=$(cd "$(dirname "$0")/../../contrib/completion" && pwd)
command -v bash >/dev/null || { echo "SKIP: no bash"; exit 77; }

printf '[rule tice]\nquery = "Austin Tice"\n[rule border]\nquery = border\n[rule old]\nquery = x\nenabled = no\n' >"$T/w.rules"
printf '[hark]\nstate_dir = state\nspool_dir = spool\nrules = w.rules\n' >"$T/hark.conf"

# comp WORD...: what bash completes for the last word of "hark WORD..."
comp() {
	HARK_CONFIG= bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _hark; printf "%s\n" "${COMPREPLY[@]}" | sort' \
		sh "$C/hark.bash" "$HARK" "$@"
}

expect_eq "$(comp hi | tr '\n' ' ')" "hits " "a command"
expect_eq "$(comp pr | tr '\n' ' ')" "prune " "a new command"
expect_eq "$(comp r | tr '\n' ' ')" "redeliver rules " "two commands"
expect_eq "$(comp prune -- | tr '\n' ' ')" "--dry-run --help --vacuum " "a command's options"
expect_eq "$(comp hits --ru | tr '\n' ' ')" "--rule " "an option of hits"
expect_eq "$(comp -c "$T/hark.conf" hits --rule "" | tr '\n' ' ')" "border old tice " "rule ids from hark rules"
expect_eq "$(comp -c "$T/hark.conf" hits --rule t | tr '\n' ' ')" "tice " "a rule id's start"
expect_eq "$(comp help ba | tr '\n' ' ')" "backtest backup " "help's commands"
expect_eq "$(comp --ver | tr '\n' ' ')" "--version " "hark's own options"
expect_eq "$(comp match --color "" | tr '\n' ' ')" "always auto never " "--color's values"
if command -v zsh >/dev/null; then
	zsh -n "$C/_hark" && ok || bad "zsh -n _hark"
else
	note "no zsh: _hark not parsed"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
