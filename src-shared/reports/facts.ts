import { z } from 'zod';
import { staffOfRole, type Named } from '../fhir/mapping.js';
import { parseReference } from '../fhir/references.js';
import {
  Appointment,
  CodeableConcept,
  Coding,
  Communication,
  Encounter,
  Extension,
  FSIII_SYSTEM,
  PractitionerRole,
  QuestionnaireResponse,
  Reference,
  Task,
} from '../fhir/schemas.js';
import { isAttempt, visitIdOf, workflowFromEoj } from '../fhir/teamState.js';
import { RANG_AT_EXTENSION, SATISFACTION_CODES, SATISFACTION_QUESTIONNAIRE, SKAERMRUM_CODES } from '../fhir/write.js';
import type { VisitWorkflow } from '../workflow/outcome.js';
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

/** The teams a report may be for, with their names. */
export const ReportTeams = z.array(z.object({ id: z.string(), name: z.string() }));
/** What the report cache keeps of a pull: its facts, and the teams of the time. */
export const CachedFacts = z.object({ facts: ReportFacts, teams: ReportTeams });
export type CachedFacts = z.infer<typeof CachedFacts>;

/** The parts of references, codes and extensions the facts read. */
const Ref = z.object({ reference: Reference.shape.reference });
const Code = z.object({ system: Coding.shape.system, code: Coding.shape.code });
const Concept = z.object({ coding: z.array(Code).optional() });
const Ext = z.object({
  url: Extension.shape.url,
  valueCode: Extension.shape.valueCode,
  valueString: Extension.shape.valueString,
  valueInteger: Extension.shape.valueInteger,
  valueDateTime: Extension.shape.valueDateTime,
});

/**
 * What the facts read of each resource, and nothing else: a quarter is some 50,000 resources, and
 * the parts never read (identifiers, subjects, senders, displays…) are not parsed. Each field keeps
 * the full schema's rule (src-shared/fhir/schemas.ts). Attempts, calls and escalations also go
 * through the team's workflow (src-shared/fhir/teamState.ts), so what it reads is here too, and the
 * fields its types require (an Encounter's class, a Task's intent).
 */
export const ReportSchemas = {
  Appointment: z.object({
    resourceType: Appointment.shape.resourceType,
    id: Appointment.shape.id,
    status: Appointment.shape.status,
    start: Appointment.shape.start,
    serviceType: z.array(CodeableConcept).optional(),
    participant: z.array(z.object({ actor: Reference.optional() })).min(1),
  }),
  /** Few (one per staff member), and read by staffOfRole with the full schema. */
  PractitionerRole,
  Encounter: z.object({
    resourceType: Encounter.shape.resourceType,
    id: Encounter.shape.id,
    status: Encounter.shape.status,
    class: Encounter.shape.class,
    appointment: z.array(Ref).optional(),
    participant: z.array(z.object({ individual: Ref.optional() })).optional(),
    period: Encounter.shape.period,
    length: z.object({ value: Encounter.shape.length.unwrap().shape.value }).optional(),
    extension: z.array(Ext).optional(),
  }),
  Communication: z.object({
    resourceType: Communication.shape.resourceType,
    status: Communication.shape.status,
    statusReason: Concept.optional(),
    category: z.array(Concept).optional(),
    basedOn: z.array(Ref).optional(),
    about: z.array(Ref).optional(),
    sent: Communication.shape.sent,
    note: Communication.shape.note,
    extension: z.array(Ext).optional(),
  }),
  Task: z.object({
    resourceType: Task.shape.resourceType,
    status: Task.shape.status,
    intent: Task.shape.intent,
    priority: Task.shape.priority,
    code: Concept.optional(),
    focus: Ref.optional(),
    authoredOn: Task.shape.authoredOn,
    extension: z.array(Ext).optional(),
  }),
  QuestionnaireResponse: z.object({
    resourceType: QuestionnaireResponse.shape.resourceType,
    questionnaire: QuestionnaireResponse.shape.questionnaire,
    status: QuestionnaireResponse.shape.status,
    encounter: Ref.optional(),
    authored: QuestionnaireResponse.shape.authored,
    item: z.array(z.object({ answer: z.array(z.object({ valueCoding: Code.optional() })).optional() })).optional(),
  }),
};

type FhirAppointment = z.infer<typeof ReportSchemas.Appointment>;
type FhirEncounter = z.infer<typeof ReportSchemas.Encounter>;
type FhirCommunication = z.infer<typeof ReportSchemas.Communication>;
type FhirResponse = z.infer<typeof ReportSchemas.QuestionnaireResponse>;

export interface ReportResources {
  /** Read once, after the rest: each may be checked as it is read, and dropped once it is a fact. */
  appointments: Iterable<FhirAppointment>;
  /** The PractitionerRoles the Appointments book staff through. */
  roles: z.infer<typeof PractitionerRole>[];
  encounters: FhirEncounter[];
  attempts: FhirCommunication[];
  tasks: z.infer<typeof ReportSchemas.Task>[];
  responses: FhirResponse[];
}

const ms = (at: string | undefined) => (at ? Date.parse(at) : Number.NaN);

/** Who else took part in a call: relatives, and practitioners besides the first (the caller). */
function othersIn(encounter: FhirEncounter): { relatives: number; colleagues: number } {
  let relatives = 0;
  let practitioners = 0;
  for (const p of encounter.participant ?? []) {
    const ref = p.individual?.reference ?? '';
    if (/(^|\/)RelatedPerson\/[^/]+$/.test(ref)) relatives++;
    else if (/(^|\/)Practitioner\/[^/]+$/.test(ref)) practitioners++;
  }
  return { relatives, colleagues: Math.max(0, practitioners - 1) };
}

/** The length of a held call: its period, or the documented length where the period is missing. */
function seconds(encounter: FhirEncounter): number {
  const period = (ms(encounter.period?.end) - ms(encounter.period?.start)) / 1000;
  if (Number.isFinite(period) && period > 0) return Math.round(period);
  return Math.round((encounter.length?.value ?? 0) * 60);
}

const isSatisfaction = (a: { valueCoding?: { system?: string | undefined } | undefined }) => a.valueCoding?.system === SATISFACTION_CODES;

function verdictOf(response: FhirResponse): Verdict | null {
  if (response.status === 'entered-in-error' || response.status === 'in-progress') return null;
  let code: string | undefined;
  for (const item of response.item ?? []) {
    const answer = item.answer?.find(isSatisfaction);
    if (answer) {
      code = answer.valueCoding?.code;
      break;
    }
  }
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

interface Actor {
  id: string;
  display: string;
}

/** The first participant of each resource type ("Patient" → the citizen). */
function actorsOf(appointment: FhirAppointment, baseUrl: string | undefined): Map<string, Actor> {
  const actors = new Map<string, Actor>();
  for (const p of appointment.participant) {
    const ref = parseReference(p.actor?.reference, baseUrl);
    if (ref?.kind === 'resource' && !actors.has(ref.type)) actors.set(ref.type, { id: ref.id, display: p.actor?.display ?? '' });
  }
  return actors;
}

function resultOf(status: FhirAppointment['status'], workflow: VisitWorkflow): VisitResult {
  switch (status) {
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
}

const isFsiii = (c: { system?: string | undefined }) => c.system === FSIII_SYSTEM;
const isOurs = (c: { system?: string | undefined }) => c.system === SKAERMRUM_CODES;
const isRangAt = (x: { url: string }) => x.url === RANG_AT_EXTENSION;
const notDone = (c: FhirCommunication) => c.status === 'not-done';
const NONE: never[] = [];

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
  // One pass over each visit's own resources (15,000 visits a quarter): no sorting, no closures per visit.
  for (const appointment of resources.appointments) {
    if (appointment.status === 'entered-in-error' || !appointment.id || !appointment.start) continue;
    const actors = actorsOf(appointment, baseUrl);
    const citizen = actors.get('Patient');
    if (!citizen) continue;
    // Staff booked through a PractitionerRole count as the role's person, room and team.
    const role = actors.get('PractitionerRole');
    const viaRole = role ? (roles.get(role.id) ?? null) : null;
    const practitioner = actors.get('Practitioner') ?? (viaRole?.practitionerId ? { id: viaRole.practitionerId, display: role?.display ?? '' } : null);
    const room = actors.get('Location') ?? (viaRole?.roleRoomId ? { id: viaRole.roleRoomId, display: '' } : null);
    const team = actors.get('HealthcareService') ?? (viaRole?.roleTeamId ? { id: viaRole.roleTeamId, display: '' } : null);
    const service = appointment.serviceType?.[0];
    const taskCode = service?.coding?.find(isFsiii)?.code?.slice(0, 32) ?? null;
    if (practitioner) names.practitioners[practitioner.id] ||= practitioner.display.slice(0, 200) || practitioner.id;
    if (room) names.rooms[room.id] ||= room.display.slice(0, 200) || room.id;
    if (team) names.teams[team.id] ||= team.display.slice(0, 200) || team.id;
    names.tasks[taskCode ?? ''] ||= (service?.text ?? service?.coding?.[0]?.display ?? 'Skærmbesøg').slice(0, 120);

    const own = {
      attempts: attempts.get(appointment.id)?.filter(notDone) ?? NONE,
      encounters: encounters.get(appointment.id) ?? NONE,
      tasks: tasks.get(appointment.id) ?? NONE,
    };
    const workflow = workflowFromEoj(own, false);
    const result = resultOf(appointment.status, workflow);
    let notAnsweredCalls = 0;
    let failedCalls = 0;
    let firstRingMs = Number.POSITIVE_INFINITY; // a missing time (NaN) never lowers it
    for (const c of own.attempts) {
      if (c.statusReason?.coding?.find(isOurs)?.code === 'technical-failure') failedCalls++;
      else notAnsweredCalls++;
      const rang = ms(c.sent);
      if (rang < firstRingMs) firstRingMs = rang;
    }
    // The held call: the one that ended last (the later one of a tie); the verdict: the one given last.
    let held: FhirEncounter | undefined;
    let heldEnd = 0;
    let verdict: Verdict | null = null;
    let verdictAt = 0;
    let screenSeconds = 0;
    let withRelative = false;
    let withColleague = false;
    for (const e of own.encounters) {
      const rang = ms(e.extension?.find(isRangAt)?.valueDateTime ?? e.period?.start);
      if (rang < firstRingMs) firstRingMs = rang;
      const end = ms(e.period?.end) || 0;
      if (!held || end >= heldEnd) {
        held = e;
        heldEnd = end;
      }
      screenSeconds += seconds(e);
      const others = othersIn(e);
      withRelative ||= others.relatives > 0;
      withColleague ||= others.colleagues > 0;
      for (const response of e.id ? (responses.get(e.id) ?? NONE) : NONE) {
        const v = verdictOf(response);
        const at = ms(response.authored) || 0;
        if (v !== null && (verdict === null || at >= verdictAt)) {
          verdict = v;
          verdictAt = at;
        }
      }
    }
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
      notAnsweredCalls,
      failedCalls,
      firstRingMs: Number.isFinite(firstRingMs) ? firstRingMs : null,
      callSeconds: result === 'done' && held ? seconds(held) : null,
      screenSeconds,
      verdict,
      withRelative,
      withColleague,
    });
  }
  return { visits, names };
}
