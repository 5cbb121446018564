#!/bin/sh
# An SMTP server's reply line in harkd's log: its words are a stranger's
# (a C1 control, CSI to some terminals; a bidi override; DEL), escaped as
# every other stranger's text in the log is (\u009b, \u202e, \x7f), never
# written raw. The test's SMTP server (smtpserver.py --hostile) answers
# each DATA with such a line, 451 (try again): the delivery failure's line
# (and SIGUSR1's early one) and a 554 (dead) one.
# Usage: smtpline.sh HARK HARKD
. "$(dirname "$0")/lib.sh"
daemon_init "$@"
smtp_init
smtp_start busy --answers '451*' --hostile
smtp_start refuse --answers '554*' --hostile

printf '[rule convoy]\nquery = convoy\n' >"$T/w.rules"
write_conf
cat >>"$T/hark.conf" <<EOF
[email busy]
smtp = smtp://127.0.0.1:$(sport busy)
from = hark@example.org
to   = busy@example.org

[email refuse]
smtp = smtp://127.0.0.1:$(sport refuse)
from = hark@example.org
to   = refuse@example.org
EOF
start_harkd
printf 'A convoy\n\nThe convoy left at dawn.\n' >"$T/a.txt"
ingest "$T/a.txt"
wait_for "$LOG" "to busy failed (451" 15 || bad "no failure line: $(grep busy "$LOG")"
wait_for "$LOG" "to refuse: 554" 15 || bad "no dead line: $(grep refuse "$LOG")"
kill -USR1 "$HPID"
wait_for "$LOG" "an early attempt, not counted" 15 || bad "no early failure line: $(grep busy "$LOG")"
stop_harkd
expect_eq "$HSTATUS" 0 "harkd exit status"

CSI=$(printf '\302\233') RLO=$(printf '\342\200\256') DEL=$(printf '\177')
grep -F -e "$CSI" -e "$RLO" -e "$DEL" "$LOG" >"$T/raw"
[ -s "$T/raw" ] && bad "the server's line written raw in the log: $(cat -v "$T/raw" | head -3)" || ok
expect_eq "$(grep -F '4.3.0' "$LOG" | grep -vcF '4.3.0 \u009b31m busy \u202e gnirts \x7f end')" 0 \
	"every line quoting the server, escaped"
expect_eq "$(grep -F 'to busy failed (451' "$LOG" | grep -F 'attempt 1, next in' |
	grep -cF '\u009b31m busy \u202e gnirts \x7f end')" 1 "the failure line, escaped"
expect_eq "$(grep -F 'an early attempt' "$LOG" | grep -cF '\u009b31m busy \u202e gnirts \x7f end')" 1 \
	"the early failure line, escaped"
expect_eq "$(grep -F 'to refuse: 554' "$LOG" | grep -cF '\u009b31m busy \u202e gnirts \x7f end')" 1 \
	"the dead line, escaped"
finish
