import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ServerMessage } from '../../src-shared/signalling/protocol';
import { createCallRegistry } from '../../src-server/signalling/calls';
import { turnCredentials } from '../../src-server/signalling/turn';

const CALL = '11111111-1111-4111-8111-111111111111';
const CALL2 = '22222222-2222-4222-8222-222222222222';
const turn = { urls: ['turn:127.0.0.1:3478'], username: 'u', credential: 'c', expiresAt: new Date().toISOString() };

describe('call state machine', () => {
  let sent: [string, ServerMessage][];
  let registry: ReturnType<typeof createCallRegistry>;
  const ring = (over: Partial<Parameters<typeof registry.ring>[0]> = {}) =>
    registry.ring({
      callId: CALL,
      visitId: 'v1',
      citizenId: 'c1',
      staffIdentity: 'staff:p2',
      staffTeam: 'team-1',
      staffConn: 'S',
      deviceConns: ['D1', 'D2'],
      caller: 'Louise',
      autoAnswerAfterS: null,
      ...over,
    });
  const to = (conn: string) => sent.filter(([c]) => c === conn).map(([, m]) => m.type);

  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    registry = createCallRegistry({
      send: (c, m) => sent.push([c, m]),
      turnFor: () => turn,
      now: () => Date.now(),
      ringTimeoutMs: 30_000,
      lostGraceMs: 10_000,
    });
  });
  afterEach(() => {
    registry.stop();
    vi.useRealTimers();
  });

  it('rings every device of the citizen, connects the one that answers and stops the others', () => {
    expect(ring().ok).toBe(true);
    expect(to('S')).toEqual(['call.ringing']);
    expect(to('D1')).toEqual(['call.incoming']);
    expect(registry.answer(CALL, 'D2', 'device:d2')).toBe(true);
    expect(to('S')).toEqual(['call.ringing', 'call.connected']);
    expect(to('D1')).toEqual(['call.incoming', 'call.ended']);
    expect(sent.find(([c, m]) => c === 'S' && m.type === 'call.connected')?.[1]).toMatchObject({ initiator: true });
    expect(sent.find(([c, m]) => c === 'D2' && m.type === 'call.connected')?.[1]).toMatchObject({ initiator: false });
    expect(registry.signal(CALL, 'S', { sdp: 'x' })).toBe(true);
    expect(to('D2').at(-1)).toBe('call.signal');
    expect(registry.signal(CALL, 'D1', { sdp: 'x' })).toBe(false);
  });

  it('ends a call nobody answers when the ringing times out, on both sides', () => {
    ring();
    vi.advanceTimersByTime(30_001);
    expect(registry.get(CALL)?.phase).toBe('ended');
    expect(registry.get(CALL)?.endReason).toBe('timeout');
    expect(to('S').at(-1)).toBe('call.ended');
    expect(to('D1').at(-1)).toBe('call.ended');
    expect(registry.answer(CALL, 'D1', 'device:d1')).toBe(false);
  });

  it('answers busy when the citizen or the staff member is already in a call', () => {
    ring();
    expect(ring({ callId: CALL2, staffIdentity: 'staff:p3', staffConn: 'S3' })).toEqual({ ok: false, reason: 'busy' });
    expect(ring({ callId: CALL2, citizenId: 'c9', deviceConns: ['D9'] })).toEqual({ ok: false, reason: 'busy' });
    expect(ring({ callId: CALL2, citizenId: 'c9', staffIdentity: 'staff:p3', staffConn: 'S3', deviceConns: [] })).toEqual({ ok: false, reason: 'offline' });
  });

  it('both hanging up at once ends the call once', () => {
    ring();
    registry.answer(CALL, 'D1', 'device:d1');
    expect(registry.hangup(CALL, 'S')).toBe(true);
    registry.hangup(CALL, 'D1');
    const ended = sent.filter(([, m]) => m.type === 'call.ended');
    expect(ended.filter(([c]) => c === 'S')).toHaveLength(1);
    expect(ended.filter(([c]) => c === 'D1')).toHaveLength(1);
    expect(registry.get(CALL)).toMatchObject({ phase: 'ended', endReason: 'hangup' });
    expect(registry.activeCount()).toBe(0);
  });

  it('a reconnect racing with a hang-up does not revive the call', () => {
    ring();
    registry.answer(CALL, 'D1', 'device:d1');
    registry.hangup(CALL, 'D1');
    expect(registry.restart(CALL, 'S', 'staff:p2')).toBe(false);
    expect(registry.signal(CALL, 'S', { candidate: 'x' })).toBe(false);
    expect(to('D1').filter((t) => t === 'call.restart')).toHaveLength(0);
  });

  it('a party that drops has a grace period to come back on a new connection', () => {
    ring();
    registry.answer(CALL, 'D1', 'device:d1');
    registry.connectionClosed('D1');
    vi.advanceTimersByTime(5_000);
    expect(registry.restart(CALL, 'D1-new', 'device:d1')).toBe(true);
    expect(to('S').at(-1)).toBe('call.restart');
    vi.advanceTimersByTime(20_000);
    expect(registry.get(CALL)?.phase).toBe('connected');
    expect(registry.signal(CALL, 'S', { sdp: 'y' })).toBe(true);
    expect(to('D1-new').at(-1)).toBe('call.signal');
  });

  it('a party that does not come back ends the call as lost', () => {
    ring();
    registry.answer(CALL, 'D1', 'device:d1');
    registry.connectionClosed('S');
    vi.advanceTimersByTime(10_001);
    expect(registry.get(CALL)).toMatchObject({ phase: 'ended', endReason: 'lost' });
    expect(registry.restart(CALL, 'S-new', 'staff:p2')).toBe(false);
  });

  it('a stranger cannot take over a call by claiming to restart it', () => {
    ring();
    registry.answer(CALL, 'D1', 'device:d1');
    expect(registry.restart(CALL, 'X', 'device:someone-else')).toBe(false);
    expect(registry.hangup(CALL, 'X')).toBe(false);
  });
});

describe('TURN REST credentials', () => {
  it('are coturn use-auth-secret credentials that expire', () => {
    const c = turnCredentials({ urls: ['turn:127.0.0.1:3478'], secret: 's3cret', ttlSeconds: 600 }, 'call-1', Date.parse('2026-11-23T10:00:00Z'));
    expect(c.username).toBe(`${Date.parse('2026-11-23T10:10:00Z') / 1000}:call-1`);
    expect(c.credential).toBe(createHmac('sha1', 's3cret').update(c.username).digest('base64'));
    expect(c.expiresAt).toBe('2026-11-23T10:10:00.000Z');
  });
});
