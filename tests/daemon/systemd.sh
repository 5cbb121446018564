#!/bin/sh
# harkd under a systemd stand-in: the sd_notify(3) messages arrive on
# $NOTIFY_SOCKET in order (READY, RELOADING with MONOTONIC_USEC then READY on
# SIGHUP, WATCHDOG when $WATCHDOG_USEC is set, STOPPING on SIGTERM), and
# under the journal ($JOURNAL_STREAM names stderr) log lines carry <N>
# priority prefixes instead of timestamps.
# Usage: systemd.sh HARK HARKD NOTIFYSOCK
. "$(dirname "$0")/lib.sh"
daemon_init "$@"
NOTIFYSOCK=$(abspath "$3")

printf '[rule tice]\nquery = "Austin Tice"\n' >"$T/w.rules"
write_conf
"$NOTIFYSOCK" "$T/notify" 15 >"$T/notes" &
NPID=$!
wait_until "[ -S '$T/notify' ]" 5 || bad "the notification socket"

NOTIFY_SOCKET=$T/notify WATCHDOG_USEC=400000
export NOTIFY_SOCKET WATCHDOG_USEC
start_harkd
unset NOTIFY_SOCKET WATCHDOG_USEC
wait_for "$T/notes" "READY=1" 5 && ok || bad "READY=1 after start"
wait_for "$T/notes" "WATCHDOG=1" 5 2 && ok || bad "WATCHDOG=1 at least twice in 5 s"
kill -HUP "$HPID"
wait_for "$LOG" "reloaded" 10 && ok || bad "reloaded"
wait_for "$T/notes" "READY=1" 5 2 && ok || bad "READY=1 after the reload"
grep -q "^RELOADING=1 MONOTONIC_USEC=[0-9][0-9]*" "$T/notes" && ok || bad "RELOADING=1 with MONOTONIC_USEC"
# the order: READY, RELOADING, READY
order=$(grep -v WATCHDOG "$T/notes" | cut -c1-9 | tr '\n' ' ')
case $order in
"READY=1 S RELOADING READY=1 S "*) ok ;;
*) bad "notification order: $order" ;;
esac
stop_harkd
expect_eq "$HSTATUS" 0 "exit status after SIGTERM"
wait_for "$T/notes" "STOPPING=1" 5 && ok || bad "STOPPING=1"
kill "$NPID" 2>/dev/null
wait "$NPID" 2>/dev/null

# the journal: stderr is the file whose device and inode $JOURNAL_STREAM names
: >"$T/journal"
js=$(stat -c '%d:%i' "$T/journal")
JOURNAL_STREAM=$js
export JOURNAL_STREAM
start_harkd "$T/journal"
unset JOURNAL_STREAM
stop_harkd
grep -q '^<6>started: ' "$T/journal" && ok || bad "<6> prefix on info lines: $(head -1 "$T/journal")"
grep -q '^20[0-9-]* ' "$T/journal" && bad "a timestamp under the journal" || ok
finish
