#!/bin/sh
# A recipient the SMTP server refuses does not stop the others' alerts:
#   pair  to = good, bad (550 5.1.1 at RCPT): good gets the message; the
#         delivery is sent, its line names bad and the server's words
#   mixed to = good, later (451 4.2.1 at RCPT): good gets it once; later is
#         not tried again (the others would get it twice), and is named
#   nobody to = bad only: dead at once, with the RCPT's 550 line, not the
#         QUIT's "221 bye" after it
#   soon  to = later only: no one has it, so it is tried again (pending)
#   full  to = good, DATA answered 552: dead, with the DATA's line
# The server takes a message in 0.3 s: hark_delivery_seconds_sum of the two
# sent is about 0.6, fractions kept (whole seconds summed 0 or 1 before).
# The server is the tests' real one (smtpserver.py, python3-aiosmtpd).
# Usage: smtprcpt.sh HARK HARKD
. "$(dirname "$0")/lib.sh"
daemon_init "$@"
smtp_init
command -v curl >/dev/null 2>&1 || {
	echo "SKIP: no curl"
	exit 77
}
smtp_start s --refuse bad=550 --refuse later=451 --delay 0.3
smtp_start f --refuse bad=550 --refuse later=451 --answers '552*'
P=$(sport s)

printf '[rule convoy]\nquery = convoy\n' >"$T/w.rules"
write_conf
cat >>"$T/hark.conf" <<EOF
[http]
listen = 127.0.0.1:0

[email pair]
smtp = smtp://127.0.0.1:$P
from = hark@example.org
to   = good1@example.org, bad@example.org

[email mixed]
smtp = smtp://127.0.0.1:$P
from = hark@example.org
to   = good2@example.org, later@example.org

[email nobody]
smtp = smtp://127.0.0.1:$P
from = hark@example.org
to   = bad2@example.org

[email soon]
smtp = smtp://127.0.0.1:$P
from = hark@example.org
to   = later2@example.org

[email full]
smtp = smtp://127.0.0.1:$(sport f)
from = hark@example.org
to   = good3@example.org
EOF
start_harkd
URL=$(cut -d' ' -f1 "$T/state/harkd.http")
printf 'A convoy\n\nThe convoy left at dawn.\n' >"$T/a.txt"
ingest "$T/a.txt"
wait_for "$LOG" "email=pair status=250" 15 || bad "pair: not delivered: $(grep pair "$LOG")"
wait_for "$LOG" "email=mixed status=250" 15 || bad "mixed: not delivered: $(grep mixed "$LOG")"
wait_for "$LOG" "to nobody:" 15 || bad "nobody: no dead line: $(grep nobody "$LOG")"
wait_for "$LOG" "to soon failed" 15 || bad "soon: no failure line: $(grep soon "$LOG")"
wait_for "$LOG" "to full:" 15 || bad "full: no dead line: $(grep full "$LOG")"
sleep 1

expect_eq "$(grep -h "^to " "$T"/s/*.env | sort | tr '\n' ' ')" "to good1@example.org to good2@example.org " \
	"the accepted recipients got it, once"
expect_eq "$(grep -F 'to pair: refused <bad@example.org> 550 5.1.1 <bad@example.org>: mailbox unknown: not tried again' "$LOG" | wc -l | tr -d ' ')" 1 \
	"pair: the refused recipient in the log: $(grep pair "$LOG")"
expect_eq "$(grep -F 'to mixed: refused <later@example.org> 451 4.2.1 <later@example.org>: try later: not tried again' "$LOG" | wc -l | tr -d ' ')" 1 \
	"mixed: the refused recipient in the log: $(grep mixed "$LOG")"
grep -F 'to nobody: refused <bad2@example.org> 550 5.1.1 <bad2@example.org>: mailbox unknown: dead' "$LOG" >/dev/null &&
	ok || bad "nobody: the RCPT's line: $(grep nobody "$LOG")"
grep -F 'to soon failed (refused <later2@example.org> 451 4.2.1' "$LOG" >/dev/null &&
	ok || bad "soon: the RCPT's line: $(grep soon "$LOG")"
grep -F 'to full: 552 5.3.4 Message too big (test): dead' "$LOG" >/dev/null &&
	ok || bad "full: the DATA's line: $(grep full "$LOG")"
expect_eq "$(grep -c '221 bye' "$LOG")" 0 "no QUIT line taken for the reason"

hk deliveries
grep -E 'sent +pair .*last="refused <bad@example.org> 550 5.1.1 <bad@example.org>: mailbox unknown"' "$T/out" >/dev/null &&
	ok || bad "hark deliveries: pair: $(cat "$T/out")"
grep -E 'sent +mixed .*last="refused <later@example.org> 451 4.2.1' "$T/out" >/dev/null &&
	ok || bad "hark deliveries: mixed: $(cat "$T/out")"
grep -E 'dead +nobody .*attempts=1 last="refused <bad2@example.org> 550 5.1.1' "$T/out" >/dev/null &&
	ok || bad "hark deliveries: nobody: $(cat "$T/out")"
grep -E 'pending +soon .*attempts=[12] .*last="refused <later2@example.org> 451 4.2.1' "$T/out" >/dev/null &&
	ok || bad "hark deliveries: soon: $(cat "$T/out")"
grep -E 'dead +full .*last="552 5.3.4 Message too big \(test\)"' "$T/out" >/dev/null &&
	ok || bad "hark deliveries: full: $(cat "$T/out")"
curl -s --max-time 10 -o "$T/page" "${URL}deliveries"
curl -s --max-time 10 -o "$T/metrics" "${URL}metrics"
expect_eq "$(awk '$1 == "hark_delivery_seconds_count" { print $2 }' "$T/metrics")" 2 \
	"two deliveries timed: $(grep delivery_seconds "$T/metrics")"
awk '$1 == "hark_delivery_seconds_sum" { exit !($2 >= 0.6 && $2 < 1.5 && $2 != int($2)) }' "$T/metrics" &&
	ok || bad "hark_delivery_seconds_sum about 0.6 s: $(grep delivery_seconds_sum "$T/metrics")"
grep -F '550 5.1.1 &lt;bad2@example.org&gt;: mailbox unknown' "$T/page" >/dev/null &&
	ok || bad "/deliveries: the RCPT's line: $(grep -i nobody "$T/page")"
stop_harkd
expect_eq "$HSTATUS" 0 "harkd exit status"
finish
