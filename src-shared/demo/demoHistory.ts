import type { Visit } from '../domain/visit.js';
import type { FhirResource } from '../fhir/schemas.js';
import { attemptCommunicationFor, encounterFor, escalationTaskFor, verdictResponseFor } from '../fhir/write.js';
import { atCopenhagenTime, careDay, careDayKey, type InstantRange } from '../time/copenhagen.js';
import type { Outcome } from '../workflow/outcome.js';
import type { Verdict } from '../workflow/verdict.js';
import { demoAppointments, demoCitizenResources } from './demoFhir.js';
import {
  FIRST,
  HOME_CARE_GROUPS,
  LAST,
  STREETS,
  TOWNS,
  clockOf,
  demoPlan,
  prng,
  type DemoCitizen,
  type DemoPlan,
  type DemoTeam,
  type PlannedVisit,
} from './demoDay.js';

/**
 * The weeks before today as the EOJ would hold them after a skærmenhed worked with Skærmrum: each
 * past care day is the team's recurring plan (the demo day's, from the same seeded generator) with
 * what became of every visit, written as the staff client writes it (src-shared/fhir/write.ts):
 * Appointments closed as fulfilled, noshow or cancelled, the held calls as Encounters, unanswered
 * and failed calls as attempts (Communications), physical visits as Tasks, and the citizens'
 * verdicts as QuestionnaireResponses. Citizens come and go: a share of today's citizens began
 * within the weeks, some after a citizen whose screen visits then ended, so the leader's report
 * has new and ended citizens and a trend. A pure function of the team, today's care day and the
 * day (whose date its ids carry), so every start of the same day makes the same history.
 */
export const HISTORY_WEEKS = 13;

export type HistoryResult = 'done' | 'not_answered' | 'technical_failure' | 'converted' | 'cancelled';

/** What became of one past visit (the test of the generator counts from these). */
export interface HistoryVisit {
  id: string;
  startMs: number;
  endMs: number;
  citizen: DemoCitizen;
  planned: PlannedVisit;
  result: HistoryResult;
  /** "Akut" was pressed in the call (the visit took place and a physical visit followed at once). */
  urgent: boolean;
  /** Calls before the answered one that were not answered (done, converted), or every failed call (not answered, technical failure). */
  failedCalls: number;
  /** When the first call rang; null: never rung. */
  firstRingMs: number | null;
  /** The held call's length; null: no call was held. */
  callSeconds: number | null;
  verdict: Verdict | null;
  /** A relative (RelatedPerson id) who took part in the held call. */
  relativeId: string | null;
  /** A colleague (Practitioner id) who joined the held call. */
  colleagueId: string | null;
}

export interface HistoryDay extends InstantRange {
  key: string;
  /** 1: yesterday. */
  daysAgo: number;
  visits: HistoryVisit[];
}

export interface DemoHistory {
  plan: DemoPlan;
  /** How many past care days it holds. */
  days: number;
  /** Citizens whose screen visits ended before today (today's citizens are the plan's). */
  formerCitizens: DemoCitizen[];
  /** The past care day `daysAgo` days before today (1 to `days`). */
  day(daysAgo: number): HistoryDay;
  /** Just that day's start and end. */
  range(daysAgo: number): InstantRange;
  /** That day as FHIR R4 resources (the former citizens' Patients are in `citizenResources`). */
  resources(daysAgo: number): FhirResource[];
  /** The former citizens as the EOJ keeps them. */
  citizenResources(): FhirResource[];
}

const DAY_MS = 86_400_000;
/** Supportive calls are not planned at weekends (home care's own weekend plan). */
const WEEKDAYS_ONLY = new Set(['Tilsyn/omsorg', 'Påmindelse om mad og drikke']);
/** The retry policy's interval between calls (src-shared/workflow/outcome.ts) and the calls allowed. */
const RETRY_MS = 5 * 60_000;
const CALLS_ALLOWED = 3;
const REASON: Record<Exclude<HistoryResult, 'done'>, string> = {
  not_answered: 'Ikke besvaret',
  technical_failure: 'Teknisk fejl – omlagt til fysisk besøg',
  converted: 'Omlagt til fysisk besøg',
  cancelled: 'Aflyst – borgeren er indlagt',
};

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const iso = (ms: number) => new Date(ms).toISOString();

/** A place in the plan (one of today's citizens and their recurring visits) over the weeks. */
interface Place {
  /** Today's citizen has had screen visits since this many days ago (Infinity: before the weeks). */
  since: number;
  /** The citizen before them, whose screen visits ended `until` days ago, having begun `from` days ago. */
  before: { citizen: DemoCitizen; from: number; until: number } | null;
}

/** A UUID (version 4 form) from the sequence: the mutation ids Skærmrum's writes carry, the same every time. */
function uuidFrom(random: () => number): string {
  const word = () =>
    Math.floor(random() * 0x1_0000_0000)
      .toString(16)
      .padStart(8, '0');
  const hex = word() + word() + word() + word();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${'89ab'[Number.parseInt(hex[16] as string, 16) & 3]}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The instant of a minute of the care day; exact on DST days too (a day whose clock does not jump adds minutes). */
function minuteClock(day: InstantRange): (minuteOfDay: number) => number {
  const startMs = day.start.getTime();
  if (day.end.getTime() - startMs === DAY_MS) return (m) => startMs + m * 60_000;
  return (m) => atCopenhagenTime(day.start, Math.floor(m / 60), m % 60).getTime();
}

/** The day number of a calendar day "YYYY-MM-DD" (days since 1970-01-01), and its weekday (Monday 0). */
function dayNumber(key: string): { n: number; weekday: number } {
  const [y, m, d] = key.split('-').map(Number) as [number, number, number];
  const n = Date.UTC(y, m - 1, d) / DAY_MS;
  return { n, weekday: (n + 3) % 7 };
}

/**
 * The team's history before the care day of `today`: `weeks` weeks of past care days, each made
 * when asked for. `staffAs`: how Appointments name their staff (as the demo day's do).
 */
export function demoHistory(team: DemoTeam, today: Date, options: { weeks?: number; staffAs?: 'Practitioner' | 'PractitionerRole' } = {}): DemoHistory {
  const plan = demoPlan(team);
  const days = (options.weeks ?? HISTORY_WEEKS) * 7;
  const todayStartMs = careDay(today).start.getTime();
  const citizenIndex = new Map(plan.citizens.map((c, i) => [c.id, i]));

  // How the team works: its own rates, from its seed, so the teams' figures differ.
  const traits = prng(team.seed + 9);
  const notAnsweredRate = 0.04 + 0.04 * traits();
  const punctualRate = 0.68 + 0.18 * traits();
  const goodRate = 0.58 + 0.2 * traits();
  const askedRate = 0.35 + 0.2 * traits();

  // Who had each place: today's citizen since some day, perhaps another citizen before them.
  const turnover = prng(team.seed + 7);
  const formerCitizens: DemoCitizen[] = [];
  const people = prng(team.seed + 8);
  const pickPerson = <T>(items: readonly T[]): T => items[Math.floor(people() * items.length)] as T;
  const cprs = new Set(plan.citizens.map((c) => c.cpr));
  // A birth date and CPR number none of the team's citizens has.
  const birth = (): { yy: number; mm: number; dd: number; cpr: string } => {
    const yy = 30 + Math.floor(people() * 21);
    const mm = 1 + Math.floor(people() * 12);
    const dd = 1 + Math.floor(people() * 28);
    const cpr = `${pad(dd)}${pad(mm)}${pad(yy)}${team.cprDigit}${pad(Math.floor(people() * 1000), 3)}`;
    return cprs.has(cpr) ? birth() : { yy, mm, dd, cpr };
  };
  const formerCitizen = (): DemoCitizen => {
    const { yy, mm, dd, cpr } = birth();
    cprs.add(cpr);
    const n = formerCitizens.length;
    const citizen: DemoCitizen = {
      id: `patient-${team.idPart}${pad(101 + n, 3)}`,
      name: `${pickPerson(FIRST)} ${pickPerson(LAST)}`,
      cpr,
      birthDate: `19${pad(yy)}-${pad(mm)}-${pad(dd)}`,
      address: `${pickPerson(STREETS)} ${1 + Math.floor(people() * 60)}, ${pickPerson(TOWNS)}`,
      emergencyContact: {
        name: `${pickPerson(FIRST)} ${pickPerson(LAST)}`,
        phone: `+45 ${20 + Math.floor(people() * 10)} ${pad(Math.floor(people() * 100))} ${pad(Math.floor(people() * 100))} ${pad(Math.floor(people() * 100))}`,
        relationship: 'Nabo',
      },
      relativesMayJoin: false,
      relatives: [],
      homeCareGroup: HOME_CARE_GROUPS[n % HOME_CARE_GROUPS.length] as { id: string; name: string },
    };
    formerCitizens.push(citizen);
    return citizen;
  };
  const places: Place[] = plan.citizens.map(() => {
    const [isNew, sinceDraw, hadBefore, gapDraw, olderDraw, fromDraw] = [turnover(), turnover(), turnover(), turnover(), turnover(), turnover()];
    if (isNew >= 0.24) return { since: Number.POSITIVE_INFINITY, before: null };
    const since = 1 + Math.floor(sinceDraw * (days - 1));
    // Some places were empty before (the unit grew); the others had a citizen until a few days before.
    if (hadBefore >= 0.6) return { since, before: null };
    const until = since + 2 + Math.floor(gapDraw * 6);
    const from = olderDraw < 0.6 ? Number.POSITIVE_INFINITY : until + 7 + Math.floor(fromDraw * 50);
    return { since, before: until <= days ? { citizen: formerCitizen(), from, until } : null };
  });
  const occupant = (citizen: DemoCitizen, daysAgo: number): DemoCitizen | null => {
    const place = places[citizenIndex.get(citizen.id) ?? -1];
    if (!place || daysAgo <= place.since) return citizen;
    const before = place.before;
    return before && daysAgo >= before.until && daysAgo <= before.from ? before.citizen : null;
  };

  function rangeOf(daysAgo: number): InstantRange {
    if (!Number.isInteger(daysAgo) || daysAgo < 1 || daysAgo > days) throw new RangeError(`no history day ${daysAgo} days ago`);
    // Noon of the calendar day: whatever DST does, a day away from it is that day.
    return careDay(new Date(todayStartMs - daysAgo * DAY_MS + DAY_MS / 2));
  }

  function day(daysAgo: number): HistoryDay {
    const range = rangeOf(daysAgo);
    const key = careDayKey(range.start);
    const { n, weekday } = dayNumber(key);
    const random = prng((team.seed ^ Math.imul(n, 0x9e3779b1)) >>> 0);
    const at = minuteClock(range);
    // Older weeks were a little worse: fewer answered, less punctual, fewer glad faces.
    const age = daysAgo / days;
    const notAnswered = notAnsweredRate + 0.03 * age + (weekday === 0 ? 0.015 : 0);
    const punctual = punctualRate - 0.1 * age;
    const good = goodRate - 0.08 * age;
    const visits: HistoryVisit[] = [];
    for (const planned of plan.slots) {
      // The same draws for every visit of the plan, whoever has it: a visit's story does not move when another's does.
      const r = Array.from({ length: 10 }, random) as [number, number, number, number, number, number, number, number, number, number];
      if (weekday >= 5 && WEEKDAYS_ONLY.has(planned.task.type)) continue;
      const citizen = occupant(planned.citizen, daysAgo);
      if (!citizen) continue;
      const startMs = at(planned.minuteOfDay);
      const o = r[0];
      const result: HistoryResult =
        o < 0.008 ? 'cancelled' : o < 0.028 ? 'converted' : o < 0.043 ? 'technical_failure' : o < 0.043 + notAnswered ? 'not_answered' : 'done';
      const delayMinutes = r[2] < punctual ? Math.floor(r[3] * 10) - 4 : r[2] < punctual + 0.04 ? -6 - Math.floor(r[3] * 5) : 6 + Math.floor(r[3] * 35);
      const rung = result !== 'cancelled' && !(result === 'converted' && r[1] >= 0.5);
      const failedCalls =
        result === 'not_answered' || result === 'technical_failure' ? CALLS_ALLOWED : result === 'done' ? (r[1] < 0.08 ? 1 : r[1] < 0.1 ? 2 : 0) : 0;
      const held = result === 'done' || (result === 'converted' && rung);
      const callSeconds = held ? Math.round(planned.task.minutes * 60 * (result === 'converted' ? 0.3 + 0.3 * r[5] : 0.6 + 0.8 * r[5])) : null;
      const mayJoin = citizen.relatives.find((rel) => rel.mayJoin);
      const colleague = plan.staff.find((s) => s.roomId === planned.room.id && s.practitionerId !== planned.practitioner.practitionerId);
      visits.push({
        id: `appointment-${key}-${planned.slot}`,
        startMs,
        endMs: startMs + planned.task.minutes * 60_000,
        citizen,
        planned,
        result,
        urgent: result === 'done' && r[6] < 0.004,
        failedCalls,
        firstRingMs: rung ? startMs + delayMinutes * 60_000 : null,
        callSeconds,
        verdict: result === 'done' && r[7] < askedRate ? (r[8] < good ? 'good' : r[8] < good + 0.22 ? 'okay' : r[8] < good + 0.3 ? 'bad' : 'none') : null,
        relativeId: held && mayJoin && r[9] < 0.07 ? mayJoin.id : null,
        colleagueId: held && colleague && r[9] > 0.98 ? colleague.practitionerId : null,
      });
    }
    return { ...range, key, daysAgo, visits };
  }

  const appointment = demoAppointments({ teamId: team.teamId, teamName: team.name, staff: plan.staff }, options.staffAs);
  function resources(daysAgo: number): FhirResource[] {
    const { visits, key } = day(daysAgo);
    const ids = prng((team.seed ^ Math.imul(dayNumber(key).n, 0x85ebca6b)) >>> 0);
    const out: FhirResource[] = [];
    for (const v of visits) {
      const { planned, citizen } = v;
      const status: Visit['status'] = v.result === 'done' ? 'completed' : v.result === 'not_answered' ? 'not_answered' : 'cancelled';
      const booked = appointment({
        id: v.id,
        status,
        start: iso(v.startMs),
        end: iso(v.endMs),
        task: { code: null, type: planned.task.type, description: planned.task.describe(clockOf(planned.minuteOfDay)) },
        notes: planned.notes,
        practitioner: { id: planned.practitioner.practitionerId, name: planned.practitioner.name },
        room: planned.room,
        citizen: { id: citizen.id, name: citizen.name },
        ...(v.result === 'done' ? {} : { reason: REASON[v.result] }),
      });
      out.push(booked);
      const actorId = planned.practitioner.practitionerId;
      const ring = (k: number) => (v.firstRingMs ?? v.startMs) + k * RETRY_MS;
      for (let k = 0; k < v.failedCalls; k++) {
        const last = k === CALLS_ALLOWED - 1;
        const outcome = v.result === 'technical_failure' && (last || ids() < 0.5) ? 'technical_failure' : 'not_answered';
        out.push({
          ...attemptCommunicationFor(uuidFrom(ids), v.id, {
            kind: 'visit.attempt',
            at: iso(ring(k) + 45_000),
            actorId,
            outcome,
            attempt: k + 1,
            of: CALLS_ALLOWED,
            retryAt: last ? null : iso(ring(k + 1)),
            patientId: citizen.id,
            rangAt: iso(ring(k)),
            note: '',
          }),
          id: `${v.id}-a${k + 1}`,
        });
      }
      let closedMs = ring(v.failedCalls) + 60_000;
      if (v.callSeconds !== null) {
        const rangMs = ring(v.failedCalls);
        const answeredMs = rangMs + 10_000 + Math.floor(ids() * 30_000);
        closedMs = answeredMs + v.callSeconds * 1000;
        const outcome: Outcome = v.urgent ? 'urgent' : v.result === 'converted' ? 'converted_physical' : 'completed';
        const mutationId = uuidFrom(ids);
        const encounter = {
          ...encounterFor(
            mutationId,
            v.id,
            {
              kind: 'visit.status',
              status,
              at: iso(closedMs),
              actorId,
              encounter: {
                start: iso(answeredMs),
                end: iso(closedMs),
                outcome,
                note: '',
                rangAt: iso(rangMs),
                guests: [
                  ...(v.relativeId ? [{ person: `RelatedPerson/${v.relativeId}`, start: iso(answeredMs + 20_000), end: iso(closedMs) }] : []),
                  ...(v.colleagueId
                    ? [{ person: `Practitioner/${v.colleagueId}`, start: iso(answeredMs + 60_000), end: iso(Math.min(closedMs, answeredMs + 180_000)) }]
                    : []),
                ],
              },
            },
            booked,
          ),
          id: `${v.id}-e`,
        };
        out.push(encounter);
        if (v.verdict)
          out.push({
            ...verdictResponseFor(
              uuidFrom(ids),
              { kind: 'visit.verdict', at: iso(closedMs + 8_000), actorId, verdict: v.verdict, patientId: citizen.id, encounterMutationId: mutationId },
              encounter.id,
            ),
            id: `${v.id}-q`,
          });
      }
      const escalation: Outcome | null = v.urgent
        ? 'urgent'
        : v.result === 'done' || v.result === 'cancelled'
          ? null
          : v.result === 'converted'
            ? 'converted_physical'
            : v.result;
      if (escalation)
        out.push({
          ...escalationTaskFor(uuidFrom(ids), v.id, {
            kind: 'visit.escalate',
            at: iso(v.urgent ? closedMs - 60_000 : closedMs),
            actorId,
            reason: escalation,
            priority: v.urgent ? 'stat' : 'routine',
            patientId: citizen.id,
            ownerId: citizen.homeCareGroup.id,
            note: '',
          }),
          id: `${v.id}-t`,
        });
    }
    return out;
  }

  return {
    plan,
    days,
    formerCitizens,
    day,
    range: rangeOf,
    resources,
    citizenResources: () => formerCitizens.flatMap((c) => demoCitizenResources(c, false)),
  };
}
