import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallClaim, keys, parseJson } from '../../src-server/signalling/cluster/shared';
import { startCluster, type Cluster, type SignalInstance } from '../helpers/cluster';
import { demoVisitId } from '../helpers/demo';
import { signInAtIdp } from '../helpers/idp';
import { connectSignal, type SignalClient } from '../helpers/signalClient';

/**
 * Signalling scaled out: three instances (real processes) behind a real HAProxy, sharing a real
 * Redis as production runs it (the service's own ACL user; the test looks inside as an
 * administrator). Clients that connect to different instances behave as if there were one.
 */
describe('signalling over three instances, Redis and HAProxy', () => {
  let cluster: Cluster;
  let visitId: string;
  let citizenId: string;
  const open: SignalClient[] = [];

  beforeAll(async () => {
    cluster = await startCluster({ instances: 3 });
    const appt = cluster.eoj;
    const id = demoVisitId(cluster.clock, 'room-2-05');
    const token = (await signInAtIdp(appt.idp.issuer, 'louise')).accessToken;
    const body = (await (await fetch(`${appt.baseUrl}/Appointment/${id}`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      id: string;
      participant: { actor: { reference: string } }[];
    };
    visitId = body.id;
    citizenId = (body.participant.find((p) => p.actor.reference.startsWith('Patient/'))?.actor.reference ?? '').split('/')[1] ?? '';
  }, 60_000);
  afterAll(async () => {
    for (const c of open) c.close();
    await cluster?.stop();
  });

  const direct = (s: SignalInstance) => `ws://127.0.0.1:${s.port}/signal`;
  const instance = (i: number) => cluster.instances[i] as SignalInstance;
  async function connect(url: string) {
    const c = await connectSignal(url);
    open.push(c);
    return c;
  }
  async function staffOn(url: string, username = 'louise') {
    const c = await connect(url);
    c.send({ type: 'auth', token: (await signInAtIdp(cluster.eoj.idp.issuer, username)).accessToken });
    await c.next('auth.ok');
    return c;
  }
  async function pairOn(staff: SignalClient, url: string) {
    staff.send({ type: 'pair.create', citizenId });
    const { code } = await staff.next('pair.code');
    const device = await connect(url);
    device.send({ type: 'pair.redeem', code });
    const { deviceToken } = await device.next('pair.done', 5_000);
    return { device, deviceToken };
  }
  async function deviceOn(url: string, token: string) {
    const c = await connect(url);
    c.send({ type: 'auth', token });
    return c;
  }
  async function callBetween(staff: SignalClient, device: SignalClient) {
    const callId = randomUUID();
    staff.send({ type: 'call.ring', callId, visitId });
    await device.next('call.incoming', 5_000);
    device.send({ type: 'call.answer', callId });
    await staff.next('call.connected', 5_000);
    await device.next('call.connected', 5_000);
    return callId;
  }

  it('a code made on one instance is redeemed on another; staff on instance 1 rings the tablet on instance 2, and the call works both ways', async () => {
    const staff = await staffOn(direct(instance(0)));
    const { device } = await pairOn(staff, direct(instance(1)));
    const callId = await callBetween(staff, device);
    staff.send({ type: 'call.signal', callId, data: { type: 'offer', sdp: 'v=0' } });
    expect(await device.next('call.signal')).toMatchObject({ callId, data: { type: 'offer' } });
    device.send({ type: 'call.signal', callId, data: { type: 'answer', sdp: 'v=0' } });
    expect(await staff.next('call.signal')).toMatchObject({ callId, data: { type: 'answer' } });
    // A second call to the same citizen from a colleague on instance 3 is busy.
    const colleague = await staffOn(direct(instance(2)), 'jonas');
    colleague.send({ type: 'call.ring', callId: randomUUID(), visitId });
    expect(await colleague.next('call.ended')).toMatchObject({ reason: 'busy' });
    device.send({ type: 'call.hangup', callId });
    expect(await staff.next('call.ended')).toMatchObject({ callId, reason: 'hangup', by: 'citizen' });
    staff.close();
    device.close();
    colleague.close();
  });

  it("a tablet that answers before the caller's instance has stored the ringing call still reaches it", async () => {
    const staff = await staffOn(direct(instance(0)));
    const { device } = await pairOn(staff, direct(instance(1)));
    const redis = new Redis(cluster.redis.adminUrl);
    try {
      const callId = randomUUID();
      staff.send({ type: 'call.ring', callId, visitId });
      await device.next('call.incoming', 5_000);
      // Redis as it is between the ring's claim of the id and the stored call (the caller's instance
      // can be paused between telling the tablet and storing the call).
      const stored = parseJson(CallClaim, (await redis.get(keys.call(callId))) ?? '');
      expect(stored?.home).toBe(instance(0).id);
      await redis.set(keys.call(callId), JSON.stringify({ home: instance(0).id, claimedMs: 0 }), 'PX', 60_000);
      device.send({ type: 'call.answer', callId });
      expect(await staff.next('call.connected', 5_000)).toMatchObject({ callId });
      expect(await device.next('call.connected', 5_000)).toMatchObject({ callId });
      staff.send({ type: 'call.hangup', callId });
      expect(await device.next('call.ended', 5_000)).toMatchObject({ callId, reason: 'hangup' });
      expect(device.received.some((m) => m.type === 'error')).toBe(false);
    } finally {
      redis.disconnect();
    }
    staff.close();
    device.close();
  });

  it('Redis drops every subscription while commands go on: a call rung at once still connects, and each instance is healthy only once it hears', async () => {
    const staff = await staffOn(direct(instance(0)));
    const { device } = await pairOn(staff, direct(instance(1)));
    const redis = new Redis(cluster.redis.adminUrl);
    try {
      await redis.client('KILL', 'TYPE', 'pubsub');
      // At once: the instances are re-subscribing. The caller's instance refuses a ring until it hears
      // again; a message that finds nobody listening is sent again shortly; and the call's home is
      // never taken over while it still beats.
      let callId = '';
      for (let tries = 0; !callId; tries++) {
        expect(tries).toBeLessThan(50);
        const id = randomUUID();
        const refusedBefore = staff.received.filter((m) => m.type === 'error').length;
        staff.send({ type: 'call.ring', callId: id, visitId });
        const rung = () => device.received.some((m) => m.type === 'call.incoming' && m.callId === id);
        const refused = () => staff.received.filter((m) => m.type === 'error' && m.code === 'unavailable').length > refusedBefore;
        await expect.poll(() => rung() || refused(), { timeout: 5_000 }).toBe(true);
        if (rung()) callId = id;
        else await new Promise((r) => setTimeout(r, 100));
      }
      device.send({ type: 'call.answer', callId });
      expect(await staff.next('call.connected', 5_000)).toMatchObject({ callId });
      expect(await device.next('call.connected', 5_000)).toMatchObject({ callId });
      const stored = JSON.parse((await redis.get(keys.call(callId))) ?? '{}') as { home?: string };
      expect(stored.home).toBe(instance(0).id);
      staff.send({ type: 'call.hangup', callId });
      expect(await device.next('call.ended', 5_000)).toMatchObject({ callId, reason: 'hangup' });
      expect(device.received.filter((m) => m.type === 'error')).toEqual([]);
      // Healthy (what the load balancer and the heartbeat go by) means Redis confirmed the subscriptions.
      for (const s of cluster.instances.filter((x) => x.alive)) {
        await expect
          .poll(async () => ((await (await fetch(`http://127.0.0.1:${s.port}/signal/health`)).json()) as { shared: boolean }).shared, { timeout: 5_000 })
          .toBe(true);
        const [, listeners] = (await redis.pubsub('NUMSUB', keys.instanceChannel(s.id))) as [string, number];
        expect(listeners).toBe(1);
      }
    } finally {
      redis.disconnect();
    }
    staff.close();
    device.close();
  });

  it('a revocation made on one instance closes the tablets on the others, and their tokens stop working everywhere', async () => {
    const staff = await staffOn(direct(instance(0)));
    const a = await pairOn(staff, direct(instance(1)));
    const b = await pairOn(staff, direct(instance(2)));
    staff.send({ type: 'device.revoke', citizenId });
    expect((await staff.next('device.revoked', 5_000)).devices).toBeGreaterThanOrEqual(2);
    expect(await a.device.closed).toBe(4001);
    expect(await b.device.closed).toBe(4001);
    for (const s of cluster.instances) {
      const again = await deviceOn(direct(s), a.deviceToken);
      expect(await again.next('error')).toMatchObject({ code: 'unauthenticated' });
      again.close();
    }
    staff.close();
  });

  it('the closed user group holds across instances: another team can neither ring nor pair this citizen, nor see this team', async () => {
    const louise = await staffOn(direct(instance(0)));
    const { device } = await pairOn(louise, direct(instance(1)));
    const stranger = await staffOn(direct(instance(2)), 'birk');
    stranger.send({ type: 'call.ring', callId: randomUUID(), visitId });
    expect(await stranger.next('error')).toMatchObject({ code: 'forbidden' });
    stranger.send({ type: 'pair.create', citizenId });
    expect(await stranger.next('error')).toMatchObject({ code: 'forbidden' });
    // A lead of this team on instance 3 sees Louise's presence; the stranger's lead sees nothing of it.
    const lead = await staffOn(direct(instance(2)), 'mette');
    await lead.next('presence.team');
    louise.send({ type: 'presence.update', presence: { state: 'idle', roomId: 'room-2', visitId: null } });
    for (;;) {
      const m = await lead.next('presence.team', 5_000);
      if (m.members.some((p) => p.practitionerId === 'practitioner-2' && p.state === 'idle')) break;
    }
    expect(stranger.received.some((m) => m.type === 'presence.team' && m.members.some((p) => p.practitionerId === 'practitioner-2'))).toBe(false);
    expect(device.received.some((m) => m.type === 'presence.team')).toBe(false);
    for (const c of [louise, device, stranger, lead]) c.close();
  });

  it('the instance holding the tablet is killed mid-call: the tablet comes back through HAProxy on another, restarts, and the call goes on', async () => {
    const staffInstance = instance(0);
    const staff = await staffOn(direct(staffInstance));
    const pairing = await staffOn(cluster.signallingUrl);
    let paired = null as { device: SignalClient; deviceToken: string } | null;
    // Through the load balancer, until the tablet lands on an instance other than the caller's.
    let holder: SignalInstance = staffInstance;
    while (holder === staffInstance) {
      paired?.device.close();
      holder = await cluster.holderOf(async () => {
        paired = await pairOn(pairing, cluster.signallingUrl);
      });
    }
    const { device, deviceToken } = paired as unknown as { device: SignalClient; deviceToken: string };
    const callId = await callBetween(staff, device);
    await holder.kill();
    expect(await device.closed).not.toBe(4001);
    const back = await deviceOn(cluster.signallingUrl, deviceToken);
    await back.next('auth.ok', 5_000);
    back.send({ type: 'call.restart', callId });
    expect(await staff.next('call.restart', 5_000)).toMatchObject({ callId });
    staff.send({ type: 'call.signal', callId, data: { type: 'offer', sdp: 'v=0' } });
    expect(await back.next('call.signal', 5_000)).toMatchObject({ callId });
    staff.send({ type: 'call.hangup', callId });
    expect(await back.next('call.ended', 5_000)).toMatchObject({ callId, reason: 'hangup' });
    for (const c of [staff, pairing, back]) c.close();
  }, 60_000);

  it('a staff member whose instance dies shows to the lead as unknown within seconds, then offline after the grace period', async () => {
    const alive = cluster.instances.filter((s) => s.alive);
    const [leadsInstance, membersInstance] = alive as [SignalInstance, SignalInstance];
    const lead = await staffOn(direct(leadsInstance), 'mette');
    const ahmad = await staffOn(direct(membersInstance), 'ahmad');
    const told = async (state: string, timeoutMs: number) => {
      for (;;) {
        const m = await lead.next('presence.team', timeoutMs);
        const p = m.members.find((x) => x.practitionerId === 'practitioner-3');
        if (p?.state === state) return p;
      }
    };
    ahmad.send({ type: 'presence.update', presence: { state: 'in_call', roomId: 'room-3', visitId } });
    await told('in_call', 5_000);
    await membersInstance.kill();
    // The instance's beat lapses after 2 s and a sweep follows within 1 s: "unknown", never "in a call" still.
    expect(await told('unknown', 5_000)).toMatchObject({ visitId: null });
    // The grace period (15 s) passes without Ahmad coming back: offline.
    await told('offline', 20_000);
    lead.close();
    await membersInstance.restart();
  }, 60_000);

  it('Redis is gone for 5 s and comes back empty: device tokens stay valid, and new calls work', async () => {
    const alive = cluster.instances.filter((s) => s.alive);
    const staff = await staffOn(direct(alive[0] as SignalInstance));
    const { deviceToken } = await pairOn(staff, direct(alive[1] as SignalInstance));
    await cluster.redis.stop();
    // While Redis is away a tablet still signs in: its token is checked by the instance itself.
    const during = await deviceOn(direct(alive[1] as SignalInstance), deviceToken);
    expect(await during.next('auth.ok', 5_000)).toMatchObject({ role: 'device' });
    await new Promise((r) => setTimeout(r, 5_000));
    // A ring meanwhile is refused at once, with a reason, and rings nobody.
    staff.send({ type: 'call.ring', callId: randomUUID(), visitId });
    expect(await staff.next('error', 5_000)).toMatchObject({ code: 'unavailable' });
    await cluster.redis.start();
    // The instances re-announce what they hold; the tablet that stayed connected can be rung.
    // Each ring has one outcome: the tablet hears it, or the caller hears it end or refused (the
    // instances still re-announcing). Ring again only after that outcome, however late it comes: a
    // ring redelivered after a slow re-subscribe still rings, and a second ring meanwhile is busy.
    let callId: string | null = null;
    const deadline = Date.now() + 40_000;
    while (!callId && Date.now() < deadline) {
      const id = randomUUID();
      const errorsBefore = staff.received.filter((m) => m.type === 'error').length;
      const rung = () => during.received.some((m) => m.type === 'call.incoming' && m.callId === id);
      const over = () =>
        staff.received.some((m) => m.type === 'call.ended' && m.callId === id) || staff.received.filter((m) => m.type === 'error').length > errorsBefore;
      staff.send({ type: 'call.ring', callId: id, visitId });
      await expect.poll(() => rung() || over(), { timeout: 15_000 }).toBe(true);
      if (rung()) callId = id;
      else await new Promise((r) => setTimeout(r, 100));
    }
    expect(callId).not.toBeNull();
    during.send({ type: 'call.answer', callId: callId as string });
    await expect.poll(() => staff.received.some((m) => m.type === 'call.connected' && m.callId === callId), { timeout: 5_000 }).toBe(true);
    during.send({ type: 'call.hangup', callId: callId as string });
    await expect.poll(() => staff.received.some((m) => m.type === 'call.ended' && m.callId === callId), { timeout: 5_000 }).toBe(true);
    const after = await deviceOn(cluster.signallingUrl, deviceToken);
    expect(await after.next('auth.ok', 5_000)).toMatchObject({ role: 'device' });
    for (const c of [staff, during, after]) c.close();
  }, 60_000);

  it('10,000 malformed messages spread over the instances leave every instance up', async () => {
    const messages = fc.sample(
      fc.oneof(
        fc.json(),
        fc.string(),
        fc.record(
          { type: fc.constantFrom('auth', 'call.ring', 'call.signal', 'pair.redeem', 'call.answer', 'x'), callId: fc.string(), data: fc.anything() },
          { requiredKeys: [] },
        ),
      ),
      { numRuns: 10_000, seed: 15 },
    );
    // Many short connections through the load balancer (each is cut after its 20th refusal, by design).
    for (let i = 0; i < messages.length; i += 20) {
      const c = await connectSignal(cluster.signallingUrl);
      for (const m of messages.slice(i, i + 20)) c.send(typeof m === 'string' ? m : JSON.stringify(m));
      c.close();
    }
    const alive = cluster.instances.filter((s) => s.alive);
    expect(alive.length).toBeGreaterThanOrEqual(2);
    for (const s of alive) expect(await s.connections()).toBeGreaterThanOrEqual(0);
    const staff = await staffOn(cluster.signallingUrl);
    const { device } = await pairOn(staff, cluster.signallingUrl);
    await callBetween(staff, device);
    staff.close();
    device.close();
  }, 120_000);

  it('no instance ever wrote the Redis password (starts, restarts, Redis away) or was refused by its ACL', async () => {
    for (const s of cluster.instances) {
      const output = s.output();
      expect(output).toContain(`fælles tilstand i Redis på redis://${cluster.redis.user}:***@127.0.0.1:${cluster.redis.port}`);
      expect(output).not.toContain(cluster.redis.password);
      expect(output).not.toMatch(/NOPERM|NOAUTH|WRONGPASS/);
    }
    // Redis' own record of refusals since its restart above: none.
    const redis = new Redis(cluster.redis.adminUrl);
    try {
      expect(await redis.acl('LOG')).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });
});
