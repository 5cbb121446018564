#!/bin/sh
# Which names of incoming/ harkd takes (README, harkd(8)): a name that
# starts with '.' is a write in progress, never read, moved or deleted,
# whether there at the start (the scan) or written while harkd runs
# (inotify), and taken once renamed to a name without the dot; no other
# name is set aside: NAME.tmp, NAME~, NAME.part and NAME.swp are articles.
# Usage: dropnames.sh HARK HARKD
. "$(dirname "$0")/lib.sh"
daemon_init "$@"
S=$T/spool

printf '[rule tice]\nquery = "Austin Tice"\n' >"$T/w.rules"
write_conf
# text TITLE: an article titled TITLE that the rule hits
text() { printf '%s\n\nAustin Tice, %s.\n' "$1" "$1"; }
# stored TITLE: how many stored hits have the title TITLE
stored() { "$HARK" -c "$T/hark.conf" hits --json | grep -cF "\"title\":\"$1\""; }

# there before the start: the scan
mkdir -p "$S/tmp" "$S/incoming" "$S/done" "$S/failed"
text "Dot before" >"$S/incoming/.before.txt"
text "Plain before" >"$S/incoming/before.txt"
start_harkd
wait_until '[ "$(stored "Plain before")" = 1 ]' 20 || bad "a plain name there at the start is stored"

# written while harkd runs: inotify
text "Dot written" >"$S/incoming/.written.txt"
for n in a.txt.tmp b.txt~ c.txt.part d.txt.swp; do
	text "Named $n" >"$S/incoming/$n"
done
for n in a.txt.tmp b.txt~ c.txt.part d.txt.swp; do
	wait_until "[ \"\$(stored 'Named $n')\" = 1 ]" 20 || bad "$n is taken as an article"
	[ -e "$S/done/$n" ] && ok || bad "$n moved to done/: $(ls -A "$S/done")"
done
# the plain names are stored after the dot files were seen: the dot files were passed over
expect_eq "$(stored "Dot before")" 0 "a dot file there at the start is not read"
expect_eq "$(stored "Dot written")" 0 "a dot file written while harkd runs is not read"
[ -e "$S/incoming/.before.txt" ] && [ -e "$S/incoming/.written.txt" ] && ok ||
	bad "the dot files stay in incoming/: $(ls -A "$S/incoming")"
expect_eq "$(ls -A "$S/failed" | wc -l | tr -d ' ')" 0 "nothing in failed/"

# renamed to a name without the dot: taken, as a producer's write in place
mv "$S/incoming/.written.txt" "$S/incoming/written.txt"
wait_until '[ "$(stored "Dot written")" = 1 ]' 20 || bad "a dot file renamed without the dot is stored"
[ -e "$S/done/written.txt" ] && ok || bad "written.txt moved to done/"

# a restart scans again: the dot file that stayed is still passed over
stop_harkd
expect_eq "$HSTATUS" 0 "SIGTERM"
start_harkd
text "Plain after" >"$S/incoming/after.txt"
wait_until '[ "$(stored "Plain after")" = 1 ]' 20 || bad "a plain name after the restart is stored"
expect_eq "$(stored "Dot before")" 0 "the dot file is passed over by the scan of a restart"
[ -e "$S/incoming/.before.txt" ] && ok || bad "the dot file still in incoming/"
stop_harkd
finish
