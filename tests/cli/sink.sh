#!/bin/sh
# hark sink as a webhook sender meets it, through curl: a signed request
# (the published vector of the Standard Webhooks specification) is answered
# 200 and printed; a changed body, a missing header or an old timestamp are
# answered 401 and said on stderr; a hit object is printed readably;
# SIGTERM stops it with 0. The secret from --secret-file or HARK_SINK_SECRET
# is checked the same and is not on the command line (ps).
# Usage: sink.sh HARK. Skipped (77) without curl.
HARK=$1
[ -x "$HARK" ] || { echo "usage: $0 HARK" >&2; exit 2; }
command -v curl >/dev/null 2>&1 || { echo "skipped: no curl"; exit 77; }
T=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill -TERM $pid 2>/dev/null; rm -rf "$T"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
has() { if grep -qF -- "$2" "$T/$1"; then ok; else bad "$3: no '$2' in $1"; cat "$T/$1"; fi; }
hasnt() { if grep -qF -- "$2" "$T/$1"; then bad "$3: '$2' in $1"; else ok; fi; }
# is WANT DESCRIPTION: the status curl wrote to $T/code
is() {
	got=$(cat "$T/code")
	if [ "$got" = "$1" ]; then ok; else bad "$2: HTTP $got, want $1"; fi
}

SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
ID=msg_p5jXN8AQM9LWM0D4loKWxJek
TS=1614265330
SIG=v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=
BODY='{"test": 2432232314}'

# start_sink ARGS...: on a free port (tried from a few), sets pid and URL
start_sink() {
	for try in 1 2 3 4 5 6 7 8; do
		port=$((20000 + ($$ * 7 + try * 613) % 40000))
		: >"$T/out"
		: >"$T/err"
		"$HARK" sink --port $port "$@" >"$T/out" 2>"$T/err" &
		pid=$!
		for _ in $(seq 600); do
			grep -q listening "$T/err" && break
			kill -0 $pid 2>/dev/null || break
			sleep 0.05
		done
		if grep -q listening "$T/err"; then
			URL=http://127.0.0.1:$port/
			return 0
		fi
		# still starting after 30 s: stopped, not waited for without end
		kill $pid 2>/dev/null
		wait $pid
		pid=
		grep -q 'Address already in use' "$T/err" || break
	done
	bad "hark sink $* did not start:"
	cat "$T/err"
	exit 1
}
stop_sink() {
	kill -TERM $pid
	wait $pid
	rc=$?
	pid=
	if [ $rc -eq 0 ]; then ok; else bad "$1: exit $rc after SIGTERM, want 0"; fi
}
post() {
	curl -s -o "$T/body" -w '%{http_code}' "$@" "$URL" >"$T/code" 2>/dev/null
}

# signatures checked; the vector is old: a max-age that takes it
start_sink --secret $SECRET --max-age 2000000000
has err "listening on http://127.0.0.1:$port/ (signatures checked)" "banner"
post -H "webhook-id: $ID" -H "webhook-timestamp: $TS" -H "webhook-signature: $SIG" \
	--data-binary "$BODY"
is 200 "the vector"
post -H "webhook-id: $ID" -H "webhook-timestamp: $TS" -H "webhook-signature: v1,bm90IGl0 $SIG" \
	--data-binary "$BODY"
is 200 "the vector among two signatures"
post -H "webhook-id: changed" -H "webhook-timestamp: $TS" -H "webhook-signature: $SIG" \
	--data-binary "$BODY"
is 401 "another id"
post -H "webhook-id: $ID" -H "webhook-timestamp: $TS" -H "webhook-signature: $SIG" \
	--data-binary '{"test": 2432232315}'
is 401 "a changed body"
has err "rejected: webhook-signature does not match" "a changed body said"
post -H "webhook-id: $ID" -H "webhook-timestamp: $TS" --data-binary "$BODY"
is 401 "no signature"
has err "rejected: no webhook-signature header" "no signature said"
post -H "webhook-timestamp: $TS" -H "webhook-signature: $SIG" --data-binary "$BODY"
is 401 "no id"
has err "rejected: no webhook-id header" "no id said"
post -H "webhook-id: $ID" -H "webhook-timestamp: 16142x" -H "webhook-signature: $SIG" \
	--data-binary "$BODY"
is 401 "a bad timestamp"
has err "rejected: webhook-timestamp '16142x' is not Unix seconds" "a bad timestamp said"
curl -s -o "$T/body" -w '%{http_code}' "$URL" >"$T/code"
is 200 "GET /"
has body "hark sink" "GET / says what it is"
curl -s -o /dev/null -w '%{http_code}' -X PUT "$URL" >"$T/code"
is 405 "PUT"
stop_sink "signatures checked"
has out "$BODY" "the body printed"
has out "webhook-id $ID  signature ok" "the verdict printed"
n=$(grep -c 'signature ok' "$T/out")
[ "$n" -eq 2 ] && ok || bad "$n alerts printed, want 2"
hasnt out "2432232315" "a rejected body is not printed"

# the default max-age rejects the vector's 2021 timestamp
start_sink --secret $SECRET
post -H "webhook-id: $ID" -H "webhook-timestamp: $TS" -H "webhook-signature: $SIG" \
	--data-binary "$BODY"
is 401 "an old timestamp"
has err "rejected: webhook-timestamp is" "an old timestamp said"
has err "old (--max-age 300)" "an old timestamp said"
stop_sink "max-age"

# the secret in a file (blanks around it ignored, as hark.conf's secret_file):
# checked the same, and not on the command line other users read
printf '  %s\n\n' "$SECRET" >"$T/secret"
chmod 600 "$T/secret"
start_sink --secret-file "$T/secret" --max-age 2000000000
has err "(signatures checked)" "--secret-file: banner"
hasnt err "warning" "--secret-file of mode 0600: no warning"
post -H "webhook-id: $ID" -H "webhook-timestamp: $TS" -H "webhook-signature: $SIG" \
	--data-binary "$BODY"
is 200 "--secret-file: the vector"
post -H "webhook-id: changed" -H "webhook-timestamp: $TS" -H "webhook-signature: $SIG" \
	--data-binary "$BODY"
is 401 "--secret-file: another id"
if [ -r /proc/$pid/cmdline ]; then
	tr '\0' ' ' </proc/$pid/cmdline >"$T/cmdline"
	hasnt cmdline "${SECRET#whsec_}" "--secret-file: the secret on the command line"
fi
stop_sink "--secret-file"
# the environment: HARK_SINK_SECRET, when no option names a secret
HARK_SINK_SECRET=$SECRET start_sink --max-age 2000000000
has err "(signatures checked)" "HARK_SINK_SECRET: banner"
post -H "webhook-id: $ID" -H "webhook-timestamp: $TS" -H "webhook-signature: $SIG" \
	--data-binary "$BODY"
is 200 "HARK_SINK_SECRET: the vector"
post -H "webhook-id: $ID" -H "webhook-timestamp: $TS" -H "webhook-signature: $SIG" \
	--data-binary '{"test": 2432232315}'
is 401 "HARK_SINK_SECRET: a changed body"
stop_sink "HARK_SINK_SECRET"
# --secret-file over HARK_SINK_SECRET: the command line wins
HARK_SINK_SECRET=whsec_bm90IHRoZSBzZWNyZXQgYXQgYWxs start_sink --secret-file "$T/secret" \
	--max-age 2000000000
post -H "webhook-id: $ID" -H "webhook-timestamp: $TS" -H "webhook-signature: $SIG" \
	--data-binary "$BODY"
is 200 "--secret-file over HARK_SINK_SECRET"
stop_sink "--secret-file over HARK_SINK_SECRET"
# readable by others: a warning, as harkd -n gives of a secret_file
chmod 644 "$T/secret"
start_sink --secret-file "$T/secret"
has err "hark: sink: warning: --secret-file: '$T/secret' is accessible to others (mode 0644); chmod o= it" \
	"--secret-file of mode 0644"
stop_sink "--secret-file of mode 0644"
timeout 5 "$HARK" sink --secret-file "$T/absent" 2>"$T/err" && bad "an absent --secret-file taken" ||
	has err "hark: sink: --secret-file: '$T/absent': No such file or directory" "an absent --secret-file"
timeout 5 "$HARK" sink --secret-file "$T" 2>"$T/err" && bad "a directory as --secret-file taken" ||
	has err "--secret-file: '$T' is not a regular file" "a directory as --secret-file"
printf 'whsec_n*pe!\n' >"$T/bad"
timeout 5 "$HARK" sink --secret-file "$T/bad" 2>"$T/err" && bad "a bad --secret-file taken" ||
	has err "hark: sink: --secret-file: the secret in '$T/bad' is not 'whsec_' followed by base64" \
		"a bad --secret-file"
hasnt err "n*pe" "the file's secret is not quoted"
timeout 5 "$HARK" sink --secret "$SECRET" --secret-file "$T/secret" 2>"$T/err" &&
	bad "--secret and --secret-file taken together" ||
	has err "--secret and --secret-file together; keep one" "--secret and --secret-file"
HARK_SINK_SECRET=nope timeout 5 "$HARK" sink 2>"$T/err" && bad "a bad HARK_SINK_SECRET taken" ||
	has err "hark: sink: HARK_SINK_SECRET: not 'whsec_' followed by base64" "a bad HARK_SINK_SECRET"

# no secret: a hit object printed readably, in the local time of TZ
export TZ=UTC
start_sink
has err "(signatures not checked: no secret)" "banner without a secret"
post -H "webhook-id: h_0123" -H 'Content-Type: application/json' --data-binary \
	'{"id":"h_0123","rule":{"id":"assad","name":"Bashar al-Assad","tags":[]},"article":{"id":"a_1","title":"Bruxelles prolonge","url":"https://example.org/a","source":"feed","lang":"fr"},"matches":[],"snippet":"…le régime d’«Assad».","detected_at":"2026-11-21T10:00:03Z"}'
is 200 "a hit"
# the hit object of today: the snippet's marks (character offsets) between [ ]
post -H "webhook-id: h_0124" -H 'Content-Type: application/json' --data-binary \
	'{"id":"h_0124","rule":{"id":"tice","tags":[]},"article":{"id":"a_2","title":"« Tice »","source":"feed"},"matches":[],"snippet":{"text":"…d’après « Austin Tice », dit-il.","marks":[[11,22]]},"detected_at":"2026-11-21T10:00:04Z"}'
is 200 "a hit with marks"
post --data-binary '{"text": "slack\u0007 message"}'
is 200 "a slack body"
stop_sink "no secret"
has out "[2026-11-21 10:00] assad  «Bashar al-Assad»" "hit: time, rule, name"
has out "  Bruxelles prolonge   https://example.org/a" "hit: title and address"
has out "  …le régime d’«Assad»." "hit: a snippet of an earlier hark, a string, as it is"
has out "  …d’après « [Austin Tice] », dit-il." "hit: the snippet's marks between [ ]"
has out "  webhook-id h_0123  signature not checked" "hit: verdict"
has out '{"text": "slack\u0007 message"}' "other bodies as they came"

# options
"$HARK" sink --port 0 2>"$T/err" && bad "--port 0 taken" || has err "is not a port" "--port 0"
"$HARK" sink --secret nope 2>"$T/err" && bad "--secret nope taken" ||
	has err "--secret: not 'whsec_' followed by base64" "--secret nope"
hasnt err "nope" "the secret is not quoted"
"$HARK" sink --max-age 0 2>"$T/err" && bad "--max-age 0 taken" || has err "--max-age" "--max-age 0"
start_sink
timeout 5 "$HARK" sink --port $port 2>"$T/err2" && bad "a port in use taken" || {
	mv "$T/err2" "$T/busy"
	has busy "cannot listen on 127.0.0.1:$port" "a port in use"
}
stop_sink "busy"

echo "sink: $pass passed, $fail failed"
[ $fail -eq 0 ]
