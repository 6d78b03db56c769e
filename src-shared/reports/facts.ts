import { z } from 'zod';
import { staffOfRole, type Named } from '../fhir/mapping.js';
import { parseReference } from '../fhir/references.js';
import {
  FSIII_SYSTEM,
  type Appointment,
  type Communication,
  type Encounter,
  type PractitionerRole,
  type QuestionnaireResponse,
  type Task,
} from '../fhir/schemas.js';
import { isAttempt, visitIdOf, workflowFromEoj } from '../fhir/teamState.js';
import { RANG_AT_EXTENSION, SATISFACTION_CODES, SATISFACTION_QUESTIONNAIRE, SKAERMRUM_CODES } from '../fhir/write.js';
import { Verdict } from '../workflow/verdict.js';

/**
 * One visit of a report as a few numbers: what became of it, its calls, its held call's length, the
 * citizen's verdict. Computed once from the EOJ's resources (the inverse of src-shared/fhir/write.ts),
 * cached, and aggregated by src-shared/reports/figures.ts for any filter. No names or CPR numbers:
 * a citizen is only an id, so a cached report holds aggregates and ids alone.
 */
export const VisitResult = z.enum(['done', 'not_answered', 'technical_failure', 'converted', 'cancelled', 'open']);
export type VisitResult = z.infer<typeof VisitResult>;

const Id = z.string().min(1).max(128);
const Count = z.number().int().nonnegative();
export const VisitFact = z.object({
  id: Id,
  startMs: z.number().int(),
  citizenId: Id,
  teamId: Id.nullable(),
  practitionerId: Id.nullable(),
  roomId: Id.nullable(),
  taskCode: z.string().max(32).nullable(),
  result: VisitResult,
  urgent: z.boolean(),
  answeredCalls: Count,
  notAnsweredCalls: Count,
  failedCalls: Count,
  firstRingMs: z.number().int().nullable(),
  /** The held call of a done visit. */
  callSeconds: Count.nullable(),
  /** Every held call of the visit (staff time on screen). */
  screenSeconds: Count,
  verdict: Verdict.nullable(),
  /** A relative, or a colleague besides the caller, took part in one of its calls (the Encounter says so). */
  withRelative: z.boolean().default(false),
  withColleague: z.boolean().default(false),
});
export type VisitFact = z.infer<typeof VisitFact>;

/** Who and what the ids of the facts are, for the filters and the tables (display names only). */
export const FactNames = z.object({
  teams: z.record(z.string(), z.string().max(200)),
  practitioners: z.record(z.string(), z.string().max(200)),
  rooms: z.record(z.string(), z.string().max(200)),
  /** FSIII code (or "" for visits without one) → the task's name. */
  tasks: z.record(z.string(), z.string().max(120)),
});
export type FactNames = z.infer<typeof FactNames>;

export const ReportFacts = z.object({
  visits: z.array(VisitFact),
  names: FactNames,
  /** Resources that could not be read (each one alone; the rest are counted). */
  problems: Count,
});
export type ReportFacts = z.infer<typeof ReportFacts>;

type FhirAppointment = z.infer<typeof Appointment>;
type FhirEncounter = z.infer<typeof Encounter>;
type FhirCommunication = z.infer<typeof Communication>;
type FhirTask = z.infer<typeof Task>;
type FhirResponse = z.infer<typeof QuestionnaireResponse>;

export interface ReportResources {
  appointments: FhirAppointment[];
  /** The PractitionerRoles the Appointments book staff through. */
  roles: z.infer<typeof PractitionerRole>[];
  encounters: FhirEncounter[];
  attempts: FhirCommunication[];
  tasks: FhirTask[];
  responses: FhirResponse[];
}

const ms = (at: string | undefined) => (at ? Date.parse(at) : Number.NaN);

/** The length of a held call: its period, or the documented length where the period is missing. */
/** Who else took part in a call: relatives, and practitioners besides the first (the caller). */
function othersIn(encounter: FhirEncounter): { relatives: number; colleagues: number } {
  const refs = (encounter.participant ?? []).map((p) => p.individual?.reference ?? '');
  return {
    relatives: refs.filter((r) => /(^|\/)RelatedPerson\/[^/]+$/.test(r)).length,
    colleagues: Math.max(0, refs.filter((r) => /(^|\/)Practitioner\/[^/]+$/.test(r)).length - 1),
  };
}

function seconds(encounter: FhirEncounter): number {
  const period = (ms(encounter.period?.end) - ms(encounter.period?.start)) / 1000;
  if (Number.isFinite(period) && period > 0) return Math.round(period);
  return Math.round((encounter.length?.value ?? 0) * 60);
}

function verdictOf(response: FhirResponse): Verdict | null {
  if (response.status === 'entered-in-error' || response.status === 'in-progress') return null;
  const code = response.item?.flatMap((i) => i.answer ?? []).find((a) => a.valueCoding?.system === SATISFACTION_CODES)?.valueCoding?.code;
  const parsed = Verdict.safeParse(code);
  if (parsed.success && parsed.data !== 'none') return parsed.data;
  return response.status === 'stopped' ? 'none' : null;
}

function group<T>(items: T[], key: (item: T) => string | null): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k !== null) (map.get(k) ?? map.set(k, []).get(k))?.push(item);
  }
  return map;
}

/**
 * The facts of the pulled Appointments. `teamId`: the team searched for, for Appointments without a
 * HealthcareService participant. Appointments entered in error are left out.
 */
export function visitFacts(resources: ReportResources, options: { baseUrl?: string; teamId?: string | null } = {}): Omit<ReportFacts, 'problems'> {
  const { baseUrl } = options;
  const attempts = group(resources.attempts.filter(isAttempt), (c) => visitIdOf(c, baseUrl));
  const encounters = group(
    resources.encounters.filter((e) => e.status !== 'entered-in-error'),
    (e) => visitIdOf(e, baseUrl),
  );
  const tasks = group(resources.tasks, (t) => visitIdOf(t, baseUrl));
  const responses = group(
    resources.responses.filter((r) => r.questionnaire === SATISFACTION_QUESTIONNAIRE),
    (r) => {
      const ref = parseReference(r.encounter?.reference, baseUrl);
      return ref?.kind === 'resource' && ref.type === 'Encounter' ? ref.id : null;
    },
  );
  const roles = new Map(resources.roles.flatMap((r) => (r.id ? [[r.id, staffOfRole(r as Named, baseUrl)] as const] : [])));
  const names: FactNames = { teams: {}, practitioners: {}, rooms: {}, tasks: {} };
  const visits: VisitFact[] = [];
  for (const appointment of resources.appointments) {
    if (appointment.status === 'entered-in-error' || !appointment.id || !appointment.start) continue;
    const actor = (type: string) => {
      for (const p of appointment.participant) {
        const ref = parseReference(p.actor?.reference, baseUrl);
        if (ref?.kind === 'resource' && ref.type === type) return { id: ref.id, display: p.actor?.display ?? '' };
      }
      return null;
    };
    const citizen = actor('Patient');
    if (!citizen) continue;
    // Staff booked through a PractitionerRole count as the role's person, room and team.
    const role = actor('PractitionerRole');
    const viaRole = role ? (roles.get(role.id) ?? null) : null;
    const practitioner = actor('Practitioner') ?? (viaRole?.practitionerId ? { id: viaRole.practitionerId, display: role?.display ?? '' } : null);
    const room = actor('Location') ?? (viaRole?.roleRoomId ? { id: viaRole.roleRoomId, display: '' } : null);
    const team = actor('HealthcareService') ?? (viaRole?.roleTeamId ? { id: viaRole.roleTeamId, display: '' } : null);
    const service = appointment.serviceType?.[0];
    const taskCode = service?.coding?.find((c) => c.system === FSIII_SYSTEM)?.code?.slice(0, 32) ?? null;
    if (practitioner) names.practitioners[practitioner.id] ||= practitioner.display.slice(0, 200) || practitioner.id;
    if (room) names.rooms[room.id] ||= room.display.slice(0, 200) || room.id;
    if (team) names.teams[team.id] ||= team.display.slice(0, 200) || team.id;
    names.tasks[taskCode ?? ''] ||= (service?.text ?? service?.coding?.[0]?.display ?? 'Skærmbesøg').slice(0, 120);

    const own = {
      attempts: (attempts.get(appointment.id) ?? []).filter((c) => c.status === 'not-done'),
      encounters: encounters.get(appointment.id) ?? [],
      tasks: tasks.get(appointment.id) ?? [],
    };
    const workflow = workflowFromEoj(own, false);
    const result = ((): VisitResult => {
      switch (appointment.status) {
        case 'fulfilled':
          return 'done';
        case 'noshow':
          return 'not_answered';
        case 'cancelled': {
          const why = workflow.outcome === 'technical_failure' || workflow.outcome === 'converted_physical' ? workflow.outcome : workflow.escalationReason;
          return why === 'technical_failure' ? 'technical_failure' : why === 'converted_physical' ? 'converted' : 'cancelled';
        }
        default:
          return 'open';
      }
    })();
    const reason = (c: FhirCommunication) => c.statusReason?.coding?.find((code) => code.system === SKAERMRUM_CODES)?.code;
    const rings = [
      ...own.attempts.map((c) => ms(c.sent)),
      ...own.encounters.map((e) => ms(e.extension?.find((x) => x.url === RANG_AT_EXTENSION)?.valueDateTime ?? e.period?.start)),
    ].filter(Number.isFinite);
    const byEnd = [...own.encounters].sort((a, b) => (ms(a.period?.end) || 0) - (ms(b.period?.end) || 0));
    const held = byEnd.at(-1);
    const verdicts = own.encounters
      .flatMap((e) => (e.id ? (responses.get(e.id) ?? []) : []))
      .sort((a, b) => (ms(a.authored) || 0) - (ms(b.authored) || 0))
      .map(verdictOf)
      .filter((v): v is Verdict => v !== null);
    visits.push({
      id: appointment.id,
      startMs: Date.parse(appointment.start),
      citizenId: citizen.id,
      teamId: team?.id ?? options.teamId ?? null,
      practitionerId: practitioner?.id ?? null,
      roomId: room?.id ?? null,
      taskCode,
      result,
      urgent: workflow.urgentAt !== null || workflow.outcome === 'urgent',
      answeredCalls: own.encounters.length,
      notAnsweredCalls: own.attempts.filter((c) => reason(c) !== 'technical-failure').length,
      failedCalls: own.attempts.filter((c) => reason(c) === 'technical-failure').length,
      firstRingMs: rings.length > 0 ? Math.min(...rings) : null,
      callSeconds: result === 'done' && held ? seconds(held) : null,
      screenSeconds: own.encounters.reduce((sum, e) => sum + seconds(e), 0),
      verdict: verdicts.at(-1) ?? null,
      withRelative: own.encounters.some((e) => othersIn(e).relatives > 0),
      withColleague: own.encounters.some((e) => othersIn(e).colleagues > 0),
    });
  }
  return { visits, names };
}
