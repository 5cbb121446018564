#!/bin/sh
# docs/hits.png and docs/article.png (make screenshots): the demo articles of
# contrib/demo/articles/ and the rules of rules/ through a real harkd (its
# [http] on a free loopback port), photographed by Chromium at a fixed
# viewport in the light scheme (screenshots.mjs).
# Usage: screenshots.sh BUILD_DIR OUT_DIR
[ $# -eq 2 ] || { echo "usage: $0 BUILD_DIR OUT_DIR" >&2; exit 2; }
DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$DIR/../.." && pwd)
. "$DIR/../daemon/lib.sh"
OUT=$(abspath "$2")
daemon_init "$1/hark" "$1/harkd"
[ -x /usr/bin/chromium ] || { echo "$0: no Chromium at /usr/bin/chromium (make test-deps)" >&2; exit 1; }
(cd "$DIR" && npm ls --silent >/dev/null 2>&1) ||
	{ echo "$0: the npm packages of tests/browser are missing (make test-deps)" >&2; exit 1; }

printf '[hark]\nstate_dir = state\nspool_dir = spool\nrules = %s/rules/*.rules\n[http]\nlisten = 127.0.0.1:0\n' \
	"$ROOT" >"$T/hark.conf"
start_harkd
URL=$(cut -d' ' -f1 "$T/state/harkd.http")
n=$(ls "$ROOT"/contrib/demo/articles | wc -l)
ingest "$ROOT"/contrib/demo/articles/*
wait_for "$LOG" "article a_" 30 "$n" || bad "the $n demo articles stored"
ID=$(sed -n 's/.* article \(a_[0-9a-f]*\) file=01-fr-sanctions.txt .*/\1/p' "$LOG")
[ -n "$ID" ] || bad "the French article's id"
HARK_URL=$URL HARK_ARTICLE=$ID HARK_OUT=$OUT node "$DIR/screenshots.mjs" && ok || bad "screenshots.mjs"
stop_harkd
finish
