#!/bin/sh
# hark rules [--json]: every rule, disabled ones too, with file:line, tags,
# languages, notify targets and hits in 24 h from the database harkd wrote;
# without a database the counts are 0 and stderr says so. Also --version.
# Usage: rules.sh HARK HARKD
. "$(dirname "$0")/../daemon/lib.sh"
daemon_init "$@"

cat >"$T/w.rules" <<'R'
# first
[rule tice]
query = "Austin Tice"
tags = press people
notify = newsroom

[rule border]
query = border
lang = fr en

[rule old]
query = forgotten
enabled = no
R
write_conf
printf '[webhook newsroom]\nurl = http://127.0.0.1:9/hook\n' >>"$T/hark.conf"

# --- no database yet
hk rules || bad "hark rules without a database: status $?: $(cat "$T/err")"
grep -q 'hits not counted' "$T/err" && ok || bad "stderr says the hits are not counted: $(cat "$T/err")"
expect_eq "$(wc -l <"$T/out" | tr -d ' ')" 3 "three rules, the disabled one too"
grep -q "^tice  $T/w.rules:2  hits_24h 0  tags press,people  lang -  notify newsroom$" "$T/out" && ok ||
	bad "the text line of tice: $(cat "$T/out")"
grep -q "^old  $T/w.rules:11  hits_24h 0  tags -  lang -  notify -  disabled$" "$T/out" && ok ||
	bad "the disabled rule: $(cat "$T/out")"

# --- hits from harkd
printf 'One\n\nAustin Tice near the border.\n' >"$T/a.txt"
printf 'Two\n\nAustin Tice again.\n' >"$T/b.txt"
start_harkd
ingest "$T/a.txt" "$T/b.txt"
wait_until '[ "$(status_of hits)" = 3 ]' 20 || bad "3 hits stored: $(status_of hits)"
stop_harkd
hk rules --json || bad "hark rules --json: $(cat "$T/err")"
expect_eq "$(cat "$T/err")" "" "nothing on stderr with a database"
grep -qxF "{\"id\":\"tice\",\"file\":\"$T/w.rules\",\"line\":2,\"name\":\"tice\",\"tags\":[\"press\",\"people\"],\"lang\":[],\"notify\":[\"newsroom\"],\"enabled\":true,\"muted\":false,\"hits_24h\":2}" "$T/out" &&
	ok || bad "tice in JSON: $(cat "$T/out")"
grep -q '"id":"border",.*"lang":\["fr","en"\],.*"enabled":true,.*"hits_24h":1}' "$T/out" && ok ||
	bad "border in JSON: $(cat "$T/out")"
grep -q '"id":"old",.*"enabled":false,.*"hits_24h":0}' "$T/out" && ok || bad "old in JSON: $(cat "$T/out")"
hk rules
grep -q '^tice  .*  hits_24h 2  ' "$T/out" && ok || bad "tice's hits in text: $(cat "$T/out")"
hk rules extra && bad "an argument is refused" || ok

# --- the versions, from CMake's project()
v=$(sed -n 's/^project(hark VERSION \([0-9.]*\).*/\1/p' "$(dirname "$0")/../../CMakeLists.txt")
expect_eq "$("$HARK" --version)" "hark $v" "hark --version"
expect_eq "$("$HARKD" --version)" "harkd $v" "harkd --version"
finish
