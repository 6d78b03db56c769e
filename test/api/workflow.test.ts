import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCallerFactory } from '../../src-main/api/router';
import { testClock } from '../helpers/clock';
import { demoAt, demoQueue } from '../helpers/demo';
import { startTestServices } from '../helpers/services';

type Caller = Record<string, Record<string, (input: unknown) => Promise<unknown>>>;

/** The staff workflow through the real router and services (demo day, encrypted store). */
describe('workflow API', () => {
  let services: Awaited<ReturnType<typeof startTestServices>>;
  let call: (path: string, input: unknown) => Promise<unknown>;
  // The test instant decides which visit is still open: the first one in the queue that is not
  // done, worked by whoever it is planned for (at 23:58 that is the night shift's 23:50 call).
  const clock = testClock();
  const target = demoQueue(clock).find((v) => v.status !== 'completed');
  if (!target?.practitioner) throw new Error('the demo queue has no visit left to document');
  const visitId = target.id;
  const staffId = target.practitioner.id;

  beforeAll(async () => {
    services = await startTestServices({ clock, staffId });
    const caller = createCallerFactory(services.router)({}) as unknown as Caller;
    call = (path, input) => {
      const [ns, method] = path.split('.') as [string, string];
      return (caller[ns]?.[method] as (input: unknown) => Promise<unknown>)(input);
    };
  });
  afterAll(() => services.cleanup());

  it('reveals the full CPR only on request and writes who saw it to the audit log (not the number)', async () => {
    const visit = target;
    const { cpr } = (await call('visit.revealCpr', { visitId })) as { cpr: string };
    expect(cpr).toMatch(/^\d{10}$/);
    expect(`${cpr.slice(0, 6)}-xxxx`).toBe(visit?.citizen.cprMasked);
    const entry = services.store.audit.recent(100).find((e) => e.action === 'citizen.cpr_revealed');
    expect(entry).toMatchObject({ actorId: staffId, subjectType: 'Patient', subjectId: visit?.citizen.id, details: { visitId } });
    expect(JSON.stringify(services.store.audit.recent(100))).not.toContain(cpr);
  });

  it('records an outcome with its outbox row in one transaction, and the visit details show it', async () => {
    const before = services.store.outbox.summary().pending;
    const saved = (await call('visit.recordOutcome', { visitId, outcome: 'completed', note: 'Alt vel', call: null, durationSeconds: 300 })) as {
      status: string;
      workflow: { outcome: string; durationSeconds: number };
    };
    expect(saved).toMatchObject({ status: 'completed', workflow: { outcome: 'completed', durationSeconds: 300 } });
    expect(services.store.outbox.summary().pending).toBe(before + 1);
    const details = (await call('visit.details', { visitId })) as { visit: { workflow: { note: string } } };
    expect(details.visit.workflow.note).toBe('Alt vel');
    // The citizen's next visit shows this as "last visit".
    const other = demoAt(clock).visits.find((v) => v.citizen.id === target.citizen.id && v.id !== visitId);
    if (other) expect(((await call('visit.details', { visitId: other.id })) as { lastOutcome: { note: string } | null }).lastOutcome?.note).toBe('Alt vel');
  });

  it('refuses bad outcome input and changes nothing', async () => {
    const before = services.store.outbox.list().length;
    for (const bad of [
      { visitId, outcome: 'done', note: '', call: null, durationSeconds: null },
      { visitId, outcome: 'completed', note: 'x'.repeat(2001), call: null, durationSeconds: null },
      { visitId, outcome: 'completed', note: '', call: { connectedAt: 'yesterday', endedAt: null }, durationSeconds: null },
      { visitId, outcome: 'completed', note: '', call: null, durationSeconds: -1 },
    ]) {
      const error = await call('visit.recordOutcome', bad).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TRPCError);
      // (Over a transport the message names method and field: tested in test/browser.)
      expect((error as TRPCError).code).toBe('BAD_REQUEST');
    }
    expect(services.store.outbox.list().length).toBe(before);
  });

  it('gives the retry policy the UI explains', async () => {
    expect(await call('queue.retryPolicy', {})).toEqual({ retries: 2, intervalSeconds: 300 });
  });
});
