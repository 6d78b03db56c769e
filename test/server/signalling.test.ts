import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoVisitId } from '../helpers/demo';
import { forge, signInAtIdp, USERNAMES } from '../helpers/idp';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';
import { connectSignal, type SignalClient } from '../helpers/signalClient';

/** Signalling over real WebSockets on loopback, with the sandbox's visits as the directory. */
describe('signalling server: identities, closed user group, calls', () => {
  let eoj: TestSandbox;
  let url: string;
  let visitId: string;
  let citizenId: string;
  let otherCitizenVisit: string;
  const logged: string[] = [];

  beforeAll(async () => {
    eoj = await startTestSandbox({
      signalling: { ringTimeoutMs: 1_500, heartbeatMs: 500, lostGraceMs: 200 },
      logger: { warn: (fields, message) => logged.push(JSON.stringify({ ...fields, message })) },
    });
    url = eoj.signallingUrl;
    const appt = (await eoj.fhir(`/Appointment/${demoVisitId(eoj.clock, 'room-2-05')}`)).body;
    visitId = appt.id;
    citizenId = appt.participant.find((p: { actor: { reference: string } }) => p.actor.reference.startsWith('Patient/')).actor.reference.split('/')[1];
    const other = (await eoj.fhir('/Appointment?_count=200')).body.entry
      .map((e: { resource: { id: string; participant: { actor: { reference: string } }[] } }) => e.resource)
      .find((a: { participant: { actor: { reference: string } }[] }) => !a.participant.some((p) => p.actor.reference === `Patient/${citizenId}`));
    otherCitizenVisit = other.id;
  });
  afterAll(() => eoj.cleanup());

  /** Staff signed in at the sandbox's IdP (a real code flow); "practitioner-syd-1" is another team's lead. */
  async function staff(practitionerId = 'practitioner-2'): Promise<SignalClient> {
    const c = await connectSignal(url);
    c.send({ type: 'auth', token: (await signInAtIdp(eoj.idp.issuer, USERNAMES[practitionerId] ?? '')).accessToken });
    expect(await c.next('auth.ok')).toMatchObject({ role: 'staff', id: practitionerId });
    return c;
  }
  async function pairDevice(by: SignalClient, citizen = citizenId): Promise<{ device: SignalClient; token: string }> {
    by.send({ type: 'pair.create', citizenId: citizen });
    const { code } = await by.next('pair.code');
    expect(code).toMatch(/^[A-HJ-NP-Z2-9]{8}$/);
    const device = await connectSignal(url);
    device.send({ type: 'pair.redeem', code: `${code.slice(0, 4)}-${code.slice(4).toLowerCase()}` });
    const done = await device.next('pair.done');
    return { device, token: done.deviceToken };
  }

  it('pairs a device once with a one-time code; the device token logs in, the code does not work twice', async () => {
    const s = await staff();
    s.send({ type: 'pair.create', citizenId });
    const { code } = await s.next('pair.code');
    const d1 = await connectSignal(url);
    d1.send({ type: 'pair.redeem', code });
    const { deviceToken } = await d1.next('pair.done');
    const d2 = await connectSignal(url);
    d2.send({ type: 'pair.redeem', code });
    expect(await d2.next('error')).toMatchObject({ code: 'invalid_code' });
    const again = await connectSignal(url);
    again.send({ type: 'auth', token: deviceToken });
    expect(await again.next('auth.ok')).toMatchObject({ role: 'device' });
    for (const c of [s, d1, d2, again]) c.close();
  });

  it('a full call: ring with TURN credentials, answer, relay both ways, hang up ends both sides', async () => {
    const s = await staff();
    const { device } = await pairDevice(s);
    const callId = randomUUID();
    s.send({ type: 'call.ring', callId, visitId });
    const ringing = await s.next('call.ringing');
    expect(ringing.turn.username).toMatch(new RegExp(`^\\d+:${callId}$`));
    expect(await device.next('call.incoming')).toMatchObject({ callId, caller: 'Louise Dalgaard' });
    device.send({ type: 'call.answer', callId });
    expect(await s.next('call.connected')).toMatchObject({ callId, initiator: true });
    expect(await device.next('call.connected')).toMatchObject({ callId, initiator: false });
    s.send({ type: 'call.signal', callId, data: { type: 'offer', sdp: 'v=0' } });
    expect(await device.next('call.signal')).toMatchObject({ data: { type: 'offer', sdp: 'v=0' } });
    device.send({ type: 'call.signal', callId, data: { type: 'answer', sdp: 'v=0' } });
    expect(await s.next('call.signal')).toMatchObject({ data: { type: 'answer' } });
    device.send({ type: 'call.hangup', callId });
    expect(await s.next('call.ended')).toMatchObject({ callId, reason: 'hangup', by: 'citizen' });
    expect(await device.next('call.ended')).toMatchObject({ callId, reason: 'hangup' });
    s.close();
    device.close();
  });

  it('ringing times out, a second call is busy, and a citizen without a device is offline', async () => {
    const s = await staff();
    const { device } = await pairDevice(s);
    const callId = randomUUID();
    s.send({ type: 'call.ring', callId, visitId });
    await device.next('call.incoming');
    const s3 = await staff('practitioner-3');
    s3.send({ type: 'call.ring', callId: randomUUID(), visitId });
    expect(await s3.next('call.ended')).toMatchObject({ reason: 'busy' });
    expect(await s.next('call.ended', 4_000)).toMatchObject({ callId, reason: 'timeout', by: 'server' });
    s3.send({ type: 'call.ring', callId: randomUUID(), visitId: otherCitizenVisit });
    expect(await s3.next('call.ended')).toMatchObject({ reason: 'offline' });
    for (const c of [s, s3, device]) c.close();
  });

  it("a citizen device cannot ring, pair, or reach anyone else's call", async () => {
    const s = await staff();
    const { device } = await pairDevice(s);
    device.send({ type: 'call.ring', callId: randomUUID(), visitId });
    expect(await device.next('error')).toMatchObject({ code: 'forbidden' });
    device.send({ type: 'pair.create', citizenId });
    expect(await device.next('error')).toMatchObject({ code: 'forbidden' });
    // A call between the same staff member and another citizen's device: ours cannot touch it.
    const other = await pairDevice(
      s,
      otherCitizenVisit
        ? (await eoj.fhir(`/Appointment/${otherCitizenVisit}`)).body.participant
            .find((p: { actor: { reference: string } }) => p.actor.reference.startsWith('Patient/'))
            .actor.reference.split('/')[1]
        : citizenId,
    );
    const callId = randomUUID();
    s.send({ type: 'call.ring', callId, visitId: otherCitizenVisit });
    await other.device.next('call.incoming');
    expect(device.received.some((m) => m.type === 'call.incoming' && m.callId === callId)).toBe(false);
    device.send({ type: 'call.answer', callId });
    expect(await device.next('error')).toMatchObject({ code: 'forbidden' });
    device.send({ type: 'call.signal', callId, data: { sdp: 'evil' } });
    expect(await device.next('error')).toMatchObject({ code: 'forbidden' });
    device.send({ type: 'call.restart', callId });
    expect(await device.next('error')).toMatchObject({ code: 'forbidden' });
    device.send({ type: 'call.hangup', callId });
    expect(await device.next('error')).toMatchObject({ code: 'not_found' });
    other.device.send({ type: 'call.answer', callId });
    expect(await s.next('call.connected')).toMatchObject({ callId });
    // Ended here, not left to the grace period: the next test's calls start from nothing.
    s.send({ type: 'call.hangup', callId });
    expect(await other.device.next('call.ended')).toMatchObject({ callId, reason: 'hangup' });
    for (const c of [s, device, other.device]) c.close();
  });

  it("staff of another team cannot ring this team's citizen or pair a device for them", async () => {
    const stranger = await staff('practitioner-syd-1');
    stranger.send({ type: 'call.ring', callId: randomUUID(), visitId });
    expect(await stranger.next('error')).toMatchObject({ code: 'forbidden' });
    stranger.send({ type: 'pair.create', citizenId });
    expect(await stranger.next('error')).toMatchObject({ code: 'forbidden' });
    stranger.close();
  });

  it('refuses forged and revoked tokens; revoking disconnects the device (expired: test/server/tokens.test.ts)', async () => {
    const real = (await signInAtIdp(eoj.idp.issuer, 'louise')).accessToken;
    const forged = await connectSignal(url);
    forged.send({ type: 'auth', token: forge(real, { sub: 'practitioner-1', team: 'team-skaermenhed-syd' }) });
    expect(await forged.next('error')).toMatchObject({ code: 'unauthenticated', message: expect.stringContaining('signaturen passer ikke') });
    const s = await staff();
    const { device, token } = await pairDevice(s);
    s.send({ type: 'device.revoke', citizenId });
    expect((await s.next('device.revoked')).devices).toBeGreaterThanOrEqual(1);
    expect(await device.closed).toBe(4001);
    const back = await connectSignal(url);
    back.send({ type: 'auth', token });
    expect(await back.next('error')).toMatchObject({ code: 'unauthenticated' });
    for (const c of [forged, s, back]) c.close();
  });

  it('logs every refusal with a reason code, and no personal data or secrets', async () => {
    const before = logged.length;
    const stranger = await staff('practitioner-syd-1');
    stranger.send({ type: 'call.ring', callId: randomUUID(), visitId });
    // The refusal names what it refused, so the caller's client stops ringing.
    expect(await stranger.next('error')).toMatchObject({ code: 'forbidden', refused: 'call.ring' });
    stranger.close();
    const entries = logged.slice(before).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(entries).toEqual([expect.objectContaining({ event: 'signalling.refused', code: 'forbidden', type: 'call.ring', role: 'staff' })]);
    const patient = (await eoj.fhir(`/Patient/${citizenId}`)).body;
    for (const line of logged) {
      for (const secret of [citizenId, patient.name[0].text, patient.identifier[0].value, 'eyJ']) expect(line).not.toContain(secret);
    }
  });

  it('10,000 random and malformed messages leave the server up and a call in progress unaffected', async () => {
    // A staff member no earlier test left in a call: each test owns its state.
    const s = await staff('practitioner-3');
    const { device } = await pairDevice(s);
    const callId = randomUUID();
    s.send({ type: 'call.ring', callId, visitId });
    await device.next('call.incoming');
    device.send({ type: 'call.answer', callId });
    await s.next('call.connected');

    const valid = fc.constantFrom<Record<string, unknown>>(
      { type: 'call.ring', callId, visitId },
      { type: 'call.answer', callId },
      { type: 'call.hangup', callId },
      { type: 'call.signal', callId, data: { sdp: 'x' } },
      { type: 'call.restart', callId },
      { type: 'pair.create', citizenId },
      { type: 'device.revoke', citizenId },
    );
    const messages = fc.sample(
      fc.oneof(
        fc.json(),
        fc.string(),
        valid,
        fc.record(
          {
            type: fc.constantFrom('auth', 'call.ring', 'call.signal', 'pair.redeem', 'nonsense'),
            callId: fc.oneof(fc.uuid(), fc.string()),
            token: fc.string(),
            code: fc.string(),
            data: fc.anything(),
          },
          { requiredKeys: [] },
        ),
        fc.constant('x'.repeat(70 * 1024)),
      ),
      { numRuns: 10_000, seed: 4 },
    );
    let fuzzer: SignalClient | null = null;
    let sentCount = 0;
    for (const [i, m] of messages.entries()) {
      // The fuzzer shares this process with the server and its clients: it lets their I/O run now
      // and then, as a sender in another process would.
      if (i % 100 === 0) await new Promise((r) => setImmediate(r));
      if (!fuzzer || fuzzer.socket.readyState !== fuzzer.socket.OPEN) fuzzer = await connectSignal(url);
      try {
        fuzzer.send(typeof m === 'string' ? m : JSON.stringify(m));
        sentCount++;
      } catch {
        fuzzer = null;
      }
    }
    expect(sentCount).toBeGreaterThan(9_000);
    // The call in progress still relays, and new connections are served.
    s.send({ type: 'call.signal', callId, data: { candidate: 'after-fuzz' } });
    expect(await device.next('call.signal')).toMatchObject({ data: { candidate: 'after-fuzz' } });
    const fresh = await staff('practitioner-3');
    fresh.close();
    expect(eoj.signalling.calls.get(callId)?.phase).toBe('connected');
    s.close();
    device.close();
  }, 120_000);
});
