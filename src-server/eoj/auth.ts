import { jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import type { Clock } from '../../src-shared/time/clock.js';

/**
 * Sandbox sign-in: signed tokens (HS256) carrying practitioner id, team and role, used for the EOJ
 * and later for signalling. The municipal IdP (OIDC) replaces this; the claims stay the same.
 */
export const ISSUER = 'skaermrum-sandbox';
export const StaffClaims = z.object({
  sub: z.string().min(1),
  name: z.string(),
  team: z.string().min(1),
  role: z.enum(['staff', 'team_lead']),
});
export type StaffClaims = z.infer<typeof StaffClaims>;

export function createTokenIssuer(secret: Uint8Array, clock: Clock, lifetimeSeconds = 12 * 3600) {
  const nowSeconds = () => Math.floor(clock.nowMs() / 1000);
  return {
    issue: (claims: StaffClaims) =>
      new SignJWT({ name: claims.name, team: claims.team, role: claims.role })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(claims.sub)
        .setIssuer(ISSUER)
        .setIssuedAt(nowSeconds())
        .setExpirationTime(nowSeconds() + lifetimeSeconds)
        .sign(secret),
    async verify(token: string): Promise<StaffClaims> {
      const { payload } = await jwtVerify(token, secret, { issuer: ISSUER, algorithms: ['HS256'], currentDate: clock.now() });
      return StaffClaims.parse(payload);
    },
  };
}
export type TokenIssuer = ReturnType<typeof createTokenIssuer>;
