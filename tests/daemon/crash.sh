#!/bin/sh
# harkd killed with SIGKILL at random moments while 3000 articles arrive and
# their hits go to a webhook: after the last restart every file is in done/
# once, every distinct content is stored once, the stored hits are exactly
# what hark match finds, and the webhook received every alert. It reports
# articles lost (0), hits doubled (0) and the webhook requests sent again
# after a kill (at-least-once: a receiver deduplicates them by webhook-id),
# and fails when there are more than a bound per kill.
# Usage: HARK_RECEIVER=RECEIVER crash.sh HARK HARKD DBLOCK [SEED]
#   (SEED repeats a run; it is printed. RECEIVER: tests/daemon/receiver.c)
. "$(dirname "$0")/lib.sh"
RECV=${HARK_RECEIVER:+$(abspath "$HARK_RECEIVER")}
daemon_init "$@"
[ -x "$RECV" ] || {
	echo "usage: HARK_RECEIVER=RECEIVER $0 HARK HARKD DBLOCK [SEED]" >&2
	exit 2
}
# at most this many requests sent again per kill: the webhook's share of
# requests (outbox.h), which bounds those under way or answered and not
# yet committed when a kill comes
DUP_BOUND=${DUP_BOUND:-50}
LC_COLLATE=C; export LC_COLLATE # sort and join agree
SEED=${4:-$(awk 'BEGIN { srand(); print int(rand() * 1000000) }')}
note "seed $SEED"
NFILES=3000
NDUPS=300
CHUNKS=10

cat >"$T/w.rules" <<'R'
[rule tice]
query = "Austin Tice"
[rule assad]
query = Assad AND NOT Moscou
[rule kamal]
query = Kamalmaz~
[rule moscou]
query = Moscou
[rule patel]
query = "Kash Patel" OR (Patel NEAR/3 FBI)
R
write_conf
# the webhook: every alert, to a receiver that answers 200 at once
"$RECV" "$T/recv.port" ok >"$T/recv.out" 2>"$T/recv.err" &
RPID=$!
trap 'kill -TERM $RPID 2>/dev/null; wait $RPID 2>/dev/null; daemon_cleanup' EXIT
wait_until "[ -s '$T/recv.port' ]" 5 || bad "the receiver did not start: $(cat "$T/recv.err")"
printf '[webhook recv]\nurl = http://127.0.0.1:%s/hook\n' "$(cat "$T/recv.port")" >>"$T/hark.conf"

# Fresh articles: $NFILES - $NDUPS distinct contents (content C in file
# fC.txt), and $NDUPS files dK.txt repeating a content exactly.
# $T/map: "FILE CONTENT" for every file.
mkdir "$T/gen"
awk -v seed="$SEED" -v nfiles="$NFILES" -v ndups="$NDUPS" -v dir="$T/gen" 'BEGIN {
	srand(seed)
	nw = split("the council said on monday that talks would resume in the capital " \
	    "after weeks of fighting near the border while aid groups warned of " \
	    "shortages and families waited for news of relatives held without charge", w, " ")
	nn = split("Austin Tice|Assad|d'\''Assad|Kalmamaz|Kamalmaz|Moscou|Kash Patel|" \
	    "Patel of the FBI|Patel|Tice", names, "|")
	ndist = nfiles - ndups
	for (c = 0; c < ndist; c++) {
		s = ""
		n = 15 + int(rand() * 30)
		for (i = 0; i < n; i++) {
			s = s (i ? " " : "") w[1 + int(rand() * nw)]
			if (rand() < 0.06)
				s = s " " names[1 + int(rand() * nn)]
		}
		text[c] = sprintf("Report %d\n\n%s.\n", c, s)
		f = sprintf("f%04d.txt", c)
		printf "%s", text[c] > (dir "/" f)
		close(dir "/" f)
		print f, c > (dir "/../map")
	}
	for (k = 0; k < ndups; k++) {
		c = int(rand() * ndist)
		f = sprintf("d%04d.txt", k)
		printf "%s", text[c] > (dir "/" f)
		close(dir "/" f)
		print f, c > (dir "/../map")
	}
}'
ndist=$((NFILES - NDUPS))
expect_eq "$(ls "$T/gen" | wc -l | tr -d ' ')" "$NFILES" "generated files"

# what hark match finds, as "CONTENT RULE" pairs
"$HARK" match --json -r "$T/w.rules" "$T/gen" >"$T/match.json" 2>"$T/match.err"
[ $? -le 1 ] || bad "hark match: $(cat "$T/match.err")"
sed -n 's/.*"rule":{"id":"\([^"]*\)".*"file":"[^"]*\/\([^"\/]*\)".*/\2 \1/p' "$T/match.json" |
	sort >"$T/match.pairs"
sort "$T/map" >"$T/map.sorted"
join "$T/map.sorted" "$T/match.pairs" | awk '{ print $2, $3 }' | sort -u >"$T/want"
nwant=$(wc -l <"$T/want" | tr -d ' ')
note "$nwant distinct (content, rule) hits expected"
[ "$nwant" -gt 100 ] && ok || bad "too few hits expected ($nwant): the generator is broken"

# chunks of files, each ingested while harkd runs and is killed at a random moment
ls "$T/gen" | awk -v n="$CHUNKS" -v dir="$T/chunk" '{ print > (dir "." (NR % n)) }'
kills=0
i=0
while [ $i -lt $CHUNKS ]; do
	start_harkd
	(cd "$T/gen" && xargs "$HARK" -c "$T/hark.conf" ingest -q <"$T/chunk.$i") 2>>"$T/ingest.err" &
	IPID=$!
	# between 0 and 0.4 s: during the ingest, the matching or the commits
	d=$(awk -v s="$SEED" -v i="$i" 'BEGIN { srand(s + i); printf "%.2f", rand() * 0.4 }')
	sleep "$d"
	kill_harkd
	kills=$((kills + 1))
	wait "$IPID" || bad "hark ingest of chunk $i"
	i=$((i + 1))
done
note "$kills kills"
[ "$kills" -ge 5 ] && ok || bad "at least 5 kills"
note "$(count "$LOG" 'article a_') articles were logged before the last start"

start_harkd
wait_until "[ \$(files '$T/spool/incoming') -eq 0 ]" 60 || bad "incoming/ not empty: $(files "$T/spool/incoming") left"
wait_until '[ "$(status_of "deliveries pending")" = 0 ]' 60 ||
	bad "deliveries still pending: $(status_of "deliveries pending")"
stop_harkd
expect_eq "$HSTATUS" 0 "exit status after the last SIGTERM"

expect_eq "$(files "$T/spool/done")" "$NFILES" "every file in done/"
ls "$T/spool/done" | sort >"$T/done.list"
cut -d' ' -f1 "$T/map.sorted" >"$T/gen.list"
cmp -s "$T/done.list" "$T/gen.list" && ok || { bad "done/ holds other names"; diff "$T/gen.list" "$T/done.list" | head; }
expect_eq "$(files "$T/spool/failed")" 0 "nothing failed"
expect_eq "$(status_of articles)" "$ndist" "every distinct content stored once"
nart=$(status_of articles)
note "articles lost: $((ndist - nart))"

# stored hits as "CONTENT RULE" pairs: exactly the expected ones, each once
hit_pairs | sort >"$T/stored.pairs"
join "$T/map.sorted" "$T/stored.pairs" | awk '{ print $2, $3 }' | sort >"$T/got"
expect_eq "$(wc -l <"$T/stored.pairs" | tr -d ' ')" "$nwant" "stored hits"
if sort -u "$T/got" | cmp -s - "$T/want"; then ok; else
	bad "stored hits differ from hark match (< expected, > stored)"
	sort -u "$T/got" | diff "$T/want" - | head -20
fi
expect_eq "$(status_of hits)" "$nwant" "status hits"
note "hits doubled: $(($(wc -l <"$T/got") - $(sort -u "$T/got" | wc -l)))"

# the webhook: every alert answered 200 at least once; the requests beyond
# one per alert were sent again because a kill came before their outcome
# was committed
"$HARK" -c "$T/hark.conf" deliveries --json >"$T/deliveries"
nalerts=$(wc -l <"$T/deliveries" | tr -d ' ')
note "$nalerts alerts"
expect_eq "$(grep -vc '"state":"sent"' "$T/deliveries")" 0 "every delivery sent"
sed 's/^{"id":[0-9]*,"hit":"\([^"]*\)".*/\1/' "$T/deliveries" | sort -u >"$T/alerted"
awk '$2 == 200 { print $3 }' "$T/recv.out" | sort -u >"$T/received"
expect_eq "$(comm -23 "$T/alerted" "$T/received" | wc -l | tr -d ' ')" 0 "alerts never received"
nreq=$(wc -l <"$T/recv.out" | tr -d ' ')
dups=$((nreq - $(wc -l <"$T/received")))
note "webhook duplicates: $dups over $kills kills ($(awk -v d=$dups -v k=$kills 'BEGIN { printf "%.1f", d / k }') per kill), $nreq requests for $nalerts alerts"
[ "$dups" -le $((DUP_BOUND * kills)) ] && ok || bad "more than $DUP_BOUND webhook duplicates per kill"
if has_backtest; then
	backtest_pairs >"$T/bt.pairs"
	join "$T/map.sorted" "$T/bt.pairs" | awk '{ print $2, $3 }' | sort -u >"$T/bt"
	cmp -s "$T/bt" "$T/want" && ok || { bad "hark backtest differs from hark match"; diff "$T/want" "$T/bt" | head; }
else
	note "SKIP hark backtest: 'hark backtest --help' fails in this build"
fi
finish
