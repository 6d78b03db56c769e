#!/usr/bin/env bash
# `npm run test:repeat -- <spec or test file> <n>`: runs one file n times in a row, as `npm test`
# runs it (loopback namespace, private keychain), and stops at the first failure. A flaky test is
# a bug report: repeat it until it fails, then read why.
set -euo pipefail
cd "$(dirname "$0")/.."
file="${1:?usage: npm run test:repeat -- <file> <n>}"
n="${2:-20}"
case "$file" in
  *.spec.ts) runner=(node_modules/.bin/playwright test "$file" --reporter=line) ;;
  *) runner=(node_modules/.bin/vitest run "$file") ;;
esac
if [ -z "${SKAERMRUM_REPEAT_INSIDE:-}" ]; then
  node scripts/native.mjs --require-keytar
  npm run --silent build >/dev/null
  export SKAERMRUM_REPEAT_INSIDE=1
  if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && unshare -n true 2>/dev/null; then
    exec unshare -n -- bash -c 'ip link set lo up && export SKAERMRUM_NETNS=1 && exec "$@"' _ bash test/with-keyring.sh bash "$0" "$file" "$n"
  fi
  exec bash test/with-keyring.sh bash "$0" "$file" "$n"
fi
start=$SECONDS
for i in $(seq 1 "$n"); do
  mkdir -p test-reports
  if ! "${runner[@]}" >"test-reports/repeat-$i.log" 2>&1; then
    echo "$file: run $i of $n failed after $((SECONDS - start)) s (test-reports/repeat-$i.log)"
    exit 1
  fi
  echo "$file: run $i of $n passed"
done
echo "$file: $n of $n passed in $((SECONDS - start)) s"
