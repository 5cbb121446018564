#!/bin/sh
# The drop directory under pressure: a file renamed over a name whose older
# version is still in flight (the new one is read, not moved unread), a
# producer renaming versions over one name as fast as it can, 10,000 names
# alike in done/ and failed/, incoming/ removed or renamed while harkd runs,
# and file names that are not UTF-8 in the log.
# Usage: spool.sh HARK HARKD DBLOCK
. "$(dirname "$0")/lib.sh"
DBLOCK=${3:+$(abspath "$3")}
daemon_init "$@"
[ -f "$DBLOCK" ] && [ -x "$DBLOCK" ] || { echo "usage: $0 HARK HARKD DBLOCK" >&2; exit 2; }
S=$T/spool

cat >"$T/w.rules" <<'R'
[rule tice]
query = "Austin Tice"
R
write_conf
start_harkd

# drop NAME TEXT: write TEXT into tmp/ and rename it to incoming/NAME, as a producer does
drop() {
	printf '%s\n\nAustin Tice, %s.\n' "$2" "$2" >"$S/tmp/.drop" && mv -f "$S/tmp/.drop" "$S/incoming/$1"
}

# lock SECONDS: dblock holds hark.db for SECONDS, in the background ($LPID),
# from when it says so ($T/lock.out is made afresh: an old "locked" must not count)
lock() {
	rm -f "$T/lock.out"
	"$DBLOCK" "$T/state/hark.db" "$1" >"$T/lock.out.new" 2>"$T/lock.err" &
	LPID=$!
	wait_for "$T/lock.out.new" locked 10 || bad "dblock did not lock: $(cat "$T/lock.err")"
	mv "$T/lock.out.new" "$T/lock.out"
}

# stored TITLE: how many stored hits have the title TITLE
stored() { "$HARK" -c "$T/hark.conf" hits --json | grep -cF "\"title\":\"$1\""; }

# --- item 1: B renamed over A while A waits for its commit: both stored
lock 5
drop same.txt "Version A"
wait_for "$LOG" "database busy" 10 || bad "A waits for the locked database"
drop same.txt "Version B"
grep -q released "$T/lock.out" && slow=1 || slow=0
wait "$LPID"
wait_for "$LOG" "file=same.txt lang=en hits=1" 20 2 || bad "two articles from same.txt"
wait_until "[ \$(files '$S/incoming') -eq 0 ]" 10 || bad "incoming/ empty after same.txt"
expect_eq "$(stored 'Version A')" 1 "version A stored"
expect_eq "$(stored 'Version B')" 1 "version B stored (renamed over A while A was in flight)"
expect_eq "$(cat "$S/done/same.txt" 2>/dev/null | head -1)" "Version B" "done/same.txt is B"
if [ "$slow" = 1 ]; then
	note "the lock was released before B came: slow machine"
else
	grep -qF 'same.txt was replaced by another file: reading it again' "$LOG" && ok ||
		bad "a line says same.txt is read again"
fi

# --- item 1: a producer renaming new versions over one name, fast; nothing
# that reaches done/ was left unread, and the last version is stored
before=$(status_of articles)
i=1
while [ "$i" -le 400 ]; do
	drop latest.txt "Edition $i"
	i=$((i + 1))
done
wait_until "[ \$(files '$S/incoming') -eq 0 ]" 60 || bad "incoming/ empty after the producer"
wait_until "[ \"\$(stored 'Edition 400')\" = 1 ]" 20 || bad "the last edition stored"
"$HARK" -c "$T/hark.conf" hits --json | sed -n 's/.*"title":"\(Edition [0-9]*\)".*/\1/p' |
	sort >"$T/stored.ed"
unread=0 moved=0
for f in "$S"/done/latest.txt*; do
	moved=$((moved + 1))
	t=$(head -1 "$f")
	grep -qxF "$t" "$T/stored.ed" || { unread=$((unread + 1)); note "in done/ unread: $t"; }
done
# (an edition read and then replaced is stored but never reaches done/: its
# file is gone; one replaced before it was read is the producer's loss)
nstored=$(wc -l <"$T/stored.ed" | tr -d ' ')
note "producer: 400 renames, $nstored stored, $moved in done/"
expect_eq "$unread" 0 "files moved to done/ without being read"
expect_eq "$(($(status_of articles) - before))" "$nstored" "articles stored by the producer"
[ "$nstored" -ge "$moved" ] && ok || bad "more files in done/ ($moved) than editions stored ($nstored)"

# --- item 5: 10,000 names alike in done/ and failed/: the next still finds a place
: >"$S/done/x.txt"
: >"$S/failed/x.txt"
i=1
while [ "$i" -le 9999 ]; do
	: >"$S/done/x.txt.$i"
	: >"$S/failed/x.txt.$i"
	i=$((i + 1))
done
drop x.txt "Ten thousand and one"
wait_for "$LOG" "file=x.txt lang=en hits=1" 20 || bad "x.txt stored"
wait_until "[ ! -e '$S/incoming/x.txt' ]" 10 || bad "x.txt left incoming/ (10,000 names taken in done/)"
expect_eq "$(ls "$S/done" | grep -c '^x\.txt')" 10001 "done/: x.txt beside the 10,000"
ls "$S/done" | grep -q '^x\.txt\.i[0-9][0-9]*$' && ok || bad "x.txt in done/ as x.txt.iINODE: $(ls "$S/done" | grep -v '^x\.txt\.[0-9]*$' | grep x.txt)"
ln -s /nonexistent "$S/tmp/link" && mv "$S/tmp/link" "$S/incoming/x.txt"
wait_for "$LOG" "failed x.txt: a symbolic link" 20 || bad "x.txt (a link) failed"
wait_until "[ ! -L '$S/incoming/x.txt' ]" 10 || bad "the link x.txt left incoming/ (10,000 names taken in failed/)"
ls "$S/failed" | grep -q '^x\.txt\.i[0-9][0-9]*\.error$' && ok || bad "x.txt.iINODE.error in failed/"

# --- item 11: incoming/ removed while harkd runs: recreated, watched, and used
rmdir "$S/incoming"
wait_for "$LOG" "incoming/ was removed" 10 && ok || bad "a line says incoming/ was removed"
wait_for "$LOG" "incoming/ recreated and watched again" 10 || bad "incoming/ recreated"
[ -d "$S/incoming" ] && ok || bad "incoming/ exists again"
printf 'After removal\n\nAustin Tice, after incoming/ was removed.\n' >"$T/rm.txt"
ingest "$T/rm.txt"
wait_for "$LOG" "file=rm.txt lang=en hits=1" 10 && ok || bad "a file ingested after the removal is stored"

# --- item 11: incoming/ renamed away with a file in it: said where, recreated
lock 5
busy=$(count "$LOG" "database busy")
drop away.txt "Renamed away"
wait_for "$LOG" "database busy" 10 $((busy + 1)) || bad "away.txt waits for the lock"
mv "$S/incoming" "$S/old-incoming"
grep -q released "$T/lock.out" && slow=1 || slow=0
wait_for "$LOG" "incoming/ recreated and watched again" 10 2 || bad "incoming/ recreated after the rename"
if [ "$slow" = 1 ]; then
	note "the lock was released before the rename: slow machine"
else
	grep -qF "the old incoming/ was renamed to $S/old-incoming with 1 file in it" "$LOG" && ok ||
		bad "a line says where incoming/ went, with its file"
fi
wait "$LPID"
wait_for "$LOG" "file=away.txt lang=en hits=1" 20 || bad "away.txt stored once the lock is gone"
printf 'After rename\n\nAustin Tice, after incoming/ was renamed.\n' >"$T/mv.txt"
ingest "$T/mv.txt"
wait_for "$LOG" "file=mv.txt lang=en hits=1" 10 && ok || bad "a file ingested after the rename is stored"
# moved back by hand: read, and known already
if [ -f "$S/old-incoming/away.txt" ]; then
	mv "$S/old-incoming/away.txt" "$S/incoming/"
	wait_for "$LOG" "duplicate file=away.txt" 10 && ok || bad "away.txt moved back is a duplicate"
fi

# --- done/ removed while harkd runs: made again, and files still reach it
rm -rf "$S/done"
wait_for "$LOG" "spool/done/ was removed" 10 && ok || bad "a line says done/ was removed"
wait_for "$LOG" "the spool's directories opened again" 10 || bad "the spool opened again"
drop redone.txt "Done again"
wait_for "$LOG" "file=redone.txt lang=en hits=1" 10 && ok || bad "redone.txt stored"
wait_until "[ -f '$S/done/redone.txt' ]" 10 && ok || bad "redone.txt in the new done/"

# --- item 15a: a file name that is not UTF-8 is escaped in the log, an Arabic one kept
drop "$(printf 'caf\351.txt')" "Latin one"
drop "الأسد.txt" "Arabic name"
wait_for "$LOG" 'file=caf\xe9.txt lang=en hits=1' 10 && ok || bad "the Latin-1 byte escaped as \\xe9"
wait_for "$LOG" 'file=الأسد.txt lang=en hits=1' 10 && ok || bad "the Arabic name as it is"
if LC_ALL=C grep -q "$(printf 'caf\351')" "$LOG"; then bad "a raw Latin-1 byte in the log"; else ok; fi

# --- item 11: hark ingest does not recreate a missing incoming/ (nothing would watch it)
stop_harkd
expect_eq "$HSTATUS" 0 "exit status after SIGTERM"
rmdir "$S/incoming"
printf 'No incoming\n\nAustin Tice, with no incoming/.\n' >"$T/none.txt"
"$HARK" -c "$T/hark.conf" ingest "$T/none.txt" >"$T/out" 2>"$T/ingest2.err"
expect_eq "$?" 2 "hark ingest into a spool without incoming/"
grep -qF "incoming: missing" "$T/ingest2.err" && ok || bad "the error says incoming/ is missing: $(cat "$T/ingest2.err")"
[ ! -e "$S/incoming" ] && ok || bad "hark ingest created incoming/"
start_harkd
[ -d "$S/incoming" ] && ok || bad "harkd creates incoming/ at start"
ingest "$T/none.txt"
wait_for "$LOG" "file=none.txt lang=en hits=1" 10 && ok || bad "stored once harkd made incoming/"
stop_harkd

# --- item 1 with keep_done = no: B renamed over A in flight is read, not deleted unread
write_conf "keep_done = no"
start_harkd
lock 5
drop gone.txt "Deleted A"
wait_for "$LOG" "database busy" 10 $(($(count "$LOG" "database busy") + 1)) ||
	bad "gone.txt A waits for the locked database"
drop gone.txt "Deleted B"
wait "$LPID"
wait_for "$LOG" "file=gone.txt lang=en hits=1" 20 2 || bad "two articles from gone.txt"
expect_eq "$(stored 'Deleted A')" 1 "keep_done = no: version A stored"
expect_eq "$(stored 'Deleted B')" 1 "keep_done = no: version B stored, not deleted unread"
wait_until "[ \$(files '$S/incoming') -eq 0 ]" 10 || bad "incoming/ empty after gone.txt"
[ ! -e "$S/done/gone.txt" ] && ok || bad "keep_done = no: nothing in done/"
expect_eq "$(ls -A "$S/tmp")" "" "keep_done = no: nothing left in tmp/"
stop_harkd
finish
