#!/usr/bin/env bash
# Makes Debian's Chromium available for the browser test (test/browser/swagger-ui.e2e-spec.ts), which drives it
# through playwright-core; Playwright itself never downloads a browser. `npm test` runs this first (pretest).
# Idempotent: nothing happens when /usr/bin/chromium is there. Without root (or apt-get) it only warns, and the
# browser test then skips itself loudly; as root (CI) a failed install fails the run.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
  exit 0
fi

if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "WARNING: $CHROMIUM is missing and cannot be installed here (needs root and apt-get):" >&2
  echo "         the Swagger UI browser test will be SKIPPED. Install it with: sudo apt-get install -y chromium" >&2
  exit 0
fi

echo "Installing Debian's chromium for the browser test (once, about 25 s)..."
log=$(mktemp)
if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >"$log" 2>&1; then
  cat "$log" >&2
  rm -f "$log"
  echo "ERROR: could not install chromium (see above)" >&2
  exit 1
fi
rm -f "$log"
# Debian's wrapper script prints a harmless "[: ...: unexpected operator" on stderr.
"$CHROMIUM" --version 2>/dev/null || true
