#!/usr/bin/env bash
# Installs what the tests need (nothing beyond the .NET SDK yet), then runs the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet test CinemaSync.sln --logger "console;verbosity=normal" 2>&1 | tee /tmp/cinemasync-test.log | grep -vE '^\s+(Passed|Skipped) ' || true
# The closing line CI reads: "N passed, N failed".
summary=$(grep -E '^(Passed|Failed)!' /tmp/cinemasync-test.log | tail -1)
passed=$(grep -Eo 'Passed: +[0-9]+' <<<"$summary" | grep -Eo '[0-9]+' || echo 0)
failed=$(grep -Eo 'Failed: +[0-9]+' <<<"$summary" | grep -Eo '[0-9]+' || echo 0)
skipped=$(grep -Eo 'Skipped: +[0-9]+' <<<"$summary" | grep -Eo '[0-9]+' || echo 0)
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ -n "$summary" ] && [ "$failed" = 0 ] && grep -q '^Passed!' <<<"$summary"
