import { randomUUID } from 'node:crypto';
import { TZDate } from '@date-fns/tz';
import { resourceTexts, type RawReportResources } from '../../src-main/eoj/reports';
import type { FhirResource } from '../../src-shared/fhir/schemas';
import { FSIII_SYSTEM } from '../../src-shared/fhir/schemas';
import { attemptCommunicationFor, encounterFor, escalationTaskFor, verdictResponseFor } from '../../src-shared/fhir/write';
import type { Verdict } from '../../src-shared/workflow/verdict';
import { prng } from '../../src-shared/demo/demoDay';

/**
 * A generated stretch of a skærmenhed's weeks for the report tests and benchmark: each visit's
 * plan (what happened, as the test knows it) and the FHIR resources Skærmrum writes for it, through
 * the product's own writers. Tests count their expectations from the plans, never through the
 * report code. Seeded: the same seed gives the same quarter.
 */
export const TEAM = 'team-skaermenhed-nord';
export const TASKS = [
  { code: 'H1.1', text: 'Medicingivning' },
  { code: 'H1.2', text: 'Medicinvejledning' },
  { code: 'A1.3', text: 'Påmindelse om måltid' },
  { code: 'B2.1', text: 'Tryghedsopkald' },
] as const;
export const PRACTITIONERS = ['practitioner-1', 'practitioner-2', 'practitioner-3', 'practitioner-4', 'practitioner-5'];
export const ROOMS = ['room-1', 'room-2', 'room-3'];

export type PlannedResult = 'done' | 'not_answered' | 'technical_failure' | 'converted' | 'cancelled' | 'open';
export interface VisitPlan {
  id: string;
  startMs: number;
  citizenId: string;
  practitionerId: string;
  roomId: string;
  task: (typeof TASKS)[number];
  result: PlannedResult;
  urgent: boolean;
  /** Unanswered calls before the last one. */
  unanswered: number;
  /** Minutes from the planned start to the first ring (null: never rung). */
  firstRingMinutes: number | null;
  /** Seconds of the held call (done and urgent visits). */
  callSeconds: number | null;
  verdict: Verdict | null;
  /** A relative, or a colleague besides the caller, took part in the held call. */
  relative: boolean;
  colleague: boolean;
}

export interface Quarter {
  plans: VisitPlan[];
  resources: FhirResource[];
}

const at = (ms: number) => new Date(ms).toISOString();

/** Resources for one planned visit, as the staff client writes them. */
export function resourcesOf(plan: VisitPlan): FhirResource[] {
  const start = plan.startMs;
  const appointment = {
    resourceType: 'Appointment' as const,
    id: plan.id,
    status: (
      { done: 'fulfilled', not_answered: 'noshow', technical_failure: 'cancelled', converted: 'cancelled', cancelled: 'cancelled', open: 'booked' } as const
    )[plan.result],
    serviceType: [{ coding: [{ system: FSIII_SYSTEM, code: plan.task.code }], text: plan.task.text }],
    start: at(start),
    end: at(start + 15 * 60_000),
    participant: [
      { actor: { reference: `Patient/${plan.citizenId}`, display: 'Borger' }, status: 'accepted' as const },
      { actor: { reference: `Practitioner/${plan.practitionerId}`, display: `Medarbejder ${plan.practitionerId.slice(-1)}` }, status: 'accepted' as const },
      { actor: { reference: `Location/${plan.roomId}`, display: `Rum ${plan.roomId.slice(-1)}` }, status: 'accepted' as const },
      { actor: { reference: `HealthcareService/${TEAM}`, display: 'Skærmenhed Nord' }, status: 'accepted' as const },
    ],
  };
  const out: FhirResource[] = [appointment];
  if (plan.result === 'cancelled' || plan.result === 'open') return out;
  // A visit converted without ringing is escalated at its planned time.
  const ring = (k: number) => start + (plan.firstRingMinutes ?? 0) * 60_000 + k * 5 * 60_000;
  const actorId = plan.practitionerId;
  const lastFails = plan.result === 'not_answered' || plan.result === 'technical_failure';
  const failures = plan.unanswered + (lastFails ? 1 : 0);
  for (let k = 0; k < failures; k++) {
    const last = lastFails && k === failures - 1;
    out.push({
      ...attemptCommunicationFor(randomUUID(), plan.id, {
        kind: 'visit.attempt',
        at: at(ring(k) + 60_000),
        actorId,
        outcome: last && plan.result === 'technical_failure' ? 'technical_failure' : 'not_answered',
        attempt: k + 1,
        of: 3,
        retryAt: null,
        patientId: plan.citizenId,
        rangAt: at(ring(k)),
        note: '',
      }),
      id: `${plan.id}-a${k}`,
    });
  }
  if (plan.callSeconds !== null) {
    const rang = ring(plan.unanswered);
    const answered = rang + 20_000;
    const mutationId = randomUUID();
    const encounter = {
      ...encounterFor(
        mutationId,
        plan.id,
        {
          kind: 'visit.status',
          status: plan.result === 'done' ? 'completed' : 'cancelled',
          at: at(answered + plan.callSeconds * 1000),
          actorId,
          encounter: {
            start: at(answered),
            end: at(answered + plan.callSeconds * 1000),
            outcome: plan.urgent ? 'urgent' : plan.result === 'converted' ? 'converted_physical' : 'completed',
            note: '',
            rangAt: at(rang),
            guests: [
              ...(plan.relative
                ? [{ person: `RelatedPerson/${plan.citizenId}-rel-1`, start: at(answered + 30_000), end: at(answered + plan.callSeconds * 1000) }]
                : []),
              ...(plan.colleague ? [{ person: 'Practitioner/practitioner-9', start: at(answered + 60_000), end: at(answered + 90_000) }] : []),
            ],
          },
        },
        appointment,
      ),
      id: `${plan.id}-e`,
    };
    out.push(encounter);
    if (plan.verdict)
      out.push({
        ...verdictResponseFor(
          randomUUID(),
          {
            kind: 'visit.verdict',
            at: at(answered + plan.callSeconds * 1000 + 5_000),
            actorId,
            verdict: plan.verdict,
            patientId: plan.citizenId,
            encounterMutationId: mutationId,
          },
          encounter.id,
        ),
        id: `${plan.id}-q`,
      });
  }
  const escalation = plan.urgent
    ? 'urgent'
    : plan.result === 'converted'
      ? 'converted_physical'
      : plan.result === 'technical_failure'
        ? 'technical_failure'
        : plan.result === 'not_answered'
          ? 'not_answered'
          : null;
  if (escalation)
    out.push({
      ...escalationTaskFor(randomUUID(), plan.id, {
        kind: 'visit.escalate',
        at: at(ring(failures) + 60_000),
        actorId,
        reason: escalation,
        priority: plan.urgent ? 'stat' : 'routine',
        patientId: plan.citizenId,
        ownerId: null,
        note: '',
      }),
      id: `${plan.id}-t`,
    });
  return out;
}

/**
 * `weeks` ISO weeks starting on the Monday `firstMonday` (a calendar day), `perWeek` visits each,
 * on weekdays and weekends between 07:00 and 22:00 Copenhagen time. Citizens come and go: each
 * has a first and a last week, so the flow of citizens is not flat. Visits after `nowMs` are open.
 */
export function generateQuarter(options: { firstMonday: string; weeks: number; perWeek: number; seed?: number; nowMs?: number; idPrefix?: string }): Quarter {
  const rnd = prng(options.seed ?? 42);
  const pick = <T>(items: readonly T[]) => items[Math.floor(rnd() * items.length)] as T;
  const [y, m, d] = options.firstMonday.split('-').map(Number) as [number, number, number];
  const citizenCount = Math.max(4, Math.round(options.perWeek / 6));
  const citizens = Array.from({ length: citizenCount }, (_, i) => {
    const from = rnd() < 0.7 ? 0 : Math.floor(rnd() * options.weeks);
    const to = rnd() < 0.75 ? options.weeks - 1 : Math.min(options.weeks - 1, from + Math.floor(rnd() * options.weeks));
    return { id: `${options.idPrefix ?? 'q'}-citizen-${i + 1}`, from, to };
  });
  const plans: VisitPlan[] = [];
  for (let w = 0; w < options.weeks; w++) {
    const active = citizens.filter((c) => c.from <= w && w <= c.to);
    for (let i = 0; i < options.perWeek; i++) {
      const day = Math.floor(rnd() * 7);
      const minute = 7 * 60 + Math.floor(rnd() * 15 * 60);
      const startMs = new TZDate(y, m - 1, d + w * 7 + day, Math.floor(minute / 60), minute % 60, 'Europe/Copenhagen').getTime();
      const r = rnd();
      const past = options.nowMs === undefined || startMs + 60 * 60_000 < options.nowMs;
      const result: PlannedResult = !past
        ? 'open'
        : r < 0.8
          ? 'done'
          : r < 0.87
            ? 'not_answered'
            : r < 0.9
              ? 'technical_failure'
              : r < 0.96
                ? 'converted'
                : r < 0.98
                  ? 'cancelled'
                  : 'open';
      const rung = result !== 'cancelled' && result !== 'open';
      const delay = rnd();
      const firstRingMinutes = rung
        ? delay < 0.06
          ? -7 - Math.floor(rnd() * 5)
          : delay < 0.78
            ? Math.floor(rnd() * 11) - 5
            : 6 + Math.floor(rnd() * 40)
        : null;
      const unanswered =
        result === 'done' || result === 'converted'
          ? rnd() < 0.85
            ? 0
            : rnd() < 0.7
              ? 1
              : 2
          : result === 'not_answered'
            ? 2
            : result === 'technical_failure'
              ? Math.floor(rnd() * 2)
              : 0;
      const held = result === 'done' || (result === 'converted' && rnd() < 0.5);
      // Converted without a held call and without attempts: decided without ringing.
      const ringMinutes = result === 'converted' && !held && unanswered === 0 ? null : firstRingMinutes;
      const task = pick(TASKS);
      const callSeconds = held ? 120 + Math.floor(rnd() * (task.code === 'H1.2' ? 900 : 480)) : null;
      const v = rnd();
      const verdict: Verdict | null = result === 'done' && rnd() < 0.7 ? (v < 0.7 ? 'good' : v < 0.88 ? 'okay' : v < 0.94 ? 'bad' : 'none') : null;
      plans.push({
        id: `${options.idPrefix ?? 'q'}-${w}-${i}`,
        startMs,
        citizenId: pick(active.length > 0 ? active : citizens).id,
        practitionerId: pick(PRACTITIONERS),
        roomId: pick(ROOMS),
        task,
        result,
        urgent: result === 'done' && rnd() < 0.02,
        unanswered,
        firstRingMinutes: ringMinutes,
        callSeconds,
        verdict,
        // Fixed shares, not drawn: the random sequence (and every other figure) stays as it was.
        relative: held && i % 9 === 0,
        colleague: held && i % 23 === 0,
      });
    }
  }
  return { plans, resources: plans.flatMap(resourcesOf) };
}

/** The resources by kind, as the report worker receives them from a pull (JSON texts, src-main/eoj/reports.ts). */
export function asPulled(resources: unknown[]): RawReportResources {
  const texts = (type: string) => resourceTexts(resources.filter((r) => (r as { resourceType?: unknown }).resourceType === type));
  return {
    appointments: texts('Appointment'),
    roles: texts('PractitionerRole'),
    encounters: texts('Encounter'),
    attempts: texts('Communication'),
    tasks: texts('Task'),
    responses: texts('QuestionnaireResponse'),
  };
}

/** The test's own arithmetic. */
const ratio = (a: number, b: number) => (b === 0 ? null : Math.round((a / b) * 10_000) / 10_000);
export function middle(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return null;
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}
export function ninetieth(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  let i = 0;
  while (i < s.length && (i + 1) / s.length < 0.9) i++;
  return s.length ? s[i]! : null;
}
export const one = (n: number | null) => (n === null ? null : Math.round(n * 10) / 10);
export const inside = (p: VisitPlan, from: Date, to: Date) => p.startMs >= from.getTime() && p.startMs < to.getTime();

export function expectedTotals(plans: VisitPlan[], all: VisitPlan[], from: Date, to: Date) {
  const ours = plans.filter((p) => inside(p, from, to));
  const n = (r: VisitPlan['result']) => ours.filter((p) => p.result === r).length;
  const done = ours.filter((p) => p.result === 'done');
  const held = ours.filter((p) => p.callSeconds !== null).length;
  const unanswered = ours.reduce((s, p) => s + p.unanswered + (p.result === 'not_answered' ? 1 : 0), 0);
  const rung = ours.filter((p) => p.firstRingMinutes !== null);
  const citizens = new Set(ours.filter((p) => p.result !== 'cancelled').map((p) => p.citizenId));
  const firstOf = new Map<string, number>();
  const lastOf = new Map<string, number>();
  for (const p of all.filter((q) => q.result !== 'cancelled')) {
    firstOf.set(p.citizenId, Math.min(firstOf.get(p.citizenId) ?? Infinity, p.startMs));
    lastOf.set(p.citizenId, Math.max(lastOf.get(p.citizenId) ?? -Infinity, p.startMs));
  }
  const within = (ms: number | undefined) => ms !== undefined && ms >= from.getTime() && ms < to.getTime();
  const asked = ours.filter((p) => p.verdict !== null);
  return {
    planned: ours.length,
    done: done.length,
    notAnswered: n('not_answered'),
    technicalFailure: n('technical_failure'),
    converted: n('converted'),
    other: n('cancelled') + n('open'),
    urgent: ours.filter((p) => p.urgent).length,
    withRelative: ours.filter((p) => p.relative).length,
    withColleague: ours.filter((p) => p.colleague).length,
    answerRate: ratio(held, held + unanswered),
    attemptsPerDone: done.length ? Math.round((done.reduce((s, p) => s + p.unanswered + 1, 0) / done.length) * 100) / 100 : null,
    screenMinutes: Math.round((ours.reduce((s, p) => s + (p.callSeconds ?? 0), 0) / 60) * 10) / 10,
    punctualShare: ratio(rung.filter((p) => Math.abs(p.firstRingMinutes!) <= 5).length, rung.length),
    citizens: citizens.size,
    newCitizens: [...citizens].filter((c) => within(firstOf.get(c))).length,
    endedCitizens: [...citizens].filter((c) => within(lastOf.get(c))).length,
    visitsPerCitizen: citizens.size ? Math.round((ours.length / citizens.size) * 100) / 100 : null,
    satisfactionAsked: asked.length,
    goodShare: ratio(asked.filter((p) => p.verdict === 'good').length, asked.length),
  };
}
