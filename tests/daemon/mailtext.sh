#!/bin/sh
# What an email says of a dropped file's hit (no address of its own):
#   one     a mail per hit: noncharacters of the title and body (U+FFFE,
#           U+FDD0, U+1FFFF) in neither the Subject nor the text part nor
#           the HTML part, as the pages and feeds drop them
#   morning a digest (sent early by SIGUSR1): the title linked to the stored
#           copy, BASE_URL/articles/ID, in the HTML and the text part; no
#           noncharacter either
# The server is the tests' real one (smtpserver.py, python3-aiosmtpd);
# Python's email package decodes what it saved.
# Usage: mailtext.sh HARK HARKD
. "$(dirname "$0")/lib.sh"
daemon_init "$@"
smtp_init
# decode.py FILE.eml: the Subject and every text part, decoded, as UTF-8
cat >"$T/decode.py" <<'PY'
import email, email.header, email.policy, sys
m = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
out = ["LIST-ID: " + str(m["List-Id"]), "SUBJECT: " + str(m["Subject"])]
for p in m.walk():
    if p.get_content_maintype() == "text":
        out.append("PART " + p.get_content_type() + ":")
        out.append(p.get_content().replace("\r\n", "\n"))
sys.stdout.buffer.write("\n".join(out).encode("utf-8", "surrogateescape"))
PY

smtp_start s

printf '[rule convoy]\nquery = convoy\n' >"$T/w.rules"
write_conf
cat >>"$T/hark.conf" <<EOF
[http]
listen   = 127.0.0.1:0
base_url = https://hark.example.org/

[email one]
smtp = smtp://127.0.0.1:$(sport s)
from = hark@example.org
to   = one@example.org

[email morning]
smtp   = smtp://127.0.0.1:$(sport s)
from   = hark@example.org
to     = morning@example.org
digest = 1h
EOF
start_harkd
# U+FFFE, U+FDD0, U+1FFFF in the title and the body
printf 'A convoy \357\277\276 at \357\267\220 dawn \360\237\277\277 end\n\nThe convoy \357\277\276 left \357\267\220 at dawn.\n' >"$T/a.txt"
ingest "$T/a.txt"
wait_until "[ -s '$T/s/1.eml' ]" 15 || bad "one: no message: $(grep one "$LOG")"
kill -USR1 "$HPID"
wait_until "[ -s '$T/s/2.eml' ]" 15 || bad "morning: no digest: $(grep morning "$LOG")"
stop_harkd
expect_eq "$HSTATUS" 0 "harkd exit status"
AID=$("$HARK" -c "$T/hark.conf" hits --json | sed -n 's/.*"article":{"id":"\([^"]*\)".*/\1/p' | head -1)
[ -n "$AID" ] && ok || bad "no article id: $("$HARK" -c "$T/hark.conf" hits --json)"

for f in "$T"/s/*.eml; do
	"$PY" "$T/decode.py" "$f" >"$f.txt" 2>"$T/decode.err" || bad "$f: not decoded: $(cat "$T/decode.err")"
	case $(sed -n 's/^LIST-ID: .*hark \([a-z]*\).*/\1/p' "$f.txt") in
	one) ONE=$f.txt ;;
	morning) MORNING=$f.txt ;;
	esac
done
[ -n "$ONE" ] && [ -n "$MORNING" ] && ok || bad "the two mails: $(grep -h LIST-ID "$T"/s/*.txt)"
FFFE=$(printf '\357\277\276') FDD0=$(printf '\357\267\220') N1F=$(printf '\360\237\277\277')
for f in "$ONE" "$MORNING"; do
	expect_eq "$(grep -cF -e "$FFFE" -e "$FDD0" -e "$N1F" "$f")" 0 \
		"no noncharacter in $(basename "$f"): $(grep -F -e "$FFFE" -e "$FDD0" -e "$N1F" "$f" | cat -v)"
done
grep -F 'SUBJECT: [hark] convoy: A convoy at dawn end' "$ONE" >/dev/null && ok ||
	bad "one: the subject: $(grep SUBJECT "$ONE" | cat -v)"
expect_eq "$(grep -cF 'The [convoy]  left  at dawn.' "$ONE")" 1 "one: the text part's snippet: $(cat -v "$ONE")"
grep -F "<a href=\"https://hark.example.org/articles/$AID\" dir=\"auto\" rel=\"noreferrer\">A convoy at dawn end</a>" "$MORNING" >/dev/null &&
	ok || bad "morning: the title linked to the stored copy in HTML: $(grep -F 'A convoy' "$MORNING" | cat -v)"
expect_eq "$(grep -A1 -F '* A convoy at dawn end' "$MORNING" | grep -cxF "  https://hark.example.org/articles/$AID")" 1 \
	"morning: the stored copy under the title in the text part: $(sed -n '/text.plain/,/text.html/p' "$MORNING" | cat -v)"
finish
