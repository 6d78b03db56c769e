import { type TRPCError } from '@trpc/server';
import { afterEach, describe, expect, it } from 'vitest';
import { createCallerFactory } from '../../src-main/api/router';
import type { BoardDay } from '../../src-shared/api/contract';
import type { QueueVisit } from '../../src-shared/domain/visit';
import { nextCareDay } from '../../src-shared/time/copenhagen';
import { startTestServices } from '../helpers/services';

type Caller = Record<string, Record<string, (input: unknown) => Promise<unknown>>>;

/** The board's API through the real router: team leads only (server side), moves written whole or not at all. */
describe('board API', () => {
  let services: Awaited<ReturnType<typeof startTestServices>> | null = null;
  afterEach(async () => {
    await services?.cleanup();
    services = null;
  });
  async function as(staffId: string) {
    services = await startTestServices({ staffId });
    const caller = createCallerFactory(services.router)({}) as unknown as Caller;
    return (path: string, input: unknown) => {
      const [ns, method] = path.split('.') as [string, string];
      return (caller[ns]?.[method] as (input: unknown) => Promise<unknown>)(input);
    };
  }
  const refused = (p: Promise<unknown>) =>
    p.then(
      () => null,
      (e: unknown) => e as TRPCError,
    );

  it('refuses the board to a staff member, whatever the client shows', async () => {
    const call = await as('practitioner-2');
    expect((await refused(call('board.day', {})))?.code).toBe('FORBIDDEN');
    expect(
      (
        await refused(
          call('board.move', { moves: [{ visitId: 'x', to: { practitioner: null, room: null, start: '2026-12-02T10:00:00Z', end: '2026-12-02T10:10:00Z' } }] }),
        )
      )?.code,
    ).toBe('FORBIDDEN');
  });

  it("gives the team lead the team's day and members, and writes a move with its outbox row and audit entry", async () => {
    const call = await as('practitioner-1');
    const day = (await call('board.day', {})) as BoardDay;
    expect(day.members.map((m) => m.name)).toContain('Karin Holm');
    expect(day.members.find((m) => m.practitionerId === 'practitioner-5')?.hours).toEqual([{ start: '15:00', end: '23:00' }]);
    const visit = day.visits.find((v) => v.status === 'planned') as QueueVisit;
    const to = { practitioner: { id: 'practitioner-5', name: 'Jonas Kvist' }, room: { id: 'room-2', name: 'Videorum 2' }, start: visit.start, end: visit.end };
    const result = (await call('board.move', { moves: [{ visitId: visit.id, to }] })) as {
      visits: QueueVisit[];
      undo: { visitId: string; to: { practitioner: { id: string } | null } }[];
    };
    expect(result.visits[0]?.practitioner?.id).toBe('practitioner-5');
    expect(result.undo[0]?.to.practitioner?.id).toBe(visit.practitioner?.id);
    const row = services?.store.outbox.list().find((e) => e.intent.kind === 'visit.move');
    expect(row?.intent).toMatchObject({
      kind: 'visit.move',
      actorId: 'practitioner-1',
      to: { practitioner: { id: 'practitioner-5' } },
      from: { practitioner: { id: visit.practitioner?.id } },
    });
    expect(services?.store.audit.recent(10).find((e) => e.action === 'visit.moved')).toMatchObject({ actorId: 'practitioner-1', subjectId: visit.id });
  });

  it('refuses a move of a closed visit, and then writes nothing of a bulk move', async () => {
    const call = await as('practitioner-1');
    // Tomorrow: all of it still open, whatever the instant (the lead plans ahead).
    const day = (await call('board.day', { day: nextCareDay(services?.clock.now() ?? new Date(0)).start.toISOString() })) as BoardDay;
    const [open, toClose] = day.visits.filter((v) => v.status === 'planned');
    if (!open || !toClose) throw new Error('the demo day at the test instant has no open visits');
    // One of them is completed first (at any instant there are open visits to do so with).
    const closed = (await call('visit.recordOutcome', { visitId: toClose.id, outcome: 'completed', note: '', call: null, durationSeconds: 300 })) as QueueVisit;
    expect(closed.status).toBe('completed');
    const before = services?.store.outbox.list().length;
    const moves = [open, closed].map((v) => ({ visitId: v.id, to: { practitioner: null, room: v.room, start: v.start, end: v.end } }));
    expect((await refused(call('board.move', { moves })))?.code).toBe('CONFLICT');
    expect(services?.store.outbox.list().length).toBe(before);
    expect(services?.store.getVisit(open.id)?.practitioner?.id).toBe(open.practitioner?.id);
  });
});
