import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../src-shared/signalling/protocol';
import { signInAtIdp } from '../helpers/idp';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';
import { connectSignal, type SignalClient } from '../helpers/signalClient';

/**
 * The team's day over signalling, real WebSockets on loopback: presence goes to the
 * team's lead only, change hints to the team's other clients only; never to another team.
 */
describe('presence and team hints over signalling', () => {
  let eoj: TestSandbox;
  beforeAll(async () => {
    eoj = await startTestSandbox({ signalling: { heartbeatMs: 500 } });
  });
  afterAll(() => eoj.cleanup());

  const open: SignalClient[] = [];
  /** Signed in at the sandbox's IdP as that demo user (a real code flow). */
  async function as(user: { username: string }): Promise<SignalClient> {
    const c = await connectSignal(eoj.signallingUrl);
    c.send({ type: 'auth', token: (await signInAtIdp(eoj.idp.issuer, user.username)).accessToken });
    await c.next('auth.ok');
    open.push(c);
    return c;
  }
  const lead = { username: 'mette' };
  const louise = { username: 'louise' };
  const ahmad = { username: 'ahmad' };
  /** Birk Sønder leads another skærmenhed. */
  const otherLead = { username: 'birk' };
  /** The presence of a member as the lead has last been told it. */
  async function presenceOf(c: SignalClient, practitionerId: string, state: string) {
    for (;;) {
      const m = (await c.next('presence.team', 3_000)) as Extract<ServerMessage, { type: 'presence.team' }>;
      const p = m.members.find((x) => x.practitionerId === practitionerId);
      if (p?.state === state) return p;
    }
  }

  /**
   * Waits until everything broadcast to the teams before now has reached `c`: another sign-in of
   * `c`'s user goes out to their team's leads on the same channel, after whatever went before it.
   */
  async function drained(c: SignalClient, user: { username: string }, practitionerId: string) {
    const from = c.received.length;
    await as(user);
    for (;;) {
      const m = (await c.next('presence.team', 3_000)) as Extract<ServerMessage, { type: 'presence.team' }>;
      if (c.received.indexOf(m) >= from && m.members.some((p) => p.practitionerId === practitionerId)) return;
    }
  }

  it("the lead sees the team's members sign in, call, go idle and go offline; another team's lead sees none of it", async () => {
    const boss = await as(lead);
    const stranger = await as(otherLead);
    const staff = await as(louise);
    expect(await presenceOf(boss, 'practitioner-2', 'signed_in')).toMatchObject({ name: 'Louise Dalgaard', visitId: null });
    staff.send({ type: 'presence.update', presence: { state: 'in_call', roomId: 'room-2', visitId: 'appointment-x' } });
    expect(await presenceOf(boss, 'practitioner-2', 'in_call')).toMatchObject({ roomId: 'room-2', visitId: 'appointment-x' });
    staff.send({ type: 'presence.update', presence: { state: 'idle', roomId: 'room-2', visitId: null } });
    await presenceOf(boss, 'practitioner-2', 'idle');
    staff.close();
    await presenceOf(boss, 'practitioner-2', 'offline');
    // A lead who signs in later gets the team as it stands.
    const late = await as(lead);
    const snapshot = (await late.next('presence.team')) as Extract<ServerMessage, { type: 'presence.team' }>;
    expect(snapshot.members.find((m) => m.practitionerId === 'practitioner-2')?.state).toBe('offline');
    await drained(stranger, otherLead, 'practitioner-syd-1');
    const seen = stranger.received.filter((m) => m.type === 'presence.team').flatMap((m) => (m.type === 'presence.team' ? m.members : []));
    expect(seen.every((p) => p.practitionerId === 'practitioner-syd-1')).toBe(true);
  });

  it("team.changed goes to the team's other clients, not back to the sender and never to another team", async () => {
    const [a, b, boss, stranger] = [await as(louise), await as(ahmad), await as(lead), await as(otherLead)];
    a.send({ type: 'team.changed', visitIds: ['appointment-1', 'appointment-2'] });
    expect(await b.next('team.changed')).toEqual({ type: 'team.changed', visitIds: ['appointment-1', 'appointment-2'] });
    expect(await boss.next('team.changed')).toMatchObject({ visitIds: ['appointment-1', 'appointment-2'] });
    // Hints that come later on the same channel: whatever would have reached a or the stranger is there by now.
    b.send({ type: 'team.changed', visitIds: ['appointment-3'] });
    expect(await a.next('team.changed')).toMatchObject({ visitIds: ['appointment-3'] });
    await drained(stranger, otherLead, 'practitioner-syd-1');
    expect(a.received.filter((m) => m.type === 'team.changed')).toHaveLength(1);
    expect(stranger.received.some((m) => m.type === 'team.changed')).toBe(false);
  });

  it('a citizen device may neither report presence nor send team hints', async () => {
    const staff = await as(louise);
    const visit = (await eoj.fhir('/Appointment?_count=1')).body.entry[0].resource;
    const citizenId = visit.participant.find((p: { actor: { reference: string } }) => p.actor.reference.startsWith('Patient/')).actor.reference.split('/')[1];
    staff.send({ type: 'pair.create', citizenId });
    const { code } = await staff.next('pair.code');
    const device = await connectSignal(eoj.signallingUrl);
    open.push(device);
    device.send({ type: 'pair.redeem', code });
    await device.next('pair.done');
    device.send({ type: 'presence.update', presence: { state: 'in_call', roomId: null, visitId: null } });
    expect(await device.next('error')).toMatchObject({ code: 'forbidden' });
    device.send({ type: 'team.changed', visitIds: [] });
    expect(await device.next('error')).toMatchObject({ code: 'forbidden' });
  });

  afterAll(() => open.forEach((c) => c.close()));
});
