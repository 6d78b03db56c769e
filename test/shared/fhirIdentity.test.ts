import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { currentCpr, preferredName } from '../../src-shared/fhir/identity';
import { CPR_SYSTEM, type HumanName, type Identifier, Patient, Period } from '../../src-shared/fhir/schemas';

type Id = z.infer<typeof Identifier>;
type Name = z.infer<typeof HumanName>;

/** Sunday morning in Copenhagen (winter time, UTC+1). */
const NOW = new Date('2026-12-06T10:00:00+01:00');
const MUNICIPALITY_ID = 'https://roskilde.dk/fhir/NamingSystem/borger-id';

const cpr = (value: string, extra: Partial<Id> = {}): Id => ({ system: CPR_SYSTEM, value, ...extra });

describe('currentCpr', () => {
  const cases: [string, Id[] | undefined, string | null][] = [
    ['one plain CPR', [cpr('2512489996')], '2512489996'],
    ['hyphenated value', [cpr('251248-9996')], '2512489996'],
    ['old CPR (use old) listed before the current', [cpr('1502701234', { use: 'old' }), cpr('1502704321', { use: 'official' })], '1502704321'],
    [
      'ended period listed before the current',
      [cpr('0103551111', { use: 'official', period: { end: '2025-03-01' } }), cpr('0103552222', { use: 'official', period: { start: '2025-03-02' } })],
      '0103552222',
    ],
    [
      'future period not yet valid',
      [cpr('0907803333', { use: 'official', period: { start: '2027-01-01' } }), cpr('0907804444', { use: 'official' })],
      '0907804444',
    ],
    ['only a future CPR', [cpr('0907803333', { period: { start: '2027-01-01T00:00:00+01:00' } })], null],
    ['temp listed before official', [cpr('1111115555', { use: 'temp' }), cpr('1111116666', { use: 'official' })], '1111116666'],
    ['temp alone is current', [cpr('1111115555', { use: 'temp' })], '1111115555'],
    ['secondary ranks below temp', [cpr('1212127777', { use: 'secondary' }), cpr('1212128888', { use: 'temp' })], '1212128888'],
    ['absent use ranks with official, above temp', [cpr('0202029999', { use: 'temp' }), cpr('0202021010')], '0202021010'],
    [
      'two current: latest start wins',
      [cpr('0505051111', { use: 'official', period: { start: '2019-04-01' } }), cpr('0505052222', { use: 'usual', period: { start: '2024-08-15' } })],
      '0505052222',
    ],
    ['two current: an absent start counts as oldest', [cpr('0606061111'), cpr('0606062222', { period: { start: '1990' } })], '0606062222'],
    ['two current, same rank and start: first in list', [cpr('0707071111'), cpr('0707072222')], '0707071111'],
    ['only old', [cpr('1502701234', { use: 'old' }), cpr('1502704321', { use: 'old', period: { start: '2020-01-01' } })], null],
    ['only ended (no use given)', [cpr('0103551111', { period: { start: '1955-03-01', end: '2025-03-01' } })], null],
    ['ended just before now (full date-time)', [cpr('0808081111', { period: { end: '2026-12-06T09:59:59+01:00' } })], null],
    ['ends today (date-only end covers the whole day)', [cpr('0808081111', { period: { end: '2026-12-06' } })], '0808081111'],
    ['ended yesterday (date-only)', [cpr('0808081111', { period: { end: '2026-12-05' } })], null],
    ['ends this month (year-month end)', [cpr('0808081111', { period: { end: '2026-12' } })], '0808081111'],
    ['starts today (date-only start)', [cpr('0808082222', { period: { start: '2026-12-06' } })], '0808082222'],
    ['starts next year (year-only start)', [cpr('0808082222', { period: { start: '2027' } })], null],
    [
      'malformed values skipped',
      [cpr('12345'), cpr('010190-123'), cpr('0101901234x'), cpr('0101-901234'), cpr('01019O1234'), cpr('010190--1234'), cpr(''), cpr('0101905678')],
      '0101905678',
    ],
    ['a CPR without a value is skipped', [{ system: CPR_SYSTEM, use: 'official' }, cpr('0101905678', { use: 'temp' })], '0101905678'],
    [
      "other systems ignored (the municipality's own id)",
      [{ system: MUNICIPALITY_ID, value: '0101909999', use: 'official' }, { value: '0101908888' }, cpr('0101907777', { use: 'usual' })],
      '0101907777',
    ],
    ['only other systems', [{ system: MUNICIPALITY_ID, value: '0101909999' }], null],
    ['no identifiers', [], null],
    ['identifiers absent', undefined, null],
  ];
  it.each(cases)('%s', (_, identifiers, expected) => {
    expect(currentCpr(identifiers, NOW)).toBe(expected);
  });
});

describe('preferredName', () => {
  const cases: [string, Name[] | undefined, string][] = [
    [
      'official over usual',
      [
        { use: 'usual', text: 'Grete Nielsen' },
        { use: 'official', text: 'Margrethe Nielsen' },
      ],
      'Margrethe Nielsen',
    ],
    [
      'old listed before official',
      [
        { use: 'old', text: 'Inger Hansen' },
        { use: 'official', text: 'Inger Holm' },
      ],
      'Inger Holm',
    ],
    [
      'maiden never shown',
      [
        { use: 'maiden', family: 'Hansen', given: ['Inger'] },
        { use: 'usual', family: 'Holm', given: ['Inger'] },
      ],
      'Inger Holm',
    ],
    [
      'ended official period, current usual',
      [
        { use: 'official', text: 'Bent Olsen', period: { end: '2026-06-30' } },
        { use: 'usual', text: 'Bent Ølgaard' },
      ],
      'Bent Ølgaard',
    ],
    ['official not yet started', [{ use: 'official', text: 'Kirsten Bach', period: { start: '2027-01-01' } }, { text: 'Kirsten Lund' }], 'Kirsten Lund'],
    [
      'name change: latest started official wins',
      [
        { use: 'official', text: 'Lise Jensen', period: { start: '1950-02-11' } },
        { use: 'official', text: 'Lise Mortensen', period: { start: '1974-06-15' } },
      ],
      'Lise Mortensen',
    ],
    ['structured given/family when no text', [{ use: 'official', family: 'Sørensen', given: ['Poul'] }], 'Poul Sørensen'],
    ['multiple given names', [{ family: 'Christensen', given: ['Karen', 'Margrethe', 'Bodil'] }], 'Karen Margrethe Bodil Christensen'],
    ['prefix and suffix not shown', [{ family: 'Madsen', given: ['Erik'], prefix: ['Dr.'], suffix: ['MD'] }], 'Erik Madsen'],
    ['text preferred over parts', [{ text: 'Anne-Marie Friis', family: 'Friis', given: ['Anne', 'Marie'] }], 'Anne-Marie Friis'],
    ['given only', [{ given: ['Ole'] }], 'Ole'],
    ['family only', [{ family: 'Andersen' }], 'Andersen'],
    [
      'usual over nickname',
      [
        { use: 'nickname', text: 'Bodil' },
        { use: 'usual', text: 'Bodil Kragh' },
      ],
      'Bodil Kragh',
    ],
    ['usual over temp', [{ use: 'temp', text: 'Ukendt kvinde' }, { text: 'Else Bak' }], 'Else Bak'],
    [
      'nickname over anonymous',
      [
        { use: 'anonymous', text: 'Borger 17' },
        { use: 'nickname', text: 'Muddi' },
      ],
      'Muddi',
    ],
    ['anonymous when nothing better', [{ use: 'anonymous', text: 'Borger 17' }], 'Borger 17'],
    [
      'a current name with nothing to show is skipped',
      [
        { use: 'official', given: [] },
        { use: 'usual', text: 'Jens Lind' },
      ],
      'Jens Lind',
    ],
    ['only an old name', [{ use: 'old', text: 'Inger Hansen' }], ''],
    ['only an ended name', [{ use: 'official', family: 'Berg', given: ['Aase'], period: { end: '2026-12-05' } }], ''],
    ['no names', [], ''],
    ['names absent', undefined, ''],
  ];
  it.each(cases)('%s', (_, names, expected) => {
    expect(preferredName(names, NOW)).toBe(expected);
  });
});

describe('identifier and name history in the schemas', () => {
  it.each(['2020', '2020-01', '2020-01-31', '2020-01-31T08:00:00+01:00', '2020-01-31T07:00:00Z'])('a period bound may be %s', (at) => {
    expect(Period.safeParse({ start: at, end: at }).success).toBe(true);
  });
  it.each(['2020-1-1', '2020-13', '2020-01-31T08:00:00', '31-01-2020', ''])('a period bound is not %s', (at) => {
    expect(Period.safeParse({ end: at }).success).toBe(false);
  });
  it('a Patient with CPR history and names parses', () => {
    const parsed = Patient.parse({
      resourceType: 'Patient',
      id: 'pt-1',
      identifier: [cpr('1502701234', { use: 'old', period: { end: '2019-05-01' } }), cpr('150270-4321', { use: 'official', period: { start: '2019-05-02' } })],
      name: [
        { use: 'maiden', family: 'Hansen', given: ['Inger'] },
        { use: 'official', family: 'Holm', given: ['Inger', 'Marie'], prefix: ['Fru'] },
      ],
    });
    expect(currentCpr(parsed.identifier, NOW)).toBe('1502704321');
    expect(preferredName(parsed.name, NOW)).toBe('Inger Marie Holm');
  });
  it.each([
    ['identifier', { identifier: [{ system: CPR_SYSTEM, value: '1502704321', use: 'current' }] }],
    ['name', { name: [{ use: 'preferred', text: 'Inger Holm' }] }],
  ])('an unknown %s use is invalid (required binding)', (_, fields) => {
    expect(Patient.safeParse({ resourceType: 'Patient', ...fields }).success).toBe(false);
  });
});
