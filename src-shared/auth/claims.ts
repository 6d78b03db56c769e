import { z } from 'zod';

/** The client id Skærmrum is registered with at the IdP (public client, PKCE). */
export const SKAERMRUM_CLIENT_ID = 'skaermrum';
/** The signalling service's own client at the IdP (client credentials: it reads the EOJ as itself, never as a user). */
export const SIGNALLING_CLIENT_ID = 'skaermrum-signalling';
/** The audience of access tokens for the EOJ and signalling (RFC 8707 resource indicator). */
export const EOJ_AUDIENCE = 'urn:skaermrum:eoj';
/** The scope that lets a token read and write the team's FHIR resources. */
export const FHIR_SCOPE = 'fhir';

/**
 * What Skærmrum reads from a verified access or ID token. Role names are the municipality's
 * (mapped by src-shared/auth/roles.ts); `team` may be absent when the EOJ's PractitionerRole says it.
 */
export const TokenClaims = z.object({
  sub: z.string().min(1).max(128),
  name: z.string().max(200).optional(),
  team: z.string().min(1).max(128).optional(),
});
export type TokenClaims = z.infer<typeof TokenClaims>;
