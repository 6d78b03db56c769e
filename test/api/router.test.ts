import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listProcedures } from '../../src-shared/api/contract';
import { createCallerFactory } from '../../src-main/api/router';
import { startTestServices } from '../helpers/services';

type Caller = Record<string, Record<string, (input: unknown) => Promise<unknown>>>;

describe('API router built from the shared contract', () => {
  let services: Awaited<ReturnType<typeof startTestServices>>;
  let caller: Caller;
  beforeAll(async () => {
    services = await startTestServices();
    caller = createCallerFactory(services.router)({}) as unknown as Caller;
  });
  afterAll(() => services.cleanup());

  const call = (path: string, input: unknown) => {
    const [ns, method] = path.split('.') as [string, string];
    return (caller[ns]?.[method] as (input: unknown) => Promise<unknown>)(input);
  };
  const rejection = async (path: string, input: unknown) => {
    const error = await call(path, input).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TRPCError);
    return error as TRPCError;
  };

  it('implements every method of the contract', () => {
    const procedures = Object.keys((services.router as unknown as { _def: { procedures: Record<string, unknown> } })._def.procedures).sort();
    expect(procedures).toEqual(
      listProcedures()
        .map(([ns, m]) => `${ns}.${m}`)
        .sort(),
    );
  });

  it('answers valid calls with contract-shaped data', async () => {
    const queue = (await call('queue.today', { scope: 'room', roomId: 'room-2' })) as { room: { id: string } }[];
    expect(queue.length).toBe(40);
    expect(queue.every((v) => v.room.id === 'room-2')).toBe(true);
    expect(await call('session.current', {})).toMatchObject({ practitionerId: 'practitioner-2', teamId: 'team-skaermenhed-nord' });
  });

  it.each([
    ['queue.today', { scope: 'room' }, /roomId/],
    ['queue.today', { scope: 'everyone' }, /scope/],
    ['queue.today', { scope: 'team', extra: 1 }, /extra|Unrecognized/i],
    ['queue.today', 'not an object', /expected object/i],
    ['visit.setStatus', { visitId: 'x', status: 'done' }, /status/],
    ['visit.setStatus', { visitId: '', status: 'completed' }, /visitId/],
    ['devices.saveForRoom', { roomId: 'room-1', camera: { deviceId: 1 }, microphone: null, speaker: null }, /camera/],
  ])('rejects bad arguments to %s with a clear message', async (path, input, field) => {
    const error = await rejection(path, input);
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.cause && 'issues' in (error.cause as object)).toBe(true);
    expect(JSON.stringify((error.cause as unknown as { issues: unknown }).issues)).toMatch(field);
  });

  it('maps an unknown visit to NOT_FOUND and writes nothing', async () => {
    const before = services.store.outbox.list().length;
    expect((await rejection('visit.setStatus', { visitId: 'appointment-nope', status: 'completed' })).code).toBe('NOT_FOUND');
    expect(services.store.outbox.list().length).toBe(before);
  });

  it('refuses every call from an untrusted sender (Electron IPC from a foreign frame)', async () => {
    const untrusted = createCallerFactory(services.router)({ trusted: false }) as unknown as Caller;
    const error = await (untrusted.session?.current as (i: unknown) => Promise<unknown>)({}).then(
      () => null,
      (e: unknown) => e,
    );
    expect((error as TRPCError).code).toBe('FORBIDDEN');
  });
});
