import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { conformanceOf, conformanceFromSetting } from '../../src-server/eoj/conformance';
import { SANDBOX_DATA_VERSION } from '../../src-server/eoj/dataMigrations';
import { openRepository } from '../../src-server/eoj/repository';
import { demoFhirResources } from '../../src-shared/demo/demoFhir';
import type { FhirResource } from '../../src-shared/fhir/schemas';
import { careDay } from '../../src-shared/time/copenhagen';
import { testClock } from '../helpers/clock';
import { demoVisitId } from '../helpers/demo';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';
import { tempDir } from '../helpers/store';

/** The sandbox's conformance modes: each way conformant FHIR servers differ, switchable by configuration. */
describe('sandbox EOJ conformance modes', () => {
  let eoj: TestSandbox | null = null;
  afterEach(async () => {
    await eoj?.cleanup();
    eoj = null;
  });
  const team = 'HealthcareService/team-skaermenhed-nord';
  const today = (s: TestSandbox) => {
    const day = careDay(s.clock.now());
    return `date=ge${encodeURIComponent(day.start.toISOString())}&date=lt${encodeURIComponent(day.end.toISOString())}`;
  };

  it('is strict about R4 references by default: CareTeam is no Appointment participant (422, naming it)', async () => {
    eoj = await startTestSandbox();
    const id = demoVisitId(eoj.clock, 'room-1-01');
    const current = (await eoj.fhir(`/Appointment/${id}`)).body;
    expect(current.participant.some((p: { actor: { reference: string } }) => p.actor.reference === team)).toBe(true);
    const withCareTeam = { ...current, participant: [...current.participant, { actor: { reference: 'CareTeam/team-skaermenhed-nord' }, status: 'accepted' }] };
    const refused = await eoj.fhir(`/Appointment/${id}`, { method: 'PUT', json: withCareTeam });
    expect(refused.status).toBe(422);
    expect(refused.body.issue[0].diagnostics).toMatch(/Appointment\.participant\.actor må ikke henvise til CareTeam/);
    await eoj.cleanup();
    eoj = await startTestSandbox({ conformance: conformanceOf(['lenient-references']) });
    const lenient = (await eoj.fhir(`/Appointment/${id}`)).body;
    expect((await eoj.fhir(`/Appointment/${id}`, { method: 'PUT', json: { ...lenient, participant: withCareTeam.participant } })).status).toBe(200);
  });

  it("migrates a store from before: the team's CareTeam participants become HealthcareService ones, with new versions", async () => {
    const { dir, cleanup } = tempDir('skaermrum-eoj-old-');
    const clock = testClock();
    // The data as the sandbox stored it before: CareTeam participants, no HealthcareService, no data version.
    const old = demoFhirResources(careDay(clock.now()).start)
      .filter((r) => r.resourceType !== 'HealthcareService')
      .map((r): FhirResource => {
        if (r.resourceType === 'Appointment')
          return {
            ...r,
            participant: r.participant.map((p) =>
              p.actor?.reference?.startsWith('HealthcareService/') ? { ...p, actor: { reference: 'CareTeam/team-skaermenhed-nord' } } : p,
            ),
          };
        if (r.resourceType === 'PractitionerRole') return { ...r, healthcareService: undefined };
        return r;
      });
    const repo = openRepository(join(dir, 'eoj.db'), clock);
    repo.createMany(old);
    expect(repo.dataVersion()).toBe(0);
    repo.close();
    eoj = await startTestSandbox({ dir, removeDir: cleanup, clock, demo: null });
    const id = demoVisitId(clock, 'room-2-05');
    const migrated = (await eoj.fhir(`/Appointment/${id}`)).body;
    expect(migrated.participant.map((p: { actor: { reference: string } }) => p.actor.reference)).toContain(team);
    expect(migrated.participant.some((p: { actor: { reference: string } }) => p.actor.reference.startsWith('CareTeam/'))).toBe(false);
    expect(migrated.meta.versionId).not.toBe(old.find((r) => r.id === id)?.meta?.versionId);
    expect((await eoj.fhir('/HealthcareService/team-skaermenhed-nord')).body.name).toBe('Skærmenheden Nord');
    const role = (await eoj.fhir('/PractitionerRole?practitioner=Practitioner/practitioner-2')).body.entry[0].resource;
    expect(role.healthcareService).toEqual([{ reference: team }]);
    expect((await eoj.fhir(`/Appointment?actor=${team}&${today(eoj)}&_count=0`)).body.total).toBeGreaterThan(100);
  });

  it('offset paging and a _count cap: next links by offset, 50 a page, followed verbatim to the end', async () => {
    eoj = await startTestSandbox({ conformance: conformanceOf(['offset-paging', 'count-cap-50']) });
    let url: string | undefined = `/Appointment?actor=${team}&${today(eoj)}&_count=100`;
    const sizes: number[] = [];
    const ids = new Set<string>();
    while (url) {
      const { body } = await eoj.fhir(url);
      const next: string | undefined = body.link.find((l: { relation: string }) => l.relation === 'next')?.url;
      if (next) expect(next).toMatch(/_getpagesoffset=\d+/);
      sizes.push(body.entry.length);
      for (const e of body.entry) ids.add(e.resource.id);
      url = next;
    }
    expect(sizes.every((n) => n <= 50)).toBe(true);
    expect(ids.size).toBe(sizes.reduce((a, b) => a + b, 0));
    expect(ids.size).toBeGreaterThan(100);
  });

  it('no _include: ignored in searches and not declared in the CapabilityStatement', async () => {
    eoj = await startTestSandbox({ conformance: conformanceOf(['no-include']) });
    const { body } = await eoj.fhir(`/Appointment?actor=${team}&${today(eoj)}&_count=5&_include=Appointment:patient`);
    expect(body.entry.every((e: { search: { mode: string } }) => e.search.mode === 'match')).toBe(true);
    const metadata = (await (await fetch(`${eoj.baseUrl}/metadata`)).json()) as { rest: { resource: { type: string; searchInclude?: string[] }[] }[] };
    expect(metadata.rest[0]?.resource.find((r) => r.type === 'Appointment')?.searchInclude).toBeUndefined();
  });

  it('OperationOutcome text in details.text only', async () => {
    eoj = await startTestSandbox({ conformance: conformanceOf(['details-text']) });
    const { status, body } = await eoj.fhir('/Appointment/findes-ikke');
    expect(status).toBe(404);
    expect(body.issue[0]).toEqual({ severity: 'error', code: 'not-found', details: { text: 'Appointment/findes-ikke findes ikke' } });
  });

  it('409 on concurrent creates: overlapping creates of a type are refused, one after another they are not', async () => {
    eoj = await startTestSandbox({ conformance: conformanceOf(['concurrent-create-409']) });
    const encounter = (n: number) => ({
      resourceType: 'Encounter',
      status: 'finished',
      class: { code: 'VR' },
      identifier: [{ system: 'urn:test', value: `e${n}` }],
      subject: { reference: 'Patient/patient-001' },
    });
    const together = await Promise.all([1, 2, 3].map((n) => eoj?.fhir('/Encounter', { method: 'POST', json: encounter(n) })));
    // At least one goes through, and the ones overlapping it are refused (how many overlap depends on timing).
    const statuses = together.map((r) => r?.status);
    expect(statuses.filter((st) => st === 201).length).toBeGreaterThanOrEqual(1);
    expect(statuses.filter((st) => st === 409).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((st) => st === 201 || st === 409)).toBe(true);
    expect(together.find((r) => r?.status === 409)?.body.issue[0].diagnostics).toMatch(/could not serialize/);
    for (const n of [4, 5]) expect((await eoj.fhir('/Encounter', { method: 'POST', json: encounter(n) })).status).toBe(201);
  });

  it('reads its modes from SANDBOX_CONFORMANCE and refuses unknown ones by name', () => {
    expect(conformanceFromSetting('no-include, offset-paging')).toMatchObject({ include: false, paging: 'offset', strictReferences: true });
    expect(conformanceFromSetting(undefined)).toMatchObject({ include: true, paging: 'cursor', maxCount: 1000 });
    expect(() => conformanceFromSetting('no-include,hapi')).toThrow(/Ukendt SANDBOX_CONFORMANCE: hapi/);
    expect(SANDBOX_DATA_VERSION).toBe(2);
  });
});
