import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eojGatewayOver } from '../../src-main/eoj/gateway';
import { MUTATION_ID_SYSTEM } from '../../src-shared/fhir/schemas';
import type { Clock } from '../../src-shared/time/clock';
import { DEFAULT_RETRY_POLICY } from '../../src-shared/workflow/outcome';
import type { FhirClient } from '../../src-shared/fhir/client';
import type { VisitStore } from '../../src-main/store/visitStore';
import { pushOutbox } from '../../src-main/sync/push';
import { NOTE_EXTENSION, OUTCOME_EXTENSION } from '../../src-shared/fhir/write';
import type { TestSandbox } from '../helpers/sandbox';
import { openSyncFixture, type SyncFixture } from '../helpers/syncFixture';

/** Outcomes, retries and escalation through the outbox to the sandbox EOJ (real HTTP, real store). */
describe('visit outcomes to the EOJ', () => {
  let eoj: TestSandbox;
  let store: VisitStore;
  let client: FhirClient;
  let fixture: SyncFixture;
  let clock: Clock;
  const queue = () => fixture.today();

  beforeEach(async () => {
    fixture = await openSyncFixture();
    ({ eoj, store, client, clock } = fixture);
    await fixture.pull(true);
  });
  afterEach(() => fixture.close());

  it('pulls the citizen details the visit panel shows', () => {
    const v = queue()[0];
    expect(v?.citizen.birthDate).toMatch(/^19\d\d-\d\d-\d\d$/);
    expect(v?.citizen.emergencyContact?.phone).toMatch(/^\+45 /);
    expect(v?.citizen.homeCareGroup?.name).toMatch(/^Hjemmeplejen /);
    expect(typeof v?.citizen.relativesMayJoin).toBe('boolean');
  });

  it('Gennemført: one Encounter with the call period, length, outcome, note and real caller; Appointment fulfilled', async () => {
    const visit = queue()[0];
    if (!visit) throw new Error('no visit');
    const connectedAt = new Date(clock.nowMs() - 7 * 60_000).toISOString();
    const endedAt = clock.now().toISOString();
    const { outboxEntries } = store.recordOutcome({
      visitId: visit.id,
      outcome: 'completed',
      note: 'Insulin taget',
      actorId: 'practitioner-5',
      atMs: clock.nowMs(),
      call: { connectedAt, endedAt },
      durationSeconds: 420,
      policy: DEFAULT_RETRY_POLICY,
    });
    expect(outboxEntries).toHaveLength(1);
    expect((await pushOutbox({ eoj: eojGatewayOver(client), store, clock })).done).toBe(1);
    expect((await eoj.fhir(`/Appointment/${visit.id}`)).body.status).toBe('fulfilled');
    const found = (await eoj.fhir(`/Encounter?identifier=${MUTATION_ID_SYSTEM}|${outboxEntries[0]?.mutationId}`)).body;
    expect(found.total).toBe(1);
    const enc = found.entry[0].resource;
    expect(enc.class.code).toBe('VR');
    expect(enc.period).toEqual({ start: connectedAt, end: endedAt });
    expect(enc.length).toMatchObject({ value: 7, code: 'min' });
    expect(enc.participant[0].individual.reference).toBe('Practitioner/practitioner-5');
    expect(enc.extension).toEqual([
      { url: OUTCOME_EXTENSION, valueCode: 'completed' },
      { url: NOTE_EXTENSION, valueString: 'Insulin taget' },
    ]);
    expect(store.getQueueVisit(visit.id)?.workflow).toMatchObject({ outcome: 'completed', calledAt: connectedAt, durationSeconds: 420 });
  });

  it('Ikke besvaret: each attempt is shared with the team as a Communication; two retries keep the visit open; the third escalates with a Task and a no-show', async () => {
    const visit = queue()[1];
    if (!visit) throw new Error('no visit');
    const record = () =>
      store.recordOutcome({
        visitId: visit.id,
        outcome: 'not_answered',
        note: '',
        actorId: 'practitioner-2',
        atMs: clock.nowMs(),
        call: { rangAt: new Date(clock.nowMs() - 45_000).toISOString(), connectedAt: null, endedAt: clock.now().toISOString() },
        durationSeconds: 0,
        policy: DEFAULT_RETRY_POLICY,
      });
    for (const attempt of [1, 2]) {
      const { visit: v, outboxEntries } = record();
      // The Appointment is not touched while a retry is pending; the attempt is.
      expect(outboxEntries.map((e) => e.intent)).toEqual([expect.objectContaining({ kind: 'visit.attempt', attempt, of: 3, retryAt: v.workflow.retryAt })]);
      expect(v.status).toBe('planned');
      expect(v.workflow.failedAttempts).toBe(attempt);
      expect(Date.parse(v.workflow.retryAt ?? '')).toBeGreaterThan(clock.nowMs() + 4 * 60_000);
    }
    const { visit: last, outboxEntries } = record();
    expect(last.status).toBe('not_answered');
    expect(last.workflow.escalatedAt).not.toBeNull();
    expect(outboxEntries.map((e) => e.intent.kind)).toEqual(['visit.attempt', 'visit.status', 'visit.escalate']);
    // FIFO per visit: the three attempts, then the status, then the Task.
    for (let round = 0; round < 5; round++) await pushOutbox({ eoj: eojGatewayOver(client), store, clock });
    expect(store.outbox.summary()).toEqual({ pending: 0, inflight: 0, conflict: 0, dead: 0 });
    const appointment = (await eoj.fhir(`/Appointment/${visit.id}`)).body;
    expect(appointment.status).toBe('noshow');
    expect(appointment.cancelationReason.text).toBe('Ikke besvaret');
    const attempts = (await eoj.fhir(`/Communication?based-on=Appointment/${visit.id}`)).body;
    expect(attempts.total).toBe(3);
    expect(
      attempts.entry.map((e: { resource: { status: string; sender: { reference: string } } }) => [e.resource.status, e.resource.sender.reference]),
    ).toEqual([
      ['not-done', 'Practitioner/practitioner-2'],
      ['not-done', 'Practitioner/practitioner-2'],
      ['not-done', 'Practitioner/practitioner-2'],
    ]);
    const tasks = (await eoj.fhir(`/Task?identifier=${MUTATION_ID_SYSTEM}|${outboxEntries[2]?.mutationId}`)).body;
    expect(tasks.total).toBe(1);
    expect(tasks.entry[0].resource).toMatchObject({
      status: 'requested',
      intent: 'order',
      priority: 'routine',
      for: { reference: `Patient/${visit.citizen.id}` },
      focus: { reference: `Appointment/${visit.id}` },
      owner: { reference: `CareTeam/${visit.citizen.homeCareGroup?.id}` },
    });
    // A resend (a lost response) creates nothing twice.
    const again = store.outbox.list().find((e) => e.intent.kind === 'visit.escalate');
    expect(again?.state).toBe('done');
  });

  it('Akut during the call: a Task at once (stat); the outcome afterwards does not escalate twice', async () => {
    const visit = queue()[2];
    if (!visit) throw new Error('no visit');
    const urgent = store.markUrgent(visit.id, 'practitioner-2', clock.nowMs());
    expect(urgent.outboxEntries).toHaveLength(1);
    expect(store.markUrgent(visit.id, 'practitioner-2', clock.nowMs()).outboxEntries).toEqual([]);
    const { outboxEntries } = store.recordOutcome({
      visitId: visit.id,
      outcome: 'urgent',
      note: 'Faldet, ambulance tilkaldt',
      actorId: 'practitioner-2',
      atMs: clock.nowMs(),
      call: { connectedAt: new Date(clock.nowMs() - 60_000).toISOString(), endedAt: clock.now().toISOString() },
      durationSeconds: 60,
      policy: DEFAULT_RETRY_POLICY,
    });
    expect(outboxEntries.map((e) => e.intent.kind)).toEqual(['visit.status']);
    for (let i = 0; i < 3; i++) await pushOutbox({ eoj: eojGatewayOver(client), store, clock });
    const tasks = (await eoj.fhir(`/Task?_count=100`)).body.entry
      .map((e: { resource: { priority: string; focus: { reference: string } } }) => e.resource)
      .filter((t: { focus: { reference: string } }) => t.focus.reference === `Appointment/${visit.id}`);
    expect(tasks).toHaveLength(1);
    expect(tasks[0].priority).toBe('stat');
    expect((await eoj.fhir(`/Appointment/${visit.id}`)).body.status).toBe('fulfilled');
  });

  it("a conflict the staff member resolves by keeping the EOJ's version: no longer a problem, kept, and the visit re-read", async () => {
    const visit = queue()[3];
    if (!visit) throw new Error('no visit');
    // Someone cancels the visit in the EOJ while our outcome is unsent.
    const current = (await eoj.fhir(`/Appointment/${visit.id}`)).body;
    await eoj.fhir(`/Appointment/${visit.id}`, {
      method: 'PUT',
      headers: { 'if-match': `W/"${current.meta.versionId}"` },
      json: { ...current, status: 'cancelled' },
    });
    const { outboxEntries } = store.recordOutcome({
      visitId: visit.id,
      outcome: 'completed',
      note: '',
      actorId: 'practitioner-2',
      atMs: clock.nowMs(),
      call: null,
      durationSeconds: 120,
      policy: DEFAULT_RETRY_POLICY,
    });
    await pushOutbox({ eoj: eojGatewayOver(client), store, clock });
    expect(store.outbox.problems().map((p) => p.state)).toEqual(['conflict']);
    const mutationId = outboxEntries[0]?.mutationId as string;
    expect(store.resolveProblem(mutationId, 'retry', 'practitioner-2', clock.nowMs())).toBe(false); // only refused rows are retried
    expect(store.resolveProblem(mutationId, 'accept_eoj', 'practitioner-2', clock.nowMs())).toBe(true);
    expect(store.outbox.problems()).toEqual([]);
    expect(store.outbox.summary().conflict).toBe(0);
    expect(store.outbox.get(mutationId)?.state).toBe('conflict'); // kept, never dropped
    await fixture.pull(true);
    // The EOJ's version stands: the cancelled visit leaves the queue.
    expect(queue().some((v) => v.id === visit.id)).toBe(false);
    expect(store.audit.recent(20).some((e) => e.action === 'outbox.resolved' && e.subjectId === visit.id)).toBe(true);
  });
});
