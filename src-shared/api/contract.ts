import { z } from 'zod';
import { RoomDevices } from '../domain/devices.js';
import { OutboxEntry, OutboxSummary, SyncProblem, SyncStatus, VisitSlot } from '../domain/outbox.js';
import { TeamMember, TeamSettings } from '../team/members.js';
import { CallRecord, QueueVisit, Ref, Room, Staff, VisitStatus, type StaffRole } from '../domain/visit.js';
import { Outcome, RetryPolicy, VisitWorkflow } from '../workflow/outcome.js';
import { Verdict } from '../workflow/verdict.js';
import { Report, ReportQuery } from '../reports/figures.js';
import { Overview } from '../reports/overview.js';
import { ReportPeriod } from '../reports/period.js';
import { AuditProblem, AuditTrailPage } from '../domain/audit.js';

/**
 * The typed contract between the main process and the renderer: every method, its argument and
 * result schema, and the events main pushes to the renderer. src-main implements it once
 * (ApiHandlers); the renderer calls it through a client derived from the same object. Both
 * transports (Electron IPC, loopback WebSocket) carry tRPC messages and validate with these schemas.
 */
export type ProcedureKind = 'query' | 'mutation' | 'subscription';

/**
 * Who may call a method: anyone (sign-in itself, the clock), or the signed-in roles listed. A
 * locked session counts as nobody. The router enforces it once for every method (server side); a
 * subscription delivers its events only while the session holds one of its roles.
 */
export type Access = 'public' | readonly StaffRole[];

export interface ProcedureDef<K extends ProcedureKind, I extends z.ZodType, O extends z.ZodType> {
  kind: K;
  input: I;
  output: O;
  access: Access;
}

const query = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O, access: Access): ProcedureDef<'query', I, O> => ({
  kind: 'query',
  input,
  output,
  access,
});
const mutation = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O, access: Access): ProcedureDef<'mutation', I, O> => ({
  kind: 'mutation',
  input,
  output,
  access,
});
const event = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O, access: Access): ProcedureDef<'subscription', I, O> => ({
  kind: 'subscription',
  input,
  output,
  access,
});

const PUBLIC: Access = 'public';
/** Every Skærmrum role: the leader (reports) too. */
const SIGNED_IN: Access = ['staff', 'team_lead', 'leader'];
/** Those who make and document calls: the queue, visits, calls, devices. */
export const CARE: Access = ['staff', 'team_lead'];
/** The team lead's board. */
export const LEADS: Access = ['team_lead'];
/** Leadership information: team leads (their own team) and leaders. */
export const REPORTS: Access = ['team_lead', 'leader'];
/** The overview of all teams: leaders only (a team lead sees their own team's report). */
export const LEADERS: Access = ['leader'];
/** Who has seen a citizen's information: team leads and leaders, for their own team's citizens. */
export const AUDIT_READERS: Access = ['team_lead', 'leader'];

const Id = z.string().min(1).max(128);
/** A report or overview as a file (base64), to be saved by the renderer. */
const ReportFile = z.object({ fileName: z.string().max(200), mimeType: z.string().max(200), base64: z.string().max(20_000_000) });
const NoInput = z.object({}).strict();

export const QueueQuery = z
  .object({
    /** Whose visits: the signed-in staff member's, a room's, or the whole team's. */
    scope: z.enum(['mine', 'room', 'team']),
    roomId: Id.optional(),
    /** Any instant of the wanted care day; defaults to now. */
    day: z.iso.datetime({ offset: true }).optional(),
  })
  .strict()
  .refine((q) => q.scope !== 'room' || q.roomId !== undefined, { message: 'roomId er påkrævet når scope er "room"', path: ['roomId'] });
export type QueueQuery = z.infer<typeof QueueQuery>;

export const SetVisitStatus = z.object({ visitId: Id, status: VisitStatus }).strict();
export type SetVisitStatus = z.infer<typeof SetVisitStatus>;

const Instant = z.iso.datetime({ offset: true });
export const RecordOutcome = z
  .object({
    visitId: Id,
    outcome: Outcome,
    note: z.string().max(2000),
    /** The call documented (the client's measured times), if one was made. */
    call: z.object({ rangAt: Instant.nullable().optional(), connectedAt: Instant.nullable(), endedAt: Instant.nullable() }).strict().nullable(),
    durationSeconds: z
      .number()
      .int()
      .min(0)
      .max(24 * 3600)
      .nullable(),
  })
  .strict();
export type RecordOutcome = z.infer<typeof RecordOutcome>;

/** What the visit panel shows beyond the queue row. */
export const VisitDetails = z.object({
  visit: QueueVisit,
  lastOutcome: VisitWorkflow.extend({ visitId: Id, at: Instant }).nullable(),
  calls: z.array(CallRecord),
});

/** A visit a colleague (the team lead) moved to or from the signed-in staff member. */
export const VisitMoved = z.object({
  visitId: Id,
  start: z.iso.datetime({ offset: true }),
  citizenName: z.string().max(200),
  from: Ref.nullable(),
  to: Ref.nullable(),
});
export type VisitMoved = z.infer<typeof VisitMoved>;
export const QueueChanged = z.object({ visitIds: z.array(Id), reason: z.enum(['local', 'sync']), moved: z.array(VisitMoved).optional() });
export type QueueChanged = z.infer<typeof QueueChanged>;

/** A move of one visit to a staff member (or nobody), room and time. */
export const MoveRequest = z.object({ visitId: Id, to: VisitSlot }).strict();
export const BoardDay = z.object({
  /** Start of the care day shown. */
  day: z.iso.datetime({ offset: true }),
  visits: z.array(QueueVisit),
  members: z.array(TeamMember),
  settings: TeamSettings,
});
export type BoardDay = z.infer<typeof BoardDay>;

/** The session as the shell shows it: how to sign in, locked, or asked to sign in again. */
export const AuthState = z.object({
  /** pick: the demo's list of staff; idp: the municipality's login (OpenID Connect). */
  method: z.enum(['pick', 'idp']),
  locked: z.boolean(),
  /** The sign-in could not be renewed: sign in again (the outbox waits, nothing is lost). */
  reauth: z.boolean(),
  /** Why the last sign-in was refused, in Danish. */
  error: z.string().max(300).nullable(),
  /** Minutes without use before the screen locks (never during a call); 0: never. */
  lockAfterMinutes: z.number().int().min(0).max(240),
});
export type AuthState = z.infer<typeof AuthState>;

export const apiContract = {
  session: {
    /** The signed-in staff member, or null until someone signs in (or while the session is locked). */
    current: query(NoInput, Staff.nullable(), PUBLIC),
    /** How sign-in works here, and whether the session is locked or must sign in again. */
    auth: query(NoInput, AuthState, PUBLIC),
    /** The demo without an EOJ: its staff to pick from (empty where the IdP decides). */
    signInOptions: query(NoInput, z.array(Staff), PUBLIC),
    signIn: mutation(z.object({ practitionerId: Id }).strict(), Staff, PUBLIC),
    /**
     * Sign-in through the municipality's IdP: Electron opens the system browser (navigateTo null);
     * browser mode gets the address to go to. Also unlocks a locked session (same person only).
     */
    beginSignIn: mutation(NoInput, z.object({ navigateTo: z.url().nullable() }), PUBLIC),
    /** "Skift bruger": the session ends, tokens are wiped from memory and keychain. */
    signOut: mutation(NoInput, z.object({ signedOut: z.boolean() }), PUBLIC),
    /** Idle lock: personal data is hidden (the API refuses it) until the IdP is passed again. */
    lock: mutation(NoInput, AuthState, SIGNED_IN),
  },
  clock: {
    /** The main process's "now" (the renderer's clock agrees with it). */
    now: query(NoInput, z.object({ now: Instant }), PUBLIC),
  },
  sync: {
    status: query(NoInput, SyncStatus, SIGNED_IN),
    /** Sync now instead of waiting for the next round. */
    now: mutation(NoInput, SyncStatus, SIGNED_IN),
    /** EOJ resources that could not be read (each alone; the rest of the queue is there). */
    problems: query(NoInput, z.array(SyncProblem), CARE),
  },
  rooms: {
    list: query(NoInput, z.array(Room), SIGNED_IN),
  },
  queue: {
    today: query(QueueQuery, z.array(QueueVisit), CARE),
    /** Retries after a call that was not answered, as configured. */
    retryPolicy: query(NoInput, RetryPolicy, CARE),
  },
  visit: {
    setStatus: mutation(SetVisitStatus, QueueVisit, CARE),
    details: query(z.object({ visitId: Id }).strict(), VisitDetails, CARE),
    /** Saved with its outbox rows in one transaction; retries and escalation follow the policy. */
    recordOutcome: mutation(RecordOutcome, QueueVisit, CARE),
    /** "Akut" during a call: the time is recorded and a physical visit requested at once. */
    markUrgent: mutation(z.object({ visitId: Id }).strict(), QueueVisit, CARE),
    /** The full CPR number, on an explicit click; audit-logged. Needs the EOJ. */
    revealCpr: mutation(z.object({ visitId: Id }).strict(), z.object({ cpr: z.string().regex(/^\d{10}$/) }), CARE),
    /** The citizen's verdict on a call (relayed by signalling from the tablet); the first one counts. */
    recordVerdict: mutation(z.object({ visitId: Id, callId: z.uuid(), verdict: Verdict }).strict(), z.object({ recorded: z.boolean() }), CARE),
    /** A relative was invited by SMS (the signalling service sent it): recorded in the EOJ as a Communication. */
    recordInvitation: mutation(
      z.object({ visitId: Id, relatedPersonId: Id, validFrom: z.iso.datetime({ offset: true }) }).strict(),
      z.object({ mutationId: z.uuid() }),
      CARE,
    ),
  },
  reports: {
    /**
     * "Ledelsesinformation" for a period and filters: from the cache when it has the period (with
     * the time of its data), else read from the EOJ; `refresh` reads it again.
     */
    get: query(
      z.object({ query: ReportQuery, refresh: z.boolean().optional() }).strict(),
      z.object({ report: Report, fromCache: z.boolean(), refreshError: z.string().nullable() }),
      REPORTS,
    ),
    /** The report as a file: CSV (UTF-8 with BOM, ";") or XLSX; aggregates only. */
    export: mutation(z.object({ query: ReportQuery, format: z.enum(['csv', 'xlsx']), lang: z.enum(['da', 'en']) }).strict(), ReportFile, REPORTS),
    /**
     * The leader's overview: every team the EOJ lists, its key figures and trend for the period,
     * each from its cached facts when fresh, else read again (`refresh`: all read again). A team
     * that cannot be read has its own row with why; the other teams are shown all the same.
     */
    overview: query(z.object({ period: ReportPeriod, refresh: z.boolean().optional() }).strict(), Overview, LEADERS),
    /** The overview as a file, as the report's: CSV or XLSX. */
    overviewExport: mutation(z.object({ period: ReportPeriod, format: z.enum(['csv', 'xlsx']), lang: z.enum(['da', 'en']) }).strict(), ReportFile, LEADERS),
  },
  audit: {
    /**
     * "Hvem har set oplysninger om denne borger?": who did what and when about the citizen, from the
     * EOJ's AuditEvents, newest first, a page at a time (`cursor` from the page before). Only a
     * citizen of the signed-in person's own team; opening it (no cursor) is audited itself.
     */
    trail: query(z.object({ citizenId: Id, cursor: z.string().min(1).max(100).optional() }).strict(), AuditTrailPage, AUDIT_READERS),
    /** The whole list as CSV for the data-protection officer (UTF-8 with BOM, ";", Copenhagen times); audited. */
    export: mutation(z.object({ citizenId: Id, lang: z.enum(['da', 'en']) }).strict(), ReportFile, AUDIT_READERS),
    /** Audit events the EOJ refused for good: shown, sent again only by hand. */
    problems: query(NoInput, z.array(AuditProblem), CARE),
    /** A refused audit event is sent again. */
    retry: mutation(z.object({ eventId: z.uuid() }).strict(), z.object({ retried: z.boolean() }), CARE),
  },
  board: {
    /** The team's visits of the care day, its members with rooms and hours, and the team's planning rules. */
    day: query(z.object({ day: z.iso.datetime({ offset: true }).optional() }).strict(), BoardDay, LEADS),
    /**
     * One move, or a bulk move written together: each an Appointment update through the outbox,
     * audit-logged. Refused (nothing written) when any would move a call in progress or a closed
     * visit. Returns the visits as they are now and the moves that undo it.
     */
    move: mutation(
      z.object({ moves: z.array(MoveRequest).min(1).max(200) }).strict(),
      z.object({ visits: z.array(QueueVisit), undo: z.array(MoveRequest) }),
      LEADS,
    ),
  },
  // 'call' is reserved in tRPC routers, hence 'calls'.
  calls: {
    /** Where and how the staff client connects to signalling; null where calls are not available. */
    ticket: query(NoInput, z.object({ signallingUrl: z.string().regex(/^wss?:\/\//), token: z.string().min(10) }).nullable(), CARE),
    /** The call's measured times, recorded for the visit when it ends. */
    record: mutation(CallRecord.strict(), CallRecord.extend({ durationSeconds: z.number().int().nonnegative() }), CARE),
    forVisit: query(z.object({ visitId: Id }).strict(), z.array(CallRecord), CARE),
  },
  outbox: {
    summary: query(NoInput, OutboxSummary, SIGNED_IN),
    /** Changes the EOJ refused or that conflict with someone else's: shown, never dropped. */
    problems: query(NoInput, z.array(OutboxEntry), CARE),
    /** The staff member resolves a problem: accept the EOJ's version, or send a refused change again. */
    resolve: mutation(z.object({ mutationId: z.uuid(), action: z.enum(['accept_eoj', 'retry']) }).strict(), z.object({ resolved: z.boolean() }), CARE),
  },
  devices: {
    forRoom: query(z.object({ roomId: Id }).strict(), RoomDevices.nullable(), CARE),
    saveForRoom: mutation(RoomDevices.strict(), RoomDevices, CARE),
  },
  screen: {
    /** Keep the screen on during a call (Electron: powerSaveBlocker); held=false: the client uses Wake Lock. */
    keepAwake: mutation(z.object({ on: z.boolean() }).strict(), z.object({ held: z.boolean() }), SIGNED_IN),
  },
  events: {
    onQueueChanged: event(NoInput, QueueChanged, CARE),
    onOutboxChanged: event(NoInput, OutboxSummary, SIGNED_IN),
    onSyncStatus: event(NoInput, SyncStatus, SIGNED_IN),
    onSessionChanged: event(NoInput, Staff.nullable(), PUBLIC),
    /** Team-visible changes of these visits landed in the EOJ (the client tells the team: team.changed). */
    onPushed: event(NoInput, z.object({ visitIds: z.array(Id) }), CARE),
  },
} as const;

export type ApiContract = typeof apiContract;
export type Namespace = keyof ApiContract;
export type AnyProcedureDef = ProcedureDef<ProcedureKind, z.ZodType, z.ZodType>;

export type Unsubscribe = () => void;

/** What the renderer sees: results already validated against the output schema. */
export type ApiClient = {
  [N in Namespace]: {
    [M in keyof ApiContract[N]]: ApiContract[N][M] extends ProcedureDef<infer K, infer I, infer O>
      ? K extends 'subscription'
        ? (input: z.input<I>, listener: { onData: (value: z.output<O>) => void; onError?: (error: Error) => void; onStarted?: () => void }) => Unsubscribe
        : (input: z.input<I>) => Promise<z.output<O>>
      : never;
  };
};

/** Every procedure as [namespace, method, definition], for building routers and clients. */
export function listProcedures(): [string, string, AnyProcedureDef][] {
  const out: [string, string, AnyProcedureDef][] = [];
  for (const [ns, methods] of Object.entries(apiContract)) {
    for (const [method, def] of Object.entries(methods as Record<string, AnyProcedureDef>)) out.push([ns, method, def]);
  }
  return out;
}

/** Browser mode: the loopback WebSocket path, and the query parameter carrying the session token. */
export const BROWSER_RPC_PATH = '/rpc';
export const BROWSER_TOKEN_PARAM = 'token';
/** Browser mode: answers 204 for the session token, 401 for any other (a page can read that; a refused WebSocket says nothing). */
export const BROWSER_SESSION_CHECK_PATH = '/rpc/check';
