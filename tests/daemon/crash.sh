#!/bin/sh
# harkd killed with SIGKILL at random moments while 3000 articles arrive:
# after the last restart every file is in done/ once, every distinct content
# is stored once, and the stored hits are exactly what hark match finds.
# Usage: crash.sh HARK HARKD [SEED]   (SEED repeats a run; it is printed)
. "$(dirname "$0")/lib.sh"
daemon_init "$@"
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
stop_harkd
expect_eq "$HSTATUS" 0 "exit status after the last SIGTERM"

expect_eq "$(files "$T/spool/done")" "$NFILES" "every file in done/"
ls "$T/spool/done" | sort >"$T/done.list"
cut -d' ' -f1 "$T/map.sorted" >"$T/gen.list"
cmp -s "$T/done.list" "$T/gen.list" && ok || { bad "done/ holds other names"; diff "$T/gen.list" "$T/done.list" | head; }
expect_eq "$(files "$T/spool/failed")" 0 "nothing failed"
expect_eq "$(status_of articles)" "$ndist" "every distinct content stored once"

# stored hits as "CONTENT RULE" pairs: exactly the expected ones, each once
hit_pairs | sort >"$T/stored.pairs"
join "$T/map.sorted" "$T/stored.pairs" | awk '{ print $2, $3 }' | sort >"$T/got"
expect_eq "$(wc -l <"$T/stored.pairs" | tr -d ' ')" "$nwant" "stored hits"
if sort -u "$T/got" | cmp -s - "$T/want"; then ok; else
	bad "stored hits differ from hark match (< expected, > stored)"
	sort -u "$T/got" | diff "$T/want" - | head -20
fi
expect_eq "$(status_of hits)" "$nwant" "status hits"
if has_backtest; then
	backtest_pairs >"$T/bt.pairs"
	join "$T/map.sorted" "$T/bt.pairs" | awk '{ print $2, $3 }' | sort -u >"$T/bt"
	cmp -s "$T/bt" "$T/want" && ok || { bad "hark backtest differs from hark match"; diff "$T/want" "$T/bt" | head; }
else
	note "SKIP hark backtest: 'hark backtest --help' fails in this build"
fi
finish
