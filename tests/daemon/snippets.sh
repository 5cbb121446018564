#!/bin/sh
# harkd end to end: the snippet's marks (RULES.md §5) in every output. A
# French article whose own « » and * _ surround the match: the hit log line
# and hark hits mark it [ ], the stored hit object gives character offsets,
# and the Slack, Discord and ntfy bodies, received by a real hark sink over
# loopback, mark it in bold with the text's own markup escaped, and link the
# article's stored copy under [http] base_url (a dropped file has no address).
# Usage: snippets.sh HARK HARKD
. "$(dirname "$0")/lib.sh"
daemon_init "$@"
SPID=
trap '[ -n "$SPID" ] && kill -TERM "$SPID" 2>/dev/null && wait "$SPID"; daemon_cleanup' EXIT

# start_sink: hark sink on a free port, its output in $T/sink.out, the port in $PORT
start_sink() {
	for try in 1 2 3 4 5 6 7 8; do
		PORT=$((20000 + ($$ * 11 + try * 617) % 40000))
		: >"$T/sink.out"
		: >"$T/sink.err"
		"$HARK" sink --port $PORT >"$T/sink.out" 2>"$T/sink.err" &
		SPID=$!
		wait_until "grep -q listening '$T/sink.err' || ! kill -0 $SPID 2>/dev/null" 30
		grep -q listening "$T/sink.err" && return 0
		# still starting after 30 s: stopped, not waited for without end
		kill $SPID 2>/dev/null
		wait $SPID
		SPID=
		grep -q 'Address already in use' "$T/sink.err" || break
	done
	bad "hark sink did not start: $(cat "$T/sink.err")"
	exit 1
}

start_sink
cat >"$T/w.rules" <<'R'
[rule moreau]
query = "Élodie Moreau"
R
write_conf
printf '[webhook slack]\nurl = http://127.0.0.1:%s/slack\nformat = slack\n' $PORT >>"$T/hark.conf"
printf '[webhook discord]\nurl = http://127.0.0.1:%s/discord\nformat = discord\n' $PORT >>"$T/hark.conf"
printf '[webhook ntfy]\nurl = http://127.0.0.1:%s/\nformat = ntfy\ntopic = hark\n' $PORT >>"$T/hark.conf"
# base_url: the alerts of a dropped file (no address of its own) link its stored copy
printf '[http]\nlisten = 127.0.0.1:0\nbase_url = https://hark.example/\n' >>"$T/hark.conf"
mkdir -p "$T/spool"
printf 'Le témoin\n\nDevant le juge, le procureur a cité « Élodie Moreau », qui a dit : « *Je* n’ai rien vu ». _Fin_.\n' >"$T/fr.txt"
start_harkd
ingest "$T/fr.txt"
wait_for "$LOG" "file=fr.txt lang=fr hits=1" 20 || bad "the article stored: $(cat "$LOG")"
grep -qF 'cité « [Élodie Moreau] », qui' "$LOG" && ok || bad "log line marks [ ]: $(grep 'hit rule' "$LOG")"
wait_until "[ \$(grep -c '^{' '$T/sink.out') -ge 3 ]" 60 || bad "three bodies received: $(cat "$T/sink.out")"
ZW=$(printf '\342\200\213')
grep '^{"text"' "$T/sink.out" >"$T/slack"
grep -qF '> Devant le juge, le procureur a cité « *Élodie Moreau* », qui' "$T/slack" && ok ||
	bad "slack: the mark in bold: $(cat "$T/slack")"
grep -qF "« ${ZW}*${ZW}Je${ZW}*${ZW} n’ai rien vu ». ${ZW}_${ZW}Fin${ZW}_${ZW}." "$T/slack" && ok ||
	bad "slack: the text's own * _ cannot pair: $(cat "$T/slack")"
grep '^{"content"' "$T/sink.out" >"$T/discord"
grep -qF '« **Élodie Moreau** », qui a dit : « \\*Je\\* n’ai rien vu ». \\_Fin\\_.' "$T/discord" && ok ||
	bad "discord: bold mark, the text escaped: $(cat "$T/discord")"
grep '^{"topic"' "$T/sink.out" >"$T/ntfy"
grep -qF '« **Élodie Moreau** », qui a dit : « \\*Je\\* n’ai rien vu ». \\_Fin\\_.' "$T/ntfy" &&
	grep -qF '"markdown":true' "$T/ntfy" && ok || bad "ntfy: Markdown, bold mark: $(cat "$T/ntfy")"
grep -q '\\n<https://hark.example/articles/a_[0-9a-f]*|stored copy>\\n' "$T/slack" && ok ||
	bad "slack: the stored copy linked: $(cat "$T/slack")"
grep -q '\\nstored copy: <https://hark.example/articles/a_[0-9a-f]*>\\n' "$T/discord" && ok ||
	bad "discord: the stored copy linked: $(cat "$T/discord")"
grep -q '"click":"https://hark.example/articles/a_[0-9a-f]*"' "$T/ntfy" && ok ||
	bad "ntfy: a click opens the stored copy: $(cat "$T/ntfy")"
if grep -qF '«Élodie' "$T/sink.out" "$LOG"; then bad "« » used as marks"; else ok; fi
hk hits --json
grep -qF '"snippet":{"text":"Devant le juge, le procureur a cité « Élodie Moreau », qui' "$T/out" &&
	grep -qF '"marks":[[38,51]]}' "$T/out" && ok || bad "stored snippet object: $(cat "$T/out")"
hk hits
grep -qF ': Devant le juge, le procureur a cité « [Élodie Moreau] », qui' "$T/out" && ok ||
	bad "hark hits marks [ ]: $(cat "$T/out")"
stop_harkd
expect_eq "$HSTATUS" 0 "harkd exit status"
finish
