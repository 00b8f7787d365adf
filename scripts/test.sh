#!/usr/bin/env bash
# Installs what the tests need, builds, runs the whole suite, lists every skipped test with its
# reason, and ends with one "tests: N passed, N failed, N skipped" line.
#
# The cluster tests need redis-server (Debian's package) for Orleans' Redis membership.
# The browser tests (CinemaSync.Tests/Browser, run by the xunit suite) need Debian's Chromium,
# ffmpeg (to make the test video), a colour emoji font (for the screenshot) and playwright-core
# in browser-tests/. They are installed here when missing, with the installers' progress shown;
# CINEMASYNC_REQUIRE_BROWSER=1 makes the browser tests fail, not skip, if any of it is still absent.
set -uo pipefail
cd "$(dirname "$0")/.."

say() { echo "[test.sh] $*"; }
# step "what" command...: runs it with its output indented, then says how long it took.
step() {
  local what=$1 started=$SECONDS
  shift
  say "$what..."
  if "$@" 2>&1 | sed -u 's/^/    /'; then
    say "$what: done in $((SECONDS - started)) s"
  else
    return 1
  fi
}

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
dpkg -s fonts-noto-color-emoji >/dev/null 2>&1 || need+=(fonts-noto-color-emoji)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v jq >/dev/null 2>&1 || need+=(jq)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  apt_install() { $sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "$@"; }
  step "installing ${need[*]} (apt-get; Chromium alone is a few hundred MB on a new machine)" apt_install "${need[@]}" \
    || say "warning: could not install ${need[*]}; the browser tests will fail and the cluster process tests will be skipped"
fi
if [ ! -d browser-tests/node_modules/playwright-core ] || [ browser-tests/package-lock.json -nt browser-tests/node_modules/.package-lock.json ]; then
  step "installing playwright-core (npm ci in browser-tests/)" bash -c 'cd browser-tests && npm ci --no-audit --no-fund' \
    || say "warning: npm ci failed in browser-tests/; the browser tests will fail"
fi
export CINEMASYNC_REQUIRE_BROWSER=1

# The first build also runs npm ci in clients/js (the client package, whose node tests run in the suite) and
# CinemaSync.Web/ClientApp (the watch page's bundle of it, with SignalR, and Firebase).
if ! step "building CinemaSync.sln" dotnet build CinemaSync.sln -v minimal -nologo; then
  say "the build failed"
  echo "tests: 0 passed, 1 failed, 0 skipped"
  exit 1
fi

results=$(mktemp -d)
log="$results/console.log"
say "running the tests (the browser tests run last, alone)"
dotnet test CinemaSync.sln --no-build --results-directory "$results" --logger trx 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
sum() { grep -E '^(Passed|Failed)!' "$log" | grep -Eo "$1: +[0-9]+" | grep -Eo '[0-9]+' | awk '{ s += $1 } END { print s + 0 }'; }
passed=$(sum Passed); failed=$(sum Failed); skipped=$(sum Skipped)

# Each skipped test and why, from the TRX files (the console shows only "[SKIP]").
skips=$(awk '
  function unxml(s) { gsub(/&lt;/, "<", s); gsub(/&gt;/, ">", s); gsub(/&quot;/, "\"", s); gsub(/&#x27;|&apos;/, "\047", s); gsub(/&amp;/, "\\&", s); return s }
  /<UnitTestResult / {
    name = ""; skipped = ($0 ~ /outcome="NotExecuted"/)
    if (skipped && match($0, /testName="[^"]*"/)) name = unxml(substr($0, RSTART + 10, RLENGTH - 11))
  }
  skipped && name != "" && /<Message>/ {
    reason = $0; sub(/.*<Message>/, "", reason); sub(/<\/Message>.*/, "", reason)
    print "  " name ": " unxml(reason); name = ""
  }' "$results"/*.trx 2>/dev/null | sort)
if [ -n "$skips" ]; then
  say "skipped tests and why:"
  echo "$skips"
fi
echo "tests: ${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
rm -rf "$results"
[ "$status" = 0 ] && [ "${passed:-0}" -gt 0 ]
