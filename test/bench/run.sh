#!/usr/bin/env bash
# `npm run bench`: the figures need the built product and, for calls, Chromium on loopback: like
# `npm test`, inside a loopback-only network namespace when run as root.
set -euo pipefail
cd "$(dirname "$0")/../.."
node scripts/native.mjs --require-keytar
npm run --silent build >/dev/null
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && unshare -n true 2>/dev/null; then
  exec unshare -n -- bash -c 'ip link set lo up && exec "$@"' _ bash test/with-keyring.sh node_modules/.bin/tsx test/bench/run.ts
fi
exec bash test/with-keyring.sh node_modules/.bin/tsx test/bench/run.ts
