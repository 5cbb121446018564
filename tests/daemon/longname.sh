#!/bin/sh
# Names of 255 bytes (NAME_MAX) in the spool: done/NAME.1 and failed/NAME.error
# do not fit in NAME_MAX, so dropdir.c cuts such names short. A second file of
# that name must still leave incoming/, and a bad one keep its reason.
# Usage: longname.sh HARK HARKD
. "$(dirname "$0")/lib.sh"
daemon_init "$@"

printf '[rule tice]\nquery = "Austin Tice"\n' >"$T/w.rules"
write_conf
start_harkd
long=$(awk 'BEGIN { while (n++ < 251) printf "n"; print ".txt" }')
expect_eq "${#long}" 255 "a name of 255 bytes"
printf 'Long\n\nAustin Tice, under a long name.\n' >"$T/$long"
ingest "$T/$long"
wait_for "$LOG" "lang=en hits=1" 10 || bad "the long name stored"
wait_until "[ \$(files '$T/spool/incoming') -eq 0 ]" 5 || bad "the first one left incoming/"
ingest "$T/$long"
wait_for "$LOG" "duplicate file=$long" 10 || bad "the second one a duplicate"
wait_until "[ \$(files '$T/spool/incoming') -eq 0 ]" 3 && ok ||
	bad "the second file of a 255-byte name stays in incoming/: $(grep -o 'cannot move.*' "$LOG" | cut -c1-40)...$(grep -o ': [^:]*: [^:]*$' "$LOG" | tail -1)"
long2=$(awk 'BEGIN { while (n++ < 251) printf "e"; print ".txt" }')
: >"$T/$long2"
ingest "$T/$long2"
wait_for "$LOG" "$long2" 10 || bad "the empty long name seen"
wait_until "[ ! -e '$T/spool/incoming/$long2' ]" 3 || bad "the empty one left incoming/"
if cat "$T/spool/failed/"*.error 2>/dev/null | grep -q empty; then ok; else
	bad "the reason of a bad 255-byte name is lost (no .error in failed/)"
fi
stop_harkd
expect_eq "$HSTATUS" 0 "exit status after SIGTERM"
finish
