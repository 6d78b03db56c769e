import { parseReference } from './references.js';
import { KL_CARE_SOCIAL_CODES, KL_SKAERMBESOEG_CODE, V3_ACT_CODE, type FhirResource } from './schemas.js';

/**
 * How KL and the national telemedicine infrastructure (FUT, "eHealth Infrastructure") code a
 * skærmbesøg, and KL Gateway's care encounter profile. Sources (read in their FSH/JSON source):
 * - KL Gateway 1.2.0, github.com/hl7dk/kl-gateway: sushi-config.yaml (canonical http://fhir.kl.dk/gateway),
 *   input/fsh/generalEncounter.fsh (Profile KLGatewayCareGeneralEncounter), input/fsh/codes.fsh
 *   (ValueSet EncounterClassCodes), input/pagecontent/StructureDefinition-klgateway-care-general-encounter-intro.md.
 * - KL Terminologi 2.3.0 (same codes in 2.2.0, which KL Gateway 1.2.0 depends on), github.com/hl7dk/kl-term:
 *   input/vocabulary/CodeSystem-CareSocialCodes.json, input/fsh/KLCommonValuesets.fsh (KLEncounterTypes).
 * - eHealth Infrastructure 8.0.0, github.com/fut-infrastructure/implementation-guide: input/fsh/ehealth-videoappointment.fsh,
 *   input/fsh/ehealth-group-videoappointment.fsh, input/fsh/ehealth-ext-*.fsh,
 *   input/resources/CodeSystem-ehealth-appointment-servicetype.json.
 */
type Appointment = Extract<FhirResource, { resourceType: 'Appointment' }>;
type Encounter = Extract<FhirResource, { resourceType: 'Encounter' }>;
type Coding = Encounter['class'];
type CodeableConcept = NonNullable<Encounter['type']>[number];

export { KL_CARE_SOCIAL_CODES, KL_SKAERMBESOEG_CODE, V3_ACT_CODE };

// ---------------------------------------------------------------------------------------------
// KL Gateway (hl7dk/kl-gateway 1.2.0)

/** KLGatewayCareGeneralEncounter: sushi canonical + `Id: klgateway-care-general-encounter`; the delivery report's invariant gateway-care-report-2 spells it out. */
export const KL_GATEWAY_GENERAL_ENCOUNTER_PROFILE = 'http://fhir.kl.dk/gateway/StructureDefinition/klgateway-care-general-encounter';
/** What Encounter.subject must reference (`subject only Reference(klgateway-care-citizen)`, aggregation bundled). */
export const KL_GATEWAY_CITIZEN_PROFILE = 'http://fhir.kl.dk/gateway/StructureDefinition/klgateway-care-citizen';
/** Encounter.type's required binding (literal URL in generalEncounter.fsh). */
export const KL_ENCOUNTER_TYPES_VALUESET = 'http://fhir.kl.dk/term/ValueSet/KLEncounterTypes';

/** CareSocialCodes "Kontaktklasse" (how an encounter is delivered): Skærmbesøg and Telefonisk are its children. */
export const KL_KONTAKTKLASSE_CODE = 'bf469e95-f9e3-45c7-bf15-ab7e8a85236f';
export const KL_SKAERMBESOEG_DISPLAY = 'Skærmbesøg';
export const KL_TELEFONISK_CODE = '1b55a4b0-1156-4f58-b2df-b5c6014d9048';

/** KLEncounterTypes = CareSocialCodes descendent-of "kontaktaktivitet" (25303acd-…): all seven, kl-term 2.2.0–2.3.0. */
export const KL_ENCOUNTER_TYPES = {
  observation: { code: 'bb6fc544-7f4f-4b50-8868-1431e0df2381', display: 'observation' },
  opfoelgning: { code: '9f03dfbb-7a97-45a5-94db-d4c3501714a9', display: 'opfølgning' },
  oplysning: { code: '829ac647-c7fc-4964-836b-f708d886e0e3', display: 'oplysning' },
  akutindsats: { code: '15775b0a-7ec6-469e-9d3c-a81fbc9a1b45', display: 'udførelse af akutindsats' },
  ikkeBevilgetIndsats: { code: 'c03b426a-4348-407f-b343-f4baa9759c72', display: 'udførelse af ikke-bevilget indsats' },
  planlagtIndsats: { code: '784275f1-6822-4a88-b361-d958007d5253', display: 'udførelse af planlagt indsats' },
  vurderingBevilling: { code: '9269c9a2-8220-447b-a127-811275b41062', display: 'vurdering/bevilling' },
} as const;
export type KlEncounterType = keyof typeof KL_ENCOUNTER_TYPES;

/**
 * HL7 v3-ActEncounterCode (R4 expansion, 11 concepts): EncounterClassCodes includes this whole value set
 * besides KL's Skærmbesøg and Telefonisk. The KL source only names the value set; this list of codes is
 * not verified against the IG text (its size, 11, matches the R4-era expansion).
 */
export const V3_ACT_ENCOUNTER_CODES = ['AMB', 'EMER', 'FLD', 'HH', 'IMP', 'ACUTE', 'NONAC', 'OBSENC', 'PRENC', 'SS', 'VR'] as const;

/** Elements KLGatewayCareGeneralEncounter sets to `..0` (they must be absent). */
export const KL_GATEWAY_FORBIDDEN_ELEMENTS = [
  'identifier',
  'statusHistory',
  'classHistory',
  'serviceType',
  'priority',
  'episodeOfCare',
  'basedOn',
  'participant',
  'appointment',
  'length',
  'reasonCode',
  'diagnosis',
  'account',
  'hospitalization',
  'location',
  'serviceProvider',
  'partOf',
] as const;

// ---------------------------------------------------------------------------------------------
// FUT / eHealth Infrastructure (fut-infrastructure/implementation-guide 8.0.0, canonical http://ehealth.sundhed.dk/fhir)

const FUT_SD = 'http://ehealth.sundhed.dk/fhir/StructureDefinition';
export const FUT_VIDEO_APPOINTMENT_PROFILE = `${FUT_SD}/ehealth-videoappointment`;
export const FUT_GROUP_VIDEO_APPOINTMENT_PROFILE = `${FUT_SD}/ehealth-group-videoappointment`;
/** serviceType slice fixed by the profile: #video (ehealth-videoappointment) or #group-video (the group profile). */
export const FUT_APPOINTMENT_SERVICE_TYPE_SYSTEM = 'http://ehealth.sundhed.dk/cs/appointment-servicetype';
export const FUT_VIDEO_SERVICE_TYPES = ['video', 'group-video'] as const;
/** Extensions on a FUT video appointment (the service fills in URL, VMR URI and PINs; clients cannot set them). */
export const FUT_MEETING_URL_EXTENSION = `${FUT_SD}/ehealth-meeting-url`; // valueUri
export const FUT_VMR_URI_EXTENSION = `${FUT_SD}/ehealth-vmr-uri`; // valueUri
export const FUT_MAX_PARTICIPANTS_EXTENSION = `${FUT_SD}/ehealth-max-participants`; // valueInteger
export const FUT_GUEST_PIN_EXTENSION = `${FUT_SD}/ehealth-guest-pin-code`; // valueString
export const FUT_HOST_PIN_EXTENSION = `${FUT_SD}/ehealth-host-pin-code`; // valueString
export const FUT_END_MEETING_ON_END_TIME_EXTENSION = `${FUT_SD}/ehealth-end-meeting-on-end-time`; // valueBoolean
/** Identifier slice vdxMeetingId (system fixed exactly). */
/** The extensions of FUT's video appointment Skærmrum understands (read, or knowingly left to the service). */
export const FUT_APPOINTMENT_EXTENSIONS: readonly string[] = [
  FUT_MEETING_URL_EXTENSION,
  FUT_VMR_URI_EXTENSION,
  FUT_MAX_PARTICIPANTS_EXTENSION,
  FUT_GUEST_PIN_EXTENSION,
  FUT_HOST_PIN_EXTENSION,
  FUT_END_MEETING_ON_END_TIME_EXTENSION,
  `${FUT_SD}/ehealth-responsible`,
];
export const VDX_MEETING_ID_SYSTEM = 'http://vdx.medcom.dk/meeting';

// ---------------------------------------------------------------------------------------------
// Reading

/** meta.profile as given (canonicals, any "|version" suffix removed); Meta is loose, so anything else is ignored. */
function profilesOf(resource: { meta?: object }): string[] {
  const profile = (resource.meta as { profile?: unknown } | undefined)?.profile;
  return Array.isArray(profile) ? profile.filter((p): p is string => typeof p === 'string').map((p) => p.split('|')[0] as string) : [];
}

type LooseExtension = { url: string } & Record<string, unknown>;
function extensionsOf(resource: object): LooseExtension[] {
  const extension = (resource as { extension?: unknown }).extension;
  return Array.isArray(extension)
    ? extension.filter((e): e is LooseExtension => typeof e === 'object' && e !== null && typeof (e as { url?: unknown }).url === 'string')
    : [];
}

const is = (coding: Coding | undefined, system: string, code: string) => coding?.system === system && coding.code === code;
const isKlScreenVisit = (c: Coding | undefined) => is(c, KL_CARE_SOCIAL_CODES, KL_SKAERMBESOEG_CODE);
const isVirtual = (c: Coding | undefined) => is(c, V3_ACT_CODE, 'VR');
const isFutVideo = (c: Coding | undefined) =>
  c?.system === FUT_APPOINTMENT_SERVICE_TYPE_SYSTEM && (FUT_VIDEO_SERVICE_TYPES as readonly (string | undefined)[]).includes(c.code);
const screenVisitCoding = (c: Coding | undefined) => isKlScreenVisit(c) || isVirtual(c) || isFutVideo(c);
const anyCoded = (concepts: (CodeableConcept | undefined)[], test: (c: Coding) => boolean) => concepts.some((cc) => cc?.coding?.some(test) ?? false);

/**
 * A screen visit: FUT's (group) video appointment profile in meta.profile, or a serviceCategory,
 * serviceType or appointmentType coded as KL's Skærmbesøg, v3 ActCode VR or FUT's video service type.
 */
export function isScreenVisitAppointment(a: Appointment): boolean {
  const profiles = profilesOf(a);
  if (profiles.includes(FUT_VIDEO_APPOINTMENT_PROFILE) || profiles.includes(FUT_GROUP_VIDEO_APPOINTMENT_PROFILE)) return true;
  return anyCoded([...(a.serviceCategory ?? []), ...(a.serviceType ?? []), a.appointmentType], screenVisitCoding);
}

/**
 * A screen visit: class VR or KL's Skærmbesøg (KL Gateway puts it in class), or type/serviceType
 * coded with KL's Skærmbesøg (how Skærmrum wrote it before) or VR.
 */
export function isScreenVisitEncounter(e: Encounter): boolean {
  return isKlScreenVisit(e.class) || isVirtual(e.class) || anyCoded([...(e.type ?? []), e.serviceType], (c) => isKlScreenVisit(c) || isVirtual(c));
}

export type VideoAppointmentDetails = { meetingUrl: string | null; maxParticipants: number | null; hasPins: boolean };

const PIN_NAME = /pin/i;
function decodedName(param: string): string {
  const name = param.split('=')[0] ?? '';
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}
/**
 * The meeting URL without PINs: only https URLs; query parameters whose name mentions "pin" are
 * removed (FUT's own example has "&pin=<guest pin>" in it), and so is a fragment that mentions one.
 */
function meetingUrlWithoutPins(url: string): string | null {
  if (!/^https:\/\/[^\s/?#@]+/i.test(url) || /[\s\p{Cc}]/u.test(url)) return null;
  const hashAt = url.indexOf('#');
  const fragment = hashAt >= 0 ? url.slice(hashAt) : '';
  const beforeHash = hashAt >= 0 ? url.slice(0, hashAt) : url;
  const queryAt = beforeHash.indexOf('?');
  const path = queryAt >= 0 ? beforeHash.slice(0, queryAt) : beforeHash;
  const params = queryAt >= 0 ? beforeHash.slice(queryAt + 1).split('&') : [];
  const kept = params.filter((p) => p !== '' && !PIN_NAME.test(decodedName(p)));
  return `${path}${kept.length ? `?${kept.join('&')}` : ''}${PIN_NAME.test(fragment) ? '' : fragment}`;
}

/** What a FUT video appointment says about its meeting, read from its extensions. PIN values are never returned. */
export function videoAppointmentDetails(a: Appointment): VideoAppointmentDetails {
  const extensions = extensionsOf(a);
  const first = (url: string) => extensions.find((e) => e.url === url);
  const uri = first(FUT_MEETING_URL_EXTENSION)?.valueUri;
  const max = first(FUT_MAX_PARTICIPANTS_EXTENSION)?.valueInteger;
  const hasPins = extensions.some(
    (e) => (e.url === FUT_GUEST_PIN_EXTENSION || e.url === FUT_HOST_PIN_EXTENSION) && typeof e.valueString === 'string' && e.valueString.trim() !== '',
  );
  return {
    meetingUrl: typeof uri === 'string' ? meetingUrlWithoutPins(uri) : null,
    maxParticipants: typeof max === 'number' && Number.isSafeInteger(max) && max >= 0 ? max : null,
    hasPins,
  };
}

// ---------------------------------------------------------------------------------------------
// KL Gateway's care general encounter

const KL_ENCOUNTER_TYPE_CODES: readonly string[] = Object.values(KL_ENCOUNTER_TYPES).map((t) => t.code);
const isKlEncounterType = (c: Coding | undefined) => c?.system === KL_CARE_SOCIAL_CODES && KL_ENCOUNTER_TYPE_CODES.includes(c.code ?? '');
const isAllowedClass = (c: Coding) =>
  (c.system === V3_ACT_CODE && (V3_ACT_ENCOUNTER_CODES as readonly (string | undefined)[]).includes(c.code)) ||
  isKlScreenVisit(c) ||
  is(c, KL_CARE_SOCIAL_CODES, KL_TELEFONISK_CODE);
/** A Coding without what the profile forbids on it (version, userSelected). */
const bare = ({ version: _version, userSelected: _userSelected, ...coding }: Coding): Coding => coding;
const present = (value: unknown) => value !== undefined && value !== null;

/**
 * The Encounter as KL Gateway's KLGatewayCareGeneralEncounter wants it, for a delivery report (a
 * copy to send to the Gateway, not what is written to the EOJ: the profile forbids the identifier
 * that makes our writes idempotent). Adds the profile to meta.profile; class becomes KL's
 * Skærmbesøg for a screen visit (the IG: "Encounters delivered as a screen visit should be
 * registered as 'Skærmbesøg'"); type becomes one KL contact type (an existing one is kept, else
 * `type`, by default "udførelse af planlagt indsats"); every element the profile sets to 0..0 is
 * removed. Subject and period.start cannot be made up: klGatewayEncounterViolations reports them.
 */
export function withKlGatewayProfile(encounter: Encounter, options: { type?: KlEncounterType } = {}): Encounter {
  const forbidden: readonly string[] = KL_GATEWAY_FORBIDDEN_ELEMENTS;
  const kept = Object.fromEntries(Object.entries(encounter).filter(([key]) => !forbidden.includes(key)));
  const existingType = encounter.type?.flatMap((t) => t.coding ?? []).find(isKlEncounterType);
  const chosen = options.type ? KL_ENCOUNTER_TYPES[options.type] : null;
  const typeCoding: Coding = chosen
    ? { system: KL_CARE_SOCIAL_CODES, ...chosen }
    : existingType
      ? bare(existingType)
      : { system: KL_CARE_SOCIAL_CODES, ...KL_ENCOUNTER_TYPES.planlagtIndsats };
  const screenVisit = isScreenVisitEncounter(encounter);
  return {
    ...kept,
    resourceType: 'Encounter',
    status: encounter.status,
    meta: { ...encounter.meta, profile: [...new Set([...profilesOf(encounter), KL_GATEWAY_GENERAL_ENCOUNTER_PROFILE])] },
    class: screenVisit ? { system: KL_CARE_SOCIAL_CODES, code: KL_SKAERMBESOEG_CODE, display: KL_SKAERMBESOEG_DISPLAY } : bare(encounter.class),
    type: [{ coding: [typeCoding] }],
  };
}

/**
 * Where an Encounter breaks KLGatewayCareGeneralEncounter's rules (short Danish messages; [] when
 * none): the profile in meta.profile, required status/class/type/subject/period.start, class from
 * EncounterClassCodes, exactly one KL contact type coding without text, subject a Patient, the
 * elements set to 0..0, reasonReference only to Conditions, and the invariant
 * klgateway-follow-up-references-condition ("opfølgning" needs a reasonReference).
 * `baseUrl` lets absolute references to the server's own Patients count as Patient references.
 */
export function klGatewayEncounterViolations(encounter: Encounter, baseUrl?: string): string[] {
  const found = new Set<string>();
  const e = encounter as Encounter & Record<string, unknown>;
  if (!profilesOf(encounter).includes(KL_GATEWAY_GENERAL_ENCOUNTER_PROFILE)) found.add('meta.profile mangler KL Gateway-profilen');
  if (!encounter.status) found.add('status mangler');

  const cls = encounter.class as Coding | undefined;
  if (!cls?.system || !cls.code) found.add('class mangler');
  else if (!isAllowedClass(cls)) found.add('class er ikke en tilladt kontaktklasse');
  if (present(cls?.version)) found.add('class.version må ikke angives');
  if (present(cls?.userSelected)) found.add('class.userSelected må ikke angives');

  const types = encounter.type ?? [];
  if (types.length === 0) found.add('type mangler');
  for (const type of types) {
    const codings = type.coding ?? [];
    if (codings.length !== 1) found.add('type skal have præcis én kodning');
    if (codings.some((c) => !isKlEncounterType(c))) found.add('type er ikke en KL-kontakttype');
    if (codings.some((c) => present(c.version))) found.add('type.coding.version må ikke angives');
    if (codings.some((c) => present(c.userSelected))) found.add('type.coding.userSelected må ikke angives');
    if (present(type.text)) found.add('type.text må ikke angives');
  }

  if (!encounter.subject) found.add('subject mangler');
  else if (!isPatientReference(encounter.subject.reference, baseUrl)) found.add('subject skal henvise til en Patient');

  if (!encounter.period) found.add('period mangler');
  else if (!encounter.period.start) found.add('period.start mangler');

  for (const key of KL_GATEWAY_FORBIDDEN_ELEMENTS) if (present(e[key])) found.add(`${key} må ikke angives`);

  const reasons = encounter.reasonReference ?? [];
  if (reasons.some((r) => !isReferenceTo('Condition', r.reference, baseUrl))) found.add('reasonReference skal henvise til en Condition');
  if (types.some((t) => t.coding?.some((c) => is(c, KL_CARE_SOCIAL_CODES, KL_ENCOUNTER_TYPES.opfoelgning.code))) && reasons.length === 0) {
    found.add('opfølgning kræver reasonReference');
  }
  return [...found];
}

const ABSOLUTE_TO = (type: string) => new RegExp(`^[a-z][a-z0-9+.-]*://[^?#]*/${type}/[A-Za-z0-9\\-.]{1,64}(/_history/[A-Za-z0-9\\-.]{1,64})?$`);
/**
 * A reference to a resource of the type: relative, versioned, or absolute (also to another base: in a
 * delivery report the Patient is bundled under its fullUrl). A urn:uuid or contained reference cannot
 * be told apart from other types here, so it does not count.
 */
function isReferenceTo(type: string, reference: string | undefined, baseUrl?: string): boolean {
  const ref = parseReference(reference, baseUrl);
  if (ref?.kind === 'resource') return ref.type === type;
  return ref?.kind === 'external' && ABSOLUTE_TO(type).test(ref.url);
}
const isPatientReference = (reference: string | undefined, baseUrl?: string) => isReferenceTo('Patient', reference, baseUrl);

/**
 * The search for held calls, whichever way they are coded: class VR (v3 ActCode), or KL's
 * "Skærmbesøg" contact class (an EOJ or Skærmrum with KL's codes). A token OR list.
 */
export const SCREEN_VISIT_ENCOUNTER_CLASS_SEARCH = `${V3_ACT_CODE}|VR,${KL_CARE_SOCIAL_CODES}|${KL_SKAERMBESOEG_CODE}`;
