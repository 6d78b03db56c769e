import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { parseJson, type SharedState } from '../cluster/shared.js';

/**
 * A relative's invitation to one visit's call: a one-time link (a random secret in the URL) and a
 * 6-digit PIN, sent together by SMS. Valid from 15 minutes before the planned start until the
 * call the relative took part in ends (or, at the latest, a while after the planned end). Only
 * hashes are kept, in the shared state every signalling instance reads; a few wrong PINs lock it.
 */
export const VALID_BEFORE_START_MS = 15 * 60_000;
/** Without a call that ends it, an invitation ends this long after the visit's planned end. */
export const VALID_AFTER_END_MS = 60 * 60_000;
export const MAX_PIN_ATTEMPTS = 5;
/** An ended invitation still says "expired" (not "unknown") this long. */
const ENDED_KEPT_MS = 6 * 3_600_000;

export const Invitation = z.object({
  id: z.string(),
  visitId: z.string(),
  citizenId: z.string(),
  teamId: z.string(),
  relativeId: z.string(),
  name: z.string(),
  relationship: z.string(),
  citizenFirstName: z.string(),
  validFromMs: z.number(),
  validUntilMs: z.number(),
  pinSalt: z.string(),
  pinHash: z.string(),
});
export type Invitation = z.infer<typeof Invitation>;

export type Redeemed =
  { ok: true; invitation: Invitation; linkHash: string } | { ok: false; why: 'unknown' | 'not_yet' | 'expired' | 'wrong_pin' | 'locked'; validFromMs?: number };

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');
const pinHashOf = (salt: string, pin: string) => sha256(`${salt}:${pin}`);

export const inviteKeys = {
  invitation: (linkHash: string) => `sk:invite:${linkHash}`,
  attempts: (linkHash: string) => `sk:invite-attempts:${linkHash}`,
  /** The connection the link is in use on (one device at a time). */
  inUse: (linkHash: string) => `sk:invite-in:${linkHash}`,
  /** Hash: the visit's invitations (link hash → relative), ended together with its call. */
  ofVisit: (visitId: string) => `sk:invites:${visitId}`,
};

export function createInvitations(shared: SharedState, now: () => number) {
  return {
    async create(input: Omit<Invitation, 'id' | 'pinSalt' | 'pinHash' | 'validFromMs' | 'validUntilMs'> & { startMs: number; endMs: number }) {
      const link = randomBytes(32).toString('base64url');
      const pin = String(randomInt(0, 1_000_000)).padStart(6, '0');
      const linkHash = sha256(link);
      const pinSalt = randomBytes(16).toString('base64url');
      const { startMs, endMs, ...rest } = input;
      const invitation: Invitation = {
        ...rest,
        id: linkHash.slice(0, 16),
        validFromMs: startMs - VALID_BEFORE_START_MS,
        validUntilMs: endMs + VALID_AFTER_END_MS,
        pinSalt,
        pinHash: pinHashOf(pinSalt, pin),
      };
      const ttlMs = Math.max(60_000, invitation.validUntilMs - now());
      await shared.set(inviteKeys.invitation(linkHash), JSON.stringify(invitation), { ttlMs });
      await shared.hset(inviteKeys.ofVisit(input.visitId), linkHash, input.relativeId);
      return { link, pin, invitation };
    },

    async redeem(link: string, pin: string): Promise<Redeemed> {
      const linkHash = sha256(link);
      const raw = await shared.get(inviteKeys.invitation(linkHash));
      const invitation = raw ? parseJson(Invitation, raw) : null;
      if (!invitation) return { ok: false, why: 'unknown' };
      const t = now();
      if (t >= invitation.validUntilMs) return { ok: false, why: 'expired' };
      const attempts = Number((await shared.get(inviteKeys.attempts(linkHash))) ?? 0);
      if (attempts >= MAX_PIN_ATTEMPTS) return { ok: false, why: 'locked' };
      const given = Buffer.from(pinHashOf(invitation.pinSalt, pin));
      const expected = Buffer.from(invitation.pinHash);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        await shared.set(inviteKeys.attempts(linkHash), String(attempts + 1), { ttlMs: Math.max(60_000, invitation.validUntilMs - t) });
        return { ok: false, why: attempts + 1 >= MAX_PIN_ATTEMPTS ? 'locked' : 'wrong_pin' };
      }
      if (t < invitation.validFromMs) return { ok: false, why: 'not_yet', validFromMs: invitation.validFromMs };
      return { ok: true, invitation, linkHash };
    },

    /** The link is in use on this connection now (false: on another one, still there). */
    claim: (linkHash: string, address: string, ttlMs: number) => shared.set(inviteKeys.inUse(linkHash), address, { ttlMs, nx: true }),
    holder: (linkHash: string) => shared.get(inviteKeys.inUse(linkHash)),
    release: (linkHash: string, address: string) => shared.deleteIf(inviteKeys.inUse(linkHash), address),

    /** The call the relatives were in has ended: their links no longer work (and say so a while). */
    async endForVisit(visitId: string): Promise<void> {
      const links = Object.keys(await shared.hgetall(inviteKeys.ofVisit(visitId)));
      for (const linkHash of links) {
        const raw = await shared.get(inviteKeys.invitation(linkHash));
        const invitation = raw ? parseJson(Invitation, raw) : null;
        if (invitation) await shared.set(inviteKeys.invitation(linkHash), JSON.stringify({ ...invitation, validUntilMs: now() }), { ttlMs: ENDED_KEPT_MS });
      }
      if (links.length > 0) await shared.hdel(inviteKeys.ofVisit(visitId), links);
    },
  };
}
export type Invitations = ReturnType<typeof createInvitations>;
