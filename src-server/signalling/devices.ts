import { randomInt, randomUUID } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { Device, DEVICE_ID_SYSTEM, DEVICE_TEAM_EXTENSION } from '../../src-shared/fhir/schemas.js';
import { SKAERMRUM_CODES } from '../../src-shared/fhir/write.js';
import type { Clock } from '../../src-shared/time/clock.js';
import { keys, type SharedState } from './cluster/shared.js';
import type { SystemEoj } from './eoj.js';

/**
 * Citizen devices: paired once with a short one-time code that a staff member creates for a
 * citizen; pairing yields a device token bound to that citizen and team. Codes are live state
 * (shared, with a TTL). The durable record of each paired tablet is a FHIR Device in the EOJ,
 * marked inactive when revoked, so tokens and revocations outlive any signalling instance or Redis.
 */
const ISSUER = 'skaermrum-signalling';
/** Tokens issued before signalling became its own service keep working. */
const ISSUERS = [ISSUER, 'skaermrum-sandbox'];
const AUDIENCE = 'citizen-device';
// No 0/O, 1/I/L: codes are read aloud and typed by hand.
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 8;
const CODE_TTL_MS = 10 * 60_000;
/** How often each instance re-reads the revoked tablets (a missed broadcast is caught up by then). */
const REVOCATIONS_REFRESH_MS = 30_000;
const TABLET = { system: SKAERMRUM_CODES, code: 'citizen-tablet', display: 'Borgerens tablet til skærmbesøg' };
const tabletSearch = `type=${encodeURIComponent(`${TABLET.system}|${TABLET.code}`)}`;

export const DeviceClaims = z.object({ sub: z.string().min(1), citizen: z.string().min(1), team: z.string().min(1) });
export type DeviceIdentity = { deviceId: string; citizenId: string; teamId: string };
const PendingCode = z.object({ citizenId: z.string(), teamId: z.string(), expiresMs: z.number() });

export class DeviceRegistryUnavailable extends Error {}

const deviceIdOf = (d: z.infer<typeof Device>) => d.identifier?.find((i) => i.system === DEVICE_ID_SYSTEM)?.value ?? null;
const teamOf = (d: z.infer<typeof Device>) =>
  (d.extension ?? []).find((e) => e.url === DEVICE_TEAM_EXTENSION)?.valueReference?.reference?.replace(/^HealthcareService\//, '') ?? null;

export function createDeviceRegistry(options: { eoj: SystemEoj; shared: SharedState; secret: Uint8Array; clock: Clock }) {
  const { eoj, shared, clock } = options;
  const now = () => clock.nowMs();
  const revoked = new Set<string>();
  let revocationsLoaded = false;

  async function searchDevices(query: string): Promise<z.infer<typeof Device>[]> {
    const found: z.infer<typeof Device>[] = [];
    let next: string | undefined = `Device?${query}&_count=200`;
    for (let pages = 0; next && pages < 200; pages++) {
      const page = await eoj.call((c) => c.searchPage(next as string));
      for (const entry of page.body.entry ?? []) {
        const parsed = Device.safeParse(entry.resource);
        if (parsed.success) found.push(parsed.data);
      }
      next = page.body.link?.find((l) => l.relation === 'next')?.url;
    }
    return found;
  }

  async function refreshRevocations(): Promise<void> {
    const inactive = await searchDevices(`${tabletSearch}&status=inactive`);
    for (const d of inactive) {
      const id = deviceIdOf(d);
      if (id) revoked.add(id);
    }
    revocationsLoaded = true;
  }
  const refresh = () => refreshRevocations().catch(() => undefined);
  const refreshTimer = setInterval(refresh, REVOCATIONS_REFRESH_MS);
  refreshTimer.unref();

  return {
    /** Reads the revoked tablets once (the instance refuses device sign-ins until it has). */
    start: refresh,
    ready: () => revocationsLoaded,
    async createCode(citizenId: string, teamId: string): Promise<{ code: string; expiresAt: string }> {
      const expiresMs = now() + CODE_TTL_MS;
      const pending = JSON.stringify({ citizenId, teamId, expiresMs } satisfies z.infer<typeof PendingCode>);
      for (;;) {
        const code = Array.from({ length: CODE_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
        if (await shared.set(keys.pairingCode(code), pending, { ttlMs: CODE_TTL_MS, nx: true })) return { code, expiresAt: new Date(expiresMs).toISOString() };
      }
    },
    /**
     * One use only; an unknown or expired code gives nothing. When the EOJ cannot record the tablet
     * now, the code is put back (it stays usable) and DeviceRegistryUnavailable says "try again".
     */
    async redeem(rawCode: string): Promise<{ deviceToken: string; identity: DeviceIdentity } | null> {
      const code = rawCode.toUpperCase().replace(/[\s-]/g, '');
      if (!/^[A-Z0-9]{4,16}$/.test(code)) return null;
      const raw = await shared.take(keys.pairingCode(code));
      const pending = raw ? PendingCode.safeParse(JSON.parse(raw)) : null;
      if (!pending?.success || pending.data.expiresMs < now()) return null;
      const { citizenId, teamId, expiresMs } = pending.data;
      const deviceId = randomUUID();
      const device: z.infer<typeof Device> = {
        resourceType: 'Device',
        identifier: [{ system: DEVICE_ID_SYSTEM, value: deviceId }],
        status: 'active',
        type: { coding: [TABLET] },
        patient: { reference: `Patient/${citizenId}` },
        extension: [{ url: DEVICE_TEAM_EXTENSION, valueReference: { reference: `HealthcareService/${teamId}` } }],
      };
      try {
        await eoj.call((c) => c.createIfNoneExist(device, `identifier=${encodeURIComponent(`${DEVICE_ID_SYSTEM}|${deviceId}`)}`));
      } catch (cause) {
        await shared.set(keys.pairingCode(code), raw as string, { ttlMs: Math.max(1_000, expiresMs - now()) }).catch(() => undefined);
        throw new DeviceRegistryUnavailable('Tabletten kunne ikke registreres i EOJ lige nu', { cause });
      }
      const deviceToken = await new SignJWT({ citizen: citizenId, team: teamId })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(deviceId)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt(Math.floor(now() / 1000))
        .sign(options.secret);
      return { deviceToken, identity: { deviceId, citizenId, teamId } };
    },
    /**
     * A device token that is signed, ours, and not revoked (checked here, without Redis or the EOJ).
     * Until this instance has read the revocations once it cannot tell: DeviceRegistryUnavailable.
     */
    async verify(token: string): Promise<DeviceIdentity | null> {
      const claims = await jwtVerify(token, options.secret, { issuer: ISSUERS, audience: AUDIENCE, algorithms: ['HS256'], currentDate: clock.now() })
        .then(({ payload }) => DeviceClaims.safeParse(payload).data ?? null)
        .catch(() => null);
      if (!claims) return null;
      if (!revocationsLoaded) throw new DeviceRegistryUnavailable('Tilbagekaldte tablets er ikke læst fra EOJ endnu');
      return revoked.has(claims.sub) ? null : { deviceId: claims.sub, citizenId: claims.citizen, teamId: claims.team };
    },
    /** Marks every active tablet of the citizen (in this team) inactive in the EOJ; returns their ids. */
    async revokeCitizen(citizenId: string, teamId: string): Promise<string[]> {
      const active = (await searchDevices(`${tabletSearch}&status=active&patient=${encodeURIComponent(`Patient/${citizenId}`)}`)).filter(
        (d) => teamOf(d) === teamId,
      );
      const ids: string[] = [];
      for (const d of active) {
        const deviceId = deviceIdOf(d);
        if (!d.id || !deviceId) continue;
        await eoj.call(async (c) => {
          // Read again on each try: a 412 means someone changed it in between.
          const current = await c.read('Device', d.id as string);
          const version = c.versionOf(current);
          if (!version) throw new Error('EOJ gav ingen version for tabletten');
          await c.update({ ...current.body, id: d.id as string, status: 'inactive' }, version);
        });
        revoked.add(deviceId);
        ids.push(deviceId);
      }
      return ids;
    },
    /** Revocations another instance made, heard over the shared state. */
    markRevoked(deviceIds: string[]) {
      for (const id of deviceIds) revoked.add(id);
    },
    close: () => clearInterval(refreshTimer),
  };
}
export type DeviceRegistry = ReturnType<typeof createDeviceRegistry>;
