#!/bin/sh
# harkd's [email] destinations end to end, against a real SMTP server
# (tests/daemon/smtpserver.py on Debian's python3-aiosmtpd), the messages
# read back with Python's email package:
#   desk   STARTTLS required by the server, AUTH, a throwaway self-signed
#          certificate trusted through ca_file; an Arabic rule and title:
#          the decoded subject, From/To, Message-ID, Auto-Submitted,
#          List-Id, both parts with the marks, the links
#   flaky  plain loopback, the server answers 421 then 451 then 250: the
#          delivery is retried (SIGUSR1 between), one message in the end
#   refuse answers 550: dead at once, the server's line in hark deliveries
#   lan    a plain server on this host's own address: STARTTLS is required, nothing sent
# and configurations harkd -n refuses, naming file:line.
# Skips (77) when python3-aiosmtpd or openssl is not installed.
# Usage: email.sh HARK HARKD
. "$(dirname "$0")/lib.sh"
daemon_init "$@"
smtp_init
command -v openssl >/dev/null || {
	echo "SKIP: openssl is not installed"
	exit 77
}

# ---- configurations harkd -n refuses, naming file:line ----
printf '[rule r1]\nquery = alpha\n' >"$T/w.rules"
badconf() { # WHAT LINE KEY VALUE
	write_conf
	printf '[email x]\nsmtp = smtp://127.0.0.1:25\nfrom = a@example.org\nto = b@example.org\n%s = %s\n' \
		"$3" "$4" >>"$T/hark.conf"
	"$HARKD" -n -c "$T/hark.conf" >"$T/out" 2>"$T/n.err"
	expect_eq "$?" 2 "harkd -n, $1"
	grep -qF "hark.conf:$2:" "$T/n.err" && ok || bad "$1 names hark.conf:$2: $(cat "$T/n.err")"
}
badconf "an address without a domain" 9 cc "x" # unknown key
write_conf
printf '[email x]\nsmtp = smtp://127.0.0.1:25\nfrom = a@\nto = b@example.org\n' >>"$T/hark.conf"
"$HARKD" -n -c "$T/hark.conf" >"$T/out" 2>"$T/n.err"
expect_eq "$?" 2 "harkd -n, a from without a domain"
grep -qF "hark.conf:7:" "$T/n.err" && grep -qF "has no domain" "$T/n.err" && ok ||
	bad "from without a domain names hark.conf:7: $(cat "$T/n.err")"
write_conf
printf '[email x]\nsmtp = https://127.0.0.1:25\nfrom = a@example.org\nto = b@example.org, c\n' >>"$T/hark.conf"
"$HARKD" -n -c "$T/hark.conf" >"$T/out" 2>"$T/n.err"
expect_eq "$?" 2 "harkd -n, an https smtp and a bad recipient"
grep -qF "hark.conf:6:" "$T/n.err" && grep -qF "hark.conf:8:" "$T/n.err" && ok ||
	bad "smtp and to errors name their lines: $(cat "$T/n.err")"
[ ! -e "$T/state/hark.db" ] && ok || bad "harkd -n created a database"

# ---- the servers ----
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" -days 2 \
	-subj /CN=127.0.0.1 -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" >/dev/null 2>&1 ||
	bad "openssl: no certificate"
printf 'sesame\n' >"$T/smtp.password"
chmod 600 "$T/smtp.password"
smtp_start desk --tls "$T/cert.pem" "$T/key.pem" --auth hark@example.org:sesame
smtp_start flaky --answers 421,451
smtp_start refuse --answers '550*'

cat >"$T/w.rules" <<'R'
[rule assad]
name  = بشار الأسد
query = الأسد
notify = desk

[rule convoy]
query = convoy
R
write_conf
cat >>"$T/hark.conf" <<EOF
[email desk]
smtp          = smtp://127.0.0.1:$(sport desk)
user          = hark@example.org
password_file = smtp.password
ca_file       = cert.pem
from          = hark <hark@example.org>
to            = desk@example.org, "Doe, Jane" <jane@example.org>
rules         = none-by-glob

[email flaky]
smtp  = smtp://127.0.0.1:$(sport flaky)
from  = hark@example.org
to    = flaky@example.org
rules = convoy

[email refuse]
smtp  = smtp://localhost:$(sport refuse)
from  = hark@example.org
to    = refuse@example.org
rules = convoy

[http]
listen   = 127.0.0.1:0
base_url = https://hark.example.org/
EOF
"$HARKD" -n -c "$T/hark.conf" >"$T/out" 2>"$T/n.err"
expect_eq "$?" 0 "harkd -n on three email destinations: $(cat "$T/n.err")"
start_harkd
grep -qF "emails 3" "$LOG" && ok || bad "started line counts emails: $(grep started "$LOG")"

printf 'الأسد يلتقي وفداً روسياً في دمشق\n\nالتقى الرئيس الأسد اليوم وفداً روسياً في دمشق.\n' >"$T/a1.txt"
printf 'North <b>&amp;</b>\n\nThe convoy left Aleppo at dawn.\n.\nA line of one dot, and =?utf-8?q?x?=.\n' >"$T/a2.txt"
ingest "$T/a1.txt" "$T/a2.txt"

# ---- desk: STARTTLS, AUTH, the message read by Python's email package ----
wait_until "[ \$(msgs desk) -ge 1 ]" 20 || bad "desk: no message in 20 s: $(tail -5 "$LOG")"
expect_eq "$(msgs desk)" 1 "desk: one message (the assad hit only)"
grep -qx 'tls yes' "$T/desk/1.env" && ok || bad "desk: not over TLS: $(cat "$T/desk/1.env")"
grep -qx 'auth hark@example.org' "$T/desk/1.env" && ok || bad "desk: no AUTH: $(cat "$T/desk/1.env")"
grep -qx 'from hark@example.org' "$T/desk/1.env" && ok || bad "desk: envelope sender: $(cat "$T/desk/1.env")"
grep -qx 'to jane@example.org' "$T/desk/1.env" && grep -qx 'to desk@example.org' "$T/desk/1.env" &&
	ok || bad "desk: envelope recipients: $(cat "$T/desk/1.env")"
hit=$("$HARK" -c "$T/hark.conf" hits --json | grep '"assad"' | sed 's/^{"id":"\([^"]*\)".*/\1/')
art=$("$HARK" -c "$T/hark.conf" hits --json | grep '"assad"' | sed 's/.*"article":{"id":"\([^"]*\)".*/\1/')
"$PY" - "$T/desk/1.eml" "$hit" "$art" >"$T/check.out" 2>&1 <<'PYCHECK'
import email, email.policy, re, sys
path, hit, art = sys.argv[1], sys.argv[2], sys.argv[3]
raw = open(path, "rb").read()
bad = []
def want(cond, what):
    if not cond:
        bad.append(what)
# aiosmtpd keeps the CRLF of the wire: no bare LF, no long line
want(b"\n" not in raw.replace(b"\r\n", b""), "a bare LF")
want(b"\r" not in raw.replace(b"\r\n", b""), "a bare CR")
want(all(len(l) <= 78 for l in raw.split(b"\r\n")), "a line over 78")
m = email.message_from_bytes(raw, policy=email.policy.default)
want(str(m["Subject"]) == "[hark] بشار الأسد: الأسد يلتقي وفداً روسياً في دمشق", "Subject %r" % str(m["Subject"]))
want(re.search(rb"^Subject: =\?UTF-8\?[BQ]\?", raw, re.M) is not None, "Subject not RFC 2047")
want(str(m["From"]) == "hark <hark@example.org>", "From %r" % str(m["From"]))
want([a.addr_spec for a in m["To"].addresses] == ["desk@example.org", "jane@example.org"], "To %r" % str(m["To"]))
want(m["To"].addresses[1].display_name == "Doe, Jane", "To display name")
want(str(m["Message-ID"]) == "<%s.desk@example.org>" % hit, "Message-ID %r" % str(m["Message-ID"]))
want(str(m["Auto-Submitted"]) == "auto-generated", "Auto-Submitted")
want(str(m["List-Id"]) == "hark desk <desk.hark.example.org>", "List-Id %r" % str(m["List-Id"]))
want(m["Date"] is not None and m["Date"].datetime is not None, "Date")
want(m.get_content_type() == "multipart/alternative", "type %s" % m.get_content_type())
parts = {p.get_content_type(): p for p in m.iter_parts()}
want(set(parts) == {"text/plain", "text/html"}, "parts %r" % list(parts))
text = parts["text/plain"].get_content()
html = parts["text/html"].get_content()
want(parts["text/plain"].get_content_charset() == "utf-8", "text charset")
want("التقى الرئيس [الأسد] اليوم" in text, "text marks: %r" % text)
want("https://hark.example.org/articles/%s" % art in text, "text link to the stored copy")
want("<mark>الأسد</mark>" in html, "html marks")
want('href="https://hark.example.org/articles/%s"' % art in html, "html link to the stored copy")
want("Language: ar" in text, "text language")
for b in bad:
    print("FAIL:", b)
print("checked")
PYCHECK
grep -q '^FAIL' "$T/check.out" && bad "desk message: $(cat "$T/check.out")" || ok
grep -qx checked "$T/check.out" && ok || bad "the check did not run: $(cat "$T/check.out")"
wait_for "$LOG" "email=desk status=250" 5 || bad "desk: the delivered line"

# ---- flaky: 421, then 451, then 250 ----
wait_for "$T/flaky/answers" "421" 10 || bad "flaky: no first attempt"
wait_for "$LOG" "to flaky failed (421 4.3.2" 5 || bad "flaky: the 421 line: $(grep flaky "$LOG")"
kill -USR1 "$HPID"
wait_for "$T/flaky/answers" "451" 10 || bad "flaky: no second attempt after SIGUSR1"
wait_for "$LOG" "to flaky failed (451 4.3.0" 5 || bad "flaky: the 451 line"
kill -USR1 "$HPID"
wait_until "[ \$(msgs flaky) -ge 1 ]" 10 || bad "flaky: no message after 421, 451"
sleep 1
expect_eq "$(msgs flaky)" 1 "flaky: one message in the end"
expect_eq "$(tr '\n' ' ' <"$T/flaky/answers")" "421 451 250 " "flaky: the answers"
grep -qx 'tls no' "$T/flaky/1.env" && ok || bad "flaky: plain loopback: $(cat "$T/flaky/1.env")"
wait_for "$LOG" "email=flaky status=250" 5 || bad "flaky: the delivered line"
hk deliveries
# the 451 was SIGUSR1's early attempt: recorded, not one of the schedule's
grep -E "sent +flaky .* convoy attempts=2" "$T/out" >/dev/null && ok ||
	bad "hark deliveries: flaky sent at its second counted attempt: $(cat "$T/out")"

# ---- refuse: 550 is dead at once ----
wait_for "$LOG" "to refuse: 550 5.7.1 Message refused by policy (test): dead" 10 ||
	bad "refuse: the dead line: $(grep refuse "$LOG")"
hk deliveries --failed
grep -E "dead +refuse .* attempts=1 last=\"550 5.7.1 Message refused by policy \(test\)\"" "$T/out" >/dev/null &&
	ok || bad "hark deliveries --failed: refuse dead after one attempt: $(cat "$T/out")"
expect_eq "$(wc -l <"$T/refuse/answers" | tr -d ' ')" 1 "refuse: one attempt only"
# hark redeliver: one more attempt, dead again
rid=$(awk '/ refuse / { print $1 }' "$T/out")
hk redeliver "$rid"
expect_eq "$?" 0 "hark redeliver $rid: $(cat "$T/err")"
kill -USR1 "$HPID"
wait_until "[ \$(wc -l <'$T/refuse/answers') -ge 2 ]" 10 || bad "refuse: redeliver made no attempt"

stop_harkd
expect_eq "$HSTATUS" 0 "harkd exit status"

# ---- STARTTLS required off loopback: a plain server on this host's own address ----
lan=$(hostname -I 2>/dev/null | tr ' ' '\n' | grep -E '^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$' | grep -v '^127\.' | head -1)
if [ -n "$lan" ]; then
	rm -rf "$T/state" "$T/spool"
	smtp_start lan --host "$lan"
	write_conf
	printf '[email lan]\nsmtp = smtp://%s:%s\nfrom = hark@example.org\nto = lan@example.org\n' \
		"$lan" "$(sport lan)" >>"$T/hark.conf"
	start_harkd
	ingest "$T/a2.txt"
	wait_until "grep -q 'to lan failed' '$LOG'" 15 || bad "lan: no failed attempt"
	expect_eq "$(msgs lan)" 0 "lan: nothing sent without STARTTLS"
	grep -q 'to lan failed (.*STARTTLS\|to lan failed (.*SSL' "$LOG" && ok ||
		bad "lan: the failure names STARTTLS: $(grep 'to lan' "$LOG")"
	stop_harkd
else
	note "no address but loopback: STARTTLS off loopback is left to unit.test_conf"
fi

# ---- digests: a fresh database ----
#   dig    digest = 1m: at the end of the minute, one message with the three
#          hits of two rules; nothing more after
#   wdig   a webhook with digest = 1m: one signed request, the standard
#          {"type":"digest","period":{...},"total":3,"hits":[...]}
#   down   digest = daily 08:00, its server down: SIGUSR1 sends the period so
#          far, which fails; harkd killed -9; the server up, harkd again,
#          SIGUSR1: the digest arrives once, with every hit
rm -rf "$T/state" "$T/spool"
smtp_start dig
smtp_start down
# a webhook receiver saving each request: its headers and body, as N.json
SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
mkdir -p "$T/hook"
cat >"$T/hooksrv.py" <<'HOOKSRV'
import base64, hashlib, hmac, http.server, json, os, sys
d, secret = sys.argv[1], sys.argv[2]
key = base64.b64decode(secret[len("whsec_"):])
n = 0
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        global n
        body = self.rfile.read(int(self.headers["Content-Length"]))
        wid, ts = self.headers["webhook-id"], self.headers["webhook-timestamp"]
        want = base64.b64encode(hmac.new(key, ("%s.%s." % (wid, ts)).encode() + body,
                                         hashlib.sha256).digest()).decode()
        sig = "ok" if ("v1," + want) in self.headers.get("webhook-signature", "").split() else "bad"
        n += 1
        with open(os.path.join(d, "%d.json.tmp" % n), "w") as f:
            json.dump({"id": wid, "sig": sig, "body": json.loads(body)}, f)
        os.rename(os.path.join(d, "%d.json.tmp" % n), os.path.join(d, "%d.json" % n))
        self.send_response(200)
        self.end_headers()
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
with open(os.path.join(d, "port.tmp"), "w") as f:
    f.write("%d\n" % s.server_address[1])
os.rename(os.path.join(d, "port.tmp"), os.path.join(d, "port"))
s.serve_forever()
HOOKSRV
"$PY" "$T/hooksrv.py" "$T/hook" "$SECRET" 2>"$T/hook.err" &
SPIDS="$SPIDS $!"
wait_until "[ -s '$T/hook/port' ]" 10 || bad "the webhook receiver did not start: $(cat "$T/hook.err")"
dport=$(sport down)
kill -TERM "$spid_down" && wait "$spid_down"
cat >"$T/w.rules" <<'R'
[rule assad]
name  = بشار الأسد
query = الأسد

[rule convoy]
query = convoy
R
write_conf
cat >>"$T/hark.conf" <<CONF
[email dig]
smtp   = smtp://127.0.0.1:$(sport dig)
from   = hark <hark@example.org>
to     = dig@example.org
digest = 1m

[email down]
smtp   = smtp://127.0.0.1:$dport
from   = hark@example.org
to     = down@example.org
digest = daily 08:00

[webhook wdig]
url    = http://127.0.0.1:$(cat "$T/hook/port")/hook
secret = $SECRET
digest = 1m
CONF
"$HARKD" -n -c "$T/hark.conf" >"$T/out" 2>"$T/n.err"
expect_eq "$?" 0 "harkd -n on digests: $(cat "$T/n.err")"
start_harkd
printf 'Convoy two\n\nA second convoy left Homs.\n' >"$T/a3.txt"
# the three hits in one minute: start early in one (by :30, so that the three
# ingests, their storing and the check below have 30 s on a loaded machine)
while [ "$(date +%S)" -gt 30 ] || [ "$(date +%S)" -lt 1 ]; do sleep 0.5; done
ingest "$T/a1.txt"
sleep 1.2 # the hits in this order, newest last: a3 newest
ingest "$T/a2.txt"
sleep 1.2
ingest "$T/a3.txt"
wait_for "$LOG" "article a_" 20 3 || bad "three article lines"
expect_eq "$(msgs dig)" 0 "dig: nothing before the end of the minute"
wait_until "[ \$(msgs dig) -ge 1 ]" 75 || bad "dig: no digest at the end of the minute"
sleep 2
expect_eq "$(msgs dig)" 1 "dig: one digest"
"$PY" - "$T/dig/1.eml" >"$T/check.out" 2>&1 <<'PYCHECK'
import email, email.policy, sys
m = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
bad = []
subj = str(m["Subject"])
if subj != "[hark] 3 hits: convoy (2), assad (1)":
    bad.append("Subject %r" % subj)
if not str(m["Message-ID"]).startswith("<digest."):
    bad.append("Message-ID %r" % str(m["Message-ID"]))
text = m.get_body(("plain",)).get_content()
html = m.get_body(("html",)).get_content()
for want in ("== convoy (convoy): 2 hits ==", "== بشار الأسد (assad): 1 hit ==",
             "* North <b>&amp;</b>", "* Convoy two", "[الأسد]"):
    if want not in text:
        bad.append("text lacks %r" % want)
if "* Convoy two" in text and "* North" in text and text.index("* Convoy two") > text.index("* North"):
    bad.append("not newest first")
if "<mark>الأسد</mark>" not in html or "North &lt;b&gt;&amp;amp;" not in html:
    bad.append("html marks or escaping")
for b in bad:
    print("FAIL:", b)
print("checked")
PYCHECK
grep -q '^FAIL' "$T/check.out" && bad "dig digest: $(cat "$T/check.out")" || ok
grep -qx checked "$T/check.out" && ok || bad "the digest check did not run: $(cat "$T/check.out")"
wait_for "$LOG" "delivered digest=" 5 || bad "dig: the delivered line"
# the webhook's digest: one request, signed, the standard digest object
wait_until "[ -s '$T/hook/1.json' ]" 10 || bad "wdig: no digest request"
sleep 1
expect_eq "$(ls "$T/hook" | grep -c '\.json$')" 1 "wdig: one request"
"$PY" - "$T/hook/1.json" >"$T/check.out" 2>&1 <<'PYCHECK'
import json, sys
r = json.load(open(sys.argv[1]))
b = r["body"]
ok = (r["sig"] == "ok" and r["id"].startswith("digest_") and b["type"] == "digest" and
      b["total"] == 3 and len(b["hits"]) == 3 and b["period"]["start"] < b["period"]["end"] and
      [h["rule"]["id"] for h in b["hits"]] == ["convoy", "convoy", "assad"])
print("ok" if ok else "FAIL: %r" % r)
PYCHECK
grep -qx ok "$T/check.out" && ok || bad "wdig digest: $(cat "$T/check.out")"
hk deliveries
expect_eq "$(grep -cE ' sent +dig ' "$T/out")" 3 "dig: three deliveries sent"
expect_eq "$(grep -cE ' sent +wdig ' "$T/out")" 3 "wdig: three deliveries sent"

# -- down: SIGUSR1 while the server is down, kill -9, restart
expect_eq "$(grep -cE ' pending +down ' "$T/out")" 3 "down: three deliveries wait for 08:00"
kill -USR1 "$HPID"
wait_until "grep -q 'hits to down failed' '$LOG'" 10 || bad "down: no failed attempt after SIGUSR1"
kill_harkd
smtp_start down --port "$dport"
start_harkd
kill -USR1 "$HPID"
wait_until "[ \$(msgs down) -ge 1 ]" 15 || bad "down: no digest after the restart"
sleep 3
_u=$(count "$LOG" "SIGUSR1: ")
kill -USR1 "$HPID"
# handled (its line), then two seconds for a digest it would send again
wait_for "$LOG" "SIGUSR1: " 30 $((_u + 1)) || bad "the SIGUSR1 line"
sleep 2
expect_eq "$(msgs down)" 1 "down: the digest arrived once"
expect_eq "$(msgs dig)" 1 "dig: still one digest"
expect_eq "$(ls "$T/hook" | grep -c '\.json$')" 1 "wdig: still one request"
"$PY" - "$T/down/1.eml" >"$T/check.out" 2>&1 <<'PYCHECK'
import email, email.policy, sys
m = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
s = str(m["Subject"])
print("ok" if s == "[hark] 3 hits: convoy (2), assad (1)" else "FAIL: Subject %r" % s)
PYCHECK
grep -qx ok "$T/check.out" && ok || bad "down digest: $(cat "$T/check.out")"
stop_harkd
expect_eq "$HSTATUS" 0 "harkd exit status after the digests"
finish
