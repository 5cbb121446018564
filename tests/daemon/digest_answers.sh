#!/bin/sh
# A webhook's digest reads its receiver's answer as a hit's delivery does
# (README, harkd(8)): 429 with Retry-After: 120 makes the digest wait for
# the later of it and the schedule's step (120 s, not the 5 s of the first
# retry), and the attempt counts; 410 Gone disables the webhook (logged,
# hark status), its digest's rows stay pending, not tried again, and go
# once a reload brings a changed url; 404, a permanent refusal, makes the
# digest's rows dead at once, with the receiver's first line.
# Needs the sqlite3 shell (the digests are made due in the database): exit 77 otherwise.
# Usage: digest_answers.sh HARK HARKD RECEIVER
. "$(dirname "$0")/lib.sh"
RECV=$(abspath "${3:-}")
daemon_init "$@"
[ -x "$RECV" ] || {
	echo "usage: $0 HARK HARKD RECEIVER" >&2
	exit 2
}
command -v sqlite3 >/dev/null 2>&1 || {
	echo "skip: no sqlite3 shell"
	exit 77
}
P1= P2= P3= P4=
trap 'for p in $P1 $P2 $P3 $P4; do kill -TERM "$p" 2>/dev/null; done; daemon_cleanup' EXIT
RECEIVER_RETRY_AFTER=120 "$RECV" "$T/lim.port" limited >"$T/lim.out" 2>"$T/lim.err" &
P1=$!
"$RECV" "$T/gone.port" gone >"$T/gone.out" 2>"$T/gone.err" &
P2=$!
"$RECV" "$T/ok.port" ok >"$T/ok.out" 2>"$T/ok.err" &
P3=$!
"$RECV" "$T/bad.port" status=404 >"$T/bad.out" 2>"$T/bad.err" &
P4=$!
wait_until "[ -s '$T/lim.port' ] && [ -s '$T/gone.port' ] && [ -s '$T/ok.port' ] && [ -s '$T/bad.port' ]" 5 ||
	bad "the receivers did not start: $(cat "$T/lim.err" "$T/gone.err" "$T/ok.err" "$T/bad.err")"
reqs() { wc -l <"$T/$1.out" | tr -d ' '; }
DB=$T/state/hark.db
sql() { sqlite3 -cmd '.timeout 5000' "$DB" "$1"; }
now() { date +%s; }

# the digests' time twelve hours away: only their rows made due send them
H=$((($(date +%H | sed 's/^0//') + 12) % 24))
printf '[rule heading]\nquery = heading\n' >"$T/w.rules"
write_conf
cp "$T/hark.conf" "$T/base.conf"
hooks() { # hooks GONE-PORT: the two webhooks, gone's url on GONE-PORT
	cat "$T/base.conf"
	cat <<CONF
[webhook lim]
url    = http://127.0.0.1:$(cat "$T/lim.port")/hook
digest = daily $H:00
[webhook gone]
url    = http://127.0.0.1:$1/hook
digest = daily $H:00
[webhook bad]
url    = http://127.0.0.1:$(cat "$T/bad.port")/hook
digest = daily $H:00
CONF
}
hooks "$(cat "$T/gone.port")" >"$T/hark.conf"
start_harkd
pending() { sql "SELECT count(*) FROM deliveries WHERE state = 'pending'"; }

printf 'A heading of today\n\nThe heading story.\n' >"$T/a1.txt"
ingest "$T/a1.txt"
wait_until '[ "$(pending)" = 3 ]' 30 || bad "three pending rows: $(sql 'SELECT * FROM deliveries')"
expect_eq "$(reqs lim)$(reqs gone)$(reqs bad)" 000 "requests before the digests are due"
# both digests due now, as at the end of their period; SIGUSR2 sends what is due
sql "UPDATE deliveries SET next_at = CAST(strftime('%s', 'now') AS INTEGER) - 1"
t0=$(now)
kill -USR2 "$HPID"
wait_until '[ "$(reqs lim)" -ge 1 ] && [ "$(reqs gone)" -ge 1 ]' 20 ||
	bad "the digests were not sent: lim $(reqs lim), gone $(reqs gone)"
wait_until "grep -q 'hits\{0,1\} to lim failed' '$LOG'" 10 || bad "lim: no outcome: $(grep lim "$LOG")"
wait_until "grep -q 'webhook gone answered 410' '$LOG'" 10 || bad "gone: no 410 line: $(grep gone "$LOG")"
sleep 1

# 429, Retry-After: 120: next tried 120 s on at least, the attempt counted
"$HARK" -c "$T/hark.conf" deliveries --json >"$T/d.json"
lim=$(grep '"webhook":"lim"' "$T/d.json")
na=$(printf '%s\n' "$lim" | sed -n 's/.*"next_attempt":"\([^"]*\)".*/\1/p')
na=$(date -u -d "$na" +%s 2>/dev/null)
[ -n "$na" ] && [ "$na" -ge $((t0 + 120)) ] && ok ||
	bad "lim: next attempt at ${na:-?}, not 120 s after $t0 (Retry-After: 120): $lim"
printf '%s\n' "$lim" | grep -q '"attempts":1[,}]' && ok || bad "lim: the attempt counted: $lim"
printf '%s\n' "$lim" | grep -q '"state":"pending"' && ok || bad "lim: pending: $lim"
grep -qE "digest [0-9]+ of 1 hit to lim failed \(HTTP 429, Retry-After 120s\): attempt 1, next in 1[2-9][0-9]s$" "$LOG" && ok ||
	bad "lim: the 429's line: $(grep 'to lim' "$LOG")"

# 410: the webhook disabled, its digest's row pending, its attempts not counted
grep -qF "webhook gone answered 410 Gone: disabled until its configuration changes" "$LOG" && ok ||
	bad "gone: the disabled line: $(grep gone "$LOG")"
"$HARK" -c "$T/hark.conf" status >"$T/st" 2>&1
grep -qE '^webhook gone: +disabled \(410 Gone\) since ' "$T/st" && ok ||
	bad "hark status shows gone disabled: $(cat "$T/st")"
gone=$(grep '"webhook":"gone"' "$T/d.json")
printf '%s\n' "$gone" | grep -q '"state":"pending"' && ok || bad "gone: pending: $gone"
printf '%s\n' "$gone" | grep -q '"attempts":0[,}]' && ok || bad "gone: no attempt counted: $gone"
printf '%s\n' "$gone" | grep -q '"last_error":"410 Gone"' && ok || bad "gone: its last error: $gone"
# 404: dead at once, the receiver's first line as its last error (controls removed)
bad=$(grep '"webhook":"bad"' "$T/d.json")
printf '%s\n' "$bad" | grep -q '"state":"dead"' && ok || bad "bad: dead after a 404: $bad"
printf '%s\n' "$bad" | grep -q '"last_error":"HTTP 404: 404 ' && ok || bad "bad: its last error: $bad"

# not asked again at the schedule's 5 s: lim waits for its Retry-After, gone is disabled
sleep 7
expect_eq "$(reqs lim)" 1 "lim: requests while Retry-After holds ($(cat "$T/lim.out"))"
expect_eq "$(reqs gone)" 1 "gone: requests once disabled ($(cat "$T/gone.out"))"
expect_eq "$(reqs bad)" 1 "bad: requests after its 404 ($(cat "$T/bad.out"))"
# SIGUSR1 hurries a paused webhook (an early attempt), never a disabled one
kill -USR1 "$HPID"
wait_until '[ "$(reqs lim)" -ge 2 ]' 10 || bad "lim: no early attempt for SIGUSR1"
sleep 1
expect_eq "$(reqs gone)" 1 "gone: requests after SIGUSR1 ($(cat "$T/gone.out"))"

# a changed url enables gone again: its held digest goes
hooks "$(cat "$T/ok.port")" >"$T/hark.conf"
kill -HUP "$HPID"
wait_until '[ "$(reqs ok)" -ge 1 ]' 20 || bad "gone's held digest not sent after its url changed: $(grep gone "$LOG")"
wait_until "[ \"\$(sql \"SELECT state FROM deliveries WHERE webhook = 'gone'\")\" = sent ]" 10 ||
	bad "gone's row not sent: $(sql "SELECT * FROM deliveries WHERE webhook = 'gone'")"
stop_harkd
expect_eq "$HSTATUS" 0 "harkd's exit status"
finish
