#!/bin/sh
# harkd on hostile spool entries: empty, binary, oversize, a symbolic link to a
# secret, a FIFO, a directory, an unreadable file, a name with a newline,
# invalid UTF-8, UTF-16 without a byte order mark, a JSON article with an
# unknown key, the same file twice; then a database locked by another
# writer. Bad entries go to failed/ with a one-line NAME.error, good ones to
# done/, and nothing else is disturbed. Usage: badinput.sh HARK HARKD DBLOCK
. "$(dirname "$0")/lib.sh"
daemon_init "$@"
DBLOCK=${3:+$(abspath "$3")}
[ -f "$DBLOCK" ] && [ -x "$DBLOCK" ] || { echo "usage: $0 HARK HARKD DBLOCK" >&2; exit 2; }

cat >"$T/w.rules" <<'R'
[rule tice]
query = "Austin Tice"
[rule secret]
query = Xylophonique
[rule assad]
query = Assad
R
write_conf "max_document_size = 1K"
start_harkd
S=$T/spool
NL='
'

# put NAME: move $S/tmp/NAME into incoming/ by a rename, as a producer does
put() { mv "$S/tmp/$1" "$S/incoming/$1"; }

: >"$S/tmp/empty.txt"
put empty.txt
printf 'Title\n\nAustin Tice\000\000\001binary\000\n' >"$S/tmp/binary.dat"
put binary.dat
awk 'BEGIN { printf "Big\n\n"; for (i = 0; i < 60; i++) print "Austin Tice was seen again today." }' >"$S/tmp/big.txt"
put big.txt
printf 'Secret\n\nXylophonique Austin Tice, the secret text.\n' >"$T/secret.txt"
ln -s "$T/secret.txt" "$S/tmp/link.txt"
put link.txt
mkfifo "$S/tmp/fifo.txt"
put fifo.txt
mkdir "$S/tmp/dir.txt"
printf 'Inside\n\nAustin Tice inside a directory.\n' >"$S/tmp/dir.txt/inner.txt"
put dir.txt
if [ "$(id -u)" -eq 0 ]; then
	note "SKIP unreadable file: running as root, which reads it anyway"
	unreadable=0
else
	printf 'Locked\n\nAustin Tice in a file nobody may read.\n' >"$S/tmp/unreadable.txt"
	chmod 000 "$S/tmp/unreadable.txt"
	put unreadable.txt
	unreadable=1
fi
# UTF-16LE without a byte order mark: the likely cause named (harkd has no --charset)
printf 'Title\nAustin Tice in UTF-16.\n' | iconv -f utf-8 -t utf-16le >"$S/tmp/u16.txt"
put u16.txt
# a JSON article whose text is under a key hark does not read: refused, not stored empty
printf '{"title": "Typo", "text": "Austin Tice under a key nobody reads."}\n' >"$S/tmp/typo.json"
put typo.json
# good ones, among the bad: after the FIFO, so a blocked open would stop them
printf 'Spaced\n\nAustin Tice in a file with a space and a newline in its name.\n' >"$T/a b${NL}c.txt"
ingest "$T/a b${NL}c.txt"
printf 'Titre\n\nLe café était fermé \377 quand Assad est arrivé à Genève, dit-on.\n' >"$T/invalid.txt"
ingest "$T/invalid.txt"
printf 'Twice\n\nThe family of Austin Tice asked for news, twice.\n' >"$T/twice.txt"
ingest "$T/twice.txt" "$T/twice.txt"

nbad=$((8 + unreadable))
wait_for "$LOG" "failed " 15 "$nbad" || bad "$nbad failed lines"
wait_for "$LOG" "article a_" 15 3 || bad "3 article lines"
wait_for "$LOG" "duplicate file=twice.txt" 15 || bad "duplicate line of twice.txt"
wait_until "[ \$(files '$S/incoming') -eq 0 ]" 10 || bad "incoming/ empty: $(ls "$S/incoming")"

# failed NAME WHY: NAME (and nothing else of it) in failed/, NAME.error one line with WHY
failed() {
	if [ -e "$S/failed/$1" ] || [ -L "$S/failed/$1" ]; then ok; else bad "$1 not in failed/"; fi
	if [ -f "$S/failed/$1.error" ]; then
		expect_eq "$(wc -l <"$S/failed/$1.error" | tr -d ' ')" 1 "$1.error: one line"
		grep -qF -- "$2" "$S/failed/$1.error" && ok || bad "$1.error names '$2': $(cat "$S/failed/$1.error")"
	else
		bad "no $1.error"
	fi
	grep -qF "failed $1: " "$LOG" && ok || bad "no 'failed $1' line"
}
failed empty.txt "empty"
failed binary.dat "NUL"
failed u16.txt "not a text document (it holds NUL bytes; UTF-16LE without a byte order mark?)"
grep -qF -- "--charset" "$S/failed/u16.txt.error" && bad "harkd names an option it lacks: $(cat "$S/failed/u16.txt.error")" || ok
failed big.txt "larger than max_document_size"
failed link.txt "symbolic link"
failed fifo.txt "FIFO"
failed dir.txt "directory"
failed typo.json 'unknown key "text" in a JSON article (known: title, url, body, html, lang, published,'
[ "$unreadable" -eq 1 ] && failed unreadable.txt "Permission denied"
expect_eq "$(files "$S/failed")" $((2 * nbad)) "failed/ holds the bad entries and their .error"
# the link moved as a link; its target untouched and never stored
[ -L "$S/failed/link.txt" ] && ok || bad "failed/link.txt is still a link"
grep -qx 'Xylophonique Austin Tice, the secret text.' "$T/secret.txt" && ok || bad "the secret is untouched"
hk hits --rule secret
expect_eq "$(wc -l <"$T/out" | tr -d ' ')" 0 "no hit on the secret"
if cat "$T"/state/hark.db* | grep -aq Xylophonique; then bad "the secret text is in the database"; else ok; fi
if has_backtest; then
	printf '[rule secret]\nquery = Xylophonique\n' >"$T/secret.rules"
	"$HARK" -c "$T/hark.conf" backtest -q -r "$T/secret.rules" >"$T/out" 2>"$T/backtest.err"
	expect_eq "$?" 1 "hark backtest finds the secret in no stored article"
else
	note "SKIP hark backtest: 'hark backtest --help' fails in this build"
fi
[ -f "$S/failed/dir.txt/inner.txt" ] && ok || bad "the directory moved whole"
# the good ones
[ -f "$S/done/a b${NL}c.txt" ] && ok || bad "the name with a newline in done/ as it was: $(ls "$S/done")"
grep -qF 'file=a b\nc.txt lang=en hits=1' "$LOG" && ok || bad "log line escapes the newline"
[ -f "$S/done/invalid.txt" ] && ok || bad "invalid UTF-8 in done/"
hk hits --rule assad --json
grep -qF "$(printf 'fermé \357\277\275 quand Assad est')" "$T/out" && ok || bad "invalid byte stored as U+FFFD: $(cat "$T/out")"
[ -f "$S/done/twice.txt" ] && [ -f "$S/done/twice.txt.1" ] && ok || bad "both copies of twice.txt in done/"
expect_eq "$(status_of articles)" 3 "articles: the three good ones"
# hark status counts them, the .error files aside, and says where
expect_eq "$(status_of 'files failed' | cut -d' ' -f1-3)" "$nbad in $S/failed" "hark status: files failed"
hk status --json
grep -qF "\"files_failed\":$nbad," "$T/out" && ok || bad "status --json: files_failed: $(cat "$T/out")"
# which copy of twice.txt is stored depends on which worker finishes first
expect_eq "$(hit_pairs | sed 's/^twice\.txt\.1 /twice.txt /' | tr '\n' ,)" \
	"a b\\nc.txt tice,invalid.txt assad,twice.txt tice," "stored hits"
kill -0 "$HPID" 2>/dev/null && ok || bad "harkd survived the bad input"

# a good article after all that is stored and hits
printf 'After\n\nAustin Tice, after all that.\n' >"$T/after.txt"
ingest "$T/after.txt"
wait_for "$LOG" "file=after.txt lang=en hits=1" 10 && ok || bad "a good article after the bad ones"

# --- a locked database: the files wait in incoming/, then are stored once each
"$DBLOCK" "$T/state/hark.db" 3 >"$T/lock.out" 2>"$T/lock.err" &
LPID=$!
wait_for "$T/lock.out" locked 10 || bad "dblock did not lock: $(cat "$T/lock.err")"
for i in 1 2 3 4 5; do
	printf 'Locked %s\n\nAustin Tice, while the database is locked, number %s.\n' "$i" "$i" >"$T/lock$i.txt"
done
ingest "$T"/lock1.txt "$T"/lock2.txt "$T"/lock3.txt "$T"/lock4.txt "$T"/lock5.txt
wait_for "$LOG" "database busy" 5 && ok || bad "a 'database busy' line"
if grep -q released "$T/lock.out"; then
	note "the lock was released before the check: slow machine"
else
	expect_eq "$(files "$S/incoming")" 5 "the files stay in incoming/ while the database is locked"
	expect_eq "$(count "$LOG" 'file=lock')" 0 "nothing stored while the database is locked"
fi
wait "$LPID"
expect_eq "$?" 0 "dblock exit status"
wait_for "$LOG" "file=lock" 15 5 || bad "the five stored after the lock"
wait_until "[ \$(files '$S/incoming') -eq 0 ]" 10 || bad "incoming/ empty after the lock"
for i in 1 2 3 4 5; do
	expect_eq "$(count "$LOG" "file=lock$i.txt lang=en hits=1")" 1 "lock$i.txt stored once"
	[ -f "$S/done/lock$i.txt" ] && [ ! -e "$S/done/lock$i.txt.1" ] && ok || bad "lock$i.txt in done/ once"
done
expect_eq "$(status_of articles)" 9 "articles after the lock"
expect_eq "$(count "$LOG" 'duplicate file=lock')" 0 "no duplicate after the lock"


# --- SIGTERM while the database is locked: harkd waits for the lock, stores
# what it holds, then exits 0
"$DBLOCK" "$T/state/hark.db" 2 >"$T/lock.out" 2>"$T/lock.err" &
LPID=$!
wait_for "$T/lock.out" locked 10 || bad "dblock did not lock: $(cat "$T/lock.err")"
printf 'Last\n\nAustin Tice, stored on the way out.\n' >"$T/last.txt"
busy=$(count "$LOG" "database busy")
ingest "$T/last.txt"
wait_for "$LOG" "database busy" 5 $((busy + 1)) || bad "a 'database busy' line for last.txt"
stop_harkd
expect_eq "$HSTATUS" 0 "exit status after SIGTERM with the database locked"
wait "$LPID"
grep -qF 'file=last.txt lang=en hits=1' "$LOG" && ok || bad "last.txt stored before the exit"
[ -f "$S/done/last.txt" ] && ok || bad "last.txt in done/"
finish
