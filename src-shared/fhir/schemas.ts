import type * as R4 from '@medplum/fhirtypes';
import { z } from 'zod';

/**
 * The FHIR R4 subset Skærmrum reads and writes, as zod schemas. Types come from
 * @medplum/fhirtypes; each schema's output is checked to be assignable to the R4 type, so the
 * schemas cannot drift from the standard. Unknown fields are kept (real servers send many).
 * Each resource is parsed on its own, so one bad resource never stops the ones beside it.
 */
export const CPR_SYSTEM = 'urn:oid:1.2.208.176.1.2';
/** KL's code for "Skærmbesøg" (CareSocialCodes) and the v3 ActCode fallback for virtual visits. */
export const KL_CARE_SOCIAL_CODES = 'http://fhir.kl.dk/term/CodeSystem/CareSocialCodes';
export const KL_SKAERMBESOEG_CODE = '124be95d-6924-4609-9d2a-e7c73ae3ab3d';
export const V3_ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
export const FSIII_SYSTEM = 'urn:oid:1.2.208.176.2.21';
/** Our idempotency keys: one per outbox mutation, used with conditional create. */
export const MUTATION_ID_SYSTEM = 'urn:skaermrum:mutation-id';
/** Which team a paired tablet belongs to (Device has no such field in R4). */
export const DEVICE_TEAM_EXTENSION = 'https://skaermrum.dk/fhir/StructureDefinition/device-team';
/** A paired tablet's id (the device token's subject). */
export const DEVICE_ID_SYSTEM = 'urn:skaermrum:device-id';
/** The Patient extension we read for the home-care group a physical visit goes to (our profile; without it: unknown). */
export const HOME_CARE_GROUP_EXTENSION = 'https://skaermrum.dk/fhir/StructureDefinition/home-care-group';
/** Our staff roles on a PractitionerRole.code ("team_lead" leads the skærmenhed; "staff"). */
export const STAFF_ROLE_SYSTEM = 'https://skaermrum.dk/fhir/CodeSystem/staff-role';
/** HL7 v2-0131 contact role "C": emergency contact. */
export const CONTACT_ROLE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v2-0131';

const id = z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/, 'ugyldigt FHIR-id');
const instant = z.iso.datetime({ offset: true });
// No length caps: valid FHIR is never refused for a long text (the response-size limit bounds it);
// the mapping shortens what is shown.
const text = () => z.string();
/** An R4 dateTime: a year, year-month or date (no time zone), or a full date-time with an offset. */
const dateTime = z.union([z.string().regex(/^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/), instant]);

export const Meta = z.looseObject({ versionId: text().optional(), lastUpdated: instant.optional() });
export const Period = z.looseObject({ start: dateTime.optional(), end: dateTime.optional() });
/** A period of instants: a call's start and end (the workflow and reports compute with them). */
const InstantPeriod = z.looseObject({ start: instant.optional(), end: instant.optional() });
export const Identifier = z.looseObject({
  use: z.enum(['usual', 'official', 'temp', 'secondary', 'old']).optional(),
  system: text().optional(),
  value: text().optional(),
  period: Period.optional(),
});
/** A reference by address ("Patient/1"), or by business identifier alone (a room PC, our event id). */
export const Reference = z.looseObject({ reference: text().optional(), identifier: Identifier.optional(), display: text().optional() });
export const Coding = z.looseObject({ system: text().optional(), code: text().optional(), display: text().optional() });
export const CodeableConcept = z.looseObject({ coding: z.array(Coding).optional(), text: text().optional() });
export const HumanName = z.looseObject({
  use: z.enum(['usual', 'official', 'temp', 'nickname', 'anonymous', 'old', 'maiden']).optional(),
  text: text().optional(),
  family: text().optional(),
  given: z.array(text()).optional(),
  prefix: z.array(text()).optional(),
  suffix: z.array(text()).optional(),
  period: Period.optional(),
});
export const Address = z.looseObject({
  text: text().optional(),
  line: z.array(text()).optional(),
  postalCode: text().optional(),
  city: text().optional(),
});
export const ContactPoint = z.looseObject({
  system: z.enum(['phone', 'fax', 'email', 'pager', 'url', 'sms', 'other']).optional(),
  value: text().optional(),
  use: z.enum(['home', 'work', 'temp', 'old', 'mobile']).optional(),
});
export const Extension = z.looseObject({
  url: text(),
  valueBoolean: z.boolean().optional(),
  valueString: text().optional(),
  valueCode: text().optional(),
  valueInteger: z.number().int().optional(),
  valueDateTime: instant.optional(),
  valueReference: Reference.optional(),
});

const resource = <T extends string>(type: T) => ({
  resourceType: z.literal(type),
  id: id.optional(),
  meta: Meta.optional(),
  identifier: z.array(Identifier).optional(),
});

export const Patient = z.looseObject({
  ...resource('Patient'),
  name: z.array(HumanName).optional(),
  birthDate: z
    .string()
    .regex(/^\d{4}(-\d{2}(-\d{2})?)?$/)
    .optional(),
  address: z.array(Address).optional(),
  telecom: z.array(ContactPoint).optional(),
  contact: z
    .array(z.looseObject({ name: HumanName.optional(), telecom: z.array(ContactPoint).optional(), relationship: z.array(CodeableConcept).optional() }))
    .optional(),
  extension: z.array(Extension).optional(),
});
/** A citizen's relative (or another person close to them), who may be invited into a screen visit. */
export const RelatedPerson = z.looseObject({
  ...resource('RelatedPerson'),
  active: z.boolean().optional(),
  patient: Reference,
  relationship: z.array(CodeableConcept).optional(),
  name: z.array(HumanName).optional(),
  telecom: z.array(ContactPoint).optional(),
  period: Period.optional(),
});
/**
 * The citizen's consent that a relative may take part in screen visits: an R4 Consent (scope
 * treatment) whose provision permits (or denies) the RelatedPerson as an actor.
 */
export const Consent = z.looseObject({
  ...resource('Consent'),
  status: z.enum(['draft', 'proposed', 'active', 'rejected', 'inactive', 'entered-in-error']),
  scope: CodeableConcept,
  category: z.array(CodeableConcept).min(1),
  patient: Reference.optional(),
  dateTime: dateTime.optional(),
  provision: z
    .looseObject({
      type: z.enum(['deny', 'permit']).optional(),
      period: Period.optional(),
      actor: z.array(z.looseObject({ role: CodeableConcept, reference: Reference })).optional(),
    })
    .optional(),
});
export const Practitioner = z.looseObject({ ...resource('Practitioner'), name: z.array(HumanName).optional() });
export const PractitionerRole = z.looseObject({
  ...resource('PractitionerRole'),
  practitioner: Reference.optional(),
  location: z.array(Reference).optional(),
  /** The skærmenhed the role works in. */
  healthcareService: z.array(Reference).optional(),
  code: z.array(CodeableConcept).optional(),
  /** The staff member's hours (their shift), e.g. 07:00–15:00 on weekdays. */
  availableTime: z
    .array(
      z.looseObject({
        daysOfWeek: z.array(z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'])).optional(),
        allDay: z.boolean().optional(),
        availableStartTime: z
          .string()
          .regex(/^\d\d:\d\d(:\d\d)?$/)
          .optional(),
        availableEndTime: z
          .string()
          .regex(/^\d\d:\d\d(:\d\d)?$/)
          .optional(),
      }),
    )
    .optional(),
});
/** The skærmenhed: the team's Appointments have it as a participant (R4 allows no CareTeam there). */
export const HealthcareService = z.looseObject({
  ...resource('HealthcareService'),
  active: z.boolean().optional(),
  name: text().optional(),
  location: z.array(Reference).optional(),
  providedBy: Reference.optional(),
});
export const CareTeam = z.looseObject({
  ...resource('CareTeam'),
  name: text().optional(),
  participant: z.array(z.looseObject({ member: Reference.optional(), role: z.array(CodeableConcept).optional() })).optional(),
});
export const Location = z.looseObject({ ...resource('Location'), name: text().optional(), partOf: Reference.optional() });

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
/** A resource inside another (R4 §2.3.0 contained), referred to as "#id"; parsed with its own schema when resolved. */
const Contained = z.custom<R4.Resource>(
  (v) => typeof v === 'object' && v !== null && typeof (v as { resourceType?: unknown }).resourceType === 'string',
  'en indlejret ressource skal have resourceType',
);
export const Appointment = z.looseObject({
  ...resource('Appointment'),
  contained: z.array(Contained).optional(),
  status: AppointmentStatus,
  cancelationReason: CodeableConcept.optional(),
  serviceCategory: z.array(CodeableConcept).optional(),
  serviceType: z.array(CodeableConcept).optional(),
  appointmentType: CodeableConcept.optional(),
  description: text().optional(),
  comment: text().optional(),
  start: instant.optional(),
  end: instant.optional(),
  participant: z
    .array(
      z.looseObject({
        actor: Reference.optional(),
        status: z.enum(['accepted', 'declined', 'tentative', 'needs-action']),
        type: z.array(CodeableConcept).optional(),
      }),
    )
    .min(1),
});
export const EncounterStatus = z.enum(['planned', 'arrived', 'triaged', 'in-progress', 'onleave', 'finished', 'cancelled', 'entered-in-error', 'unknown']);
export const Encounter = z.looseObject({
  ...resource('Encounter'),
  status: EncounterStatus,
  class: Coding,
  type: z.array(CodeableConcept).optional(),
  serviceType: CodeableConcept.optional(),
  subject: Reference.optional(),
  participant: z.array(z.looseObject({ individual: Reference.optional(), type: z.array(CodeableConcept).optional() })).optional(),
  appointment: z.array(Reference).optional(),
  period: InstantPeriod.optional(),
  reasonReference: z.array(Reference).optional(),
  length: z.looseObject({ value: z.number().nonnegative().optional(), unit: text().optional(), system: text().optional(), code: text().optional() }).optional(),
  location: z.array(z.looseObject({ location: Reference })).optional(),
  extension: z.array(Extension).optional(),
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
  description: text().optional(),
  for: Reference.optional(),
  requester: Reference.optional(),
  focus: Reference.optional(),
  owner: Reference.optional(),
  authoredOn: instant.optional(),
  extension: z.array(Extension).optional(),
});

/** A call attempt that did not become a visit (not answered, technical failure). */
export const Communication = z.looseObject({
  ...resource('Communication'),
  basedOn: z.array(Reference).optional(),
  status: z.enum(['preparation', 'in-progress', 'not-done', 'on-hold', 'stopped', 'completed', 'entered-in-error', 'unknown']),
  statusReason: CodeableConcept.optional(),
  category: z.array(CodeableConcept).optional(),
  medium: z.array(CodeableConcept).optional(),
  subject: Reference.optional(),
  about: z.array(Reference).optional(),
  sent: instant.optional(),
  recipient: z.array(Reference).optional(),
  sender: Reference.optional(),
  note: z.array(z.looseObject({ text: text() })).optional(),
  extension: z.array(Extension).optional(),
});

/**
 * A citizen's paired tablet (the signalling service records it at pairing and marks it inactive when
 * revoked): the durable record of which devices may connect. R4 has no team on a Device; ours is an extension.
 */
export const Device = z.looseObject({
  ...resource('Device'),
  status: z.enum(['active', 'inactive', 'entered-in-error', 'unknown']).optional(),
  type: CodeableConcept.optional(),
  patient: Reference.optional(),
  extension: z.array(Extension).optional(),
});

/**
 * The citizen's verdict after a call (the tablet's three faces), linked to the call's Encounter.
 * R4 gives QuestionnaireResponse a single identifier, not a list.
 */
export const QuestionnaireResponse = z.looseObject({
  resourceType: z.literal('QuestionnaireResponse'),
  id: id.optional(),
  meta: Meta.optional(),
  identifier: Identifier.optional(),
  questionnaire: text().optional(),
  status: z.enum(['in-progress', 'completed', 'amended', 'entered-in-error', 'stopped']),
  subject: Reference.optional(),
  encounter: Reference.optional(),
  authored: instant.optional(),
  source: Reference.optional(),
  item: z
    .array(z.looseObject({ linkId: text(), text: text().optional(), answer: z.array(z.looseObject({ valueCoding: Coding.optional() })).optional() }))
    .optional(),
});

/**
 * Who did what when (an audit trail entry), shaped after IHE Basic Audit Log Patterns. R4 gives
 * AuditEvent no identifier: ours travels as an entity (`entity.what.identifier`), searchable with
 * `entity:identifier`.
 */
export const AuditEvent = z.looseObject({
  resourceType: z.literal('AuditEvent'),
  id: id.optional(),
  meta: Meta.optional(),
  type: Coding,
  subtype: z.array(Coding).optional(),
  action: z.enum(['C', 'R', 'U', 'D', 'E']).optional(),
  period: Period.optional(),
  recorded: instant,
  outcome: z.enum(['0', '4', '8', '12']).optional(),
  outcomeDesc: text().optional(),
  purposeOfEvent: z.array(CodeableConcept).optional(),
  agent: z
    .array(
      z.looseObject({
        type: CodeableConcept.optional(),
        role: z.array(CodeableConcept).optional(),
        who: Reference.optional(),
        altId: text().optional(),
        name: text().optional(),
        requestor: z.boolean(),
        location: Reference.optional(),
        policy: z.array(text()).optional(),
        network: z.looseObject({ address: text().optional(), type: z.enum(['1', '2', '3', '4', '5']).optional() }).optional(),
        purposeOfUse: z.array(CodeableConcept).optional(),
      }),
    )
    .min(1),
  source: z.looseObject({ site: text().optional(), observer: Reference, type: z.array(Coding).optional() }),
  entity: z
    .array(
      z.looseObject({
        what: Reference.optional(),
        type: Coding.optional(),
        role: Coding.optional(),
        lifecycle: Coding.optional(),
        name: text().optional(),
        description: text().optional(),
      }),
    )
    .optional(),
});

export const OperationOutcome = z.looseObject({
  resourceType: z.literal('OperationOutcome'),
  issue: z.array(z.looseObject({ severity: z.string(), code: z.string(), diagnostics: z.string().optional(), details: CodeableConcept.optional() })).min(1),
});

/** What a server declares it can do (GET /metadata): only what the client uses. */
export const CapabilityStatement = z.looseObject({
  resourceType: z.literal('CapabilityStatement'),
  fhirVersion: z.string().optional(),
  rest: z
    .array(
      z.looseObject({
        mode: z.string().optional(),
        /** Whole-system interactions: `batch`, `transaction`, … */
        interaction: z.array(z.looseObject({ code: z.string() })).optional(),
        resource: z
          .array(
            z.looseObject({
              type: z.string(),
              interaction: z.array(z.looseObject({ code: z.string() })).optional(),
              /** A PUT may create the resource with the id the client chose. */
              updateCreate: z.boolean().optional(),
              conditionalCreate: z.boolean().optional(),
              searchParam: z.array(z.looseObject({ name: z.string() })).optional(),
              searchInclude: z.array(z.string()).optional(),
            }),
          )
          .optional(),
      }),
    )
    .optional(),
});
export type CapabilityStatement = z.infer<typeof CapabilityStatement>;

export const RESOURCE_SCHEMAS = {
  Patient,
  RelatedPerson,
  Consent,
  Practitioner,
  PractitionerRole,
  HealthcareService,
  CareTeam,
  Location,
  Appointment,
  Encounter,
  Task,
  Communication,
  QuestionnaireResponse,
  Device,
  AuditEvent,
} as const;
export type ResourceType = keyof typeof RESOURCE_SCHEMAS;
export const RESOURCE_TYPES = Object.keys(RESOURCE_SCHEMAS) as ResourceType[];
export type FhirResource = z.infer<(typeof RESOURCE_SCHEMAS)[ResourceType]>;

export const AnyResource = z.discriminatedUnion('resourceType', [
  Patient,
  RelatedPerson,
  Consent,
  Practitioner,
  PractitionerRole,
  HealthcareService,
  CareTeam,
  Location,
  Appointment,
  Encounter,
  Task,
  Communication,
  QuestionnaireResponse,
  Device,
  AuditEvent,
]);

export const Bundle = z.looseObject({
  resourceType: z.literal('Bundle'),
  type: z.enum(['searchset', 'history', 'batch-response', 'transaction-response', 'collection']),
  total: z.number().int().nonnegative().optional(),
  link: z.array(z.looseObject({ relation: z.string(), url: z.string() })).optional(),
  entry: z
    .array(
      z.looseObject({
        fullUrl: z.string().optional(),
        resource: z.unknown().optional(),
        search: z.looseObject({ mode: z.string().optional() }).optional(),
        request: z.looseObject({ method: z.string(), url: z.string() }).optional(),
      }),
    )
    .optional(),
});
export type Bundle = z.infer<typeof Bundle>;

// Compile-time check that our schemas describe valid R4 resources.
type Assignable<Ours, Theirs> = Ours extends Theirs ? true : false;
const _checks: [
  Assignable<z.infer<typeof Appointment>, R4.Appointment>,
  Assignable<z.infer<typeof Encounter>, R4.Encounter>,
  Assignable<z.infer<typeof Patient>, R4.Patient>,
  Assignable<z.infer<typeof RelatedPerson>, R4.RelatedPerson>,
  Assignable<z.infer<typeof Consent>, R4.Consent>,
  Assignable<z.infer<typeof Task>, R4.Task>,
  Assignable<z.infer<typeof Location>, R4.Location>,
  Assignable<z.infer<typeof CareTeam>, R4.CareTeam>,
  Assignable<z.infer<typeof HealthcareService>, R4.HealthcareService>,
  Assignable<z.infer<typeof PractitionerRole>, R4.PractitionerRole>,
  Assignable<z.infer<typeof Communication>, R4.Communication>,
  Assignable<z.infer<typeof QuestionnaireResponse>, R4.QuestionnaireResponse>,
  Assignable<z.infer<typeof AuditEvent>, R4.AuditEvent>,
] = [true, true, true, true, true, true, true, true, true, true, true, true, true];
void _checks;
