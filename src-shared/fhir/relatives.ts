import type { z } from 'zod';
import type { Relative } from '../domain/visit.js';
import { periodHolds, preferredName } from './identity.js';
import { parseReference } from './references.js';
import type { Consent, RelatedPerson } from './schemas.js';

/**
 * A citizen's relatives from the EOJ (R4 RelatedPerson) and whether each may take part in screen
 * visits (R4 Consent): an active Consent of the citizen, in force now, of our category, whose
 * provision permits or denies the RelatedPerson as an actor. The newest such Consent decides;
 * without one a relative may not take part (the citizen is asked on the tablet in any case).
 */
type FhirRelatedPerson = z.infer<typeof RelatedPerson>;
type FhirConsent = z.infer<typeof Consent>;

/** Our Consent category: "may take part in screen visits". */
export const RELATIVE_PARTICIPATION_SYSTEM = 'https://skaermrum.dk/fhir/CodeSystem/screen-visit';
export const RELATIVE_PARTICIPATION_CODE = 'relative-participation';
/** R4 consent scope "treatment", LOINC "Patient consent", v3 ParticipationType "participation". */
export const CONSENT_SCOPE = { system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'treatment' } as const;
export const LOINC_PATIENT_CONSENT = { system: 'http://loinc.org', code: '59284-0', display: 'Patient Consent' } as const;
export const PARTICIPANT_ROLE = { system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'PART' } as const;

const isParticipationConsent = (c: FhirConsent) =>
  c.category.some((cat) => cat.coding?.some((x) => x.system === RELATIVE_PARTICIPATION_SYSTEM && x.code === RELATIVE_PARTICIPATION_CODE));

/** Whether `relatedPersonId` may take part, by the citizen's Consents (null: no Consent says). */
export function mayTakePart(relatedPersonId: string, consents: readonly FhirConsent[], now: Date, baseUrl?: string): boolean | null {
  const naming = consents
    .filter((c) => c.status === 'active' && isParticipationConsent(c) && periodHolds(c.provision?.period, now))
    .filter((c) =>
      (c.provision?.actor ?? []).some((a) => {
        const ref = parseReference(a.reference.reference, baseUrl);
        return ref?.kind === 'resource' && ref.type === 'RelatedPerson' && ref.id === relatedPersonId;
      }),
    )
    .sort((a, b) => (Date.parse(b.dateTime ?? '') || 0) - (Date.parse(a.dateTime ?? '') || 0));
  const newest = naming[0];
  return newest ? newest.provision?.type !== 'deny' : null;
}

/** The citizen's current relatives as the visit shows them (no phone numbers: only whether one can be texted). */
export function relativesOf(relatedPersons: readonly FhirRelatedPerson[], consents: readonly FhirConsent[], now: Date, baseUrl?: string): Relative[] {
  return relatedPersons
    .filter((r) => r.id && r.active !== false && periodHolds(r.period, now))
    .map((r) => ({
      id: r.id as string,
      name: preferredName(r.name, now).slice(0, 200) || '–',
      relationship: (r.relationship?.find((x) => x.text)?.text ?? r.relationship?.flatMap((x) => x.coding ?? []).find((c) => c.display)?.display ?? '').slice(
        0,
        100,
      ),
      mayJoin: mayTakePart(r.id as string, consents, now, baseUrl) === true,
      canText: (r.telecom ?? []).some((t) => (t.system === 'sms' || (t.system === 'phone' && t.use === 'mobile')) && Boolean(t.value?.trim())),
    }))
    .sort((a, b) => a.name.localeCompare(b.name, 'da'));
}
