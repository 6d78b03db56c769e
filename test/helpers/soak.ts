import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createCallerFactory } from '../../src-main/api/router';
import { configFromEnv } from '../../src-main/config';
import { createLogger } from '../../src-main/log';
import { startMainServices, type MainServices } from '../../src-main/app/mainServices';
import { osRefreshVault } from '../../src-main/auth/refreshVault';
import { SIGN_IN_CALLBACK_PATH } from '../../src-main/browser/server';
import { BROWSER_RPC_PATH, BROWSER_TOKEN_PARAM, type ApiClient, type BoardDay } from '../../src-shared/api/contract';
import { createSignalConnection, type SocketLike } from '../../src-shared/call/signalConnection';
import type { OutboxSummary } from '../../src-shared/domain/outbox';
import type { QueueVisit } from '../../src-shared/domain/visit';
import { visitStatusOf } from '../../src-shared/fhir/mapping';
import { careDay } from '../../src-shared/time/copenhagen';
import { prng } from '../../src-shared/demo/demoDay';
import { startBrowserMode } from '../e2e/browserMode';
import { startCluster, type Cluster, type SignalInstance } from './cluster';
import { browseIdp, signInAtIdp } from './idp';
import { signInThroughIdp } from './services';
import { tempDir, testKeychain } from './store';
import { connectApi } from './wsClient';

/**
 * The convergence soak (Jepsen's habit): one team lead and four staff clients, each the real
 * main-process services on its own encrypted store, signed in at the sandbox's IdP, reached
 * through the real API router, and linked to the team through the real signalling client over
 * HAProxy (what the renderer's team store does: tell the team when a push landed, pull when a
 * colleague's did). Random operations from a seeded generator, faults on a seeded schedule, and a
 * checker that compares every client's view with the EOJ's.
 */
export const TEAM = 'team-skaermenhed-nord';
export const LEAD = { username: 'mette', id: 'practitioner-1' };
export const STAFF = [
  { username: 'louise', id: 'practitioner-2' },
  { username: 'ahmad', id: 'practitioner-3' },
  { username: 'sofie', id: 'practitioner-4' },
  { username: 'jonas', id: 'practitioner-5' },
];

type Call = (path: string, input: unknown) => Promise<unknown>;

export interface SoakClient {
  who: { username: string; id: string };
  call: Call;
  /** The client's outbox as it counts it. */
  outbox(): Promise<OutboxSummary>;
  /** A restart: the lead's services closed and opened again; a staff client's process SIGKILLed and started again. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

const nodeTimers = {
  set: (fn: () => void, ms: number) => setTimeout(fn, ms),
  clear: (handle: unknown) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * The team link, as the renderer's team store makes it: tell the team when a push landed, pull at
 * once when a colleague's did. Returns its stop function.
 */
function linkToTeam(
  ticket: { signallingUrl: string; token: string },
  syncNow: () => Promise<unknown>,
  onPushed: (send: (visitIds: string[]) => void) => () => void,
) {
  const link = createSignalConnection({
    url: ticket.signallingUrl,
    token: () => ticket.token,
    openSocket: (url) => new WebSocket(url) as unknown as SocketLike,
    timers: nodeTimers,
    onMessage: (m) => {
      if (m.type === 'team.changed') void syncNow().catch(() => undefined);
    },
  });
  link.start();
  const stopPushed = onPushed((visitIds) => link.send({ type: 'team.changed', visitIds }));
  return () => {
    stopPushed();
    link.stop();
  };
}

/** The team lead: the real main-process services in this process, reached through the real API router. */
export async function openLeadClient(cluster: Cluster, who: { username: string; id: string }, dir: string, pullIntervalMs: number) {
  const profile = `soak-${who.username}-${randomUUID()}`;
  const keychain = testKeychain();
  const refreshVault = osRefreshVault(profile);
  let services: MainServices;
  let stopLink: () => void = () => undefined;
  async function start() {
    const config = configFromEnv(
      { ...cluster.clientEnv, SKAERMRUM_SYNC_INTERVAL_MS: String(pullIntervalMs), SKAERMRUM_PROFILE: profile },
      { dataDir: dir, databaseFile: join(dir, 'visits.db'), logLevel: 'silent', clock: cluster.clock },
    );
    services = await startMainServices(config, { logger: createLogger('silent'), keychain, refreshVault });
    if (!services.session.current()) await signInThroughIdp(services, who.username);
    const ticket = services.session.callTicket();
    if (!ticket) throw new Error(`${who.username}: no signalling ticket`);
    stopLink = linkToTeam(
      ticket,
      () => services.session.syncNow(),
      (send) => {
        const abort = new AbortController();
        void (async () => {
          for await (const { visitIds } of services.events.stream('pushed', abort.signal)) send(visitIds);
        })();
        return () => abort.abort();
      },
    );
  }
  await start();
  const caller = () => createCallerFactory(services.router)({}) as unknown as Record<string, Record<string, (input: unknown) => Promise<unknown>>>;
  return {
    who,
    get services() {
      return services;
    },
    call: (path: string, input: unknown) => {
      const [ns, method] = path.split('.') as [string, string];
      return (caller()[ns]?.[method] as (input: unknown) => Promise<unknown>)(input);
    },
    outbox: async () => services.store.outbox.summary(),
    async restart() {
      stopLink();
      await services.close();
      await start();
    },
    async close() {
      stopLink();
      await services.close();
    },
  } satisfies SoakClient & { services: MainServices };
}

/**
 * A staff client as its own process: the product's browser mode (what `npm start` runs), reached
 * through its real WebSocket API with the session token, signed in at the IdP through its own
 * callback. Its restart is a SIGKILL and a fresh start on the same folder and keychain profile.
 */
export async function openProcessClient(cluster: Cluster, who: { username: string; id: string }, dir: string, pullIntervalMs: number): Promise<SoakClient> {
  const profile = `soak-${who.username}-${randomUUID()}`;
  let app: Awaited<ReturnType<typeof startBrowserMode>>;
  let api: ApiClient;
  let closeApi: () => Promise<void> = async () => undefined;
  let stopLink: () => void = () => undefined;
  async function start() {
    app = await startBrowserMode({
      clock: cluster.clock,
      dataDir: dir,
      profile,
      extra: { ...cluster.clientEnv, SKAERMRUM_SYNC_INTERVAL_MS: String(pullIntervalMs) },
    });
    const url = new URL(app.url);
    ({ api, close: closeApi } = connectApi(
      `ws://${url.host}${BROWSER_RPC_PATH}?${BROWSER_TOKEN_PARAM}=${url.searchParams.get(BROWSER_TOKEN_PARAM) ?? ''}`,
      url.origin,
    ));
    // Signed in again from the keychain after a restart; otherwise through the IdP's pages.
    if (!(await api.session.current({}))) {
      const { navigateTo } = await api.session.beginSignIn({});
      if (!navigateTo) throw new Error(`${who.username}: no address to sign in at`);
      const back = await browseIdp(navigateTo, `${url.origin}${SIGN_IN_CALLBACK_PATH}`, { username: who.username });
      const res = await fetch(back);
      if (!res.ok) throw new Error(`${who.username}: sign-in callback answered ${res.status}`);
    }
    const ticket = await api.calls.ticket({});
    if (!ticket) throw new Error(`${who.username}: no signalling ticket`);
    stopLink = linkToTeam(
      ticket,
      () => api.sync.now({}),
      (send) => api.events.onPushed({}, { onData: ({ visitIds }) => send(visitIds) }),
    );
  }
  await start();
  const methods = () => api as unknown as Record<string, Record<string, (input: unknown) => Promise<unknown>>>;
  return {
    who,
    call: (path, input) => {
      const [ns, method] = path.split('.') as [string, string];
      return (methods()[ns]?.[method] as (input: unknown) => Promise<unknown>)(input);
    },
    outbox: () => api.outbox.summary({}),
    async restart() {
      stopLink();
      process.kill(app.pid, 'SIGKILL');
      await app.stop(); // resolves once it has exited
      await closeApi();
      await start();
    },
    async close() {
      stopLink();
      await closeApi();
      await app.stop();
    },
  };
}

/** A visit as the EOJ or a client has it: who calls, and its status. */
export type View = Map<string, { practitioner: string | null; status: string }>;

/** The EOJ's truth for the team's care day. */
export async function eojView(cluster: Cluster, token: string): Promise<View> {
  const day = careDay(cluster.clock.now());
  const url = `${cluster.eoj.baseUrl}/Appointment?actor=HealthcareService/${TEAM}&date=ge${encodeURIComponent(day.start.toISOString())}&date=lt${encodeURIComponent(day.end.toISOString())}&_count=500`;
  const body = (await (await fetch(url, { headers: { authorization: `Bearer ${token}` } })).json()) as {
    entry?: { resource: { id: string; status: Parameters<typeof visitStatusOf>[0]; participant: { actor?: { reference?: string } }[] } }[];
  };
  const view: View = new Map();
  for (const { resource: a } of body.entry ?? []) {
    const practitioner = a.participant.map((p) => p.actor?.reference ?? '').find((r) => r.startsWith('Practitioner/'));
    const status = visitStatusOf(a.status);
    if (status && status !== 'cancelled') view.set(a.id, { practitioner: practitioner ? practitioner.slice('Practitioner/'.length) : null, status });
  }
  return view;
}

export async function clientView(cluster: Cluster, client: SoakClient, scope: 'team' | 'mine' = 'team'): Promise<View> {
  const day = careDay(cluster.clock.now());
  const visits = (await client.call('queue.today', { scope })) as QueueVisit[];
  return new Map(
    visits
      .filter((v) => Date.parse(v.start) >= day.start.getTime() && Date.parse(v.start) < day.end.getTime() && v.status !== 'cancelled')
      .map((v) => [v.id, { practitioner: v.practitioner?.id ?? null, status: v.status }]),
  );
}

/** What differs between a client's view and the EOJ's (empty: equal). */
export function differences(truth: View, seen: View): string[] {
  const out: string[] = [];
  for (const [id, t] of truth) {
    const s = seen.get(id);
    if (!s) out.push(`${id}: missing`);
    else if (s.practitioner !== t.practitioner || s.status !== t.status) out.push(`${id}: ${s.practitioner}/${s.status}, EOJ ${t.practitioner}/${t.status}`);
  }
  for (const id of seen.keys()) if (!truth.has(id)) out.push(`${id}: not in the EOJ`);
  return out;
}

/**
 * The checker: every client's team view equals the EOJ's; each staff member's own queue ("Mine
 * besøg") holds exactly the EOJ's visits for them, so no visit is in two queues and none in none.
 */
export async function check(cluster: Cluster, clients: SoakClient[], token: string): Promise<string[]> {
  const truth = await eojView(cluster, token);
  const problems: string[] = [];
  for (const c of clients) problems.push(...differences(truth, await clientView(cluster, c)).map((d) => `${c.who.username} (team): ${d}`));
  for (const c of clients.filter((x) => x.who.id !== LEAD.id)) {
    const mine = await clientView(cluster, c, 'mine');
    const theirs: View = new Map([...truth].filter(([, v]) => v.practitioner === c.who.id));
    problems.push(...differences(theirs, mine).map((d) => `${c.who.username} (mine): ${d}`));
  }
  return problems;
}

/** Waits until every client's outbox is empty (done, or a visible conflict or refusal). */
export async function untilQuiet(clients: SoakClient[], timeoutMs: number): Promise<void> {
  const started = performance.now();
  for (;;) {
    const outboxes = await Promise.all(clients.map(async (c) => ({ who: c.who.username, ...(await c.outbox()) })));
    const busy = outboxes.filter((o) => o.pending + o.inflight > 0);
    if (busy.length === 0) return;
    if (performance.now() - started > timeoutMs) throw new Error(`outbox not drained: ${JSON.stringify(busy)}`);
    // No sync is forced here: the clients get there by their own hints, pulls and retries.
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** From now until the checker finds nothing (the convergence time), or the deadline's failure. */
export async function timeToConverge(cluster: Cluster, clients: SoakClient[], token: string, deadlineMs: number): Promise<number> {
  const started = performance.now();
  let last: string[] = [];
  while (performance.now() - started < deadlineMs) {
    last = await check(cluster, clients, token);
    if (last.length === 0) return performance.now() - started;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no convergence within ${deadlineMs} ms:\n${last.slice(0, 20).join('\n')}`);
}

/** For a failed convergence: the EOJ's and the client's copy of each visit a client misses. */
async function missingDetails(cluster: Cluster, clients: SoakClient[], message: string): Promise<string> {
  const token = await leadToken(cluster);
  const out: string[] = [];
  for (const [, username, id] of [...message.matchAll(/^(\w+) \(team\): (\S+): missing$/gm)].slice(0, 3)) {
    const client = clients.find((c) => c.who.username === username);
    const eoj = await (await fetch(`${cluster.eoj.baseUrl}/Appointment/${id}`, { headers: { authorization: `Bearer ${token}` } })).json();
    const held = await client?.call('visit.details', { visitId: id }).then(
      (d) => JSON.stringify(d).slice(0, 300),
      (e: Error) => `not held (${e.message})`,
    );
    const status = JSON.stringify(await client?.call('sync.status', {})).slice(0, 400);
    const problems = JSON.stringify(await client?.call('sync.problems', {})).slice(0, 600);
    const participants = JSON.stringify(eoj.participant?.map((p: { actor?: { reference?: string } }) => p.actor?.reference));
    out.push(
      `${id}: EOJ ${JSON.stringify({ meta: eoj.meta, start: eoj.start, status: eoj.status })} ${participants}; ${username}: ${held}; status ${status}; problems ${problems}; now ${cluster.clock.now().toISOString()}`,
    );
  }
  return out.join('\n');
}

export interface Operations {
  count: number;
  moves: number;
  bulkMoves: number;
  undos: number;
  outcomes: number;
  notAnswered: number;
  /**
   * Visits recorded as completed, and how many times: each acknowledged completion is one
   * Encounter, exactly. (Two staff may complete the same visit: the lead moved it from one to the
   * other before the first one's completion reached the second one's screen; both are kept.)
   */
  completed: Map<string, number>;
}

/** One random operation of the team's day through the API (the lead moves, the staff document). */
export async function randomOperation(random: () => number, lead: SoakClient, staff: SoakClient[], ops: Operations, lastUndo: { moves: unknown[] | null }) {
  const pick = <T>(xs: readonly T[]): T | undefined => xs[Math.floor(random() * xs.length)];
  const r = random();
  ops.count++;
  if (r < 0.5 || (r < 0.7 && !lastUndo.moves)) {
    const day = (await lead.call('board.day', {})) as BoardDay;
    const open = day.visits.filter((v) => v.status === 'planned');
    const visit = pick(open);
    const to = pick(STAFF.filter((s) => s.id !== visit?.practitioner?.id));
    if (!visit || !to) return;
    const member = day.members.find((m) => m.practitionerId === to.id);
    const result = (await lead.call('board.move', {
      moves: [
        {
          visitId: visit.id,
          to: {
            practitioner: { id: to.id, name: member?.name ?? to.username },
            room: member?.roomId ? { id: member.roomId, name: member.roomName ?? member.roomId } : visit.room,
            start: visit.start,
            end: visit.end,
          },
        },
      ],
    })) as { undo: unknown[] };
    lastUndo.moves = result.undo;
    ops.moves++;
  } else if (r < 0.6) {
    const moves = lastUndo.moves;
    lastUndo.moves = null;
    if (!moves) return;
    // Undo: refused when the visit has been closed meanwhile (a move never overwrites that).
    await lead.call('board.move', { moves }).then(
      () => ops.undos++,
      () => undefined,
    );
  } else if (r < 0.7) {
    const day = (await lead.call('board.day', {})) as BoardDay;
    const [from, to] = [pick(STAFF), pick(STAFF)];
    if (!from || !to || from === to) return;
    const moves = day.visits
      .filter((v) => v.practitioner?.id === from.id && v.status === 'planned')
      .slice(0, 4)
      .map((v) => ({ visitId: v.id, to: { practitioner: { id: to.id, name: to.username }, room: v.room, start: v.start, end: v.end } }));
    if (moves.length === 0) return;
    const result = (await lead.call('board.move', { moves })) as { undo: unknown[] };
    lastUndo.moves = result.undo;
    ops.bulkMoves++;
  } else {
    const who = pick(staff);
    if (!who) return;
    const mine = ((await who.call('queue.today', { scope: 'mine' })) as QueueVisit[]).filter((v) => v.status === 'planned');
    const visit = pick(mine);
    if (!visit) return;
    const answered = r < 0.88;
    await who.call('visit.recordOutcome', {
      visitId: visit.id,
      outcome: answered ? 'completed' : 'not_answered',
      note: answered ? 'Soak: gennemført' : 'Soak: ikke svaret',
      call: null,
      durationSeconds: answered ? 300 : null,
    });
    if (answered) {
      ops.outcomes++;
      ops.completed.set(visit.id, (ops.completed.get(visit.id) ?? 0) + 1);
    } else ops.notAnswered++;
  }
}

/** The EOJ's Encounters per Appointment of the visits recorded as completed (as many as completions acknowledged). */
export async function encounterCounts(cluster: Cluster, token: string, visitIds: Iterable<string>): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const id of visitIds) {
    const body = (await (
      await fetch(`${cluster.eoj.baseUrl}/Encounter?appointment=Appointment/${id}&_count=0&_total=accurate`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { total?: number };
    counts.set(id, body.total ?? -1);
  }
  return counts;
}

export async function leadToken(cluster: Cluster): Promise<string> {
  return (await signInAtIdp(cluster.eoj.idp.issuer, LEAD.username)).accessToken;
}

export interface SoakResult {
  seed: number;
  operations: Operations;
  /** Per fault: from its end to every client matching the EOJ (ms). */
  convergenceMs: Record<string, number>;
  /** What the checker found at the end (empty: every view equals the EOJ's). */
  problems: string[];
  /** Outboxes at the end, per client. */
  outboxes: { username: string; pending: number; inflight: number; conflict: number; dead: number }[];
  /** Completed visits whose Encounters in the EOJ are not one per acknowledged completion. */
  encounterMismatches: [string, number][];
  /** Acknowledged moves whose last write is not what the EOJ shows (none may be lost). */
  movesLost: number;
}

/**
 * One soak run: a cluster (three signalling instances, Redis, HAProxy, the sandbox EOJ), the five
 * clients, rounds of random operations each with one fault in a seeded order, and the checker after
 * each fault (the views must converge within `2 × pullIntervalMs` once the outboxes drained).
 */
export async function runSoak(options: { seed: number; operationsPerRound: number; pullIntervalMs: number; rounds?: number }): Promise<SoakResult> {
  const { seed, operationsPerRound, pullIntervalMs } = options;
  const cluster = await startCluster({ instances: 3 });
  const dirs = tempDir('skaermrum-soak-');
  const clients: SoakClient[] = [];
  try {
    const folder = (who: { username: string }) => {
      const dir = join(dirs.dir, who.username);
      mkdirSync(dir);
      return dir;
    };
    const lead = await openLeadClient(cluster, LEAD, folder(LEAD), pullIntervalMs);
    clients.push(lead);
    for (const who of STAFF) clients.push(await openProcessClient(cluster, who, folder(who), pullIntervalMs));
    const random = prng(seed); // the demo's seeded random: the whole run follows from its seed
    const staff = clients.slice(1);
    const ops: Operations = { count: 0, moves: 0, bulkMoves: 0, undos: 0, outcomes: 0, notAnswered: 0, completed: new Map() };
    const lastUndo: { moves: unknown[] | null } = { moves: null };
    const operate = async (n: number) => {
      for (let i = 0; i < n; i++) await randomOperation(random, lead, staff, ops, lastUndo);
    };
    const alive = () => cluster.instances.filter((s) => s.alive);
    const faults: Record<string, () => Promise<void>> = {
      'signalling instance SIGKILL': async () => {
        const victim = alive()[Math.floor(random() * alive().length)] as SignalInstance;
        await victim.kill();
        await operate(operationsPerRound);
        await victim.restart();
      },
      'Redis restart': async () => {
        await cluster.redis.stop();
        await operate(operationsPerRound);
        await cluster.redis.start();
      },
      'EOJ 409/412/5xx burst': async () => {
        await cluster.faults({ errorRate: 0.3, createConflictRate: 0.3, updateConflictRate: 0.3, seed });
        await operate(operationsPerRound);
        await cluster.faults({});
      },
      'client SIGKILL and restart': async () => {
        const victim = clients[1 + Math.floor(random() * STAFF.length)] as SoakClient;
        await operate(Math.floor(operationsPerRound / 2));
        await victim.restart();
        await operate(Math.ceil(operationsPerRound / 2));
      },
    };
    // Each round: every fault once, in an order the seed chooses.
    const convergenceMs: Record<string, number> = {};
    await operate(operationsPerRound);
    for (let round = 0; round < (options.rounds ?? 1); round++) {
      const schedule = Object.keys(faults).sort(() => random() - 0.5);
      for (const name of schedule) {
        await (faults[name] as () => Promise<void>)();
        const ended = performance.now();
        await untilQuiet(clients, 60_000);
        await timeToConverge(cluster, clients, await leadToken(cluster), 2 * pullIntervalMs + 5_000).catch(async (error: Error) => {
          throw new Error(`after "${name}" (round ${round + 1}): ${error.message}\n${await missingDetails(cluster, clients, error.message)}`);
        });
        const key = options.rounds && options.rounds > 1 ? `${name} #${round + 1}` : name;
        convergenceMs[key] = performance.now() - ended;
      }
    }
    const token = await leadToken(cluster);
    const truth = await eojView(cluster, token);
    // The lead's last acknowledged move of each visit that landed (done) is what the EOJ shows.
    let movesLost = 0;
    const lastMove = new Map<string, { to: string | null; state: string }>();
    for (const row of lead.services.store.outbox.list())
      if (row.intent.kind === 'visit.move') lastMove.set(row.visitId, { to: row.intent.to.practitioner?.id ?? null, state: row.state });
    for (const [visitId, move] of lastMove) if (move.state === 'done' && truth.get(visitId)?.practitioner !== move.to) movesLost++;
    return {
      seed,
      operations: ops,
      convergenceMs,
      problems: await check(cluster, clients, token),
      outboxes: await Promise.all(clients.map(async (c) => ({ username: c.who.username, ...(await c.outbox()) }))),
      encounterMismatches: [...(await encounterCounts(cluster, token, ops.completed.keys()))].filter(([id, n]) => n !== ops.completed.get(id)),
      movesLost,
    };
  } finally {
    for (const c of clients) await c.close().catch(() => undefined);
    await cluster.stop();
    dirs.cleanup();
  }
}
