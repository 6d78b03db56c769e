// `npm run bench`: store figures on this machine, printed as a table and written to
// bench-results.json. Targets live here, not in tests; baselines are measured in the same run.
import { writeFileSync } from 'node:fs';
import { Server } from 'node:net';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { demoDay } from '../../src-shared/demo/demoDay';
import type { Visit, VisitStatus } from '../../src-shared/domain/visit';
import { careDay } from '../../src-shared/time/copenhagen';
import { loadMigrations, migrate } from '../../src-main/store/migrations';
import { applySessionPragmas } from '../../src-main/store/open';
import { openDatabaseFile } from '../../src-main/store/sqlite';
import { createVisitStore, type VisitStore } from '../../src-main/store/visitStore';
import { KEYCHAIN_SERVICE, slotKeychain } from '../../src-main/store/keychain';
import { legacyKeytarSlot } from '../../src-main/secrets/legacyKeytar';
import { MIGRATIONS_DIR, openTestStore, tempDir, testKeychain } from '../helpers/store';
import { benchSync } from './sync';
import { benchCalls } from './calls';
import { benchGuests } from './guests';
import { benchDeviceCheck } from './devicecheck';
import { benchTeam, benchTeamSoak } from './team';
import { benchUi } from './ui';
import { benchAuth } from './auth';
import { benchReports } from './reports';
import { benchStart } from './start';
import { benchUpdate } from './update';
import { benchAudit } from './audit';
import { benchCrossInstanceRing, benchIdleSockets, benchInstanceLoss } from './signal';
import { median } from './stats';

const DAY = new Date('2026-03-10T09:00:00Z');
const DAY_MS = 24 * 3_600_000;

/** n visits, 500 per care day from DAY on, all in one team. */
function benchVisits(n: number): Visit[] {
  const template = demoDay(DAY).visits;
  return Array.from({ length: n }, (_, i) => {
    const base = template[i % template.length] as Visit;
    const shift = Math.floor(i / 500) * DAY_MS + Math.floor((i % 500) / template.length) * 60_000;
    return {
      ...base,
      id: `bench-${i}`,
      start: new Date(Date.parse(base.start) + shift).toISOString(),
      end: new Date(Date.parse(base.end) + shift).toISOString(),
    };
  });
}

const time = (fn: () => void) => {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
};

function openPlainStore(dir: string): VisitStore {
  const file = join(dir, 'visits.db');
  const db = openDatabaseFile(file);
  applySessionPragmas(db);
  migrate(db, loadMigrations(MIGRATIONS_DIR));
  return createVisitStore(db, file);
}

const visits5000 = benchVisits(5000);
const day = careDay(DAY);
const dayFilter = { fromMs: day.start.getTime(), toMs: day.end.getTime(), teamId: 'team-skaermenhed-nord' };
const STATUSES: VisitStatus[] = ['in_progress', 'completed', 'not_answered', 'planned'];

interface Workload {
  insertMs: number;
  queueMs: number[];
  statusMs: number;
}

/** Status changes timed as one step (a few milliseconds). */
const STATUS_STEP = 25;

/**
 * The shared workload: insert 5000, load the 500-visit day 20 times, 300 status changes, on each
 * store in turn step by step (the insert, each day load, each 25 changes), so the encrypted and the
 * plain store meet the same machine conditions: this machine is shared, and its disk's flush time
 * swings several-fold from one second to the next. Each store does exactly the same work in the
 * same order as when run alone.
 */
function workloads(stores: readonly VisitStore[]): Workload[] {
  const runs = stores.map((): Workload => ({ insertMs: 0, queueMs: [], statusMs: 0 }));
  const each = (step: (store: VisitStore, run: Workload, s: number) => void) => stores.forEach((store, s) => step(store, runs[s] as Workload, s));
  each((store, run) => (run.insertMs = time(() => store.upsertVisits(visits5000))));
  for (let i = 0; i < 20; i++) each((store, run) => run.queueMs.push(time(() => store.dayQueue(dayFilter))));
  const queues = stores.map((store) => {
    const queue = store.dayQueue(dayFilter);
    if (queue.length !== 500) throw new Error(`expected 500 visits on the day, got ${queue.length}`);
    return queue;
  });
  for (let from = 0; from < 300; from += STATUS_STEP)
    each((store, run, s) => {
      const queue = queues[s] as Visit[];
      run.statusMs += time(() => {
        for (let i = from; i < from + STATUS_STEP; i++) {
          const v = queue[i % queue.length] as Visit;
          store.setVisitStatus({ visitId: v.id, status: STATUSES[i % STATUSES.length] as VisitStatus, actorId: 'bench', atMs: i });
        }
      });
    });
  return runs;
}

/** BENCH_ONLY=store|sync|ui|team|auth|reports|start|update|audit|devicecheck|calls|guests|signal runs one part (or several, comma-separated) (the others take minutes). */
const want = (part: 'store' | 'sync' | 'ui' | 'team' | 'auth' | 'reports' | 'start' | 'update' | 'audit' | 'devicecheck' | 'calls' | 'guests' | 'signal') =>
  !process.env.BENCH_ONLY || process.env.BENCH_ONLY.split(',').includes(part);

/** Listening servers of this process (a part must close what it opened). */
const servers = () =>
  (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().filter((h): h is Server => h instanceof Server && h.listening);

/** Runs one part, and names any server it left listening (it would keep the bench from ending). */
async function part<T>(name: string, run: () => Promise<T>): Promise<T> {
  const before = new Set(servers());
  const result = await run();
  const left = servers().filter((s) => !before.has(s));
  if (left.length > 0)
    console.error(`bench: the ${name} part left ${left.length} server(s) listening: ${left.map((s) => JSON.stringify(s.address())).join(', ')}`);
  return result;
}

async function main(): Promise<void> {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
  const encrypted: Workload[] = [];
  const plain: Workload[] = [];
  const openMs: number[] = [];
  const openKeytarMs: number[] = [];
  for (let r = 0; r < (want('store') ? rounds : 0); r++) {
    const a = tempDir('skaermrum-bench-');
    // The same open with the key kept by keytar (now only the source of a one-time move), for comparison.
    const k = tempDir('skaermrum-bench-');
    const t1 = performance.now();
    (await openTestStore(k.dir, slotKeychain(legacyKeytarSlot({ service: KEYCHAIN_SERVICE, account: `bench-${r}-${Date.now()}` })))).close();
    openKeytarMs.push(performance.now() - t1);
    k.cleanup();
    const t0 = performance.now();
    const store = await openTestStore(a.dir, testKeychain());
    openMs.push(performance.now() - t0);
    const b = tempDir('skaermrum-bench-');
    const p = openPlainStore(b.dir);
    // Which store takes each step first alternates by round.
    const [e, q] = r % 2 === 0 ? workloads([store, p]) : workloads([p, store]).reverse();
    encrypted.push(e as Workload);
    plain.push(q as Workload);
    store.close();
    p.close();
    a.cleanup();
    b.cleanup();
  }
  const total = (w: Workload) => w.insertMs + w.queueMs.reduce((x, y) => x + y, 0) + w.statusMs;
  const results = {
    'store.insert_5000_visits_ms': { value: median(encrypted.map((w) => w.insertMs)), unit: 'ms' },
    'store.load_day_queue_500_ms': { value: median(encrypted.flatMap((w) => w.queueMs.slice(2))), unit: 'ms', target: '< 20', met: false },
    'store.status_change_with_outbox_ops_per_s': { value: 300 / (median(encrypted.map((w) => w.statusMs)) / 1000), unit: 'ops/s' },
    'store.encryption_overhead_ratio': { value: median(encrypted.map(total)) / median(plain.map(total)), unit: 'x', target: '< 1.3', met: false },
    // Per-operation ratios show where the overhead sits (writes: SQLCipher AES-CBC + HMAC per page).
    'store.encryption_overhead_ratio_insert': { value: median(encrypted.map((w) => w.insertMs)) / median(plain.map((w) => w.insertMs)), unit: 'x' },
    'store.encryption_overhead_ratio_queue': { value: median(encrypted.flatMap((w) => w.queueMs)) / median(plain.flatMap((w) => w.queueMs)), unit: 'x' },
    'store.encryption_overhead_ratio_status_change': {
      value: median(encrypted.map((w) => w.statusMs)) / median(plain.map((w) => w.statusMs)),
      unit: 'x',
      target: '< 1.3',
      met: median(encrypted.map((w) => w.statusMs)) / median(plain.map((w) => w.statusMs)) < 1.3,
    },
    // A new store: key made, kept in the OS keychain (@napi-rs/keyring), database created and migrated.
    'store.open_ms': { value: median(openMs), unit: 'ms' },
    'store.open_keytar_ms': { value: median(openKeytarMs), unit: 'ms' },
    'store.plain_baseline_insert_5000_visits_ms': { value: median(plain.map((w) => w.insertMs)), unit: 'ms' },
    'store.plain_baseline_load_day_queue_500_ms': { value: median(plain.flatMap((w) => w.queueMs.slice(2))), unit: 'ms' },
    'store.plain_baseline_status_change_ops_per_s': { value: 300 / (median(plain.map((w) => w.statusMs)) / 1000), unit: 'ops/s' },
  };
  results['store.load_day_queue_500_ms'].met = results['store.load_day_queue_500_ms'].value < 20;
  results['store.encryption_overhead_ratio'].met = results['store.encryption_overhead_ratio'].value < 1.3;
  if (!want('store')) for (const k of Object.keys(results)) delete (results as Record<string, unknown>)[k];
  if (want('sync')) Object.assign(results, await part('sync', () => benchSync(Number(process.env.BENCH_SYNC_ROUNDS ?? 3))));
  if (want('ui')) Object.assign(results, await part('ui', () => benchUi(Number(process.env.BENCH_UI_COUNT ?? 10))));
  if (want('team'))
    Object.assign(results, await part('team', () => benchTeam(Number(process.env.BENCH_TEAM_COUNT ?? 10), Number(process.env.BENCH_TEAM_MOVES ?? 100))));
  // BENCH_SOAK_ROUNDS=0 leaves the soak out (a quick look at the board's figures alone).
  if (want('team') && Number(process.env.BENCH_SOAK_ROUNDS ?? 2) > 0)
    Object.assign(
      results,
      await part('soak', () => benchTeamSoak(Number(process.env.BENCH_SOAK_ROUNDS ?? 2), Number(process.env.BENCH_SOAK_OPERATIONS ?? 40))),
    );
  if (want('auth')) Object.assign(results, await part('auth', () => benchAuth(Number(process.env.BENCH_AUTH_COUNT ?? 10))));
  if (want('reports')) Object.assign(results, await part('reports', () => benchReports()));
  if (want('start')) Object.assign(results, await part('start', () => benchStart(Number(process.env.BENCH_START_ROUNDS ?? 3))));
  if (want('update')) Object.assign(results, await part('update', () => benchUpdate()));
  if (want('audit')) Object.assign(results, await part('audit', () => benchAudit()));
  if (want('devicecheck')) Object.assign(results, await part('devicecheck', () => benchDeviceCheck(Number(process.env.BENCH_CHECK_COUNT ?? 10))));
  if (want('signal')) {
    const only = process.env.BENCH_SIGNAL_ONLY;
    if (!only || only === 'idle') Object.assign(results, await part('signal idle', () => benchIdleSockets(Number(process.env.BENCH_IDLE_SOCKETS ?? 10_000))));
    if (!only || only === 'ring') Object.assign(results, await part('signal ring', () => benchCrossInstanceRing(Number(process.env.BENCH_RINGS ?? 200))));
    if (!only || only === 'loss') Object.assign(results, await part('signal loss', () => benchInstanceLoss(Number(process.env.BENCH_LOSS_ROUNDS ?? 5))));
  }
  if (want('calls') && process.env.BENCH_CALLS !== '0')
    Object.assign(results, await part('calls', () => benchCalls(Number(process.env.BENCH_CALL_COUNT ?? 10))));
  if (want('guests')) Object.assign(results, await part('guests', () => benchGuests(Number(process.env.BENCH_GUEST_ROUNDS ?? 5))));

  console.log(`Skærmrum bench – ${rounds} rounds, ${cpus().length} cores, Node ${process.version}`);
  console.log('figure'.padEnd(48), 'value'.padStart(10), ' unit   target   met');
  for (const [name, r] of Object.entries(results) as [string, { value: number; unit: string; target?: string; met?: boolean }][]) {
    const target = 'target' in r ? String(r.target) : '';
    const met = 'met' in r ? (r.met ? 'yes' : 'NO') : '';
    console.log(name.padEnd(48), r.value.toFixed(2).padStart(10), ` ${r.unit.padEnd(6)} ${target.padEnd(8)} ${met}`);
  }
  writeFileSync(
    'bench-results.json',
    `${JSON.stringify({ measuredAt: new Date().toISOString(), machine: { cores: cpus().length, node: process.version }, rounds, results }, null, 2)}\n`,
  );
  console.log('Skrevet: bench-results.json');
}

await main();
// The bench ends by itself: whatever a part left open (a server, a child process, a socket) would
// keep Node running with the figures already written. Named here, as a failure, instead of a hang.
setTimeout(() => {
  console.error(`bench: still open 10 s after the last figure: ${process.getActiveResourcesInfo().join(', ')}`);
  process.exit(1);
}, 10_000).unref();
