#!/bin/sh
# hark hits with the filters and paging of the HTTP API, on what a real harkd
# stored: --rule (repeated), --tag (from the configured rules), --source,
# --lang, --since, --until, --limit and --before, page after page; malformed
# cursors and limits refused; hark article with its hits and near
# duplicates; a version-3 database upgraded by harkd.
# Usage: hitsquery.sh HARK HARKD
. "$(dirname "$0")/lib.sh"
daemon_init "$@"

cat >"$T/w.rules" <<'R'
[rule assad]
query = Assad
tags = syria people
[rule asad-ar]
query = الأسد
tags = syria
[rule tice]
name = Austin Tice
query = "Austin Tice"
tags = people
[rule moscou]
query = Moscou
R
printf "Le retour d'Assad\n\nL'ancien président s'est réfugié à Moscou avec sa famille, selon l'agence.\n" >"$T/fr.txt"
printf 'عودة الرئيس\n\nقال مسؤول إن عائلة والأسد غادرت البلاد إلى روسيا بعد سقوط النظام في دمشق.\n' >"$T/ar.txt"
printf 'Journalist still missing\n\nThe family of Austin Tice asked for news from Damascus on Monday.\n' >"$T/en.txt"
printf 'Assad in Moscow\n\nAssad was seen in Moscow, where the family of Austin Tice wrote to him.\n' >"$T/en2.txt"

write_conf
start_harkd
ingest "$T/fr.txt" "$T/ar.txt" "$T/en.txt"
wait_for "$LOG" "article a_" 20 3 || bad "three article lines"
ingest "$T/en2.txt"
wait_for "$LOG" "article a_" 20 4 || bad "four article lines"

# pairs ARGS...: hark hits --json ARGS as sorted "FILE RULE" lines
pairs() {
	"$HARK" -c "$T/hark.conf" hits --json "$@" 2>"$T/pairs.err" |
		sed -n 's/.*"rule":{"id":"\([^"]*\)".*"file":"\([^"]*\)".*/\2 \1/p' | sort | tr '\n' ' '
}
ids() { sed -n 's/^{"id":"\(h_[0-9a-f]*\)".*/\1/p' "$T/out" | tr '\n' ' '; }

hk hits --json
expect_eq "$(grep -c '^{"id":"h_' "$T/out")" 6 "every hit"
all=$(ids)

expect_eq "$(pairs --rule tice)" "en.txt tice en2.txt tice " "--rule"
expect_eq "$(pairs --rule tice --rule moscou)" "en.txt tice en2.txt tice fr.txt moscou " "--rule twice: any"
expect_eq "$(pairs --tag people)" "en.txt tice en2.txt assad en2.txt tice fr.txt assad " "--tag"
expect_eq "$(pairs --tag syria --rule asad-ar)" "ar.txt asad-ar " "--tag and --rule: both hold"
expect_eq "$(pairs --lang ar)" "ar.txt asad-ar " "--lang"
expect_eq "$(pairs --lang FR)" "fr.txt assad fr.txt moscou " "--lang, upper case"
expect_eq "$(pairs --lang en --tag syria)" "en2.txt assad " "--lang and --tag"
expect_eq "$(pairs --source drop --rule moscou)" "fr.txt moscou " "--source drop"
expect_eq "$(pairs --source reuters)" "" "--source of no article"
expect_eq "$(pairs --since 1h)" "$(pairs)" "--since 1h: all"
expect_eq "$(pairs --until 1970-01-02)" "" "--until long ago: none"
expect_eq "$(pairs --until 2h)" "" "--until 2h ago: none"
expect_eq "$(pairs --since 2000-01-01 --until 2200-01-01 --rule assad)" \
	"en2.txt assad fr.txt assad " "--since and --until"

# page after page: the same hits in the same order, each once
paged='' cursor='' pages=0
while :; do
	if [ -n "$cursor" ]; then hk hits --json --limit 4 --before "$cursor"; else hk hits --json --limit 4; fi ||
		{ bad "hits --limit: $(cat "$T/err")"; break; }
	pages=$((pages + 1))
	paged="$paged$(ids)"
	cursor=$(sed -n 's/^hark: hits: more: --before //p' "$T/err")
	[ -z "$cursor" ] && break
	[ "$pages" -gt 6 ] && { bad "paging does not end"; break; }
done
expect_eq "$pages" 2 "6 hits in pages of 4"
expect_eq "$paged" "$all" "pages of 4 in order"
paged='' cursor='' pages=0
while :; do
	if [ -n "$cursor" ]; then hk hits --limit 1 --tag people --before "$cursor"; else hk hits --limit 1 --tag people; fi ||
		{ bad "hits --tag --limit: $(cat "$T/err")"; break; }
	pages=$((pages + 1))
	expect_eq "$(wc -l <"$T/out" | tr -d ' ')" 1 "a text page of 1"
	cursor=$(sed -n 's/^hark: hits: more: --before //p' "$T/err")
	[ -z "$cursor" ] && break
	[ "$pages" -gt 8 ] && { bad "paging does not end"; break; }
done
expect_eq "$pages" 4 "the tag's 4 hits a page each"
# a cursor without --limit: every hit after it
hk hits --json --limit 2
cursor=$(sed -n 's/^hark: hits: more: --before //p' "$T/err")
hk hits --json --before "$cursor"
expect_eq "$(grep -c '^{"id":"h_' "$T/out")" 4 "--before without --limit: the rest"
if [ -s "$T/err" ]; then bad "no 'more' without --limit: $(cat "$T/err")"; else ok; fi

# bad input: one line naming the cause, exit 2
for c in x 12 12- -5 1-2-3 "1-2 " 99999999999999999999-1; do
	hk hits --before "$c"
	expect_eq "$?" 2 "--before '$c'"
	grep -qF "hark: hits: --before: malformed cursor '$c'" "$T/err" && ok || bad "malformed cursor said: $(cat "$T/err")"
done
for n in 0 501 -1 x 5x; do
	hk hits --limit "$n"
	expect_eq "$?" 2 "--limit $n"
	grep -qF -- "--limit: '$n' is not a number from 1 to 500" "$T/err" && ok || bad "limit said: $(cat "$T/err")"
done
hk hits --tag nosuchtag
expect_eq "$?" 2 "--tag of no rule"
grep -qF "no configured rule has this tag" "$T/err" && ok || bad "tag said: $(cat "$T/err")"
hk hits --until yesterday
expect_eq "$?" 2 "--until yesterday"
grep -qF "hark: hits: --until: 'yesterday' is not a duration" "$T/err" && ok || bad "until said: $(cat "$T/err")"
hk hits --lang english
expect_eq "$?" 2 "--lang english"
# --rule of no rule: an error; of a rule defined without a hit: nothing
hk hits --rule nosuchrule
expect_eq "$?" 2 "--rule of no rule"
grep -qF "hark: hits: --rule 'nosuchrule': no such rule" "$T/err" && ok || bad "unknown rule said: $(cat "$T/err")"
hk hits --rule tice --rule nosuchrule
expect_eq "$?" 2 "--rule of a rule and of no rule"
printf '[rule quiet]\nquery = Xylophonique\n' >>"$T/w.rules"
hk hits --rule quiet
expect_eq "$?" 0 "--rule of a rule without hits: $(cat "$T/err")"
expect_eq "$(wc -l <"$T/out" | tr -d ' ')" 0 "--rule of a rule without hits: none"


# hark article: one article, its hits, its near duplicates (the object of
# GET /api/v1/articles/ID). ~800 words, the word 400 changed: a near duplicate.
long() {
	awk -v change="$1" 'BEGIN {
		n = split("council sanctions officials reports families detentions property " \
		    "ministers security chiefs businessmen militias diplomats lawyers victims " \
		    "money decision spring evening border refugees camps winter aid convoys " \
		    "trucks roads villages prisoners courts judges witnesses documents archives " \
		    "photographs soldiers checkpoints", w, " ")
		printf "Sanctions renewed\n\nThe council renewed its sanctions against officials close to Assad. "
		for (i = 1; i <= 800; i++) {
			x = w[(i * 7 + int(i / 13) * 3) % n + 1]
			if (i == 400 && change != "")
				x = change
			printf "%s%s", x, (i % 12 == 0 ? ". " : " ")
		}
		printf "\n"
	}'
}
long "" >"$T/long1.txt"
long harbour >"$T/long2.txt"
ingest "$T/long1.txt"
wait_for "$LOG" "file=long1.txt" 20 || bad "long1 stored"
ingest "$T/long2.txt"
wait_for "$LOG" "file=long2.txt" 20 || bad "long2 stored"
grep -qF "file=long2.txt lang=en hits=1 (near duplicate" "$LOG" && ok || bad "long2 a near duplicate: $(grep long2 "$LOG")"
aid() { sed -n "s/.* article \(a_[0-9a-f]*\) file=$1 .*/\1/p" "$LOG" | head -1; }
a1=$(aid long1.txt) a2=$(aid long2.txt) a3=$(aid en2.txt)
hk article --json "$a2"
expect_eq "$?" 0 "hark article --json"
expect_eq "$(wc -l <"$T/out" | tr -d ' ')" 1 "one object on one line"
grep -qF "{\"id\":\"$a2\",\"title\":\"Sanctions renewed\",\"source\":\"drop\",\"file\":\"long2.txt\",\"lang\":\"en\"," "$T/out" &&
	ok || bad "article object: $(head -c 300 "$T/out")"
grep -qF "\"near_of\":\"$a1\",\"format\":\"text\",\"charset\":\"utf-8\",\"fields\":{\"title\":\"Sanctions renewed\",\"body\":\"The council renewed" "$T/out" &&
	ok || bad "near_of and fields: $(head -c 400 "$T/out")"
grep -qF "\"hits\":[{\"id\":\"h_" "$T/out" && grep -qF '"rule":{"id":"assad","name":"assad","tags":["syria","people"]}' "$T/out" &&
	ok || bad "its hit, the stored object"
grep -qF "\"duplicates\":[{\"id\":\"$a1\",\"title\":\"Sanctions renewed\"" "$T/out" && ok || bad "its group's first article"
hk article --json "$a1"
grep -qF "\"duplicates\":[{\"id\":\"$a2\"," "$T/out" && ok || bad "the first article lists its near duplicate"
hk article "$a3"
expect_eq "$?" 0 "hark article"
grep -qF "title       Assad in Moscow" "$T/out" && ok || bad "text: title: $(cat "$T/out")"
grep -qF "hits        2" "$T/out" && ok || bad "text: two hits"
grep -qF "duplicates  0" "$T/out" && ok || bad "text: no duplicate"
grep -qF "Assad was seen in Moscow" "$T/out" && ok || bad "text: the body"
# one time format in text: local YYYY-MM-DD HH:MM, never the JSON's RFC 3339
grep -qE '^seen_at     [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}$' "$T/out" && ok ||
	bad "text: seen_at local: $(cat "$T/out")"
[ "$(grep -cE '^  [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} [a-z0-9_.-]+: ' "$T/out")" -eq 2 ] && ok ||
	bad "text: each hit's time local: $(cat "$T/out")"
grep -qE '[0-9]T[0-9]{2}:[0-9]{2}:[0-9]{2}Z' "$T/out" && bad "text: an RFC 3339 time: $(cat "$T/out")" || ok
# each hit's snippet (a hit object of version 2), marked as hark hits marks it
grep -qE '^  [0-9]{4}-[0-9-]+ [0-9:]+ assad: \[Assad\] was seen in Moscow' "$T/out" && ok ||
	bad "text: the assad hit's snippet, marked: $(cat "$T/out")"
grep -qE '^  [0-9]{4}-[0-9-]+ [0-9:]+ tice: .*the family of \[Austin Tice\] wrote' "$T/out" && ok ||
	bad "text: the tice hit's snippet, marked: $(cat "$T/out")"
hk article a_0000000000000000
expect_eq "$?" 2 "hark article of no article"
grep -qF "hark: article: no article 'a_0000000000000000' is stored" "$T/err" && ok || bad "no article said: $(cat "$T/err")"
hk article
expect_eq "$?" 2 "hark article without an id"

# A database of schema 3 (the release before): harkd upgrades it, its hits
# get their article's language, and the filters read them.
stop_harkd
expect_eq "$HSTATUS" 0 "harkd stops"
if command -v sqlite3 >/dev/null 2>&1; then
	sqlite3 "$T/state/hark.db" "DROP INDEX hits_source; DROP INDEX hits_lang; DROP INDEX hits_time_rule;
		DROP INDEX hits_rule_id; CREATE INDEX hits_rule_id ON hits(rule_id, detected_at);
		ALTER TABLE hits DROP COLUMN source; ALTER TABLE hits DROP COLUMN lang; DROP INDEX articles_text_seen; DROP TABLE store_meta; DROP TABLE mutes; ALTER TABLE deliveries DROP COLUMN period; ALTER TABLE deliveries DROP COLUMN requeued_at; ALTER TABLE articles DROP COLUMN format; ALTER TABLE articles DROP COLUMN charset; DROP INDEX articles_url; DROP INDEX articles_revision_of; ALTER TABLE articles DROP COLUMN revision_of; ALTER TABLE feed_items DROP COLUMN article; PRAGMA user_version = 3;" ||
		bad "downgrade to schema 3"
	hk hits --lang ar
	expect_eq "$?" 2 "hark hits on schema 3 before harkd"
	grep -qF "schema version 3 is older than this program's 18: run harkd once to upgrade" "$T/err" && ok ||
		bad "schema 3 said: $(cat "$T/err")"
	start_harkd
	expect_eq "$(pairs --lang ar)" "ar.txt asad-ar " "--lang after the upgrade"
	expect_eq "$(pairs --source drop --tag people)" \
		"en.txt tice en2.txt assad en2.txt tice fr.txt assad long1.txt assad long2.txt assad " \
		"--source after the upgrade"
	hk status --json
	grep -qF '"schema_version":18' "$T/out" && ok || bad "schema 18 after the upgrade: $(cat "$T/out")"
	stop_harkd
else
	note "no sqlite3 command: the upgrade from schema 3 is left to unit.test_store"
fi

# the text output: each hit's link, the article's address (a JSON article
# with a url), else its page under base_url, else none
[ -n "$HPID" ] || start_harkd
printf '{"title": "Tice report", "url": "https://news.example.org/tice?id=1", "body": "Austin Tice was seen."}\n' >"$T/url.json"
ingest "$T/url.json"
wait_for "$LOG" "file=url.json" 20 || bad "url.json stored"
hk hits --rule tice --limit 1
grep -qE '^[0-9-]+ [0-9:]+ tice Tice report: \[Austin Tice\] was seen\. <https://news\.example\.org/tice\?id=1>$' "$T/out" &&
	ok || bad "the link of a hit: $(cat "$T/out")"
hk hits --rule moscou
grep -q '<' "$T/out" && bad "a link without an address or base_url: $(cat "$T/out")" || ok
sed 's/^\[hark\]$/[hark]/' "$T/hark.conf" >"$T/base.conf"
printf '[http]\nlisten = 127.0.0.1:0\nbase_url = https://hark.example.org/\n' >>"$T/base.conf"
"$HARK" -c "$T/base.conf" hits --rule moscou >"$T/out" 2>"$T/err"
grep -qE ' moscou .* <https://hark\.example\.org/articles/a_[0-9a-f]{16}>$' "$T/out" && ok ||
	bad "the page link under base_url: $(cat "$T/out" "$T/err")"
"$HARK" -c "$T/base.conf" hits --rule tice --limit 1 >"$T/out" 2>"$T/err"
grep -qF '<https://news.example.org/tice?id=1>' "$T/out" && ok || bad "the address before the page: $(cat "$T/out")"
finish
