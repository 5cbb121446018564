# Shared by the end-to-end tests of harkd (sourced, POSIX sh). Each test runs
# the real harkd on a real SQLite file in its own mktemp -d directory and
# drives it with the real hark; nothing is mocked.
#
# A test script starts with
#	. "$(dirname "$0")/lib.sh"
#	daemon_init "$@"            # HARK HARKD [...]: sets $HARK $HARKD $T
# and ends with `finish`. The directory and any harkd still running are
# cleaned up on exit, whatever the way out.

# 0.05 s steps: short enough to keep the tests fast, long enough not to spin.
STEP=0.05

pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
note() { echo "# $*"; }

# abspath PATH: PATH from /, so that a test may cd.
abspath() {
	case $1 in
	/*) printf '%s\n' "$1" ;;
	*) printf '%s/%s\n' "$(pwd)" "$1" ;;
	esac
}

daemon_init() {
	HARK=$(abspath "$1") HARKD=$(abspath "$2")
	[ -x "$HARK" ] && [ -x "$HARKD" ] || {
		echo "usage: $0 HARK HARKD" >&2
		exit 2
	}
	T=$(mktemp -d) || exit 2
	HPID=
	# the sanitizer build: leaks and UB must show in the log, not abort the test silently
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
	export ASAN_OPTIONS UBSAN_OPTIONS
	trap daemon_cleanup EXIT
	trap 'exit 2' INT TERM HUP
}

daemon_cleanup() {
	if [ -n "$HPID" ] && kill -0 "$HPID" 2>/dev/null; then
		kill -KILL "$HPID" 2>/dev/null
		wait "$HPID" 2>/dev/null
	fi
	[ -n "$KEEP" ] && echo "kept $T" || rm -rf "$T"
}

# steps TIMEOUT: how many steps make TIMEOUT seconds.
steps() { awk -v t="$1" -v s="$STEP" 'BEGIN { printf "%d", t / s }'; }

# wait_until CMD TIMEOUT: run CMD (a shell string) every step until it
# succeeds; status 1 when TIMEOUT seconds pass first.
wait_until() {
	_n=$(steps "$2")
	while ! eval "$1" >/dev/null 2>&1; do
		[ "$_n" -le 0 ] && return 1
		_n=$((_n - 1))
		sleep "$STEP"
	done
}

# wait_for LOGFILE PATTERN TIMEOUT [COUNT]: until LOGFILE holds COUNT (default
# 1) lines with the fixed string PATTERN; status 1 when TIMEOUT seconds pass.
wait_for() {
	_n=$(steps "$3")
	while :; do
		_c=$(grep -cF -- "$2" "$1" 2>/dev/null)
		[ "${_c:-0}" -ge "${4:-1}" ] && return 0
		[ "$_n" -le 0 ] && return 1
		_n=$((_n - 1))
		sleep "$STEP"
	done
}

# count LOGFILE PATTERN: lines of LOGFILE with the fixed string PATTERN.
count() { grep -cF -- "$2" "$1"; }

# files DIR: how many entries DIR holds (dot files and NAME.error included).
files() { ls -A "$1" | wc -l | tr -d ' '; }

# write_conf [KEY = VALUE lines...]: $T/hark.conf with the state and spool
# in $T and the rules of $T/w.rules; extra lines go into [hark].
write_conf() {
	{
		printf '[hark]\nstate_dir = state\nspool_dir = spool\nrules = w.rules\n'
		for _l in "$@"; do printf '%s\n' "$_l"; done
	} >"$T/hark.conf"
}

# start_harkd [LOG]: start harkd on $T/hark.conf, logging to LOG (default
# $T/log, appended), and wait for its "started" line: up to 60 s, as 400,000
# rules under the sanitizers on a loaded machine took 39 s (reload.sh).
start_harkd() {
	LOG=${1:-$T/log}
	# made here: harkd's 2>> below opens it in the child, maybe after the first grep
	: >>"$LOG"
	_before=$(grep -cF 'started: ' "$LOG" 2>/dev/null)
	"$HARKD" -c "$T/hark.conf" 2>>"$LOG" &
	HPID=$!
	_n=$(steps 60)
	# until the started line, or harkd's death (a refused configuration)
	while [ "$(grep -cF 'started: ' "$LOG")" -le "${_before:-0}" ] && kill -0 "$HPID" 2>/dev/null &&
		[ "$_n" -gt 0 ]; do
		_n=$((_n - 1))
		sleep "$STEP"
	done
	if [ "$(grep -cF 'started: ' "$LOG")" -le "${_before:-0}" ]; then
		if kill -0 "$HPID" 2>/dev/null; then
			bad "harkd did not start in 60 s"
			kill -KILL "$HPID"
			wait "$HPID"
		else
			wait "$HPID"
			bad "harkd did not start: exit status $?$([ -d "$T" ] || echo ", and $T is gone")"
		fi
		HPID=
		cat "$LOG"
		finish
	fi
}

# stop_harkd: SIGTERM, then its exit status in $HSTATUS (124 if it took
# longer than 60 s, and then it is killed: harkd's own deadline for the
# documents in hand is 30 s, and a loaded machine may add to it).
stop_harkd() {
	kill -TERM "$HPID" 2>/dev/null
	if wait_until "! kill -0 $HPID" 60; then
		wait "$HPID"
		HSTATUS=$?
	else
		kill -KILL "$HPID"
		wait "$HPID"
		HSTATUS=124
	fi
	HPID=
}

# kill_harkd: SIGKILL, as a crash.
kill_harkd() {
	kill -KILL "$HPID" 2>/dev/null
	wait "$HPID" 2>/dev/null
	HPID=
}

# ingest FILE...: hark ingest, which must succeed.
ingest() {
	"$HARK" -c "$T/hark.conf" ingest -q "$@" 2>"$T/ingest.err" ||
		bad "hark ingest $*: $(cat "$T/ingest.err")"
}

# hk ARGS...: hark -c $T/hark.conf ARGS, stdout in $T/out, stderr in $T/err.
hk() {
	"$HARK" -c "$T/hark.conf" "$@" >"$T/out" 2>"$T/err"
}

# status_of KEY: the value of one line of `hark status` ("articles", "hits"...).
status_of() {
	"$HARK" -c "$T/hark.conf" status 2>/dev/null | sed -n "s/^$1: *//p"
}

# hit_pairs: the stored hits as "FILE RULE" lines, sorted (hark hits --json).
hit_pairs() {
	"$HARK" -c "$T/hark.conf" hits --json |
		sed -n 's/.*"rule":{"id":"\([^"]*\)".*"file":"\([^"]*\)".*/\2 \1/p' | sort
}

# has_backtest: whether this hark has `hark backtest` (it may land later).
has_backtest() { "$HARK" backtest --help >/dev/null 2>&1; }

# backtest_pairs [ARGS...]: what hark backtest --json finds in the stored
# archive, as "FILE RULE" lines, sorted.
backtest_pairs() {
	"$HARK" -c "$T/hark.conf" backtest --json -q "$@" 2>>"$T/backtest.err" |
		sed -n 's/.*"rule":{"id":"\([^"]*\)".*"file":"\([^"]*\)".*/\2 \1/p' | sort
}

# expect_eq GOT WANT WHAT
expect_eq() {
	if [ "$1" = "$2" ]; then ok; else bad "$3: got '$1', want '$2'"; fi
}

# no_sanitizer_report FILE...: an ASan or UBSan report fails the test.
no_sanitizer_report() {
	for _f in "$@"; do
		[ -f "$_f" ] || continue
		if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$_f"; then
			bad "sanitizer report in $(basename "$_f")"
			grep -E -A30 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$_f" | head -60
		else
			ok
		fi
	done
}

finish() {
	no_sanitizer_report "$T"/log* "$T"/err "$T"/*.err
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ] && exit 0
	[ -n "$LOG" ] && [ -f "$LOG" ] && { echo "--- harkd log (last 40 lines)"; tail -40 "$LOG"; }
	exit 1
}

# ---- a real SMTP server (tests/daemon/smtpserver.py, Debian's python3-aiosmtpd) ----

# smtp_init: find a python3 with aiosmtpd (else skip the test: 77) and stop
# every server smtp_start started when the test ends.
smtp_init() {
	SMTPSERVER=$(abspath "$(dirname "$0")/smtpserver.py")
	PY=
	for _p in /usr/bin/python3 python3; do
		if "$_p" -c 'import aiosmtpd' 2>/dev/null; then
			PY=$_p
			break
		fi
	done
	if [ -z "$PY" ]; then
		echo "SKIP: python3-aiosmtpd is not installed (apt-get install python3-aiosmtpd)"
		exit 77
	fi
	SPIDS=
	trap 'smtp_stop_all; daemon_cleanup' EXIT
}
smtp_stop_all() {
	for _p in $SPIDS; do
		kill -TERM "$_p" 2>/dev/null
		wait "$_p" 2>/dev/null
	done
	SPIDS=
}
# smtp_start NAME ARGS...: a server saving into $T/NAME/ (smtpserver.py's
# options), its port in $T/NAME/port; its pid in spid_NAME
smtp_start() {
	_n=$1
	shift
	mkdir -p "$T/$_n"
	rm -f "$T/$_n/port"
	"$PY" "$SMTPSERVER" "$T/$_n" "$@" >"$T/$_n.out" 2>"$T/$_n.err" &
	eval "spid_$_n=$!"
	SPIDS="$SPIDS $!"
	wait_until "[ -s '$T/$_n/port' ]" 10 || bad "smtp server $_n did not start: $(cat "$T/$_n.err")"
}
sport() { cat "$T/$1/port"; }
# msgs NAME: the messages server NAME saved
msgs() { ls "$T/$1" | grep -c '\.eml$'; }
