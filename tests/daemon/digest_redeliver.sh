#!/bin/sh
# hark redeliver and POST /api/v1/deliveries/ID/retry of an [email]
# delivery held for a digest whose period has not ended, against a real
# SMTP server (tests/daemon/smtpserver.py): nothing is sent early nor split
# from its digest, the row stays pending, both say why (exit 0, HTTP 200
# with "held"; the page's form a page that says it). SIGUSR1 then sends
# the digest: the server does take mail.
# Skips (77) when python3-aiosmtpd or curl is not installed.
# Usage: digest_redeliver.sh HARK HARKD
. "$(dirname "$0")/lib.sh"
daemon_init "$@"
smtp_init
command -v curl >/dev/null 2>&1 || {
	echo "SKIP: no curl"
	exit 77
}
smtp_start mail
req() { CODE=$(curl -s --max-time 10 -o "$T/b" -w '%{http_code}' "$@"); }
delivery() { "$HARK" -c "$T/hark.conf" deliveries --json | grep -F '"destination":"mail"'; }

# the digest's time twelve hours away: its period does not end during the test
H=$(( ($(date +%H | sed 's/^0//') + 12) % 24 ))
HH=$(printf '%02d' "$H")
printf '[rule heading]\nquery = heading\n' >"$T/w.rules"
write_conf
cat >>"$T/hark.conf" <<CONF
[email mail]
smtp   = smtp://127.0.0.1:$(cat "$T/mail/port")
from   = hark@example.org
to     = me@example.org
digest = daily $H:00
[http]
listen = 127.0.0.1:0
CONF
start_harkd
api="$(cut -d' ' -f1 "$T/state/harkd.http")api/v1"
printf 'Heading\n\nA heading article.\n' >"$T/a.txt"
ingest "$T/a.txt"
wait_until "delivery | grep -qF '\"state\":\"pending\"'" 30 || bad "no pending digest row: $(delivery)"
ID=$(delivery | sed 's/^{"id":\([0-9]*\),.*/\1/')
SAY="delivery $ID is held for the digest of $HH:00 (daily): sent then"

for force in "" --force; do
	hk redeliver $force "$ID"
	expect_eq "$?" 0 "hark redeliver $force of a held row: $(cat "$T/err")"
	grep -qF "$SAY" "$T/out" && ok || bad "redeliver $force says: $(cat "$T/out" "$T/err")"
	grep -qF "pending again" "$T/out" && bad "redeliver $force says pending again" || ok
done
req -X POST "$api/deliveries/$ID/retry"
expect_eq "$CODE" 200 "the API's retry of a held row: $(cat "$T/b")"
grep -qF "\"held\": \"$SAY\"" "$T/b" || grep -qF "\"held\":\"$SAY\"" "$T/b" && ok ||
	bad "the API's answer: $(cat "$T/b")"
grep -qF '"state": "pending"' "$T/b" || grep -qF '"state":"pending"' "$T/b" && ok ||
	bad "the API's delivery: $(cat "$T/b")"
# the page's form: 303 to the page, which says the same (escaped HTML)
base=$(cut -d' ' -f1 "$T/state/harkd.http")
CODE=$(curl -s --max-time 10 -o "$T/b" -D "$T/h" -w '%{http_code}' -X POST "${base}deliveries/$ID/retry")
expect_eq "$CODE" 303 "the form's retry of a held row: $(cat "$T/b")"
grep -qi "^Location: /deliveries?held=$ID" "$T/h" && ok || bad "the form's redirect: $(cat "$T/h")"
req "${base}deliveries?held=$ID"
expect_eq "$CODE" 200 "the page after the form: $(cat "$T/b")"
grep -qF "<p class=\"cut\" role=\"status\">$SAY</p>" "$T/b" && ok ||
	bad "the page says the row is held: $(grep -i held "$T/b")"
req "${base}deliveries"
grep -qF "$SAY" "$T/b" && bad "the plain page says it: $(grep -F "$SAY" "$T/b")" || ok
req "${base}deliveries?held=x"
expect_eq "$CODE" 400 "held=x: $(cat "$T/b")"
req "${base}deliveries?other=1"
expect_eq "$CODE" 400 "an unknown parameter: $(cat "$T/b")"
_u=$(count "$LOG" "SIGUSR2: ")
kill -USR2 "$HPID"
# handled (its line), then three seconds for a digest it would send wrongly
wait_for "$LOG" "SIGUSR2: " 30 $((_u + 1)) || bad "the SIGUSR2 line"
sleep 3
expect_eq "$(msgs mail)" 0 "no message before the digest's period ends"
grep -q "digest .* of mail" "$LOG" && bad "a digest was sent: $(grep digest "$LOG")" || ok
delivery | grep -qF '"state":"pending"' && ok || bad "the row stays pending: $(delivery)"
delivery | grep -qF '"attempts":0' && ok || bad "no attempt: $(delivery)"

# SIGUSR1 sends every pending digest: the server takes it, once
kill -USR1 "$HPID"
wait_until "[ \$(msgs mail) -ge 1 ]" 15 || bad "SIGUSR1: no digest: $(cat "$LOG")"
sleep 1
expect_eq "$(msgs mail)" 1 "one digest after SIGUSR1"
grep -q "digest [0-9]* of mail: 1 hit$" "$LOG" && ok || bad "the log of a digest of one hit: $(grep digest "$LOG")"
stop_harkd
expect_eq "$HSTATUS" 0 "harkd exit status"
finish
