import { z } from 'zod';

/**
 * How the sandbox behaves where conformant FHIR R4 servers differ, so the client is tested against
 * each way (SANDBOX_CONFORMANCE, a comma-separated list of the mode names below):
 * - lenient-references: accept any participant type (default: strict R4, as a validating server);
 * - no-include: `_include` is ignored and not declared (clients read referenced resources themselves);
 * - offset-paging: next links page by offset (`_getpagesoffset`, as HAPI) instead of an opaque cursor;
 * - count-cap-50: `_count` above 50 is quietly capped at 50;
 * - concurrent-create-409: a create that overlaps another create of the same type is refused with
 *   409 (a database's serialization failure under concurrent writes);
 * - details-text: OperationOutcome issues carry their text in `details.text` only, not `diagnostics`;
 * - practitioner-role: the demo books staff through their PractitionerRole (which carries the
 *   person, the team and the room), as many EOJs do; a Location participant only where the visit's
 *   room is not the role's.
 */
export const Conformance = z
  .object({
    strictReferences: z.boolean().default(true),
    include: z.boolean().default(true),
    paging: z.enum(['cursor', 'offset']).default('cursor'),
    maxCount: z.number().int().min(1).max(1000).default(1000),
    concurrentCreateConflict: z.boolean().default(false),
    outcomeText: z.enum(['diagnostics', 'details']).default('diagnostics'),
    staffAs: z.enum(['Practitioner', 'PractitionerRole']).default('Practitioner'),
  })
  .strict();
export type Conformance = z.infer<typeof Conformance>;

export const CONFORMANCE_MODES = {
  'lenient-references': { strictReferences: false },
  'no-include': { include: false },
  'offset-paging': { paging: 'offset' },
  'count-cap-50': { maxCount: 50 },
  'concurrent-create-409': { concurrentCreateConflict: true },
  'details-text': { outcomeText: 'details' },
  'practitioner-role': { staffAs: 'PractitionerRole' },
} as const satisfies Record<string, Partial<Conformance>>;
export type ConformanceMode = keyof typeof CONFORMANCE_MODES;

export function conformanceOf(modes: readonly ConformanceMode[]): Conformance {
  return Conformance.parse(Object.assign({}, ...modes.map((m) => CONFORMANCE_MODES[m])));
}

/** SANDBOX_CONFORMANCE="no-include,offset-paging"; an unknown name is refused with the list of known ones. */
export function conformanceFromSetting(value: string | undefined): Conformance {
  const names = (value ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !(n in CONFORMANCE_MODES));
  if (unknown.length > 0) throw new Error(`Ukendt SANDBOX_CONFORMANCE: ${unknown.join(', ')} (kendte: ${Object.keys(CONFORMANCE_MODES).join(', ')})`);
  return conformanceOf(names as ConformanceMode[]);
}

/** Reference types R4 allows (for the elements the sandbox checks strictly). */
export const R4_REFERENCE_TARGETS: Record<string, Record<string, readonly string[]>> = {
  Appointment: { 'participant.actor': ['Patient', 'Practitioner', 'PractitionerRole', 'RelatedPerson', 'Device', 'HealthcareService', 'Location'] },
  Encounter: {
    subject: ['Patient', 'Group'],
    'participant.individual': ['Practitioner', 'PractitionerRole', 'RelatedPerson'],
    appointment: ['Appointment'],
    'location.location': ['Location'],
  },
  Task: {
    owner: ['Practitioner', 'PractitionerRole', 'Organization', 'CareTeam', 'HealthcareService', 'Patient', 'Device', 'RelatedPerson'],
    requester: ['Device', 'Organization', 'Patient', 'Practitioner', 'PractitionerRole', 'RelatedPerson'],
  },
  PractitionerRole: { practitioner: ['Practitioner'], location: ['Location'], healthcareService: ['HealthcareService'] },
  RelatedPerson: { patient: ['Patient'] },
  Consent: {
    patient: ['Patient'],
    'provision.actor.reference': ['Device', 'Group', 'CareTeam', 'Organization', 'Patient', 'Practitioner', 'RelatedPerson', 'PractitionerRole'],
  },
  AuditEvent: {
    'agent.who': ['PractitionerRole', 'Practitioner', 'Organization', 'Device', 'Patient', 'RelatedPerson'],
    'agent.location': ['Location'],
    'source.observer': ['PractitionerRole', 'Practitioner', 'Organization', 'Device', 'Patient', 'RelatedPerson'],
  },
  Communication: {
    subject: ['Patient', 'Group'],
    sender: ['Device', 'Organization', 'Patient', 'Practitioner', 'PractitionerRole', 'RelatedPerson', 'HealthcareService'],
    recipient: ['Device', 'Organization', 'Patient', 'Practitioner', 'PractitionerRole', 'RelatedPerson', 'Group', 'CareTeam', 'HealthcareService'],
  },
};
