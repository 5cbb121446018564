#!/bin/sh
# hark backup during a burst of ingest and webhook deliveries: the copy is
# consistent (PRAGMA integrity_check), says what it holds, and holds every
# article and hit committed before the backup began; harkd starts on it,
# restored as harkd(8) says (stop, copy, start), and goes on storing.
# Usage: backup.sh HARK HARKD RECEIVER
. "$(dirname "$0")/lib.sh"
RECV=$(abspath "${3:-}")
daemon_init "$@"
[ -x "$RECV" ] || {
	echo "usage: $0 HARK HARKD RECEIVER" >&2
	exit 2
}
LC_ALL=C
export LC_ALL
S=$T/spool
RPID= BPID=
trap 'kill -TERM $RPID $BPID 2>/dev/null; wait 2>/dev/null; daemon_cleanup' EXIT

"$RECV" "$T/recv.port" slow-ok >"$T/recv.out" 2>"$T/recv.err" &
RPID=$!
wait_until "[ -s '$T/recv.port' ]" 5 || bad "the receiver did not start: $(cat "$T/recv.err")"
cat >"$T/w.rules" <<'R'
[rule tice]
query = "Austin Tice"
[rule border]
query = border
R
write_conf
printf '[webhook w]\nurl = http://127.0.0.1:%s/hook\n' "$(cat "$T/recv.port")" >>"$T/hark.conf"

# article N: an article of its own, hitting both rules
article() {
	printf 'Story %s\n\nAustin Tice was seen near the border, story %s of the burst.\n' "$1" "$1" \
		>"$T/in/s$1.txt"
}
mkdir "$T/in"
start_harkd
i=0
while [ $i -lt 20 ]; do article $i; i=$((i + 1)); done
ingest "$T"/in/s*.txt
wait_until '[ "$(status_of articles)" = 20 ]' 20 || bad "the first 20 articles stored"

# the burst: 300 more articles, a few at a time, while deliveries go out;
# past 200 it waits for the backup to be made, so that however slowly a
# loaded machine runs the backup, the copy cannot hold all 320
(
	j=20
	while [ $j -lt 320 ]; do
		[ $j -eq 200 ] && while [ ! -e "$T/backup.made" ]; do sleep 0.05; done
		k=0
		while [ $k -lt 10 ]; do article $j; k=$((k + 1)); j=$((j + 1)); done
		"$HARK" -c "$T/hark.conf" ingest -q "$T"/in/s*.txt 2>>"$T/burst.err"
		rm -f "$T"/in/s*.txt
		sleep 0.05
	done
) &
BPID=$!
# in the middle of it: what is committed now, then the backup
wait_until '[ "$(status_of articles)" -ge 80 ]' 30 || bad "the burst goes on"
"$HARK" -c "$T/hark.conf" hits --json >"$T/before.json" 2>/dev/null
grep -o '"id":"h_[0-9a-f]*"' "$T/before.json" | sort -u >"$T/before.hits"
grep -o '"article":{"id":"a_[0-9a-f]*"' "$T/before.json" | sort -u >"$T/before.articles"
nbefore=$(wc -l <"$T/before.hits" | tr -d ' ')
[ "$nbefore" -ge 160 ] && ok || bad "hits before the backup: $nbefore (want >= 160)"
"$HARK" -c "$T/hark.conf" backup "$T/copy.db" >"$T/backup.out" 2>"$T/backup.err"
expect_eq "$?" 0 "hark backup during the burst: $(cat "$T/backup.err")"
: >"$T/backup.made"
wait "$BPID"
BPID=
case $(stat -c %a "$T/copy.db") in
*0) ok ;;
*) bad "the copy is readable by others (it holds the articles): mode $(stat -c %a "$T/copy.db")" ;;
esac
grep -q 'a consistent copy, PRAGMA integrity_check ok' "$T/backup.out" && ok ||
	bad "backup's check: $(cat "$T/backup.out")"
grep -q '^  articles [0-9]* ([0-9]* with their text), hits [0-9]*$' "$T/backup.out" && ok ||
	bad "backup says what it holds: $(cat "$T/backup.out")"
copied=$(sed -n 's/^  articles \([0-9]*\) .*/\1/p' "$T/backup.out")
[ "${copied:-0}" -ge 80 ] && [ "${copied:-0}" -lt 320 ] && ok ||
	bad "the copy holds the articles of the moment: $copied"
# a second backup to the same file is refused, and leaves it alone
"$HARK" -c "$T/hark.conf" backup "$T/copy.db" >/dev/null 2>"$T/err2"
expect_eq "$?" 2 "a backup over an existing file is refused"
grep -q 'exists already' "$T/err2" && ok || bad "why: $(cat "$T/err2")"

wait_until '[ "$(status_of articles)" = 320 ]' 60 || bad "the burst stored: $(status_of articles)"
stop_harkd
expect_eq "$HSTATUS" 0 "harkd exits 0"

# --- restore: stop (done), copy over hark.db (its -wal and -shm removed), start
rm -f "$T/state/hark.db-wal" "$T/state/hark.db-shm"
cp "$T/copy.db" "$T/state/hark.db"
start_harkd
"$HARK" -c "$T/hark.conf" hits --json >"$T/after.json" 2>"$T/err" || bad "hark hits: $(cat "$T/err")"
grep -o '"id":"h_[0-9a-f]*"' "$T/after.json" | sort -u >"$T/after.hits"
grep -o '"article":{"id":"a_[0-9a-f]*"' "$T/after.json" | sort -u >"$T/after.articles"
expect_eq "$(comm -23 "$T/before.hits" "$T/after.hits" | wc -l | tr -d ' ')" 0 \
	"every hit committed before the backup is in it"
expect_eq "$(comm -23 "$T/before.articles" "$T/after.articles" | wc -l | tr -d ' ')" 0 \
	"every article with a hit committed before the backup is in it"
expect_eq "$(status_of articles)" "$copied" "the restored database holds what the backup said"
# and harkd goes on storing on it
printf 'After\n\nAustin Tice, after the restore.\n' >"$T/after.txt"
ingest "$T/after.txt"
wait_until '[ "$(status_of articles)" = $((copied + 1)) ]' 20 || bad "an article stored after the restore"
stop_harkd
expect_eq "$HSTATUS" 0 "harkd exits 0 after the restore"
finish
