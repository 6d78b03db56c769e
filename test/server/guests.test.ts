import { randomUUID } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SmsOutboxLine } from '../../src-server/signalling/guests/sms';
import { forge, signInAtIdp, USERNAMES } from '../helpers/idp';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';
import { connectSignal, type SignalClient } from '../helpers/signalClient';

/**
 * Relatives in a call, over real WebSockets on loopback against the sandbox EOJ: invited by SMS
 * (the sandbox's outbox), joined with link and PIN, admitted by staff, consented by the citizen,
 * then a mesh of pairs. Each test books its own visit five minutes from the pinned instant, so it
 * holds at any hour.
 */
const TEAM = 'team-skaermenhed-nord';
type Json = Record<string, unknown>;

describe('relatives in a call: invited, admitted, consented', () => {
  let eoj: TestSandbox;
  let url: string;
  const logged: string[] = [];
  /** A citizen of the team with a relative who may take part and one who may not. */
  let citizenId: string;
  let allowed: { id: string; phone: string; name: string };
  let denied: string;

  beforeAll(async () => {
    eoj = await startTestSandbox({
      signalling: { heartbeatMs: 500, lostGraceMs: 400, consentMs: 1_500, colleagueRingMs: 1_500 },
      logger: { warn: (fields, message) => logged.push(JSON.stringify({ ...fields, message })) },
    });
    url = eoj.signallingUrl;
    const consents = (await eoj.fhir('/Consent?status=active&_count=1000')).body.entry.map((e: { resource: Json }) => e.resource);
    const decided = (type: string) =>
      new Map<string, string>(
        consents
          .filter((c: { provision?: { type?: string } }) => c.provision?.type === type)
          .map((c: { patient: { reference: string }; provision: { actor: { reference: { reference: string } }[] } }) => [
            c.patient.reference.split('/')[1] as string,
            (c.provision.actor[0]?.reference.reference ?? '').split('/')[1] as string,
          ]),
      );
    const permits = decided('permit');
    const denies = decided('deny');
    citizenId = [...permits.keys()].find((p) => denies.has(p)) ?? [...permits.keys()][0] ?? '';
    const person = (await eoj.fhir(`/RelatedPerson/${permits.get(citizenId)}`)).body;
    allowed = { id: person.id, phone: person.telecom[0].value, name: person.name[0].text };
    denied = denies.get(citizenId) ?? 'none';
  });
  afterAll(() => eoj.cleanup());
  // Every connection a test opened is closed after it, even when it failed: the citizen is free again.
  const opened: SignalClient[] = [];
  const open = async () => {
    const c = await connectSignal(url);
    opened.push(c);
    return c;
  };
  afterEach(async () => {
    for (const c of opened.splice(0)) c.socket.terminate();
    await new Promise((r) => setTimeout(r, 600));
  });

  /** A visit of the team for the citizen, starting `inMinutes` from the pinned instant. */
  async function book(inMinutes = 5): Promise<string> {
    const start = new Date(eoj.clock.nowMs() + inMinutes * 60_000);
    const res = await eoj.fhir('/Appointment', {
      method: 'POST',
      json: {
        resourceType: 'Appointment',
        status: 'booked',
        start: start.toISOString(),
        end: new Date(start.getTime() + 15 * 60_000).toISOString(),
        participant: [
          { actor: { reference: `Patient/${citizenId}` }, status: 'accepted' },
          { actor: { reference: 'Practitioner/practitioner-2' }, status: 'accepted' },
          { actor: { reference: `HealthcareService/${TEAM}` }, status: 'accepted' },
        ],
      },
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }
  async function staff(practitionerId = 'practitioner-2'): Promise<SignalClient> {
    const c = await open();
    c.send({ type: 'auth', token: (await signInAtIdp(eoj.idp.issuer, USERNAMES[practitionerId] ?? '')).accessToken });
    await c.next('auth.ok');
    return c;
  }
  async function tablet(by: SignalClient): Promise<SignalClient> {
    by.send({ type: 'pair.create', citizenId });
    const { code } = await by.next('pair.code');
    const device = await open();
    device.send({ type: 'pair.redeem', code });
    await device.next('pair.done');
    return device;
  }
  const texts = (): SmsOutboxLine[] =>
    existsSync(eoj.smsOutbox)
      ? readFileSync(eoj.smsOutbox, 'utf8')
          .trim()
          .split('\n')
          .map((l) => SmsOutboxLine.parse(JSON.parse(l)))
      : [];
  /** Staff invite the allowed relative: the SMS's link secret and PIN. */
  async function invite(s: SignalClient, visitId: string): Promise<{ link: string; pin: string; text: string }> {
    const before = texts().length;
    s.send({ type: 'invite.create', visitId, relativeId: allowed.id });
    expect(await s.next('invite.sent')).toMatchObject({ visitId, relativeId: allowed.id });
    const sms = texts()[before] as SmsOutboxLine;
    expect(sms.to).toBe(allowed.phone);
    const link = /#([A-Za-z0-9_-]{32,64})/.exec(sms.text)?.[1] ?? '';
    const pin = /koden (\d{6})/.exec(sms.text)?.[1] ?? '';
    return { link, pin, text: sms.text };
  }
  async function call(s: SignalClient, device: SignalClient, visitId: string): Promise<string> {
    const callId = randomUUID();
    s.send({ type: 'call.ring', callId, visitId });
    await device.next('call.incoming');
    device.send({ type: 'call.answer', callId });
    await s.next('call.connected');
    await device.next('call.connected');
    return callId;
  }

  it('invited, PIN, lobby, admitted, the citizen says yes: a pair with each; removed by the citizen; the link ends with the call', async () => {
    const s = await staff();
    const device = await tablet(s);
    const visitId = await book();
    // A relative the EOJ records a "no" for is not invited.
    s.send({ type: 'invite.create', visitId, relativeId: denied });
    expect(await s.next('error')).toMatchObject({ code: 'forbidden' });
    const { link, pin, text } = await invite(s, visitId);
    expect(text).toMatch(/^Skærmbesøg med \S+ kl\. \d{2}\.\d{2}\. Åbn http:\/\/127\.0\.0\.1\/citizen\/\?gaest#/);

    const guest = await open();
    guest.send({ type: 'guest.join', link, pin: pin === '000000' ? '000001' : '000000' });
    expect(await guest.next('error')).toMatchObject({ code: 'invalid_code', message: 'Koden passer ikke. Prøv igen.' });
    guest.send({ type: 'guest.join', link, pin });
    const ok = await guest.next('auth.ok');
    expect(ok.role).toBe('guest');
    const guestId = ok.id;
    expect(await guest.next('guest.state')).toMatchObject({ state: 'waiting', callId: null });
    // The same link on a second device while the first is in: refused.
    const second = await open();
    second.send({ type: 'guest.join', link, pin });
    expect(await second.next('error')).toMatchObject({ code: 'in_use', message: 'Linket er allerede i brug på en anden enhed.' });

    // A guest rings nobody, sees no presence, pairs no tablet, signals no one before being let in.
    for (const m of [
      { type: 'call.ring', callId: randomUUID(), visitId },
      { type: 'pair.create', citizenId },
      { type: 'presence.update', presence: { state: 'available' } },
      { type: 'turn.request' },
      { type: 'invite.create', visitId, relativeId: allowed.id },
    ])
      guest.send(m);
    for (let i = 0; i < 5; i++) expect((await guest.next('error')).code).toMatch(/forbidden|bad_message/);

    const callId = await call(s, device, visitId);
    expect(await s.next('call.guest')).toMatchObject({ callId, guest: guestId, name: allowed.name, state: 'waiting' });
    expect(await guest.next('guest.state')).toMatchObject({ state: 'waiting', callId });
    guest.send({ type: 'call.signal', callId, peer: 'staff', data: { sdp: 'too early' } });
    expect(await guest.next('error')).toMatchObject({ code: 'forbidden' });

    s.send({ type: 'call.admit', callId, guest: guestId });
    const ask = await device.next('call.consent.ask');
    expect(ask).toMatchObject({ callId, guest: guestId, firstName: allowed.name.split(' ')[0] });
    expect(await guest.next('guest.state')).toMatchObject({ state: 'asking' });
    device.send({ type: 'call.consent', callId, guest: guestId, allow: true });
    expect(await guest.next('guest.state')).toMatchObject({ state: 'in' });
    const seen = await device.next('call.participants');
    expect(seen.participants.map((p) => p.kind)).toEqual(['staff', 'citizen', 'relative']);
    // One pair with each: the one who was in first offers; credentials per participant and call.
    const staffPeer = await s.next('call.peer');
    expect(staffPeer).toMatchObject({ peer: guestId, initiator: true });
    expect(staffPeer.turn.username).toMatch(new RegExp(`^\\d+:${callId}:staff$`));
    expect(await device.next('call.peer')).toMatchObject({ peer: guestId, initiator: true });
    const guestPeers = [await guest.next('call.peer'), await guest.next('call.peer')];
    expect(guestPeers.map((p) => [p.peer, p.initiator]).sort()).toEqual([
      ['citizen', false],
      ['staff', false],
    ]);
    expect(guestPeers[0]?.turn.username).toMatch(new RegExp(`^\\d+:${callId}:${guestId}$`));
    s.send({ type: 'call.signal', callId, peer: guestId, data: { type: 'offer', sdp: 'v=0' } });
    expect(await guest.next('call.signal')).toMatchObject({ peer: 'staff', data: { type: 'offer' } });
    guest.send({ type: 'call.signal', callId, peer: 'citizen', data: { type: 'answer', sdp: 'v=0' } });
    expect(await device.next('call.signal')).toMatchObject({ peer: guestId, data: { type: 'answer' } });

    // The citizen ends the relative's part with one button.
    device.send({ type: 'call.remove', callId, participant: guestId });
    expect(await guest.next('guest.state')).toMatchObject({ state: 'ended' });
    expect(await s.next('call.peer.left')).toMatchObject({ peer: guestId });
    expect(s.received.filter((m) => m.type === 'call.guest').map((m) => m.state)).toEqual(['waiting', 'asking', 'in', 'left']);
    s.send({ type: 'call.hangup', callId });
    await device.next('call.ended');
    // The link ends with the call.
    const late = await open();
    late.send({ type: 'guest.join', link, pin });
    expect(await late.next('error')).toMatchObject({ code: 'expired', message: 'Linket er udløbet. Bed medarbejderen om en ny invitation.' });
    // Nothing of the relative, the link or the PIN is in any log line.
    const log = logged.join('\n');
    for (const secret of [link, pin, allowed.phone, allowed.name]) expect(log).not.toContain(secret);
    for (const c of [s, device, guest, second, late]) c.close();
  });

  it('the citizen says no, or nothing in time: the relative never gets a pair or a name beyond the first', async () => {
    const s = await staff('practitioner-3');
    const device = await tablet(s);
    const visitId = await book(10);
    const callId = await call(s, device, visitId);
    const { link, pin } = await invite(s, visitId);
    const guest = await open();
    guest.send({ type: 'guest.join', link, pin });
    const guestId = (await guest.next('auth.ok')).id;
    expect(await guest.next('guest.state')).toMatchObject({ state: 'waiting', callId });
    s.send({ type: 'call.admit', callId, guest: guestId });
    await device.next('call.consent.ask');
    device.send({ type: 'call.consent', callId, guest: guestId, allow: false });
    expect(await guest.next('guest.state')).toMatchObject({ state: 'asking' });
    const away = await guest.next('guest.state');
    expect(away.state).toBe('turned-away');
    // All the guest was ever told of the people in the call: the citizen's first name.
    expect(away.citizenFirstName).not.toContain(' ');
    expect(guest.received.filter((m) => m.type === 'call.peer' || m.type === 'call.participants')).toEqual([]);
    // The same link again: the citizen already said no to it in this call.
    const again = await open();
    again.send({ type: 'guest.join', link, pin });
    await again.next('auth.ok');
    expect(await again.next('error')).toMatchObject({ code: 'forbidden' });
    // A second invitation the citizen lets time run out on.
    const next = await invite(s, visitId);
    const other = await open();
    other.send({ type: 'guest.join', link: next.link, pin: next.pin });
    const otherId = (await other.next('auth.ok')).id;
    await other.next('guest.state');
    s.send({ type: 'call.admit', callId, guest: otherId });
    await device.next('call.consent.ask');
    expect(await other.next('guest.state')).toMatchObject({ state: 'asking' });
    expect(await other.next('guest.state', 4_000)).toMatchObject({ state: 'turned-away' });
    expect(other.received.some((m) => m.type === 'call.peer')).toBe(false);
    s.send({ type: 'call.hangup', callId });
    for (const c of [s, device, guest, again, other]) c.close();
  });

  it("a relative's line drops and comes back within the grace: back in, every pair with them anew", async () => {
    const s = await staff('practitioner-4');
    const device = await tablet(s);
    const visitId = await book(3);
    const callId = await call(s, device, visitId);
    const { link, pin } = await invite(s, visitId);
    let guest = await open();
    guest.send({ type: 'guest.join', link, pin });
    const guestId = (await guest.next('auth.ok')).id;
    s.send({ type: 'call.admit', callId, guest: guestId });
    await device.next('call.consent.ask');
    device.send({ type: 'call.consent', callId, guest: guestId, allow: true });
    await s.next('call.peer');
    guest.socket.terminate();
    guest = await open();
    guest.send({ type: 'guest.join', link, pin });
    await guest.next('auth.ok');
    expect(await guest.next('guest.state')).toMatchObject({ state: 'in', callId });
    expect(await s.next('call.peer.left')).toMatchObject({ peer: guestId });
    expect(await s.next('call.peer')).toMatchObject({ peer: guestId, initiator: true });
    expect((await guest.next('call.peer')).initiator).toBe(false);
    s.send({ type: 'call.hangup', callId });
    expect(await guest.next('guest.state')).toMatchObject({ state: 'ended' });
    for (const c of [s, device, guest]) c.close();
  });

  it("5,000 random guest messages (with a real guest's link) leave the server up and the call unaffected", async () => {
    const s = await staff('practitioner-5');
    const device = await tablet(s);
    const visitId = await book(2);
    const callId = await call(s, device, visitId);
    const { link, pin } = await invite(s, visitId);
    const forged = forge(eoj.token, { role: 'team_lead' });
    const valid = fc.constantFrom<Json>(
      { type: 'guest.join', link, pin },
      { type: 'guest.join', link, pin: '123456' },
      { type: 'call.signal', callId, peer: 'staff', data: { sdp: 'x' } },
      { type: 'call.signal', callId, data: { sdp: 'x' } },
      { type: 'call.restart', callId, peer: 'citizen' },
      { type: 'call.remove', callId, participant: 'citizen' },
      { type: 'call.admit', callId, guest: 'guest-aaaaaaaaaaaa' },
      { type: 'call.consent', callId, guest: 'guest-aaaaaaaaaaaa', allow: true },
      { type: 'call.answer', callId },
      { type: 'call.hangup', callId },
      { type: 'auth', token: forged },
      // A guest asks for free colleagues, rings one, answers for one: all staff's only.
      { type: 'call.colleagues', callId },
      { type: 'call.colleague.ring', callId, colleague: 'practitioner-1' },
      { type: 'call.colleague.answer', callId, accept: true },
    );
    const messages = fc.sample(
      fc.oneof(
        valid,
        fc.json(),
        fc.record(
          {
            type: fc.constantFrom(
              'guest.join',
              'call.signal',
              'call.remove',
              'call.consent',
              'call.admit',
              'call.peer',
              'call.colleagues',
              'call.colleague.ring',
              'call.colleague.answer',
            ),
            colleague: fc.constantFrom('practitioner-1', 'practitioner-5', 'x'),
            accept: fc.boolean(),
            callId: fc.oneof(fc.constant(callId), fc.uuid(), fc.string()),
            link: fc.oneof(fc.constant(link), fc.string()),
            pin: fc.oneof(fc.constant(pin), fc.stringMatching(/^\d{6}$/), fc.string()),
            peer: fc.oneof(fc.constantFrom('staff', 'citizen', 'guest-aaaaaaaaaaaa'), fc.string()),
            participant: fc.constantFrom('staff', 'citizen', 'guest-aaaaaaaaaaaa'),
            data: fc.anything(),
          },
          { requiredKeys: ['type'] },
        ),
      ),
      { numRuns: 5_000, seed: 23 },
    );
    let fuzzer: SignalClient | null = null;
    for (const [i, m] of messages.entries()) {
      // Lets the server's and clients' I/O (heartbeat pongs) run, as a sender in another process would.
      if (i % 100 === 0) await new Promise((r) => setImmediate(r));
      if (!fuzzer || fuzzer.socket.readyState !== fuzzer.socket.OPEN) fuzzer = await open();
      fuzzer.send(JSON.stringify(m));
    }
    fuzzer?.close();
    // The call goes on between staff and citizen, and no guest got in without the citizen's yes.
    s.send({ type: 'call.signal', callId, data: { candidate: 'after-fuzz' } });
    expect(await device.next('call.signal')).toMatchObject({ data: { candidate: 'after-fuzz' } });
    const held = eoj.signalling.calls.get(callId);
    expect(held?.phase).toBe('connected');
    expect(held?.guests.filter((g) => g.state === 'in' || g.state === 'ringing')).toEqual([]);
    expect(device.received.some((m) => m.type === 'call.participants')).toBe(false);
    s.send({ type: 'call.hangup', callId });
    s.close();
    device.close();
  }, 120_000);

  /** The guest's next state message that says `state` (waiting and asking come first). */
  async function stateOf(conn: SignalClient, state: string) {
    for (;;) {
      const m = await conn.next('guest.state');
      if (m.state === state) return m;
    }
  }

  it('at most four people: a fifth is told the call is full, and no colleague can be rung into it', async () => {
    const s = await staff('practitioner-6');
    const device = await tablet(s);
    const visitId = await book(7);
    const callId = await call(s, device, visitId);
    const jonas = await staff('practitioner-5');
    // Three links for the same relative (each invitation is its own link): three guests.
    const guests: { conn: SignalClient; id: string }[] = [];
    for (let i = 0; i < 3; i++) {
      const { link, pin } = await invite(s, visitId);
      const conn = await open();
      conn.send({ type: 'guest.join', link, pin });
      guests.push({ conn, id: (await conn.next('auth.ok')).id });
    }
    for (const g of guests.slice(0, 2)) {
      s.send({ type: 'call.admit', callId, guest: g.id });
      await device.next('call.consent.ask');
      device.send({ type: 'call.consent', callId, guest: g.id, allow: true });
      expect(await stateOf(g.conn, 'in')).toMatchObject({ callId });
    }
    const fifth = guests[2] as { conn: SignalClient; id: string };
    s.send({ type: 'call.admit', callId, guest: fifth.id });
    expect(await stateOf(fifth.conn, 'full')).toMatchObject({ callId });
    expect(device.received.filter((m) => m.type === 'call.consent.ask')).toHaveLength(2);
    s.send({ type: 'call.colleague.ring', callId, colleague: 'practitioner-5' });
    expect(await s.next('error')).toMatchObject({ code: 'forbidden', message: 'kollegaen kan ikke hentes ind i opkaldet nu' });
    expect(jonas.received.some((m) => m.type === 'call.colleague.incoming')).toBe(false);
    expect(eoj.signalling.calls.get(callId)?.guests.filter((g) => g.state === 'in')).toHaveLength(2);
    s.send({ type: 'call.hangup', callId });
    await device.next('call.ended');
    for (const c of [s, device, jonas, ...guests.map((g) => g.conn)]) c.close();
  });

  describe('"Hent kollega": a colleague of the team, rung through presence', () => {
    it('lists only free colleagues of the own team; the one rung joins from one screen, gets a pair with each, and leaves', async () => {
      const s = await staff('practitioner-4');
      const device = await tablet(s);
      const visitId = await book(4);
      // Jonas is free on two screens; Fatima is in a call; Birk is in another team.
      const jonas = [await staff('practitioner-5'), await staff('practitioner-5')];
      const fatima = await staff('practitioner-6');
      fatima.send({ type: 'presence.update', presence: { state: 'in_call', roomId: null, visitId: 'elsewhere' } });
      const birk = await staff('practitioner-syd-1');
      const callId = await call(s, device, visitId);
      // Presence is reported through the shared state: asked until Fatima's report has landed.
      let listed: string[] = [];
      for (let i = 0; i < 20 && (listed.includes('practitioner-6') || listed.length === 0); i++) {
        s.send({ type: 'call.colleagues', callId });
        listed = (await s.next('call.colleagues')).colleagues.map((c) => c.id);
      }
      expect(listed).toContain('practitioner-5');
      expect(listed).not.toContain('practitioner-4');
      expect(listed).not.toContain('practitioner-6');
      expect(listed).not.toContain('practitioner-syd-1');
      // Only a free colleague can be rung: not one in a call, not one of another team.
      for (const busy of ['practitioner-6', 'practitioner-syd-1']) {
        s.send({ type: 'call.colleague.ring', callId, colleague: busy });
        expect(await s.next('error')).toMatchObject({ code: 'not_found' });
      }

      s.send({ type: 'call.colleague.ring', callId, colleague: 'practitioner-5' });
      const ringing = await s.next('call.guest');
      expect(ringing).toMatchObject({ callId, kind: 'colleague', state: 'ringing', person: 'Practitioner/practitioner-5', name: 'Jonas Kvist' });
      for (const screen of jonas) expect(await screen.next('call.colleague.incoming')).toMatchObject({ callId, visitId, caller: 'Sofie Lindholm' });
      // Only the colleague rung may answer; Birk's "yes" is refused.
      birk.send({ type: 'call.colleague.answer', callId, accept: true });
      expect(await birk.next('error')).toMatchObject({ code: 'not_found' });
      const [screen, other] = jonas as [SignalClient, SignalClient];
      screen.send({ type: 'call.colleague.answer', callId, accept: true });
      expect(await other.next('call.colleague.over')).toMatchObject({ callId });
      expect(await screen.next('guest.state')).toMatchObject({ state: 'in', callId, guest: ringing.guest });
      expect(await s.next('call.guest')).toMatchObject({ state: 'in', relationship: 'Medarbejder' });
      const seen = await device.next('call.participants');
      expect(seen.participants.map((p) => [p.kind, p.name, p.role])).toEqual([
        ['staff', 'Sofie Lindholm', 'Medarbejder'],
        ['citizen', expect.any(String), 'Borger'],
        ['colleague', 'Jonas Kvist', 'Medarbejder'],
      ]);
      expect(await s.next('call.peer')).toMatchObject({ peer: ringing.guest, initiator: true });
      expect(await device.next('call.peer')).toMatchObject({ peer: ringing.guest, initiator: true });
      const peers = [await screen.next('call.peer'), await screen.next('call.peer')];
      expect(peers.map((p) => [p.peer, p.initiator]).sort()).toEqual([
        ['citizen', false],
        ['staff', false],
      ]);
      // The citizen cannot send a colleague away; the colleague leaves by themselves.
      device.send({ type: 'call.remove', callId, participant: ringing.guest });
      expect(await device.next('error')).toMatchObject({ code: 'forbidden' });
      screen.send({ type: 'call.remove', callId, participant: ringing.guest });
      expect(await screen.next('guest.state')).toMatchObject({ state: 'ended' });
      expect(await s.next('call.guest')).toMatchObject({ state: 'left' });
      expect(await s.next('call.peer.left')).toMatchObject({ peer: ringing.guest });
      expect(eoj.signalling.calls.get(callId)?.phase).toBe('connected');
      s.send({ type: 'call.hangup', callId });
      await device.next('call.ended');
      for (const c of [s, device, ...jonas, fatima, birk]) c.close();
    });

    it('a "no", no answer in time, or the call ending stops the ringing; a relative cannot ask for colleagues', async () => {
      const s = await staff('practitioner-7');
      const device = await tablet(s);
      const visitId = await book(6);
      const jonas = await staff('practitioner-5');
      const callId = await call(s, device, visitId);
      const ring = async () => {
        s.send({ type: 'call.colleague.ring', callId, colleague: 'practitioner-5' });
        expect(await s.next('call.guest')).toMatchObject({ state: 'ringing' });
        await jonas.next('call.colleague.incoming');
      };
      await ring();
      jonas.send({ type: 'call.colleague.answer', callId, accept: false });
      expect(await jonas.next('call.colleague.over')).toMatchObject({ callId });
      expect(await s.next('call.guest')).toMatchObject({ state: 'refused', kind: 'colleague' });
      // No answer within the ringing time (1.5 s here) counts as no.
      await ring();
      expect(await jonas.next('call.colleague.over', 5_000)).toMatchObject({ callId });
      expect(await s.next('call.guest')).toMatchObject({ state: 'refused' });
      // A "yes" after that is too late.
      jonas.send({ type: 'call.colleague.answer', callId, accept: true });
      expect(await jonas.next('error')).toMatchObject({ code: 'not_found' });
      // The caller hangs up while it rings: the colleague's screen stops ringing.
      await ring();
      s.send({ type: 'call.hangup', callId });
      expect(await jonas.next('call.colleague.over')).toMatchObject({ callId });
      // A relative's connection may not ask who is free, nor ring anyone.
      const visit2 = await book(8);
      const { link, pin } = await invite(s, visit2);
      const guest = await open();
      guest.send({ type: 'guest.join', link, pin });
      await guest.next('auth.ok');
      guest.send({ type: 'call.colleagues', callId });
      expect(await guest.next('error')).toMatchObject({ code: 'forbidden' });
      guest.send({ type: 'call.colleague.ring', callId, colleague: 'practitioner-5' });
      expect(await guest.next('error')).toMatchObject({ code: 'forbidden' });
      expect(guest.received.some((m) => m.type === 'call.colleagues' || m.type === 'presence.team')).toBe(false);
      for (const c of [s, device, jonas, guest]) c.close();
    });
  });
});
