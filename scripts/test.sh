#!/usr/bin/env bash
# Installs what the tests need (redis-server, for the cluster tests' membership), then runs the
# whole suite and ends with one "N passed, N failed" line.
set -uo pipefail
cd "$(dirname "$0")/.."
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
