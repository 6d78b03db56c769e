#!/usr/bin/env bash
# The suites of `npm test`, run by test/run.sh inside the loopback test namespace with a private
# keychain. Time is an input: the whole suite runs at one stated instant, and the suites whose
# results depend on the time of day run again at each pinned instant below, through the injected
# clock (SKAERMRUM_TEST_NOW), never by changing the machine's time. One report folder per instant.
set -uo pipefail

MAIN_INSTANT="${SKAERMRUM_TEST_NOW:-2026-12-02T12:00:00+01:00}" # noon on an ordinary Wednesday
PINNED_INSTANTS=(
  2026-12-02T06:55:00+01:00 # before the day shift's first call
  2026-12-02T21:30:00+01:00 # evening: most of the day done, the last calls of the day ahead
  2026-12-02T23:58:00+01:00 # two minutes to midnight: the night shift's next calls are tomorrow's
  2027-03-28T01:58:00+01:00 # spring-forward night, two minutes before 02:00 becomes 03:00
  2026-10-25T02:58:00+02:00 # fall-back night, two minutes before 03:00 becomes 02:00 again
)
# What depends on the time of day: rules, API, sync, sandbox and signalling, browser mode, and
# the browser tests of the queue, the staff workflow and the notices. (Hostile-EOJ timeouts and
# the network probe measure durations only; they run in the main run.)
PINNED_VITEST=(test/shared test/api test/sync test/server test/browser test/store/visitStore.test.ts --exclude test/sync/badInput.test.ts --exclude test/server/netProbe.test.ts)
PINNED_PLAYWRIGHT=(test/e2e/queue.spec.ts test/e2e/workflow.spec.ts test/e2e/upcoming.spec.ts)

run_at() {
  local name="$1" instant="$2" vitest_args="$3" playwright_args="$4"
  local dir="test-reports/$name"
  mkdir -p "$dir"
  echo "$instant" >"$dir/instant"
  echo "━━ $name: tests at $instant"
  # shellcheck disable=SC2086 # the argument lists are word lists
  SKAERMRUM_TEST_NOW="$instant" node_modules/.bin/vitest run $vitest_args --reporter=default --reporter=json --outputFile.json="$dir/vitest.json" ||
    echo "$?" >"$dir/vitest.exit" # errors outside a test (unhandled rejections) fail the run too
  # shellcheck disable=SC2086
  SKAERMRUM_TEST_NOW="$instant" PLAYWRIGHT_JSON_OUTPUT_NAME="$dir/playwright.json" node_modules/.bin/playwright test $playwright_args --reporter=list,json
}

run_at main "$MAIN_INSTANT" "" ""
if [ "${SKAERMRUM_PINNED_INSTANTS:-1}" != 0 ]; then
  i=0
  for instant in "${PINNED_INSTANTS[@]}"; do
    i=$((i + 1))
    # Fewer property runs per pinned instant, and the sync suite against the default server only:
    # the fault sequences and the servers' ways are the same, the instant is what differs.
    SKAERMRUM_PROPERTY_RUNS="${SKAERMRUM_PROPERTY_RUNS:-4}" SKAERMRUM_SYNC_SERVERS=default run_at "pinned-$i" "$instant" "${PINNED_VITEST[*]}" "${PINNED_PLAYWRIGHT[*]}"
  done
fi
node test/summary.mjs
