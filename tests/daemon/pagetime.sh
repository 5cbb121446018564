#!/bin/sh
# The pages show times in harkd's zone (TZ of its process), with the
# offset, as hark hits shows them in the user's: with TZ=HRK-05:30 (a POSIX
# zone, no tzdata needed) a hit's time on "/", "/rules", "/articles/ID"
# is its UTC instant + 05:30 written
# "YYYY-MM-DD HH:MM +05:30", the same minute hark hits prints under that
# TZ, its <time datetime> the UTC instant of the API; the JSON API and the
# Atom feed stay in UTC.
# Usage: pagetime.sh HARK HARKD
. "$(dirname "$0")/lib.sh"
daemon_init "$@"
command -v curl >/dev/null 2>&1 || { echo "skip: no curl (contrib/install-deps)"; exit 77; }

printf '[rule assad]\nquery = Assad\n' >"$T/w.rules"
printf 'Report\n\nAssad was seen in Moscow, a report says.\n' >"$T/a.txt"
write_conf
printf '[http]\nlisten = 127.0.0.1:0\n' >>"$T/hark.conf"
TZ=HRK-05:30 start_harkd
URL=$(cut -d' ' -f1 "$T/state/harkd.http")
ingest "$T/a.txt"
wait_until '[ "$(status_of hits)" = 1 ]' 20 || bad "the hit stored"

get() { curl -s --max-time 10 "$URL$1"; }
utc=$(get api/v1/hits | grep -o '"detected_at":"[^"]*"' | sed 's/.*:"\(.*\)"/\1/')
case $utc in
????-??-??T??:??:??Z) ok ;; *) bad "the API's detected_at is UTC: '$utc'" ;;
esac
# the minute at +05:30, by date(1) (GNU), and as hark hits prints it in that zone
want=$(TZ=HRK-05:30 date -d "$utc" '+%Y-%m-%d %H:%M')
cli=$(TZ=HRK-05:30 "$HARK" -c "$T/hark.conf" hits | grep -o '^[0-9-]* [0-9:]*' | head -1)
expect_eq "$cli" "$want" "hark hits in TZ=HRK-05:30"

get "" >"$T/hits.html"
grep -qF "<time datetime=\"$utc\">$want +05:30</time>" "$T/hits.html" && ok ||
	bad "/ shows the time at +05:30 (want '$want +05:30'): $(grep -o '<time[^/]*/time>' "$T/hits.html")"
get rules >"$T/rules.html"
grep -qF "<time datetime=\"$utc\">$want +05:30</time>" "$T/rules.html" && ok ||
	bad "/rules shows the last hit at +05:30: $(grep -o '<time[^/]*/time>' "$T/rules.html")"
art=$(get api/v1/hits | grep -o '"article":{"id":"a_[0-9a-f]*"' | sed 's/.*"\(a_[0-9a-f]*\)"/\1/')
get "articles/$art" >"$T/article.html"
grep -qF "<time datetime=\"$utc\">$want +05:30</time>" "$T/article.html" && ok ||
	bad "/articles/$art shows the hit at +05:30"
# the API and the feed: UTC
get hits.atom >"$T/feed.xml"
grep -qF "<updated>$utc</updated>" "$T/feed.xml" && ok || bad "the Atom feed in UTC: $(grep updated "$T/feed.xml")"
grep -qF "+05:30" "$T/feed.xml" && bad "the Atom feed holds an offset" || ok
get api/v1/hits | grep -qF "+05:30" && bad "the API holds an offset" || ok

# UTC: +00:00
stop_harkd
TZ=UTC start_harkd
URL=$(cut -d' ' -f1 "$T/state/harkd.http")
want=$(TZ=UTC date -d "$utc" '+%Y-%m-%d %H:%M')
get "" >"$T/hits.html"
grep -qF "<time datetime=\"$utc\">$want +00:00</time>" "$T/hits.html" && ok ||
	bad "/ under TZ=UTC: $(grep -o '<time[^/]*/time>' "$T/hits.html")"
stop_harkd
finish
