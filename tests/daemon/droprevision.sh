#!/bin/sh
# A new text at a stored address, from a drop file or the API, end to end
# (the real harkd, hark ingest, the test feed server and curl over
# loopback): a feed's teaser stored first and then the page saved whole
# and dropped is a revision of the teaser's
# article, matched and stored, its rules new to the group alerted and the
# ones alerted on the teaser not again; the same text again is an exact
# duplicate (the API's 200), a revision posted is 201 with its hits.
# hark ingest --lang declares the language beside the bytes, which stay as
# they are: a plain text with "<...>" spans is still read as plain text.
# A .txt file that opens with "<Word>" is plain text, an HTML document
# named .txt still HTML.
# Usage: droprevision.sh HARK HARKD FEEDSERVER
. "$(dirname "$0")/lib.sh"
daemon_init "$1" "$2"
FS=$(abspath "${3:-}")
[ -x "$FS" ] || {
	echo "usage: $0 HARK HARKD FEEDSERVER" >&2
	exit 2
}
command -v curl >/dev/null 2>&1 || { echo "skip: no curl (contrib/install-deps)"; exit 77; }
FPID=
feeds_cleanup() {
	[ -n "$FPID" ] && kill -KILL "$FPID" 2>/dev/null && wait "$FPID" 2>/dev/null
	daemon_cleanup
}
trap feeds_cleanup EXIT
R=$T/root
mkdir "$R"
{
	printf '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
	printf '<title>Wire</title><link>http://example.org/</link>\n'
	printf '<item><title>A journalist missing</title><link>http://example.org/a2</link>'
	printf '<description>Lena Okafor has not been heard from since Tuesday.</description></item>\n'
	printf '</channel></rss>\n'
} >"$R/wire.xml"
"$FS" "$T/port" "$R" >"$T/srv" 2>"$T/fs.err" &
FPID=$!
wait_until "[ -s '$T/port' ]" 10 || {
	bad "feed server: no port: $(cat "$T/fs.err")"
	finish
}

cat >"$T/w.rules" <<'R'
[rule okafor]
query = "Lena Okafor"
[rule hezbollah]
query = Hezbollah
[rule freed]
query = released
[rule petrov]
query = Петров
R
write_conf "[feed wire]" "url = http://127.0.0.1:$(cat "$T/port")/f/wire.xml" "interval = 1h" \
	"allow_private = yes" "[http]" "listen = 127.0.0.1:0"
start_harkd
api=$(cut -d' ' -f1 "$T/state/harkd.http")api/v1
IN=$T/in
mkdir "$IN"

# 1. the feed's teaser, then the full page at its address (rel=canonical)
wait_for "$T/log" "feed wire: 1 new item" 20 || bad "the teaser was not stored: $(grep wire "$T/log")"
first=$(sed -n 's/.*article \(a_[0-9a-f]*\) feed=wire .*/\1/p' "$T/log")
[ -n "$first" ] && ok || bad "the teaser's article line: $(grep article "$T/log")"
printf '<html><head><title>T</title><link rel="canonical" href="http://example.org/a2"></head><body><article><p>Lena Okafor was detained by Hezbollah sympathisers.</p></article></body></html>' >"$IN/full.html"
ingest "$IN/full.html"
if wait_for "$T/log" "revised file=full.html of=$first new_hits=1: article a_" 10; then ok; else
	bad "the full page at the teaser's address is no revision of $first"
fi
has_log() { if grep -qF -- "$1" "$T/log"; then ok; else bad "$2: no '$1' in the log"; fi; }
has_log "hits=2 (the rules alerted on an earlier text of the article are not alerted again)" \
	"the revision's hits, its held rule said"
has_log "hit rule=hezbollah" "the rule new to the article alerted"
expect_eq "$(count "$T/log" "hit rule=okafor")" 1 "okafor alerted once, on the teaser"
if grep -qF "duplicate file=full.html" "$T/log"; then bad "the full page called a duplicate"; else ok; fi
hk hits --json
rev=$(sed -n 's/.*"rule":{"id":"hezbollah".*"article":{"id":"\(a_[0-9a-f]*\)".*/\1/p' "$T/out")
if grep -F '"id":"hezbollah"' "$T/out" | grep -qF "\"revision_of\":\"$first\""; then ok; else
	bad "the hezbollah hit names no revision_of $first: $(cat "$T/out")"
fi
# the same text again, under another name: an exact duplicate, of the revision
cp "$IN/full.html" "$IN/again.html"
ingest "$IN/again.html"
if wait_for "$T/log" "duplicate file=again.html of=$rev" 10; then ok; else
	bad "the same text again is no duplicate of $rev"
fi

# 2. the API: a teaser, the full text (201, the revision and its hits), the same again (200)
post() {
	CODE=$(curl -s --max-time 30 -o "$T/b" -w '%{http_code}' \
		-H 'Content-Type: application/json' --data-binary "$1" "$api/articles")
}
post '{"title": "Beirut", "url": "http://example.org/a3", "body": "Lena Okafor is missing."}'
expect_eq "$CODE" 201 "the API teaser"
a3=$(sed -n 's/^{"article":{[^}]*"id":"\(a_[0-9a-f]*\)".*/\1/p' "$T/b" | head -1)
a3=${a3:-$(grep -o '"id":"a_[0-9a-f]*"' "$T/b" | head -1 | cut -d'"' -f4)}
full3='{"title": "Beirut", "url": "http://example.org/a3", "body": "Lena Okafor was detained by Hezbollah sympathisers."}'
post "$full3"
expect_eq "$CODE" 201 "the API full text at a stored address: a revision"
if grep -qF "\"revision_of\":\"$a3\"" "$T/b" && grep -qF '"id":"hezbollah"' "$T/b"; then ok; else
	bad "the API's revision names no revision_of $a3 nor its hezbollah hit: $(cat "$T/b")"
fi
has_log "revised api=" "the API's revision in the log"
post "$full3"
expect_eq "$CODE" 200 "the same text again: an exact duplicate"
# past the 20 revisions an article keeps, a new text that alerts no new rule
# is not stored: 200 with the article it revises, said in the log
i=2
while [ "$i" -le 20 ]; do
	post "{\"title\": \"Beirut\", \"url\": \"http://example.org/a3\", \"body\": \"Lena Okafor update $i.\"}"
	i=$((i + 1))
done
expect_eq "$CODE" 201 "the 20th revision posted (full3 the first)"
post '{"title": "Beirut", "url": "http://example.org/a3", "body": "Lena Okafor update 21."}'
expect_eq "$CODE" 200 "a 21st revision that alerts no new rule: not stored"
if grep -qF "\"id\":\"$a3\"" "$T/b"; then ok; else bad "the 200 names no $a3: $(head -c 300 "$T/b")"; fi
has_log "of=$a3: not stored, 20 revisions of it are stored already" "the revision not stored, said"

# 3. --lang: the bytes as they are, the language beside them
printf 'Note\nFrom: <Lena Okafor> via the desk\n<Hezbollah statement follows>\n' >"$IN/fw.txt"
ingest --lang en "$IN/fw.txt"
if wait_for "$T/log" "file=fw.txt lang=en hits=2" 10; then ok; else
	bad "--lang en fw.txt: not lang=en hits=2: $(grep -F fw.txt "$T/log")"
fi
if cmp -s "$IN/fw.txt" "$T/spool/done/fw.txt"; then ok; else bad "--lang changed the file's bytes"; fi

# a declaration set by hand is hostile text: a control character in it is
# escaped in the log, never a line of its own
if command -v python3 >/dev/null 2>&1; then
	printf 'Lena Okafor\n' >"$T/spool/tmp/forged.txt"
	python3 -c 'import os, sys; os.setxattr(sys.argv[1], "user.hark.lang", b"x\nharkd info: forged")' \
		"$T/spool/tmp/forged.txt"
	mv "$T/spool/tmp/forged.txt" "$T/spool/incoming/forged.txt"
	wait_for "$T/log" "failed forged.txt:" 10 || bad "forged.txt not failed: $(grep -F forged "$T/log")"
	if grep -q "^harkd info: fo" "$T/log"; then bad "an attribute's newline made a log line"; else ok; fi
	has_log "user.hark.lang: 'x\\nharkd info: forged' is not an ISO 639-1 code" \
		"the attribute's value escaped"
fi

# --charset with --lang: the bytes as they are, read in the charset given
printf 'Заголовок\n\nИван Петров вернулся домой.\n' | iconv -t cp1251 >"$IN/cp.txt"
ingest --charset windows-1251 --lang ru "$IN/cp.txt"
if wait_for "$T/log" "file=cp.txt lang=ru hits=1" 10; then ok; else
	bad "--charset windows-1251 --lang ru: $(grep -F cp.txt "$T/log")"
fi
has_log 'hit rule=petrov' "the text read in windows-1251"
if cmp -s "$IN/cp.txt" "$T/spool/done/cp.txt"; then ok; else bad "--charset changed the file's bytes"; fi

# 4. a .txt that opens with "<Word>" is plain text
printf '<BREAKING> Okafor freed\nLena Okafor was released.\n' >"$IN/br.txt"
printf '<p>Note\nLena <Okafor> Hezbollah\n' >"$IN/r2.txt"
ingest "$IN/br.txt" "$IN/r2.txt"
wait_for "$T/log" "file=r2.txt lang=" 10 || bad "r2.txt not stored"
wait_for "$T/log" "file=br.txt lang=" 10 || bad "br.txt not stored"
if grep -qE "file=r2.txt lang=[a-z-]+ hits=2\$" "$T/log"; then ok; else
	bad "<p>Note / Lena <Okafor>: not read as text with 2 hits: $(grep -F r2.txt "$T/log")"
fi
hk article --json "$(sed -n 's/.*article \(a_[0-9a-f]*\) file=br.txt.*/\1/p' "$T/log")"
if grep -qF '"title":"<BREAKING> Okafor freed"' "$T/out" && grep -qF '"format":"text"' "$T/out"; then
	ok
else
	bad "br.txt: not text titled '<BREAKING> Okafor freed': $(head -c 400 "$T/out")"
fi

stop_harkd
expect_eq "$HSTATUS" 0 "harkd's exit"
finish
