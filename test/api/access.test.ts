import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listProcedures } from '../../src-shared/api/contract';
import type { StaffRole } from '../../src-shared/domain/visit';
import { createApiHandlers } from '../../src-main/api/handlers';
import { buildApiRouter, createCallerFactory } from '../../src-main/api/router';
import { startTestServices } from '../helpers/services';

type Caller = Record<string, Record<string, (input: unknown) => Promise<unknown>>>;
type Who = StaffRole | null;

// Who may call what, written out here (not read from the contract): the table the router must keep.
const ANYONE: readonly Who[] = [null, 'staff', 'team_lead', 'leader'];
const SIGNED_IN: readonly Who[] = ['staff', 'team_lead', 'leader'];
const CARE: readonly Who[] = ['staff', 'team_lead'];
const LEADS: readonly Who[] = ['team_lead'];
const REPORTS: readonly Who[] = ['team_lead', 'leader'];
const LEADERS: readonly Who[] = ['leader'];
const EXPECTED: Record<string, readonly Who[]> = {
  'session.current': ANYONE,
  'session.auth': ANYONE,
  'session.signInOptions': ANYONE,
  'session.signIn': ANYONE,
  'session.beginSignIn': ANYONE,
  'session.signOut': ANYONE,
  'session.lock': SIGNED_IN,
  'clock.now': ANYONE,
  'sync.status': SIGNED_IN,
  'sync.now': SIGNED_IN,
  'sync.problems': CARE,
  'rooms.list': SIGNED_IN,
  'queue.today': CARE,
  'queue.retryPolicy': CARE,
  'visit.setStatus': CARE,
  'visit.details': CARE,
  'visit.recordOutcome': CARE,
  'visit.markUrgent': CARE,
  'visit.revealCpr': CARE,
  'visit.recordVerdict': CARE,
  'visit.recordInvitation': CARE,
  'reports.get': REPORTS,
  'reports.export': REPORTS,
  'reports.overview': LEADERS,
  'reports.overviewExport': LEADERS,
  'audit.trail': REPORTS,
  'audit.export': REPORTS,
  'audit.problems': CARE,
  'audit.retry': CARE,
  'board.day': LEADS,
  'board.move': LEADS,
  'calls.ticket': CARE,
  'calls.record': CARE,
  'calls.forVisit': CARE,
  'outbox.summary': SIGNED_IN,
  'outbox.problems': CARE,
  'outbox.resolve': CARE,
  'devices.forRoom': CARE,
  'devices.saveForRoom': CARE,
  'screen.keepAwake': SIGNED_IN,
};
const REFUSALS = ['Log ind for at bruge denne funktion', 'Din rolle giver ikke adgang til denne funktion'];

/** Every method × every role (and nobody, which is also what a locked session is), through the real router. */
describe('the API refuses each method to the roles it does not name (server side)', () => {
  let services: Awaited<ReturnType<typeof startTestServices>>;
  let who: Who = null;
  let caller: Caller;
  beforeAll(async () => {
    services = await startTestServices();
    const { store, session, events, clock } = services;
    const router = buildApiRouter(createApiHandlers({ store, session, events, clock, retryPolicy: { retries: 2, intervalSeconds: 300 } }), () => who);
    caller = createCallerFactory(router)({}) as unknown as Caller;
  });
  afterAll(() => services.cleanup());

  const methods = listProcedures().filter(([, , def]) => def.kind !== 'subscription');

  it('the table names every method of the contract', () => {
    expect(methods.map(([ns, m]) => `${ns}.${m}`).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const role of ANYONE) {
    it(`as ${role ?? 'nobody (signed out or locked)'}`, async () => {
      who = role;
      const outcome: Record<string, 'allowed' | 'refused'> = {};
      const expected: Record<string, 'allowed' | 'refused'> = {};
      for (const [ns, method] of methods) {
        const name = `${ns}.${method}`;
        if (name === 'session.signOut' || name === 'session.lock') continue; // they end the session the others run in
        // An empty argument: refused by access before the argument is even read, else refused by the argument's schema.
        const error = await (caller[ns]?.[method] as (input: unknown) => Promise<unknown>)({}).then(
          () => null,
          (e: unknown) => e,
        );
        const refused = error instanceof TRPCError && REFUSALS.includes(error.message);
        if (refused) expect((error as TRPCError).code).toBe(role === null ? 'UNAUTHORIZED' : 'FORBIDDEN');
        outcome[name] = refused ? 'refused' : 'allowed';
        expected[name] = EXPECTED[name]?.includes(role) ? 'allowed' : 'refused';
      }
      expect(outcome).toEqual(expected);
    });
  }
});
