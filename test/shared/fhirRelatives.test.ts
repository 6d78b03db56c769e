import { describe, expect, it } from 'vitest';
import {
  CONSENT_SCOPE,
  LOINC_PATIENT_CONSENT,
  mayTakePart,
  PARTICIPANT_ROLE,
  RELATIVE_PARTICIPATION_CODE,
  RELATIVE_PARTICIPATION_SYSTEM,
  relativesOf,
} from '../../src-shared/fhir/relatives';
import { Consent, RelatedPerson } from '../../src-shared/fhir/schemas';

/** The citizen's relatives (RelatedPerson) and whether each may take part (Consent), as real EOJs record them. */
const NOW = new Date('2026-12-02T12:00:00+01:00'); // the instant the tables are read at

const ours = { coding: [{ system: RELATIVE_PARTICIPATION_SYSTEM, code: RELATIVE_PARTICIPATION_CODE }] };
const consent = (over: Record<string, unknown> = {}, provision: Record<string, unknown> = {}) =>
  Consent.parse({
    resourceType: 'Consent',
    id: 'c1',
    status: 'active',
    scope: { coding: [CONSENT_SCOPE] },
    category: [{ coding: [LOINC_PATIENT_CONSENT] }, ours],
    patient: { reference: 'Patient/p1' },
    dateTime: '2026-01-15T10:00:00+01:00',
    provision: { type: 'permit', actor: [{ role: { coding: [PARTICIPANT_ROLE] }, reference: { reference: 'RelatedPerson/anna' } }], ...provision },
    ...over,
  });
const relative = (over: Record<string, unknown> = {}) =>
  RelatedPerson.parse({
    resourceType: 'RelatedPerson',
    id: 'anna',
    patient: { reference: 'Patient/p1' },
    relationship: [{ text: 'Datter' }],
    name: [{ text: 'Anna Hansen' }],
    telecom: [{ system: 'phone', use: 'mobile', value: '+45 20 11 22 33' }],
    ...over,
  });

describe('whether a relative may take part in screen visits', () => {
  it.each([
    ['an active permit naming them', [consent()], true],
    ['an active deny naming them', [consent({}, { type: 'deny' })], false],
    ['a newer deny over an older permit', [consent(), consent({ id: 'c2', dateTime: '2026-06-01T10:00:00+02:00' }, { type: 'deny' })], false],
    ['a newer permit over an older deny', [consent({}, { type: 'deny' }), consent({ id: 'c2', dateTime: '2026-06-01T10:00:00+02:00' })], true],
    ['an inactive permit (withdrawn)', [consent({ status: 'inactive' })], null],
    ['a permit whose period has ended', [consent({}, { period: { end: '2026-11-30' } })], null],
    ['a permit from next year', [consent({}, { period: { start: '2027-01-01' } })], null],
    ['a permit of another category (research)', [consent({ category: [{ coding: [LOINC_PATIENT_CONSENT] }] })], null],
    ['a permit naming someone else', [consent({}, { actor: [{ role: { coding: [PARTICIPANT_ROLE] }, reference: { reference: 'RelatedPerson/bo' } }] })], null],
    [
      'an absolute reference to them on this server',
      [consent({}, { actor: [{ role: { coding: [PARTICIPANT_ROLE] }, reference: { reference: 'https://eoj/fhir/RelatedPerson/anna' } }] })],
      true,
    ],
    ['nothing recorded', [], null],
  ])('%s', (_name, consents, expected) => {
    expect(mayTakePart('anna', consents, NOW, 'https://eoj/fhir')).toBe(expected);
  });
});

describe("the citizen's relatives as the visit shows them", () => {
  it.each([
    [
      'with consent and a mobile number',
      [relative()],
      [consent()],
      [{ id: 'anna', name: 'Anna Hansen', relationship: 'Datter', mayJoin: true, canText: true }],
    ],
    ['no consent recorded: may not join', [relative()], [], [{ id: 'anna', name: 'Anna Hansen', relationship: 'Datter', mayJoin: false, canText: true }]],
    [
      'a landline only: cannot be texted',
      [relative({ telecom: [{ system: 'phone', use: 'home', value: '+45 46 11 22 33' }] })],
      [consent()],
      [expect.objectContaining({ canText: false })],
    ],
    ['an SMS number', [relative({ telecom: [{ system: 'sms', value: '+45 20 11 22 33' }] })], [consent()], [expect.objectContaining({ canText: true })]],
    ['no longer active', [relative({ active: false })], [consent()], []],
    ['a relation that has ended', [relative({ period: { end: '2025-12-31' } })], [consent()], []],
    [
      'a coded relationship without text',
      [relative({ relationship: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'SON', display: 'Søn' }] }] })],
      [],
      [expect.objectContaining({ relationship: 'Søn' })],
    ],
    [
      'the current name, not an old one',
      [
        relative({
          name: [
            { use: 'old', text: 'Anna Jensen' },
            { use: 'official', text: 'Anna Hansen' },
          ],
        }),
      ],
      [],
      [expect.objectContaining({ name: 'Anna Hansen' })],
    ],
  ])('%s', (_name, relatedPersons, consents, expected) => {
    expect(relativesOf(relatedPersons, consents, NOW)).toEqual(expected);
  });

  it('lists them by name, Danish order', () => {
    const list = relativesOf(
      [relative({ id: 'b', name: [{ text: 'Øjvind Hansen' }] }), relative({ id: 'a', name: [{ text: 'Åse Hansen' }] }), relative()],
      [],
      NOW,
    );
    expect(list.map((r) => r.name)).toEqual(['Anna Hansen', 'Øjvind Hansen', 'Åse Hansen']);
  });
});
