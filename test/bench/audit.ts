// Audit figures: 1,000 audit events from the encrypted store's queue to the sandbox EOJ over
// loopback, by a sending process that is SIGKILLed in the middle and started again.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { AuditAction } from '../../src-shared/domain/audit';
import { demoDay } from '../../src-shared/demo/demoDay';
import { AUDIT_EVENT_ID_SYSTEM } from '../../src-shared/fhir/auditEvent';
import { systemClock } from '../../src-shared/time/clock';
import { eojToken } from '../helpers/idp';
import { startTestSandbox } from '../helpers/sandbox';
import { openTestStore, ROOT_DIR, tempDir, testKeychain } from '../helpers/store';

const EVENTS = 1_000;
/** The sender is killed once it has reported this many sent (its next step is then on its way). */
const KILL_AFTER = 400;

type Bundle = {
  entry?: { resource: { entity?: { what?: { identifier?: { system?: string; value?: string } } }[] } }[];
  link?: { relation: string; url: string }[];
};

/** Starts the sending process; resolves with it once it is sending. */
function sender(args: string[], onSent: (n: number) => void) {
  const child = spawn(process.execPath, ['test/fixtures/auditSender.mjs', ...args], { cwd: ROOT_DIR, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.stdout.on('data', (d: Buffer) => {
    for (const m of d.toString().matchAll(/sent (\d+)/g)) onSent(Number(m[1]));
  });
  return { child, exited };
}

export async function benchAudit() {
  // A measurement, not a time-of-day test: the machine's clock.
  const clock = systemClock;
  const eoj = await startTestSandbox({ clock });
  const { dir, cleanup } = tempDir('skaermrum-bench-audit-');
  try {
    const keychain = testKeychain();
    const store = await openTestStore(dir, keychain);
    // Louise's day at the PC: CPR numbers seen, visits changed, moved, documented; her team's citizens.
    const day = demoDay(clock.now());
    const actions: AuditAction[] = ['citizen.cpr_revealed', 'visit.status_changed', 'visit.outcome_recorded', 'call.recorded', 'visit.moved'];
    store.audit.setActor({ practitionerId: 'practitioner-2', role: 'staff', roomId: 'room-2' });
    const events = Array.from({ length: EVENTS }, (_, i) => {
      const visit = day.visits[i % day.visits.length];
      if (!visit) throw new Error('no demo visits');
      const action = actions[i % actions.length] as AuditAction;
      const eventId = store.audit.append({
        atMs: clock.nowMs() - (EVENTS - i) * 1_000,
        actorId: 'practitioner-2',
        action,
        ...(action === 'citizen.cpr_revealed' ? { subjectType: 'Patient', subjectId: visit.citizen.id } : { subjectType: 'Appointment', subjectId: visit.id }),
        patientId: visit.citizen.id,
      });
      return { eventId, citizenId: visit.citizen.id };
    });
    store.close();

    const args = [join(dir, 'visits.db'), keychain.profile, eoj.baseUrl, eoj.token, 'practitioner-2', 'BENCH-VIDEORUM2'];
    const t0 = performance.now();
    let sentBeforeKill = 0;
    const first = sender(args, (n) => {
      sentBeforeKill = n;
      if (n >= KILL_AFTER) first.child.kill('SIGKILL');
    });
    const firstExit = await first.exited;
    if (firstExit === 0) throw new Error('the sender finished before it could be killed');
    const second = sender(args, () => undefined);
    const secondExit = await second.exited;
    const totalMs = performance.now() - t0;
    if (secondExit !== 0) throw new Error(`the restarted sender failed (exit ${String(secondExit)})`);

    // Counted in the EOJ by our event id, as the team lead reads the trail, citizen by citizen.
    const lead = await eojToken(eoj.baseUrl, 'mette');
    const held = new Map<string, number>();
    for (const citizenId of new Set(events.map((e) => e.citizenId))) {
      let url: string | undefined = `${eoj.baseUrl}/AuditEvent?entity=Patient/${citizenId}&_count=1000`;
      while (url) {
        const res = await fetch(url, { headers: { authorization: `Bearer ${lead}` } });
        if (!res.ok) throw new Error(`reading the trail: HTTP ${res.status}`);
        const body = (await res.json()) as Bundle;
        for (const e of body.entry ?? []) {
          const id = e.resource.entity?.find((x) => x.what?.identifier?.system === AUDIT_EVENT_ID_SYSTEM)?.what?.identifier?.value;
          if (id) held.set(id, (held.get(id) ?? 0) + 1);
        }
        url = body.link?.find((l) => l.relation === 'next')?.url;
      }
    }
    const lost = events.filter((e) => !held.has(e.eventId)).length;
    const duplicates = [...held.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0);
    console.log(`audit: ${EVENTS} events in ${totalMs.toFixed(0)} ms (sender killed after ${sentBeforeKill} sent), lost ${lost}, duplicates ${duplicates}`);
    return {
      'audit.events_1000_to_eoj_ms': {
        value: totalMs,
        unit: 'ms',
        target: '< 3000',
        met: totalMs < 3_000,
        note: `SIGKILL after ${sentBeforeKill} sent, then restarted`,
      },
      'audit.lost': { value: lost, unit: 'count', target: '0', met: lost === 0 },
      'audit.duplicates': { value: duplicates, unit: 'count', target: '0', met: duplicates === 0 },
    };
  } finally {
    cleanup();
    await eoj.cleanup();
  }
}
