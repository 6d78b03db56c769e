import { TRPCError } from '@trpc/server';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCallerFactory } from '../../src-main/api/router';
import type { AuditTrailPage } from '../../src-shared/domain/audit';
import type { QueueVisit } from '../../src-shared/domain/visit';
import { careDay } from '../../src-shared/time/copenhagen';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';
import { signInThroughIdp, startTestServices } from '../helpers/services';

type Caller = Record<string, Record<string, (input: unknown) => Promise<unknown>>>;
type Services = Awaited<ReturnType<typeof startTestServices>>;

/**
 * "Hvem har set oplysninger om denne borger?" through the real router and main-process services,
 * against the sandbox EOJ on loopback, signed in at its IdP: staff are refused, a team lead sees
 * their own team's citizens only (the main process checks, and so does the EOJ), newest first and
 * a page at a time, and the CSV for the data-protection officer, whose export is audited itself.
 */
describe('the audit trail API', () => {
  let eoj: TestSandbox;
  beforeAll(async () => {
    eoj = await startTestSandbox();
  });
  afterAll(() => eoj.cleanup());

  async function signedIn(username: string): Promise<{ services: Services; call: (path: string, input: unknown) => Promise<unknown> }> {
    const services = await startTestServices({ clock: eoj.clock, env: { SKAERMRUM_EOJ_URL: eoj.baseUrl, SKAERMRUM_SYNC_INTERVAL_MS: '60000' } });
    await signInThroughIdp(services, username);
    await services.session.syncNow();
    const caller = createCallerFactory(services.router)({}) as unknown as Caller;
    return {
      services,
      call: (path, input) => {
        const [ns, method] = path.split('.') as [string, string];
        return (caller[ns]?.[method] as (input: unknown) => Promise<unknown>)(input);
      },
    };
  }
  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => null,
      (e: unknown) => (e instanceof TRPCError ? [e.code, e.message] : ['?', String(e)]),
    );
  const todays = (services: Services): QueueVisit[] => {
    const day = careDay(eoj.clock.now());
    return services.store.dayQueue({ fromMs: day.start.getTime(), toMs: day.end.getTime() });
  };

  it('refuses a staff member, whatever the client shows', async () => {
    const { services, call } = await signedIn('louise');
    try {
      const citizenId = todays(services)[0]?.citizen.id as string;
      expect(await refusal(call('audit.trail', { citizenId }))).toEqual(['FORBIDDEN', 'Din rolle giver ikke adgang til denne funktion']);
      expect(await refusal(call('audit.export', { citizenId, lang: 'da' }))).toEqual(['FORBIDDEN', 'Din rolle giver ikke adgang til denne funktion']);
    } finally {
      await services.cleanup();
    }
  });

  it("shows the team lead who saw their own team's citizen, newest first, a page at a time; another team's citizen is refused", async () => {
    const { services, call } = await signedIn('mette');
    try {
      const visit = todays(services).find((v) => v.citizen.cprMasked) as QueueVisit;
      const citizenId = visit.citizen.id;
      await call('visit.revealCpr', { visitId: visit.id });
      // Thirty earlier events of hers about the citizen (status changes of its visit) make two pages.
      for (let i = 0; i < 30; i++)
        services.store.audit.append({
          atMs: eoj.clock.nowMs() - 3_600_000 + i * 1_000,
          actorId: 'practitioner-1',
          action: 'visit.status_changed',
          subjectType: 'Appointment',
          subjectId: visit.id,
        });
      const first = (await call('audit.trail', { citizenId })) as AuditTrailPage;
      // Opening it is the newest entry; the CPR reveal just before it, by name and role, from this room PC.
      expect(first.entries.map((e) => e.action).slice(0, 2)).toEqual(['audit.viewed', 'citizen.cpr_revealed']);
      expect(first.entries[1]).toMatchObject({ practitionerId: 'practitioner-1', staffName: 'Mette Skærbæk', role: 'team_lead', outcome: 'success' });
      expect(first.entries[1]?.workstation).toBeTruthy();
      expect(first.entries).toHaveLength(25);
      expect(first.total).toBe(32);
      expect(first.cursor).not.toBeNull();
      const at = first.entries.map((e) => Date.parse(e.at));
      expect(at).toEqual([...at].sort((a, b) => b - a));
      const second = (await call('audit.trail', { citizenId, cursor: first.cursor })) as AuditTrailPage;
      expect(second.entries).toHaveLength(7);
      expect(second.cursor).toBeNull();
      expect(new Set([...first.entries, ...second.entries].map((e) => e.id)).size).toBe(32);
      // A page of one citizen's list is not another's.
      const otherCitizen = todays(services).find((v) => v.citizen.id !== citizenId)?.citizen.id as string;
      expect((await refusal(call('audit.trail', { citizenId: otherCitizen, cursor: first.cursor })))?.[0]).toBe('FORBIDDEN');
      // Not a citizen of her team (no visit of the team): refused here, before the EOJ is asked.
      expect(await refusal(call('audit.trail', { citizenId: 'patient-syd-1' }))).toEqual([
        'FORBIDDEN',
        'Borgeren hører ikke til dit team, så du kan ikke se, hvem der har set oplysninger om borgeren',
      ]);
    } finally {
      await services.cleanup();
    }
  });

  it('exports the list as CSV for the data-protection officer (BOM, ";", Copenhagen times), and the export is audited', async () => {
    const { services, call } = await signedIn('mette');
    try {
      const visit = todays(services).find((v) => v.citizen.cprMasked) as QueueVisit;
      await call('visit.revealCpr', { visitId: visit.id });
      const file = (await call('audit.export', { citizenId: visit.citizen.id, lang: 'da' })) as { fileName: string; mimeType: string; base64: string };
      expect(file.mimeType).toBe('text/csv; charset=utf-8');
      const bytes = Buffer.from(file.base64, 'base64');
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const rows: string[][] = parse(bytes, { delimiter: ';', bom: true, relax_column_count: true, skip_empty_lines: true });
      const header = rows.findIndex((r) => r[0] === 'Tidspunkt');
      expect(rows[header]).toEqual(['Tidspunkt', 'Medarbejder', 'Rolle', 'Handling', 'Videorum', 'Rum-pc', 'Udfald']);
      const entries = rows.slice(header + 1);
      expect(entries.length).toBeGreaterThanOrEqual(2);
      for (const r of entries) expect(r[0]).toMatch(/^\d{2}-\d{2}-\d{4} \d{2}\.\d{2}$/);
      // The export itself is the newest entry; the reveal is in the file, by name and role.
      expect(entries[0]?.slice(1, 4)).toEqual(['Mette Skærbæk', 'Teamleder', 'Eksporterede listen over hvem der har set oplysninger']);
      expect(entries.some((r) => r[3] === 'Så fuldt CPR-nummer' && r[1] === 'Mette Skærbæk')).toBe(true);
      // No CPR number and not the citizen's name in the file.
      const text = bytes.toString('utf8');
      expect(text).not.toMatch(/\d{6}-?\d{4}/);
      expect(text).not.toContain(visit.citizen.name);
      expect(services.store.audit.recent(5).map((e) => e.action)).toContain('audit.exported');
    } finally {
      await services.cleanup();
    }
  });

  it("a team lead of another skærmenhed is refused this team's citizen, by the main process and by the EOJ", async () => {
    const { services: nord } = await signedIn('louise');
    const citizenId = todays(nord)[0]?.citizen.id as string;
    await nord.cleanup();
    const { services, call } = await signedIn('birk');
    try {
      expect((await refusal(call('audit.trail', { citizenId })))?.[0]).toBe('FORBIDDEN');
      // Even with a visit of that citizen in this PC's store, the EOJ refuses Birk.
      const foreign = todays(services).length === 0;
      expect(foreign).toBe(true);
      const eojRefusal = await services.session
        .eoj()
        ?.auditTrail({ patientId: citizenId, next: null, count: 5, now: eoj.clock.now() })
        .then(
          () => null,
          (e: unknown) => (e as { status?: number }).status,
        );
      expect(eojRefusal).toBe(403);
    } finally {
      await services.cleanup();
    }
  });

  it('a leader sees the trail of a citizen of her own team', async () => {
    const { services, call } = await signedIn('lone');
    try {
      const citizenId = todays(services)[0]?.citizen.id as string;
      const page = (await call('audit.trail', { citizenId })) as AuditTrailPage;
      expect(page.entries[0]).toMatchObject({ action: 'audit.viewed', role: 'leader', staffName: 'Lone Lindholm' });
    } finally {
      await services.cleanup();
    }
  });
});
