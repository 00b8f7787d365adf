#!/usr/bin/env bash
# Streams a generated 1 GiB file through the stream proxy (CinemaSync.Web as a real process, Release)
# and straight from the fake Drive, and prints both throughputs, their ratio and the server's peak RSS.
# usage: bench/stream.sh [--size-mb N] [--rounds N] [--no-build]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD=1
ARGS=()
for a in "$@"; do
  if [[ "$a" == "--no-build" ]]; then BUILD=0; else ARGS+=("$a"); fi
done
if [[ $BUILD == 1 ]]; then
  dotnet build -c Release -v q -nologo "$ROOT/CinemaSync.Web/CinemaSync.Web.csproj" >/dev/null
  dotnet build -c Release -v q -nologo "$ROOT/bench/Stream/CinemaSync.Bench.Stream.csproj" >/dev/null
fi
echo "load average before: $(cat /proc/loadavg)"
exec dotnet "$ROOT/bench/Stream/bin/Release/net10.0/CinemaSync.Bench.Stream.dll" \
  --server-dll "$ROOT/CinemaSync.Web/bin/Release/net10.0/CinemaSync.Web.dll" "${ARGS[@]}"
