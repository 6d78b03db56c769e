import { z } from 'zod';
import { nameOf, staffOfRole, type Named } from '../../src-shared/fhir/mapping.js';
import { currentCpr } from '../../src-shared/fhir/identity.js';
import { Bundle, PractitionerRole } from '../../src-shared/fhir/schemas.js';
import type { FhirClient } from '../../src-shared/fhir/client.js';
import { EojError } from './errors.js';

/** Who a signed-in staff member is in the EOJ; what the EOJ lacks stays null. */
export interface StaffIdentity {
  name: string | null;
  roomId: string | null;
  teamId: string | null;
}

/**
 * The name on their Practitioner, and the video room (Location) and skærmenhed
 * (HealthcareService) of their PractitionerRole.
 */
export async function staffIdentity(client: FhirClient, practitionerId: string, now: Date): Promise<StaffIdentity> {
  const [practitioner, roles] = await Promise.all([
    client.read('Practitioner', practitionerId).catch((error: unknown) => {
      if (error instanceof EojError && error.status === 404) return null;
      throw error;
    }),
    client.request('GET', `PractitionerRole?practitioner=Practitioner/${encodeURIComponent(practitionerId)}`, Bundle),
  ]);
  const role = (roles.body.entry ?? []).map((e) => PractitionerRole.safeParse(e.resource)).find((r) => r.success)?.data;
  const slot = role ? staffOfRole(role as Named, client.baseUrl) : null;
  return {
    name: nameOf(practitioner?.body as Named | undefined, now) || null,
    roomId: slot?.roleRoomId ?? null,
    teamId: slot?.roleTeamId ?? null,
  };
}

/** The citizen's current CPR number (an old or ended one never), read when asked for: it is never stored. */
export async function citizenCpr(client: FhirClient, citizenId: string, now: Date): Promise<string | null> {
  const patient = await client.read('Patient', citizenId);
  return currentCpr(patient.body.identifier, now);
}

const SmartConfiguration = z.object({ issuer: z.url() });

/** The EOJ's IdP from its SMART configuration (the sandbox's way), or null when it names none. */
export async function smartIssuer(baseUrl: string): Promise<string | null> {
  const res = await fetch(new URL('.well-known/smart-configuration', `${baseUrl}/`), { signal: AbortSignal.timeout(5_000) });
  const parsed = SmartConfiguration.safeParse(await res.json());
  return res.ok && parsed.success ? parsed.data.issuer : null;
}
