#!/usr/bin/env bash
# `npm test`: every test, for real. Builds what the end-to-end tests run, then runs vitest and
# Playwright (test/suites.sh: at one instant, and the time-dependent suites at pinned instants)
# inside a loopback-only network namespace (where we are root and can make one) with a private,
# headless OS keychain.
set -euo pipefail
cd "$(dirname "$0")/.."

node scripts/native.mjs --require-keytar
npm run --silent build >/dev/null

rm -rf test-reports && mkdir -p test-reports
# Both runners always run, at every instant; one closing line sums them up (test/summary.mjs) and sets the exit code.
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && command -v ip >/dev/null && unshare -n true 2>/dev/null; then
  exec unshare -n -- bash -c 'ip link set lo up && export SKAERMRUM_NETNS=1 && exec "$@"' _ bash test/with-keyring.sh bash test/suites.sh
else
  echo "Kører uden separat netværksnavnerum (kræver root); testtrafikken holdes på loopback."
  exec bash test/with-keyring.sh bash test/suites.sh
fi
