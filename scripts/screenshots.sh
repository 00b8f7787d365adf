#!/usr/bin/env bash
# Regenerates the README's screenshots in docs/screenshots/ from the real page: a web node on the
# loopback Google fakes, three users in headless Debian Chromium (room-host.png, room-member.png,
# drive-picker.png). Needs what the browser tests need (./scripts/test.sh installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build CinemaSync.Tests -v quiet -nologo
CINEMASYNC_SCREENSHOTS=docs/screenshots CINEMASYNC_REQUIRE_BROWSER=1 \
  dotnet test CinemaSync.Tests --no-build --filter "FullyQualifiedName~DrivePickerBrowserTests.Screenshots"
ls -l docs/screenshots/*.png
