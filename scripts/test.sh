#!/usr/bin/env bash
# Installs what the tests need, then runs the whole suite and ends with one
# "tests: N passed, N failed, N skipped" line.
#
# The cluster tests need redis-server (Debian's package) for Orleans' Redis membership.
# The browser tests (CinemaSync.Tests/Browser, run by the xunit suite) need Debian's Chromium,
# ffmpeg (to make the test video), a colour emoji font (for the screenshot) and playwright-core
# in browser-tests/. They are installed here when missing; CINEMASYNC_REQUIRE_BROWSER=1 makes
# the browser tests fail, not skip, if any of it is still absent.
set -uo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
dpkg -s fonts-noto-color-emoji >/dev/null 2>&1 || need+=(fonts-noto-color-emoji)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "installing ${need[*]} (apt-get)"
  ($sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}") >/dev/null 2>&1 \
    || echo "warning: could not install ${need[*]}; the browser tests will fail"
fi
if [ ! -d browser-tests/node_modules/playwright-core ] || [ browser-tests/package-lock.json -nt browser-tests/node_modules/.package-lock.json ]; then
  echo "installing playwright-core (npm ci in browser-tests/)"
  (cd browser-tests && npm ci --no-audit --no-fund --loglevel=error) >/dev/null 2>&1 \
    || echo "warning: npm ci failed in browser-tests/; the browser tests will fail"
fi
export CINEMASYNC_REQUIRE_BROWSER=1
if ! command -v redis-server >/dev/null; then
  echo "installing redis-server (Debian package) for the cluster tests..."
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  ($sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq redis-server) >/dev/null \
    || echo "could not install redis-server: the cluster process tests will be skipped"
fi

log=$(mktemp)
dotnet test CinemaSync.sln 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
sum() { grep -E '^(Passed|Failed)!' "$log" | grep -Eo "$1: +[0-9]+" | grep -Eo '[0-9]+' | awk '{ s += $1 } END { print s + 0 }'; }
passed=$(sum Passed); failed=$(sum Failed); skipped=$(sum Skipped)
echo "tests: ${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
rm -f "$log"
[ "$status" = 0 ] && [ "${passed:-0}" -gt 0 ]
