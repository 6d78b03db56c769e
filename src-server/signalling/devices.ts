import { randomInt, randomUUID } from 'node:crypto';
import Database from 'better-sqlite3-multiple-ciphers';
import { jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import type { Clock } from '../../src-shared/time/clock.js';

/**
 * Citizen devices: paired once with a short one-time code that a staff member creates for a
 * citizen; pairing yields a device token bound to that citizen and team. Devices are recorded so
 * their tokens can be revoked (and stay revoked across restarts).
 */
const ISSUER = 'skaermrum-sandbox';
const AUDIENCE = 'citizen-device';
// No 0/O, 1/I/L: codes are read aloud and typed by hand.
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 8;
const CODE_TTL_MS = 10 * 60_000;

export const DeviceClaims = z.object({ sub: z.string().min(1), citizen: z.string().min(1), team: z.string().min(1) });
export type DeviceIdentity = { deviceId: string; citizenId: string; teamId: string };

interface PendingCode {
  citizenId: string;
  teamId: string;
  expiresMs: number;
}

export function createDeviceRegistry(options: { dbFile: string; secret: Uint8Array; clock: Clock }) {
  const now = () => options.clock.nowMs();
  const db = new Database(options.dbFile);
  db.pragma('journal_mode = WAL');
  db.exec(`CREATE TABLE IF NOT EXISTS devices (device_id TEXT PRIMARY KEY, citizen_id TEXT NOT NULL, team_id TEXT NOT NULL,
    paired_ms INTEGER NOT NULL, revoked_ms INTEGER) STRICT`);
  const insert = db.prepare<[string, string, string, number]>('INSERT INTO devices (device_id, citizen_id, team_id, paired_ms) VALUES (?, ?, ?, ?)');
  const active = db.prepare<[string], { revoked_ms: number | null }>('SELECT revoked_ms FROM devices WHERE device_id = ?');
  const revoke = db.prepare<[number, string, string]>('UPDATE devices SET revoked_ms = ? WHERE citizen_id = ? AND team_id = ? AND revoked_ms IS NULL');
  const codes = new Map<string, PendingCode>();

  return {
    createCode(citizenId: string, teamId: string): { code: string; expiresAt: string } {
      for (const [c, p] of codes) if (p.expiresMs < now()) codes.delete(c);
      const draw = () => Array.from({ length: CODE_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
      let code = draw();
      while (codes.has(code)) code = draw();
      const expiresMs = now() + CODE_TTL_MS;
      codes.set(code, { citizenId, teamId, expiresMs });
      return { code, expiresAt: new Date(expiresMs).toISOString() };
    },
    /** One use only; an unknown or expired code gives nothing. */
    async redeem(rawCode: string): Promise<{ deviceToken: string; identity: DeviceIdentity } | null> {
      const code = rawCode.toUpperCase().replace(/[\s-]/g, '');
      const pending = codes.get(code);
      codes.delete(code);
      if (!pending || pending.expiresMs < now()) return null;
      const deviceId = randomUUID();
      insert.run(deviceId, pending.citizenId, pending.teamId, now());
      const deviceToken = await new SignJWT({ citizen: pending.citizenId, team: pending.teamId })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(deviceId)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt(Math.floor(now() / 1000))
        .sign(options.secret);
      return { deviceToken, identity: { deviceId, citizenId: pending.citizenId, teamId: pending.teamId } };
    },
    /** A device token that is signed, ours, and not revoked. */
    async verify(token: string): Promise<DeviceIdentity | null> {
      try {
        const { payload } = await jwtVerify(token, options.secret, {
          issuer: ISSUER,
          audience: AUDIENCE,
          algorithms: ['HS256'],
          currentDate: options.clock.now(),
        });
        const claims = DeviceClaims.parse(payload);
        const row = active.get(claims.sub);
        if (!row || row.revoked_ms !== null) return null;
        return { deviceId: claims.sub, citizenId: claims.citizen, teamId: claims.team };
      } catch {
        return null;
      }
    },
    revokeCitizen(citizenId: string, teamId: string): number {
      return revoke.run(now(), citizenId, teamId).changes;
    },
    close: () => db.close(),
  };
}
export type DeviceRegistry = ReturnType<typeof createDeviceRegistry>;
