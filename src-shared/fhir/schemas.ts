import type * as R4 from '@medplum/fhirtypes';
import { z } from 'zod';

/**
 * The FHIR R4 subset Skærmrum reads and writes, as zod schemas. Types come from
 * @medplum/fhirtypes; each schema's output is checked to be assignable to the R4 type, so the
 * schemas cannot drift from the standard. Unknown fields are kept (real servers send many).
 */
export const CPR_SYSTEM = 'urn:oid:1.2.208.176.1.2';
/** KL's code for "Skærmbesøg" (CareSocialCodes) and the v3 ActCode fallback for virtual visits. */
export const KL_CARE_SOCIAL_CODES = 'http://fhir.kl.dk/term/CodeSystem/CareSocialCodes';
export const KL_SKAERMBESOEG_CODE = '124be95d-6924-4609-9d2a-e7c73ae3ab3d';
export const V3_ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
export const FSIII_SYSTEM = 'urn:oid:1.2.208.176.2.21';
/** Our idempotency keys: one per outbox mutation, used with conditional create. */
export const MUTATION_ID_SYSTEM = 'urn:skaermrum:mutation-id';
/** Patient extensions we read (our profile; an EOJ without them shows "unknown"). */
export const RELATIVES_MAY_JOIN_EXTENSION = 'https://skaermrum.dk/fhir/StructureDefinition/relatives-may-join';
export const HOME_CARE_GROUP_EXTENSION = 'https://skaermrum.dk/fhir/StructureDefinition/home-care-group';
/** HL7 v2-0131 contact role "C": emergency contact. */
export const CONTACT_ROLE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v2-0131';

const id = z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/, 'ugyldigt FHIR-id');
const instant = z.iso.datetime({ offset: true });
const text = (max = 4000) => z.string().max(max);

export const Meta = z.looseObject({ versionId: text(128).optional(), lastUpdated: instant.optional() });
export const Identifier = z.looseObject({ system: text(256).optional(), value: text(256).optional() });
export const Reference = z.looseObject({ reference: text(256).optional(), display: text(256).optional() });
export const Coding = z.looseObject({ system: text(256).optional(), code: text(128).optional(), display: text(256).optional() });
export const CodeableConcept = z.looseObject({ coding: z.array(Coding).max(20).optional(), text: text(1000).optional() });
export const HumanName = z.looseObject({ text: text(200).optional(), family: text(100).optional(), given: z.array(text(100)).max(10).optional() });
export const Address = z.looseObject({
  text: text(300).optional(),
  line: z.array(text(200)).max(5).optional(),
  postalCode: text(20).optional(),
  city: text(100).optional(),
});
export const ContactPoint = z.looseObject({
  system: z.enum(['phone', 'fax', 'email', 'pager', 'url', 'sms', 'other']).optional(),
  value: text(200).optional(),
});
export const Extension = z.looseObject({
  url: text(256),
  valueBoolean: z.boolean().optional(),
  valueString: text(2000).optional(),
  valueCode: text(64).optional(),
  valueReference: Reference.optional(),
});
export const Period = z.looseObject({ start: instant.optional(), end: instant.optional() });

const resource = <T extends string>(type: T) => ({
  resourceType: z.literal(type),
  id: id.optional(),
  meta: Meta.optional(),
  identifier: z.array(Identifier).max(20).optional(),
});

export const Patient = z.looseObject({
  ...resource('Patient'),
  name: z.array(HumanName).max(10).optional(),
  birthDate: z
    .string()
    .regex(/^\d{4}(-\d{2}(-\d{2})?)?$/)
    .optional(),
  address: z.array(Address).max(10).optional(),
  telecom: z.array(ContactPoint).max(10).optional(),
  contact: z
    .array(
      z.looseObject({ name: HumanName.optional(), telecom: z.array(ContactPoint).max(5).optional(), relationship: z.array(CodeableConcept).max(5).optional() }),
    )
    .max(10)
    .optional(),
  extension: z.array(Extension).max(30).optional(),
});
export const Practitioner = z.looseObject({ ...resource('Practitioner'), name: z.array(HumanName).max(10).optional() });
export const PractitionerRole = z.looseObject({
  ...resource('PractitionerRole'),
  practitioner: Reference.optional(),
  location: z.array(Reference).max(50).optional(),
  code: z.array(CodeableConcept).max(10).optional(),
});
export const CareTeam = z.looseObject({
  ...resource('CareTeam'),
  name: text(200).optional(),
  participant: z
    .array(z.looseObject({ member: Reference.optional(), role: z.array(CodeableConcept).max(5).optional() }))
    .max(200)
    .optional(),
});
export const Location = z.looseObject({ ...resource('Location'), name: text(200).optional(), partOf: Reference.optional() });

export const AppointmentStatus = z.enum([
  'proposed',
  'pending',
  'booked',
  'arrived',
  'fulfilled',
  'cancelled',
  'noshow',
  'entered-in-error',
  'checked-in',
  'waitlist',
]);
export const Appointment = z.looseObject({
  ...resource('Appointment'),
  status: AppointmentStatus,
  cancelationReason: CodeableConcept.optional(),
  serviceType: z.array(CodeableConcept).max(10).optional(),
  appointmentType: CodeableConcept.optional(),
  description: text(1000).optional(),
  comment: text(4000).optional(),
  start: instant.optional(),
  end: instant.optional(),
  participant: z
    .array(
      z.looseObject({
        actor: Reference.optional(),
        status: z.enum(['accepted', 'declined', 'tentative', 'needs-action']),
        type: z.array(CodeableConcept).max(5).optional(),
      }),
    )
    .min(1)
    .max(20),
});
export const EncounterStatus = z.enum(['planned', 'arrived', 'triaged', 'in-progress', 'onleave', 'finished', 'cancelled', 'entered-in-error', 'unknown']);
export const Encounter = z.looseObject({
  ...resource('Encounter'),
  status: EncounterStatus,
  class: Coding,
  type: z.array(CodeableConcept).max(10).optional(),
  subject: Reference.optional(),
  participant: z
    .array(z.looseObject({ individual: Reference.optional(), type: z.array(CodeableConcept).max(5).optional() }))
    .max(20)
    .optional(),
  appointment: z.array(Reference).max(5).optional(),
  period: Period.optional(),
  length: z
    .looseObject({ value: z.number().nonnegative().optional(), unit: text(20).optional(), system: text(256).optional(), code: text(20).optional() })
    .optional(),
  location: z
    .array(z.looseObject({ location: Reference }))
    .max(5)
    .optional(),
});
export const Task = z.looseObject({
  ...resource('Task'),
  status: z.enum([
    'draft',
    'requested',
    'received',
    'accepted',
    'rejected',
    'ready',
    'cancelled',
    'in-progress',
    'on-hold',
    'failed',
    'completed',
    'entered-in-error',
  ]),
  intent: z.enum(['unknown', 'proposal', 'plan', 'order', 'original-order', 'reflex-order', 'filler-order', 'instance-order', 'option']),
  priority: z.enum(['routine', 'urgent', 'asap', 'stat']).optional(),
  code: CodeableConcept.optional(),
  description: text(2000).optional(),
  for: Reference.optional(),
  requester: Reference.optional(),
  focus: Reference.optional(),
  owner: Reference.optional(),
  authoredOn: instant.optional(),
});

export const OperationOutcome = z.looseObject({
  resourceType: z.literal('OperationOutcome'),
  issue: z.array(z.looseObject({ severity: z.string(), code: z.string(), diagnostics: z.string().optional() })).min(1),
});

export const RESOURCE_SCHEMAS = { Patient, Practitioner, PractitionerRole, CareTeam, Location, Appointment, Encounter, Task } as const;
export type ResourceType = keyof typeof RESOURCE_SCHEMAS;
export const RESOURCE_TYPES = Object.keys(RESOURCE_SCHEMAS) as ResourceType[];
export type FhirResource = z.infer<(typeof RESOURCE_SCHEMAS)[ResourceType]>;

export const AnyResource = z.discriminatedUnion('resourceType', [Patient, Practitioner, PractitionerRole, CareTeam, Location, Appointment, Encounter, Task]);

export const Bundle = z.looseObject({
  resourceType: z.literal('Bundle'),
  type: z.enum(['searchset', 'history', 'batch-response', 'transaction-response', 'collection']),
  total: z.number().int().nonnegative().optional(),
  link: z
    .array(z.looseObject({ relation: z.string(), url: z.string().max(4096) }))
    .max(10)
    .optional(),
  entry: z
    .array(
      z.looseObject({
        fullUrl: z.string().optional(),
        resource: z.unknown().optional(),
        search: z.looseObject({ mode: z.string().optional() }).optional(),
        request: z.looseObject({ method: z.string(), url: z.string() }).optional(),
      }),
    )
    .max(10_000)
    .optional(),
});
export type Bundle = z.infer<typeof Bundle>;

// Compile-time check that our schemas describe valid R4 resources.
type Assignable<Ours, Theirs> = Ours extends Theirs ? true : false;
const _checks: [
  Assignable<z.infer<typeof Appointment>, R4.Appointment>,
  Assignable<z.infer<typeof Encounter>, R4.Encounter>,
  Assignable<z.infer<typeof Patient>, R4.Patient>,
  Assignable<z.infer<typeof Task>, R4.Task>,
  Assignable<z.infer<typeof Location>, R4.Location>,
  Assignable<z.infer<typeof CareTeam>, R4.CareTeam>,
] = [true, true, true, true, true, true];
void _checks;
