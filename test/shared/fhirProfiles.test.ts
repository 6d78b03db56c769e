import { describe, expect, it } from 'vitest';
import {
  FUT_APPOINTMENT_SERVICE_TYPE_SYSTEM,
  FUT_GUEST_PIN_EXTENSION,
  FUT_HOST_PIN_EXTENSION,
  FUT_MAX_PARTICIPANTS_EXTENSION,
  FUT_MEETING_URL_EXTENSION,
  FUT_VIDEO_APPOINTMENT_PROFILE,
  isScreenVisitAppointment,
  isScreenVisitEncounter,
  KL_CARE_SOCIAL_CODES,
  KL_ENCOUNTER_TYPES,
  KL_GATEWAY_GENERAL_ENCOUNTER_PROFILE,
  KL_SKAERMBESOEG_CODE,
  klGatewayEncounterViolations,
  V3_ACT_CODE,
  videoAppointmentDetails,
  withKlGatewayProfile,
} from '../../src-shared/fhir/profiles';
import { Appointment, Encounter } from '../../src-shared/fhir/schemas';
import { encounterFor, type StatusIntent } from '../../src-shared/fhir/write';

const BASE = 'https://eoj.kommune.dk/fhir';
const KL_SKAERMBESOEG = { system: KL_CARE_SOCIAL_CODES, code: KL_SKAERMBESOEG_CODE, display: 'Skærmbesøg' };

const appointment = (over: Record<string, unknown> = {}) =>
  Appointment.parse({
    resourceType: 'Appointment',
    id: 'a1',
    status: 'booked',
    start: '2026-12-02T09:00:00Z',
    end: '2026-12-02T09:10:00Z',
    participant: [
      { actor: { reference: `${BASE}/Patient/p1` }, status: 'accepted' },
      { actor: { reference: 'Location/r2' }, status: 'accepted' },
      { actor: { reference: 'RelatedPerson/rp1' }, status: 'accepted' },
    ],
    ...over,
  });

describe('recognising a screen visit Appointment', () => {
  it.each([
    ['FUT video appointment profile', { meta: { profile: [FUT_VIDEO_APPOINTMENT_PROFILE] } }, true],
    ['FUT profile with a version', { meta: { profile: [`${FUT_VIDEO_APPOINTMENT_PROFILE}|8.0.0`] } }, true],
    ['FUT group video profile', { meta: { profile: ['http://ehealth.sundhed.dk/fhir/StructureDefinition/ehealth-group-videoappointment'] } }, true],
    ['FUT serviceType #video', { serviceType: [{ coding: [{ system: FUT_APPOINTMENT_SERVICE_TYPE_SYSTEM, code: 'video' }] }] }, true],
    ['KL-coded serviceType', { serviceType: [{ coding: [KL_SKAERMBESOEG] }] }, true],
    ['KL-coded serviceCategory', { serviceCategory: [{ coding: [KL_SKAERMBESOEG] }] }, true],
    ['appointmentType VR', { appointmentType: { coding: [{ system: V3_ACT_CODE, code: 'VR' }] } }, true],
    ['plain appointment', {}, false],
    ['FUT regular appointment', { meta: { profile: ['http://ehealth.sundhed.dk/fhir/StructureDefinition/ehealth-appointment'] } }, false],
    ['FUT serviceType #regular', { serviceType: [{ coding: [{ system: FUT_APPOINTMENT_SERVICE_TYPE_SYSTEM, code: 'regular' }] }] }, false],
    ['KL code under another system', { serviceType: [{ coding: [{ system: 'urn:other', code: KL_SKAERMBESOEG_CODE }] }] }, false],
    ['only a text', { serviceType: [{ text: 'Skærmbesøg' }] }, false],
  ])('%s', (_name, over, expected) => {
    expect(isScreenVisitAppointment(appointment(over))).toBe(expected);
  });
});

describe('reading a FUT video appointment', () => {
  const fut = (extension: unknown[]) => appointment({ meta: { profile: [FUT_VIDEO_APPOINTMENT_PROFILE] }, extension });
  it('meeting URL without the PIN, max participants, and only whether there are PINs', () => {
    const details = videoAppointmentDetails(
      fut([
        { url: FUT_MAX_PARTICIPANTS_EXTENSION, valueInteger: 4 },
        { url: FUT_MEETING_URL_EXTENSION, valueUri: 'https://portal.vconf.dk/?url=721834@rooms.vconf-stage.dk&pin=37835&start_dato=2021-07-16T09:00:00' },
        { url: FUT_HOST_PIN_EXTENSION, valueString: '29202' },
        { url: FUT_GUEST_PIN_EXTENSION, valueString: '37835' },
      ]),
    );
    expect(details).toEqual({
      meetingUrl: 'https://portal.vconf.dk/?url=721834@rooms.vconf-stage.dk&start_dato=2021-07-16T09:00:00',
      maxParticipants: 4,
      hasPins: true,
    });
    expect(JSON.stringify(details)).not.toMatch(/37835|29202/);
  });
  it.each([
    ['no extensions', [], { meetingUrl: null, maxParticipants: null, hasPins: false }],
    ['a non-https URL', [{ url: FUT_MEETING_URL_EXTENSION, valueUri: 'javascript:alert(1)' }], { meetingUrl: null, maxParticipants: null, hasPins: false }],
    [
      'a PIN in the fragment',
      [{ url: FUT_MEETING_URL_EXTENSION, valueUri: 'https://m.example/join#pin=1234' }],
      { meetingUrl: 'https://m.example/join', maxParticipants: null, hasPins: false },
    ],
    ['a bad max', [{ url: FUT_MAX_PARTICIPANTS_EXTENSION, valueInteger: 2.5 }], { meetingUrl: null, maxParticipants: null, hasPins: false }],
    ['an empty PIN', [{ url: FUT_GUEST_PIN_EXTENSION, valueString: ' ' }], { meetingUrl: null, maxParticipants: null, hasPins: false }],
  ])('%s', (_name, extension, expected) => {
    expect(videoAppointmentDetails(fut(extension))).toEqual(expected);
  });
});

const encounter = (over: Record<string, unknown> = {}) =>
  Encounter.parse({ resourceType: 'Encounter', status: 'finished', class: { system: V3_ACT_CODE, code: 'HH' }, ...over });

describe('recognising a screen visit Encounter', () => {
  it.each([
    ['class VR', { class: { system: V3_ACT_CODE, code: 'VR' } }, true],
    ['class KL Skærmbesøg (KL Gateway)', { class: KL_SKAERMBESOEG }, true],
    ['type KL Skærmbesøg', { type: [{ coding: [KL_SKAERMBESOEG] }] }, true],
    ['serviceType KL Skærmbesøg', { serviceType: { coding: [KL_SKAERMBESOEG] } }, true],
    ['home visit', {}, false],
    ['KL Telefonisk', { class: { system: KL_CARE_SOCIAL_CODES, code: '1b55a4b0-1156-4f58-b2df-b5c6014d9048' } }, false],
  ])('%s', (_name, over, expected) => {
    expect(isScreenVisitEncounter(encounter(over))).toBe(expected);
  });
});

describe("KL Gateway's care general encounter", () => {
  const intent: StatusIntent = {
    kind: 'visit.status',
    status: 'completed',
    at: '2026-12-02T09:20:00Z',
    actorId: 'practitioner-5',
    reason: null,
    encounter: { start: '2026-12-02T09:10:30Z', end: '2026-12-02T09:17:40Z', outcome: 'completed', note: 'Godt' },
  };
  const fromRepo = encounterFor('m-1', 'a1', intent, appointment(), BASE);
  const gateway = withKlGatewayProfile(fromRepo);

  it("the repo's default Encounter is not KL-coded (class VR, a type in text only)", () => {
    expect(klGatewayEncounterViolations(fromRepo)).toEqual(
      expect.arrayContaining(['meta.profile mangler KL Gateway-profilen', 'type skal have præcis én kodning', 'identifier må ikke angives']),
    );
  });
  it("with KL's codes (SKAERMRUM_KL_CODES) the written Encounter breaks only the rules the EOJ write needs broken", () => {
    const klCoded = encounterFor('m-1', 'a1', intent, appointment(), BASE, true);
    expect(isScreenVisitEncounter(klCoded)).toBe(true);
    // Codes, class, type, subject and period follow the profile; what remains is what makes the
    // write idempotent and linked (identifier, appointment, who called, length, room), and the
    // profile is not claimed for that reason.
    expect(klGatewayEncounterViolations(klCoded).sort()).toEqual(
      [
        'meta.profile mangler KL Gateway-profilen',
        'identifier må ikke angives',
        'participant må ikke angives',
        'appointment må ikke angives',
        'length må ikke angives',
        'location må ikke angives',
      ].sort(),
    );
    expect(klGatewayEncounterViolations(withKlGatewayProfile(klCoded))).toEqual([]);
    expect(Encounter.safeParse(klCoded).success).toBe(true);
  });
  it('withKlGatewayProfile makes it conform, still a screen visit, and still a valid Encounter for our schema', () => {
    expect(klGatewayEncounterViolations(gateway)).toEqual([]);
    expect(gateway).toMatchObject({
      meta: { profile: [KL_GATEWAY_GENERAL_ENCOUNTER_PROFILE] },
      status: 'finished',
      class: KL_SKAERMBESOEG,
      type: [{ coding: [{ system: KL_CARE_SOCIAL_CODES, code: KL_ENCOUNTER_TYPES.planlagtIndsats.code }] }],
      subject: { reference: 'Patient/p1' },
      period: { start: '2026-12-02T09:10:30Z', end: '2026-12-02T09:17:40Z' },
    });
    for (const gone of ['identifier', 'participant', 'appointment', 'length', 'location']) expect(gateway).not.toHaveProperty(gone);
    expect(isScreenVisitEncounter(gateway)).toBe(true);
    expect(Encounter.safeParse(gateway).success).toBe(true);
    // Idempotent, and the original is untouched.
    expect(withKlGatewayProfile(gateway)).toEqual(gateway);
    expect(fromRepo.identifier).toHaveLength(1);
  });
  it('keeps an existing KL contact type, or takes the one asked for', () => {
    const followUp = withKlGatewayProfile({ ...fromRepo, type: [{ coding: [{ system: KL_CARE_SOCIAL_CODES, code: KL_ENCOUNTER_TYPES.observation.code }] }] });
    expect(followUp.type).toEqual([{ coding: [{ system: KL_CARE_SOCIAL_CODES, code: KL_ENCOUNTER_TYPES.observation.code }] }]);
    expect(withKlGatewayProfile(fromRepo, { type: 'akutindsats' }).type?.[0]?.coding?.[0]?.code).toBe(KL_ENCOUNTER_TYPES.akutindsats.code);
  });
  it('an absolute Patient reference (a bundled fullUrl) counts as a Patient', () => {
    expect(klGatewayEncounterViolations({ ...gateway, subject: { reference: 'https://test.fhir.dk/Patient/TestPerson' } })).toEqual([]);
  });

  const without = (key: string) => Object.fromEntries(Object.entries(gateway).filter(([k]) => k !== key)) as typeof gateway;
  it.each<[string, typeof gateway, string]>([
    ['no profile', { ...gateway, meta: {} }, 'meta.profile mangler KL Gateway-profilen'],
    ['no subject', without('subject'), 'subject mangler'],
    ['subject a Practitioner', { ...gateway, subject: { reference: 'Practitioner/x' } }, 'subject skal henvise til en Patient'],
    ['subject a urn:uuid', { ...gateway, subject: { reference: 'urn:uuid:3f6c2f0e-1c1a-4f52-9a10-111111111111' } }, 'subject skal henvise til en Patient'],
    ['no period', without('period'), 'period mangler'],
    ['no period.start', { ...gateway, period: { end: '2026-12-02T09:17:40Z' } }, 'period.start mangler'],
    ['no type', without('type'), 'type mangler'],
    ['type coded as Skærmbesøg', { ...gateway, type: [{ coding: [KL_SKAERMBESOEG] }] }, 'type er ikke en KL-kontakttype'],
    [
      'two type codings',
      { ...gateway, type: [{ coding: [gateway.type![0]!.coding![0]!, { system: KL_CARE_SOCIAL_CODES, code: KL_ENCOUNTER_TYPES.oplysning.code }] }] },
      'type skal have præcis én kodning',
    ],
    ['type.text', { ...gateway, type: [{ ...gateway.type![0]!, text: 'Skærmbesøg' }] }, 'type.text må ikke angives'],
    ['class outside EncounterClassCodes', { ...gateway, class: { system: 'urn:other', code: 'VIDEO' } }, 'class er ikke en tilladt kontaktklasse'],
    ['class without a code', { ...gateway, class: { system: KL_CARE_SOCIAL_CODES } }, 'class mangler'],
    ['class.version', { ...gateway, class: { ...gateway.class, version: '2.3.0' } }, 'class.version må ikke angives'],
    ['identifier', { ...gateway, identifier: [{ system: 'urn:x', value: '1' }] }, 'identifier må ikke angives'],
    ['participant', { ...gateway, participant: [{ individual: { reference: 'Practitioner/p' } }] }, 'participant må ikke angives'],
    ['appointment', { ...gateway, appointment: [{ reference: 'Appointment/a1' }] }, 'appointment må ikke angives'],
    ['serviceType', { ...gateway, serviceType: { coding: [KL_SKAERMBESOEG] } }, 'serviceType må ikke angives'],
    ['length', { ...gateway, length: { value: 7, unit: 'min' } }, 'length må ikke angives'],
    ['location', { ...gateway, location: [{ location: { reference: 'Location/r2' } }] }, 'location må ikke angives'],
    ['reasonReference to an Observation', { ...gateway, reasonReference: [{ reference: 'Observation/o1' }] }, 'reasonReference skal henvise til en Condition'],
    [
      'opfølgning without a reasonReference',
      { ...gateway, type: [{ coding: [{ system: KL_CARE_SOCIAL_CODES, code: KL_ENCOUNTER_TYPES.opfoelgning.code }] }] },
      'opfølgning kræver reasonReference',
    ],
  ])('%s', (_name, broken, message) => {
    expect(klGatewayEncounterViolations(broken)).toEqual([message]);
  });
  it('opfølgning with a Condition as reason conforms', () => {
    const followUp = withKlGatewayProfile(fromRepo, { type: 'opfoelgning' });
    expect(klGatewayEncounterViolations({ ...followUp, reasonReference: [{ reference: 'Condition/c1' }] })).toEqual([]);
  });
  it('Virtual (VR) is in EncounterClassCodes too (v3-ActEncounterCode)', () => {
    expect(klGatewayEncounterViolations({ ...gateway, class: { system: V3_ACT_CODE, code: 'VR' } })).toEqual([]);
  });
});
