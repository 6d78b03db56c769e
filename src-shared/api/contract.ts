import { z } from 'zod';
import { RoomDevices } from '../domain/devices.js';
import { OutboxEntry, OutboxSummary, SyncProblem, SyncStatus, VisitSlot } from '../domain/outbox.js';
import { TeamMember, TeamSettings } from '../team/members.js';
import { CallRecord, QueueVisit, Ref, Room, Staff, VisitStatus, type StaffRole } from '../domain/visit.js';
import { Outcome, RetryPolicy, VisitWorkflow } from '../workflow/outcome.js';

/**
 * The typed contract between the main process and the renderer: every method, its argument and
 * result schema, and the events main pushes to the renderer. src-main implements it once
 * (ApiHandlers); the renderer calls it through a client derived from the same object. Both
 * transports (Electron IPC, loopback WebSocket) carry tRPC messages and validate with these schemas.
 */
export type ProcedureKind = 'query' | 'mutation' | 'subscription';

export interface ProcedureDef<K extends ProcedureKind, I extends z.ZodType, O extends z.ZodType> {
  kind: K;
  input: I;
  output: O;
  /** Who may call it; the router refuses everyone else (server side). Absent: anyone signed in or not. */
  roles?: readonly StaffRole[];
}

const query = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O, roles?: readonly StaffRole[]): ProcedureDef<'query', I, O> => ({
  kind: 'query',
  input,
  output,
  ...(roles ? { roles } : {}),
});
const mutation = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O, roles?: readonly StaffRole[]): ProcedureDef<'mutation', I, O> => ({
  kind: 'mutation',
  input,
  output,
  ...(roles ? { roles } : {}),
});
/** The team lead's board: team leads only. */
const LEADS: readonly StaffRole[] = ['team_lead'];
const event = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O): ProcedureDef<'subscription', I, O> => ({ kind: 'subscription', input, output });

const Id = z.string().min(1).max(128);
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

export const apiContract = {
  session: {
    /** The signed-in staff member, or null until someone signs in. */
    current: query(NoInput, Staff.nullable()),
    /** Staff who may sign in (the sandbox EOJ's demo staff; empty where the IdP decides). */
    signInOptions: query(NoInput, z.array(Staff)),
    signIn: mutation(z.object({ practitionerId: Id }).strict(), Staff),
  },
  clock: {
    /** The main process's "now" (the renderer's clock agrees with it). */
    now: query(NoInput, z.object({ now: Instant })),
  },
  sync: {
    status: query(NoInput, SyncStatus),
    /** Sync now instead of waiting for the next round. */
    now: mutation(NoInput, SyncStatus),
    /** EOJ resources that could not be read (each alone; the rest of the queue is there). */
    problems: query(NoInput, z.array(SyncProblem)),
  },
  rooms: {
    list: query(NoInput, z.array(Room)),
  },
  queue: {
    today: query(QueueQuery, z.array(QueueVisit)),
    /** Retries after a call that was not answered, as configured. */
    retryPolicy: query(NoInput, RetryPolicy),
  },
  visit: {
    setStatus: mutation(SetVisitStatus, QueueVisit),
    details: query(z.object({ visitId: Id }).strict(), VisitDetails),
    /** Saved with its outbox rows in one transaction; retries and escalation follow the policy. */
    recordOutcome: mutation(RecordOutcome, QueueVisit),
    /** "Akut" during a call: the time is recorded and a physical visit requested at once. */
    markUrgent: mutation(z.object({ visitId: Id }).strict(), QueueVisit),
    /** The full CPR number, on an explicit click; audit-logged. Needs the EOJ. */
    revealCpr: mutation(z.object({ visitId: Id }).strict(), z.object({ cpr: z.string().regex(/^\d{10}$/) })),
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
    ticket: query(NoInput, z.object({ signallingUrl: z.string().regex(/^wss?:\/\//), token: z.string().min(10) }).nullable()),
    /** The call's measured times, recorded for the visit when it ends. */
    record: mutation(CallRecord.strict(), CallRecord.extend({ durationSeconds: z.number().int().nonnegative() })),
    forVisit: query(z.object({ visitId: Id }).strict(), z.array(CallRecord)),
  },
  outbox: {
    summary: query(NoInput, OutboxSummary),
    /** Changes the EOJ refused or that conflict with someone else's: shown, never dropped. */
    problems: query(NoInput, z.array(OutboxEntry)),
    /** The staff member resolves a problem: accept the EOJ's version, or send a refused change again. */
    resolve: mutation(z.object({ mutationId: z.uuid(), action: z.enum(['accept_eoj', 'retry']) }).strict(), z.object({ resolved: z.boolean() })),
  },
  devices: {
    forRoom: query(z.object({ roomId: Id }).strict(), RoomDevices.nullable()),
    saveForRoom: mutation(RoomDevices.strict(), RoomDevices),
  },
  screen: {
    /** Keep the screen on during a call (Electron: powerSaveBlocker); held=false: the client uses Wake Lock. */
    keepAwake: mutation(z.object({ on: z.boolean() }).strict(), z.object({ held: z.boolean() })),
  },
  events: {
    onQueueChanged: event(NoInput, QueueChanged),
    onOutboxChanged: event(NoInput, OutboxSummary),
    onSyncStatus: event(NoInput, SyncStatus),
    onSessionChanged: event(NoInput, Staff.nullable()),
    /** Team-visible changes of these visits landed in the EOJ (the client tells the team: team.changed). */
    onPushed: event(NoInput, z.object({ visitIds: z.array(Id) })),
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
        ? (input: z.input<I>, listener: { onData: (value: z.output<O>) => void; onError?: (error: Error) => void }) => Unsubscribe
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
