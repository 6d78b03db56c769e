import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eojGatewayOver } from '../../src-main/eoj/gateway';
import { CONSENT_SCOPE, PARTICIPANT_ROLE, RELATIVE_PARTICIPATION_CODE, RELATIVE_PARTICIPATION_SYSTEM } from '../../src-shared/fhir/relatives';
import { CPR_SYSTEM } from '../../src-shared/fhir/schemas';
import { offsetClock, type Clock } from '../../src-shared/time/clock';
import { atCopenhagenTime } from '../../src-shared/time/copenhagen';
import { createFhirClient, type FhirClient } from '../../src-shared/fhir/client';
import { createLogger } from '../../src-main/log';
import { createAppEvents } from '../../src-main/events';
import type { VisitStore } from '../../src-main/store/visitStore';
import { createSyncEngine } from '../../src-main/sync/engine';
import { pushOutbox } from '../../src-main/sync/push';
import { testClock } from '../helpers/clock';
import { capabilityStatement, startScriptedEoj, type ScriptedEoj } from '../helpers/scriptedEoj';
import { openTestStore, tempDir } from '../helpers/store';

/**
 * Resources shaped as real EOJs and gateways send them, from a scripted FHIR server on loopback:
 * long texts, contained patients, absolute and versioned references, one bad resource among good
 * ones, missing capabilities, refusals worded in details.text, 409 and 429. Real client, real store.
 */
const TEAM = 'team-skaermenhed-nord';
type Json = Record<string, unknown>;

describe('the client against resources as real servers send them', () => {
  let eoj: ScriptedEoj;
  let store: VisitStore;
  let client: FhirClient;
  let cleanup: () => void;
  const clock: Clock = testClock();
  const at = (h: number, m: number) => atCopenhagenTime(clock.now(), h, m).toISOString();
  const appointment = (id: string, over: Json = {}): Json => ({
    resourceType: 'Appointment',
    id,
    meta: { versionId: '1', lastUpdated: new Date(clock.nowMs() - 60_000).toISOString() },
    status: 'booked',
    serviceType: [{ text: 'Medicingivning' }],
    description: 'Medicin – guide til at tage dosisæsken',
    start: at(10, 0),
    end: at(10, 10),
    participant: [
      { actor: { reference: 'Patient/p1' }, status: 'accepted' },
      { actor: { reference: 'Practitioner/pr1' }, status: 'accepted' },
      { actor: { reference: 'Location/r1' }, status: 'accepted' },
      { actor: { reference: `HealthcareService/${TEAM}` }, status: 'accepted' },
    ],
    ...over,
  });
  const patient = (id: string, name: string): Json => ({
    resourceType: 'Patient',
    id,
    identifier: [{ system: CPR_SYSTEM, value: '0101405123' }],
    name: [{ text: name }],
    address: [{ line: ['Mågevej 58'], postalCode: '4000', city: 'Roskilde' }],
  });
  const engine = (over: Partial<Parameters<typeof createSyncEngine>[0]> = {}) =>
    createSyncEngine({
      eoj: eojGatewayOver(client),
      store,
      teamId: TEAM,
      events: createAppEvents(),
      logger: createLogger('silent'),
      clock,
      intervalMs: 3_600_000,
      ...over,
    });
  const sync = async (c: Clock = clock) => {
    const e = engine({ clock: c });
    await e.syncNow();
    await e.stop();
    return e.status();
  };
  const queue = () => store.dayQueue({ fromMs: 0, toMs: Number.MAX_SAFE_INTEGER });
  const searches = () => eoj.requests.filter((r) => r.method === 'GET' && r.path === '/Appointment');

  beforeEach(async () => {
    eoj = await startScriptedEoj();
    eoj.resources.set('Patient/p1', patient('p1', 'Inger Møllegaard'));
    eoj.resources.set('Patient/p2', patient('p2', 'Poul Strandby'));
    eoj.resources.set('Practitioner/pr1', { resourceType: 'Practitioner', id: 'pr1', name: [{ given: ['Louise'], family: 'Dalgaard' }] });
    eoj.resources.set('Location/r1', { resourceType: 'Location', id: 'r1', name: 'Videorum 2' });
    eoj.resources.set(`HealthcareService/${TEAM}`, { resourceType: 'HealthcareService', id: TEAM, name: 'Skærmenheden Nord' });
    const dir = tempDir();
    cleanup = dir.cleanup;
    store = await openTestStore(dir.dir);
    client = createFhirClient({ baseUrl: eoj.baseUrl, token: () => 't', timeoutMs: 3_000, clock });
  });
  afterEach(async () => {
    store.close();
    cleanup();
    await eoj.close();
  });

  it('keeps a valid 1,200-character description: all three visits land, the text shortened only for display', async () => {
    eoj.appointments = [appointment('a1', { description: 'x'.repeat(1_200) }), appointment('a2'), appointment('a3', { comment: 'y'.repeat(6_000) })];
    const status = await sync();
    expect(status).toMatchObject({ state: 'online', error: null, problems: 0 });
    expect(queue().map((v) => v.id)).toEqual(['a1', 'a2', 'a3']);
    const a1 = store.getVisit('a1');
    expect(a1?.task.description).toHaveLength(1_000);
    expect(a1?.task.description.endsWith('…')).toBe(true);
    expect(store.getVisit('a3')?.notes).toHaveLength(4_000);
  });

  it('shows a visit whose patient is contained ("#pt"), with the Danish address form', async () => {
    eoj.appointments = [
      appointment('a1', {
        contained: [
          {
            resourceType: 'Patient',
            id: 'pt',
            name: [{ given: ['Else'], family: 'Bækholm' }],
            address: [{ line: ['Hybenvej 3'], postalCode: '4600', city: 'Køge' }],
          },
        ],
        participant: [
          { actor: { reference: '#pt' }, status: 'accepted' },
          { actor: { reference: `HealthcareService/${TEAM}` }, status: 'accepted' },
        ],
      }),
      appointment('a2'),
    ];
    expect(await sync()).toMatchObject({ state: 'online', problems: 0 });
    expect(store.getVisit('a1')?.citizen).toMatchObject({ name: 'Else Bækholm', address: 'Hybenvej 3, 4600 Køge', cprMasked: null });
    expect(store.getVisit('a2')?.citizen).toMatchObject({ name: 'Inger Møllegaard', address: 'Mågevej 58, 4000 Roskilde', cprMasked: '010140-xxxx' });
  });

  it('one bad Appointment never blocks the others: it is a visible problem naming it and the field; the cursor moves on', async () => {
    const badAt = new Date(clock.nowMs() - 30_000).toISOString();
    eoj.appointments = [
      appointment('a1'),
      appointment('bad-status', { status: 'done', meta: { versionId: '1', lastUpdated: badAt } }),
      appointment('no-start', { start: undefined }),
      appointment('no-citizen', { participant: [{ actor: { reference: `HealthcareService/${TEAM}` }, status: 'accepted' }] }),
      appointment('a2'),
    ];
    const status = await sync();
    expect(status).toMatchObject({ state: 'online', error: null, problems: 3 });
    expect(queue().map((v) => v.id)).toEqual(['a1', 'a2']);
    const problems = store.syncProblems.list();
    expect(problems.map((p) => [p.resource, p.field, p.kind])).toEqual(
      [
        ['Appointment/bad-status', 'status', 'invalid_value'],
        ['Appointment/no-citizen', 'participant', 'no_citizen'],
        ['Appointment/no-start', 'start', 'missing'],
      ].sort((a, b) => (a[0] as string).localeCompare(b[0] as string)),
    );
    expect(problems.find((p) => p.resource === 'Appointment/bad-status')?.detail).toMatch(/^har en værdi FHIR R4 ikke kender/);
    // The cursor covers the bad one too: it is a problem now, and read again when it changes.
    expect(Date.parse(store.syncState.get('appointments')?.cursor ?? '')).toBeGreaterThanOrEqual(Date.parse(badAt));
    // Corrected in the EOJ: the problem goes, the visit comes.
    eoj.appointments = eoj.appointments.map((a) =>
      a.id === 'bad-status' ? appointment('bad-status', { meta: { versionId: '2', lastUpdated: clock.now().toISOString() } }) : a,
    );
    expect(await sync(offsetClock(60_000, clock))).toMatchObject({ problems: 2 });
    expect(store.getVisit('bad-status')?.status).toBe('planned');
  });

  it('follows absolute and versioned references and reads what was not included in batches, never one GET each', async () => {
    eoj.capabilities = capabilityStatement({ include: false });
    eoj.appointments = [
      appointment('a1', {
        participant: [
          { actor: { reference: `${eoj.baseUrl}/Patient/p1` }, status: 'accepted' },
          { actor: { reference: 'Practitioner/pr1/_history/3' }, status: 'accepted' },
        ],
      }),
      appointment('a2', {
        participant: [
          { actor: { reference: 'Patient/p2/_history/7' }, status: 'accepted' },
          { actor: { reference: `${eoj.baseUrl}/Location/r1` }, status: 'accepted' },
        ],
      }),
    ];
    expect(await sync()).toMatchObject({ state: 'online', problems: 0 });
    expect(store.getVisit('a1')).toMatchObject({
      citizen: { id: 'p1', name: 'Inger Møllegaard' },
      practitioner: { id: 'pr1', name: 'Louise Dalgaard' },
      teamId: TEAM,
    });
    expect(store.getVisit('a2')).toMatchObject({ citizen: { id: 'p2', name: 'Poul Strandby' }, room: { id: 'r1', name: 'Videorum 2' } });
    const patientReads = eoj.requests.filter((r) => r.path.startsWith('/Patient'));
    expect(patientReads.map((r) => [r.path, r.query.get('_id')?.split(',').sort().join(',')])).toEqual([['/Patient', 'p1,p2']]);
    expect(eoj.requests.some((r) => /^\/(Patient|Practitioner|Location)\/./.test(r.path))).toBe(false);
    expect(searches()[0]?.query.getAll('_include')).toEqual([]);
  });

  it("a visit booked through a PractitionerRole is the role's person's, in the role's room; a role without a person is a visible problem", async () => {
    eoj.resources.set('PractitionerRole/role-a', {
      resourceType: 'PractitionerRole',
      id: 'role-a',
      practitioner: { reference: 'Practitioner/pr1' },
      location: [{ reference: 'Location/r1' }],
      healthcareService: [{ reference: `HealthcareService/${TEAM}` }],
    });
    eoj.resources.set('PractitionerRole/role-b', { resourceType: 'PractitionerRole', id: 'role-b', location: [{ reference: 'Location/r1' }] });
    const byRole = (role: string) => [
      { actor: { reference: 'Patient/p1' }, status: 'accepted' },
      { actor: { reference: `PractitionerRole/${role}`, display: 'Rolle' }, status: 'accepted' },
    ];
    eoj.appointments = [appointment('a1', { participant: byRole('role-a') }), appointment('a2', { participant: byRole('role-b') }), appointment('a3')];
    const status = await sync();
    expect(status).toMatchObject({ state: 'online', problems: 1 });
    // The person, their room and their team come from the role (the Appointment names none of them).
    expect(store.getVisit('a1')).toMatchObject({ practitioner: { id: 'pr1', name: 'Louise Dalgaard' }, room: { id: 'r1', name: 'Videorum 2' }, teamId: TEAM });
    expect(store.getVisit('a2')).toMatchObject({ practitioner: null, room: { id: 'r1' } });
    expect(store.getVisit('a3')?.practitioner?.id).toBe('pr1');
    expect(store.syncProblems.list()).toMatchObject([{ resource: 'PractitionerRole/role-b', field: 'practitioner', kind: 'missing' }]);
    // Roles in one batched read (the server did not include them); their people and rooms came along.
    expect(eoj.requests.filter((r) => r.path === '/PractitionerRole').map((r) => r.query.get('_id')?.split(',').sort().join(','))).toEqual(['role-a,role-b']);
    expect(eoj.requests.some((r) => /^\/(PractitionerRole|Practitioner|Location)\/./.test(r.path))).toBe(false);
  });

  it('a move keeps the kind of reference the EOJ used: a PractitionerRole stays a PractitionerRole, its room not repeated', async () => {
    eoj.resources.set('Practitioner/pr2', { resourceType: 'Practitioner', id: 'pr2', name: [{ text: 'Jonas Holm' }] });
    eoj.resources.set('Location/r2', { resourceType: 'Location', id: 'r2', name: 'Videorum 3' });
    const role = (id: string, practitioner: string, room: string, team: string) => ({
      resourceType: 'PractitionerRole',
      id,
      practitioner: { reference: `Practitioner/${practitioner}` },
      location: [{ reference: `Location/${room}` }],
      healthcareService: [{ reference: `HealthcareService/${team}` }],
    });
    eoj.resources.set('PractitionerRole/role-a', role('role-a', 'pr1', 'r1', TEAM));
    // Jonas has a role in another team too: the move picks the one in this visit's team.
    const jonasRoles = [role('role-elsewhere', 'pr2', 'r9', 'team-other'), role('role-c', 'pr2', 'r2', TEAM)];
    for (const r of jonasRoles) eoj.resources.set(`PractitionerRole/${r.id}`, r);
    eoj.answer = (req) =>
      req.method === 'GET' && req.path === '/PractitionerRole' && req.query.get('practitioner') === 'Practitioner/pr2'
        ? { status: 200, body: { resourceType: 'Bundle', type: 'searchset', entry: jonasRoles.map((resource) => ({ resource })) } }
        : undefined;
    eoj.appointments = [
      appointment('a1', {
        participant: [
          { actor: { reference: 'Patient/p1' }, status: 'accepted' },
          { actor: { reference: 'PractitionerRole/role-a' }, status: 'accepted' },
          { actor: { reference: `HealthcareService/${TEAM}` }, status: 'accepted' },
          { actor: { reference: 'RelatedPerson/rp1', display: 'Datter' }, status: 'accepted' },
        ],
      }),
    ];
    await sync();
    const visit = store.getVisit('a1');
    expect(visit).toMatchObject({ practitioner: { id: 'pr1' }, room: { id: 'r1' } });
    store.moveVisits([
      {
        visitId: 'a1',
        to: {
          practitioner: { id: 'pr2', name: 'Jonas Holm' },
          room: { id: 'r2', name: 'Videorum 3' },
          start: visit?.start as string,
          end: visit?.end as string,
        },
        actorId: 'pr-lead',
        atMs: clock.nowMs(),
      },
    ]);
    expect(await sync()).toMatchObject({ state: 'online', outbox: { pending: 0, dead: 0, conflict: 0 } });
    const put = eoj.requests.find((r) => r.method === 'PUT' && r.path === '/Appointment/a1');
    const participants = (put?.body as { participant: { actor: { reference: string } }[] }).participant.map((p) => p.actor.reference);
    // The citizen, the team and the relative the client does not show are kept; Jonas's role in this team, its room not repeated.
    expect(participants.sort()).toEqual(['HealthcareService/team-skaermenhed-nord', 'Patient/p1', 'PractitionerRole/role-c', 'RelatedPerson/rp1']);
    // Read back as the EOJ now has it: Jonas, in the room of his role.
    expect(store.getVisit('a1')).toMatchObject({ practitioner: { id: 'pr2', name: 'Jonas Holm' }, room: { id: 'r2', name: 'Videorum 3' } });
    expect(store.syncProblems.list()).toEqual([]);
  });

  it('shows the current CPR and name, never an old one, and counts what it does not understand', async () => {
    eoj.resources.set('Patient/p1', {
      resourceType: 'Patient',
      id: 'p1',
      identifier: [
        { system: CPR_SYSTEM, value: '0101405123', use: 'old' },
        { system: CPR_SYSTEM, value: '0202405124', period: { start: '2001-01-01', end: '2020-06-30' } },
        { system: 'urn:oid:1.2.208.176.1.99', value: 'kommune-4711' },
        { system: CPR_SYSTEM, value: '0303405125', use: 'official', period: { start: '2020-07-01' } },
      ],
      name: [
        { use: 'old', text: 'Inger Hansen' },
        { use: 'official', given: ['Inger', 'Marie'], family: 'Møllegaard' },
      ],
      extension: [{ url: 'https://kommune.example/fhir/StructureDefinition/fritvalg', valueString: 'x' }],
    });
    eoj.resources.set('Patient/p2', {
      resourceType: 'Patient',
      id: 'p2',
      identifier: [{ system: CPR_SYSTEM, value: '0404405126', use: 'old' }],
      name: [{ text: 'Poul Strandby' }],
    });
    eoj.appointments = [
      appointment('a1', {
        participant: [
          { actor: { reference: 'Patient/p1' }, status: 'accepted' },
          { actor: { reference: 'Practitioner/pr1' }, status: 'accepted' },
          { actor: { reference: 'Device/tablet-7' }, status: 'accepted' },
        ],
      }),
      appointment('a2', { participant: [{ actor: { reference: 'Patient/p2' }, status: 'accepted' }] }),
    ];
    const status = await sync();
    expect(store.getVisit('a1')?.citizen).toMatchObject({ name: 'Inger Marie Møllegaard', cprMasked: '030340-xxxx' });
    // No current CPR: shown as such, never the old number.
    expect(store.getVisit('a2')?.citizen).toMatchObject({ name: 'Poul Strandby', cprMasked: null });
    expect(status.unrecognised).toEqual({ participants: 1, identifiers: 1, extensions: 1 });
  });

  it("reads the citizens' relatives and consents in batches where declared; a bad one is a problem, the rest land", async () => {
    const statement = capabilityStatement({ include: true }) as { rest: { resource: unknown[] }[] };
    statement.rest[0]?.resource.push(
      { type: 'RelatedPerson', searchParam: [{ name: 'patient', type: 'reference' }] },
      {
        type: 'Consent',
        searchParam: [
          { name: 'patient', type: 'reference' },
          { name: 'status', type: 'token' },
        ],
      },
    );
    eoj.capabilities = statement;
    const relatedPersons = [
      {
        resourceType: 'RelatedPerson',
        id: 'anna',
        patient: { reference: 'Patient/p1' },
        relationship: [{ text: 'Datter' }],
        name: [{ text: 'Anna Hansen' }],
        telecom: [{ system: 'phone', use: 'mobile', value: '+4520112233' }],
      },
      { resourceType: 'RelatedPerson', id: 'bo', patient: { reference: 'Patient/p2' }, name: [{ text: 'Bo Strandby' }] },
      // Not R4: a RelatedPerson needs its patient.
      { resourceType: 'RelatedPerson', id: 'broken', name: [{ text: 'X' }] },
    ];
    const consents = [
      {
        resourceType: 'Consent',
        id: 'c-anna',
        status: 'active',
        scope: { coding: [CONSENT_SCOPE] },
        category: [{ coding: [{ system: RELATIVE_PARTICIPATION_SYSTEM, code: RELATIVE_PARTICIPATION_CODE }] }],
        patient: { reference: 'Patient/p1' },
        provision: { type: 'permit', actor: [{ role: { coding: [PARTICIPANT_ROLE] }, reference: { reference: 'RelatedPerson/anna' } }] },
      },
    ];
    const bundle = (entries: unknown[]) => ({
      status: 200,
      body: { resourceType: 'Bundle', type: 'searchset', entry: entries.map((resource) => ({ resource })) },
    });
    eoj.answer = (req) =>
      req.method !== 'GET' ? undefined : req.path === '/RelatedPerson' ? bundle(relatedPersons) : req.path === '/Consent' ? bundle(consents) : undefined;
    eoj.appointments = [appointment('a1'), appointment('a2', { participant: [{ actor: { reference: 'Patient/p2' }, status: 'accepted' }] })];
    const status = await sync();
    expect(store.getVisit('a1')?.citizen).toMatchObject({
      relativesMayJoin: true,
      relatives: [{ id: 'anna', name: 'Anna Hansen', relationship: 'Datter', mayJoin: true, canText: true }],
    });
    expect(store.getVisit('a2')?.citizen).toMatchObject({ relativesMayJoin: false, relatives: [{ id: 'bo', mayJoin: false, canText: false }] });
    expect(status.problems).toBe(1);
    expect(store.syncProblems.list()).toMatchObject([{ resource: 'RelatedPerson/broken', field: 'patient', kind: 'missing' }]);
    // One search per kind for both citizens, the relative's number never stored.
    const searched = eoj.requests.filter((r) => r.path === '/RelatedPerson' || r.path === '/Consent');
    expect(searched.map((r) => [r.path, r.query.get('patient')?.split(',').sort().join(',')])).toEqual([
      ['/RelatedPerson', 'Patient/p1,Patient/p2'],
      ['/Consent', 'Patient/p1,Patient/p2'],
    ]);
    expect(JSON.stringify(store.getVisit('a1'))).not.toContain('20112233');
  });

  it('uses _include, _sort and _lastUpdated only where the CapabilityStatement declares them', async () => {
    eoj.appointments = [appointment('a1')];
    eoj.capabilities = capabilityStatement({ params: ['date', 'actor'], include: false });
    await sync();
    await sync(offsetClock(60_000, clock));
    for (const search of searches()) {
      expect([...search.query.keys()].filter((k) => k.startsWith('_') && k !== '_count')).toEqual([]);
    }
    // Declared: included, sorted, and the second pull is incremental.
    eoj.requests.length = 0;
    eoj.capabilities = capabilityStatement({ include: true });
    await sync(offsetClock(120_000, clock));
    await sync(offsetClock(180_000, clock));
    const [first, second] = searches();
    expect(first?.query.getAll('_include').sort()).toEqual(['Appointment:actor', 'Appointment:patient']);
    expect(first?.query.get('_sort')).toBe('_lastUpdated');
    expect(second?.query.get('_lastUpdated')).toMatch(/^gt/);
  });

  it('never skips a change stamped before the cursor because a later-stamped write committed first', async () => {
    // A server that honours _lastUpdated=gt and shows what has committed, as a real one under two
    // concurrent writers: b is stamped 10:00:00.000 but commits (becomes visible) only after a,
    // stamped 10:00:00.800, was already pulled and moved the cursor past b's stamp.
    let visible: Json[] = [];
    eoj.answer = (req) => {
      if (req.method !== 'GET' || req.path !== '/Appointment') return undefined;
      const gt = req.query.get('_lastUpdated')?.replace(/^gt/, '');
      const found = visible.filter((a) => !gt || Date.parse((a.meta as { lastUpdated: string }).lastUpdated) > Date.parse(gt));
      return {
        status: 200,
        body: { resourceType: 'Bundle', type: 'searchset', link: [], entry: found.map((resource) => ({ resource, search: { mode: 'match' } })) },
      };
    };
    const stamped = (id: string, ms: number, over: Json = {}) =>
      appointment(id, { meta: { versionId: `${id}-${ms}`, lastUpdated: new Date(ms).toISOString() }, ...over });
    const t0 = clock.nowMs() - 30_000;
    visible = [stamped('a', t0 - 60_000), stamped('b', t0 - 60_000)];
    await sync();
    expect(
      queue()
        .map((v) => v.id)
        .sort(),
    ).toEqual(['a', 'b']);
    // a's new version commits first and is pulled: the cursor is now a's stamp.
    visible = [stamped('a', t0 + 800, { start: at(11, 0), end: at(11, 10) }), stamped('b', t0 - 60_000)];
    await sync(offsetClock(1_000, clock));
    expect(Date.parse(store.syncState.get('appointments')?.cursor ?? '')).toBe(t0 + 800);
    // Then b's version, stamped earlier than the cursor, commits.
    visible = [stamped('a', t0 + 800, { start: at(11, 0), end: at(11, 10) }), stamped('b', t0, { start: at(12, 0), end: at(12, 10) })];
    await sync(offsetClock(2_000, clock));
    // An incremental pull (not a full resync) found it: the cursor window overlaps the last stamp.
    expect(searches().at(-1)?.query.get('_lastUpdated')).toMatch(/^gt/);
    expect(store.getVisit('b')?.start).toBe(at(12, 0));
    expect(store.getVisit('a')?.start).toBe(at(11, 0));
  });

  it('a visit skipped by offset paging while another changed is neither removed by a full resync nor lost by the cursor', async () => {
    // A server that pages by offset over live results, sorted by lastUpdated, two a page: when an
    // Appointment changes between two page reads it moves to the end, and the one after the page
    // boundary slides into the read page: the next page never returns it.
    let visible: Json[] = [];
    let beforePage2: (() => void) | null = null;
    eoj.answer = (req) => {
      if (req.method !== 'GET' || req.path !== '/Appointment') return undefined;
      const ids = req.query.get('_id')?.split(',');
      const gt = req.query.get('_lastUpdated')?.replace(/^gt/, '');
      const offset = Number(req.query.get('_getpagesoffset') ?? 0);
      if (offset > 0 && beforePage2) {
        beforePage2();
        beforePage2 = null;
      }
      const stampOf = (a: Json) => Date.parse((a.meta as { lastUpdated: string }).lastUpdated);
      const found = visible
        .filter((a) => (!gt || stampOf(a) > Date.parse(gt)) && (!ids || ids.includes(a.id as string)))
        .sort((x, y) => stampOf(x) - stampOf(y));
      const page = ids ? found : found.slice(offset, offset + 2);
      const next =
        !ids && offset + 2 < found.length
          ? [{ relation: 'next', url: `${eoj.baseUrl}/Appointment?${req.query.toString().replace(/&?_getpagesoffset=\d+/, '')}&_getpagesoffset=${offset + 2}` }]
          : [];
      return {
        status: 200,
        body: { resourceType: 'Bundle', type: 'searchset', link: next, entry: page.map((resource) => ({ resource, search: { mode: 'match' } })) },
      };
    };
    const stamped = (id: string, ms: number, over: Json = {}) =>
      appointment(id, { meta: { versionId: `${id}-${ms}`, lastUpdated: new Date(ms).toISOString() }, ...over });
    const t0 = clock.nowMs() - 600_000;
    visible = [stamped('a', t0), stamped('b', t0 + 60_000), stamped('c', t0 + 120_000), stamped('d', t0 + 180_000)];
    await sync();
    expect(
      queue()
        .map((v) => v.id)
        .sort(),
    ).toEqual(['a', 'b', 'c', 'd']);

    // A full resync (a restarted client) while "a" changes between the first and the second page:
    // "c" is in no page, yet still the team's, so it stays.
    store.syncState.forgetFullResync();
    beforePage2 = () => (visible = [stamped('a', t0 + 240_000, { start: at(11, 0), end: at(11, 10) }), ...visible.slice(1)]);
    await sync(offsetClock(1_000, clock));
    expect(eoj.requests.some((r) => r.query.get('_id') === 'c')).toBe(true);
    expect(
      queue()
        .map((v) => v.id)
        .sort(),
    ).toEqual(['a', 'b', 'c', 'd']);
    expect(store.getVisit('a')?.start).toBe(at(11, 0));

    // An incremental pull over several pages: "c" changed and is skipped the same way; the cursor
    // stays where the next pull reads it.
    visible = [
      stamped('a', t0 + 240_000, { start: at(11, 0), end: at(11, 10) }),
      stamped('b', t0 + 300_000),
      stamped('c', t0 + 310_000, { start: at(12, 0), end: at(12, 10) }),
      stamped('d', t0 + 320_000),
    ];
    beforePage2 = () => (visible = [stamped('b', t0 + 400_000), ...visible.filter((a) => a.id !== 'b')]);
    await sync(offsetClock(2_000, clock));
    expect(searches().at(-1)?.query.get('_lastUpdated')).toMatch(/^gt/);
    await sync(offsetClock(3_000, clock));
    expect(searches().at(-1)?.query.get('_lastUpdated')).toMatch(/^gt/);
    expect(store.getVisit('c')?.start).toBe(at(12, 0));
    // A visit the EOJ no longer has for the team does leave at the next full resync.
    visible = visible.filter((a) => a.id !== 'd');
    store.syncState.forgetFullResync();
    await sync(offsetClock(4_000, clock));
    expect(
      queue()
        .map((v) => v.id)
        .sort(),
    ).toEqual(['a', 'b', 'c']);
  });

  it('an EOJ without a search it cannot do without gets one clear message naming it, and nothing changes', async () => {
    eoj.capabilities = capabilityStatement({ params: ['actor', '_lastUpdated'] });
    eoj.appointments = [appointment('a1')];
    const status = await sync();
    expect(status).toMatchObject({ state: 'error', error: { code: 'capability_missing', subject: 'Appointment?date' } });
    expect(searches()).toEqual([]);
    expect(queue()).toEqual([]);
  });

  it("keeps the server's words and says what happens next: refusals stop, 409/429/5xx are retried (at least as late as asked)", async () => {
    eoj.appointments = ['refused', 'limited', 'busy', 'conflicted'].map((id) => appointment(id, { meta: { versionId: '1' } }));
    await sync();
    const rows = Object.fromEntries(
      ['refused', 'limited', 'busy', 'conflicted'].map((id) => [
        id,
        store.setVisitStatus({ visitId: id, status: 'completed', actorId: 'pr1', atMs: clock.nowMs() }).outboxEntry?.mutationId,
      ]),
    );
    eoj.answer = (req) => {
      if (req.method === 'PUT' && req.path === '/Appointment/refused')
        return {
          status: 422,
          body: { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'business-rule', details: { text: 'Aftalen er låst af visitator' } }] },
        };
      if (req.method === 'PUT' && req.path === '/Appointment/limited')
        return {
          status: 429,
          headers: { 'retry-after': '120' },
          body: { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'throttled', diagnostics: 'For mange kald' }] },
        };
      if (req.method === 'PUT' && req.path === '/Appointment/busy') return { status: 503 };
      const body = req.body as { appointment?: { reference: string }[] } | undefined;
      if (req.method === 'POST' && body?.appointment?.[0]?.reference === 'Appointment/conflicted')
        return {
          status: 409,
          body: {
            resourceType: 'OperationOutcome',
            issue: [{ severity: 'error', code: 'conflict', diagnostics: 'could not serialize access due to read/write dependencies among transactions' }],
          },
        };
      return undefined;
    };
    const before = clock.nowMs();
    await pushOutbox({ eoj: eojGatewayOver(client), store, clock, random: () => 0.5 });
    const entry = (id: string) => store.outbox.get(rows[id] as string);
    expect(entry('refused')).toMatchObject({ state: 'dead', error: { code: 'refused', serverText: 'Aftalen er låst af visitator' } });
    expect(entry('limited')).toMatchObject({ state: 'pending', error: { code: 'rate_limited', serverText: 'For mange kald' } });
    expect(Date.parse(entry('limited')?.nextAttemptAt ?? '')).toBeGreaterThanOrEqual(before + 120_000);
    expect(entry('busy')).toMatchObject({ state: 'pending', error: { code: 'busy' } });
    expect(entry('conflicted')).toMatchObject({ state: 'pending', error: { code: 'busy', serverText: expect.stringContaining('could not serialize') } });
    // The server recovers: everything temporary goes through, the refusal stays visible.
    eoj.answer = undefined;
    await pushOutbox({ eoj: eojGatewayOver(client), store, clock: offsetClock(10 * 60_000, clock) });
    expect(['limited', 'busy', 'conflicted'].map((id) => entry(id)?.state)).toEqual(['done', 'done', 'done']);
    expect(store.outbox.problems().map((p) => p.visitId)).toEqual(['refused']);
  });
});
