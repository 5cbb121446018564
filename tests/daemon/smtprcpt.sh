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
# The server is a few lines of Python's standard library.
# Usage: smtprcpt.sh HARK HARKD
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
command -v curl >/dev/null 2>&1 || {
	echo "SKIP: no curl"
	exit 77
}
SPID=
trap '[ -n "$SPID" ] && kill -TERM $SPID 2>/dev/null; daemon_cleanup' EXIT
cat >"$T/smtp.py" <<'PY'
import os, socket, sys, threading, time
d, data_code = sys.argv[1], sys.argv[2]
lock = threading.Lock()
n = [0]
def serve(c):
    f = c.makefile("rb")
    c.sendall(b"220 mock ESMTP\r\n")
    rcpt, data, body = [], False, []
    for line in f:
        if data:
            if line == b".\r\n":
                data = False
                if data_code != "250":
                    c.sendall(data_code.encode() + b" 5.3.4 message too big for <desk>\r\n")
                    continue
                with lock:
                    n[0] += 1
                    with open(os.path.join(d, "%d.env" % n[0]), "w") as e:
                        e.write("".join("to %s\n" % r for r in rcpt))
                time.sleep(0.3)
                c.sendall(b"250 2.0.0 queued\r\n")
            continue
        verb = line[:4].upper()
        if verb in (b"EHLO", b"HELO"):
            c.sendall(b"250 mock\r\n")
        elif verb == b"RCPT":
            a = line.decode().split("<", 1)[1].split(">", 1)[0]
            if a.startswith("bad"):
                c.sendall(b"550 5.1.1 <" + a.encode() + b">: mailbox unknown\r\n")
            elif a.startswith("later"):
                c.sendall(b"451 4.2.1 <" + a.encode() + b">: try later\r\n")
            else:
                rcpt.append(a)
                c.sendall(b"250 ok\r\n")
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
with open(os.path.join(d, "port.tmp"), "w") as p:
    p.write(str(s.getsockname()[1]))
os.rename(os.path.join(d, "port.tmp"), os.path.join(d, "port"))
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
mkdir "$T/s" "$T/f"
"$PY" "$T/smtp.py" "$T/s" 250 2>"$T/smtp.err" &
SPID=$!
"$PY" "$T/smtp.py" "$T/f" 552 2>"$T/smtp2.err" &
SPID="$SPID $!"
wait_until "[ -s '$T/s/port' ] && [ -s '$T/f/port' ]" 10 ||
	bad "the SMTP servers did not start: $(cat "$T/smtp.err" "$T/smtp2.err")"
P=$(cat "$T/s/port")

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
smtp = smtp://127.0.0.1:$(cat "$T/f/port")
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

expect_eq "$(cat "$T"/s/*.env | sort | tr '\n' ' ')" "to good1@example.org to good2@example.org " \
	"the accepted recipients got it, once"
expect_eq "$(grep -F 'to pair: refused <bad@example.org> 550 5.1.1 <bad@example.org>: mailbox unknown: not tried again' "$LOG" | wc -l | tr -d ' ')" 1 \
	"pair: the refused recipient in the log: $(grep pair "$LOG")"
expect_eq "$(grep -F 'to mixed: refused <later@example.org> 451 4.2.1 <later@example.org>: try later: not tried again' "$LOG" | wc -l | tr -d ' ')" 1 \
	"mixed: the refused recipient in the log: $(grep mixed "$LOG")"
grep -F 'to nobody: refused <bad2@example.org> 550 5.1.1 <bad2@example.org>: mailbox unknown: dead' "$LOG" >/dev/null &&
	ok || bad "nobody: the RCPT's line: $(grep nobody "$LOG")"
grep -F 'to soon failed (refused <later2@example.org> 451 4.2.1' "$LOG" >/dev/null &&
	ok || bad "soon: the RCPT's line: $(grep soon "$LOG")"
grep -F 'to full: 552 5.3.4 message too big for <desk>: dead' "$LOG" >/dev/null &&
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
grep -E 'dead +full .*last="552 5.3.4 message too big for <desk>"' "$T/out" >/dev/null &&
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
