// Prints one closing line for the whole `npm test` run from the vitest and Playwright JSON
// reports of every instant the suites ran at (test-reports/<run>/), and a line per instant. The
// failed tests are named again at the end, since a CI log often keeps only its tail.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const read = (file) => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null);
const runs = existsSync('test-reports')
  ? readdirSync('test-reports', { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
  : [];
let passed = 0;
let failed = runs.length === 0 ? 1 : 0;
let skipped = 0;
const failures = [];
const firstLine = (text) =>
  String(text ?? '')
    .replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '')
    .split('\n')
    .find((l) => l.trim()) ?? '';
const vitestFailures = (run, report) => {
  for (const file of report.testResults ?? []) {
    for (const t of file.assertionResults ?? []) {
      if (t.status === 'failed') failures.push(`${run}: ${file.name.replace(process.cwd() + '/', '')} › ${t.fullName}: ${firstLine(t.failureMessages?.[0])}`);
    }
  }
};
const playwrightFailures = (run, suites, file = '') => {
  for (const suite of suites ?? []) {
    const where = suite.file ?? file;
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        if (t.status === 'unexpected') {
          const error = t.results?.find((r) => r.error)?.error?.message;
          failures.push(`${run}: ${where} › ${spec.title}: ${firstLine(error)}`);
        }
      }
    }
    playwrightFailures(run, suite.suites, where);
  }
};
for (const run of runs.sort()) {
  const dir = join('test-reports', run);
  const vitest = read(join(dir, 'vitest.json'));
  const playwright = read(join(dir, 'playwright.json'));
  let p = 0;
  let f = 0;
  let s = 0;
  if (vitest) {
    p += vitest.numPassedTests;
    f += vitest.numFailedTests;
    vitestFailures(run, vitest);
    s += vitest.numPendingTests + vitest.numTodoTests;
    // vitest failed without a failed test: errors outside the tests (unhandled rejections, exceptions).
    if (f === 0 && existsSync(join(dir, 'vitest.exit'))) {
      console.log(`  ${run}: vitest reported errors outside the tests (see its output above)`);
      f += 1;
    }
  } else f += 1;
  if (playwright) {
    p += playwright.stats.expected + playwright.stats.flaky;
    f += playwright.stats.unexpected;
    playwrightFailures(run, playwright.suites);
    s += playwright.stats.skipped;
  } else f += 1;
  const instant = existsSync(join(dir, 'instant')) ? readFileSync(join(dir, 'instant'), 'utf8').trim() : '?';
  console.log(`  ${run} (${instant}): ${p} passed, ${f} failed${s ? `, ${s} skipped` : ''}`);
  passed += p;
  failed += f;
  skipped += s;
}
if (failures.length > 0) console.log(`Failed:\n${failures.map((f) => `  ${f.slice(0, 400)}`).join('\n')}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
