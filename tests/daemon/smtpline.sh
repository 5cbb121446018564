#!/bin/sh
# An SMTP server's reply line in harkd's log: its words are a stranger's
# (a C1 control, CSI to some terminals; a bidi override; DEL), escaped as
# every other stranger's text in the log is (\u009b, \u202e, \x7f), never
# written raw. A server of a few lines of Python's standard library answers
# each DATA with such a line, 451 (try again): the delivery failure's line
# (and SIGUSR1's early one) and a 554 (dead) one.
# Usage: smtpline.sh HARK HARKD
. "$(dirname "$0")/lib.sh"
daemon_init "$@"
PY=
for _p in /usr/bin/python3 python3; do
	if command -v "$_p" >/dev/null 2>&1; then
		PY=$_p
		break
	fi
done
[ -n "$PY" ] || {
	echo "SKIP: no python3"
	exit 77
}
SPID=
trap '[ -n "$SPID" ] && kill -TERM $SPID 2>/dev/null; daemon_cleanup' EXIT
cat >"$T/smtp.py" <<'PY'
import socket, sys, threading
port_file, code = sys.argv[1], sys.argv[2]
# a C1 CSI, a right-to-left override, DEL: bytes an SMTP line may hold
LINE = code.encode() + b" 4.3.0 \xc2\x9b31m busy \xe2\x80\xae gnirts \x7f end\r\n"
def serve(c):
    f = c.makefile("rb")
    c.sendall(b"220 mock ESMTP\r\n")
    data = False
    for line in f:
        if data:
            if line == b".\r\n":
                data = False
                c.sendall(LINE)
            continue
        verb = line[:4].upper()
        if verb in (b"EHLO", b"HELO"):
            c.sendall(b"250 mock\r\n")
        elif verb == b"DATA":
            data = True
            c.sendall(b"354 go on\r\n")
        elif verb == b"QUIT":
            c.sendall(b"221 bye\r\n")
            break
        else:
            c.sendall(b"250 ok\r\n")
    c.close()
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(8)
with open(port_file + ".tmp", "w") as p:
    p.write(str(s.getsockname()[1]))
import os
os.rename(port_file + ".tmp", port_file)
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
"$PY" "$T/smtp.py" "$T/smtp.port" 451 2>"$T/smtp.err" &
SPID=$!
wait_until "[ -s '$T/smtp.port' ]" 10 || bad "the SMTP server did not start: $(cat "$T/smtp.err")"
"$PY" "$T/smtp.py" "$T/smtp2.port" 554 2>"$T/smtp2.err" &
SPID="$SPID $!"
wait_until "[ -s '$T/smtp2.port' ]" 10 || bad "the second SMTP server did not start: $(cat "$T/smtp2.err")"

printf '[rule convoy]\nquery = convoy\n' >"$T/w.rules"
write_conf
cat >>"$T/hark.conf" <<EOF
[email busy]
smtp = smtp://127.0.0.1:$(cat "$T/smtp.port")
from = hark@example.org
to   = busy@example.org

[email refuse]
smtp = smtp://127.0.0.1:$(cat "$T/smtp2.port")
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
