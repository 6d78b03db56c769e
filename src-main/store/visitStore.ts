import { randomUUID } from 'node:crypto';
import type { RoomDevices } from '../../src-shared/domain/devices.js';
import type { OutboxEntry, SyncError, VisitSlot } from '../../src-shared/domain/outbox.js';
import type { CallGuest, CallRecord, QueueVisit, Room, Visit, VisitStatus } from '../../src-shared/domain/visit.js';
import { decideOutcome, EMPTY_WORKFLOW, type Outcome, type RetryPolicy, type VisitWorkflow } from '../../src-shared/workflow/outcome.js';
import { workflowQueries } from './workflow.js';
import { callQueries } from './calls.js';
import { auditQueries } from './audit.js';
import { StoreError } from './errors.js';
import { loadMigrations } from './migrations.js';
import { openEncryptedDatabase } from './open.js';
import { outboxQueries } from './outbox.js';
import { roomDevicesQueries } from './roomDevices.js';
import type { Database } from './sqlite.js';
import { syncStateQueries, type SyncState } from './syncState.js';
import { syncProblemQueries } from './syncProblems.js';
import { reportCacheQueries } from './reportCache.js';
import { verdictQueries } from './verdicts.js';
import type { Verdict } from '../../src-shared/workflow/verdict.js';
import type { ResourceProblem } from '../../src-shared/domain/outbox.js';
import { visitQueries, type DayQueueFilter } from './visits.js';
import type { StoreKeychain } from './keychain.js';

export interface SetVisitStatusCommand {
  visitId: string;
  status: VisitStatus;
  actorId: string;
  atMs: number;
  /** Supplied by callers that must know the id before the commit returns (e.g. crash tests). */
  mutationId?: string;
}

/** One pulled page (or the end of a full resync), applied in one transaction. */
export interface PulledPage {
  visits: readonly Visit[];
  removedIds?: readonly string[];
  /** Resources of the page that could not be read ("Appointment/abc" and what is wrong). */
  problems?: readonly { resource: string; problem: ResourceProblem }[];
  /** Resources of the page that read well: no longer problems. */
  readResources?: readonly string[];
  /** When the page was read. */
  atMs?: number;
  /** Full resync: visits starting in this range that the EOJ no longer returned are removed. */
  replaceRange?: { fromMs: number; toMs: number; keepIds: ReadonlySet<string> };
  /** Full resync: problems of resources the pull did not meet again are gone. */
  forgetProblemsNotSeenSince?: number;
  syncState?: SyncState;
}

export interface RecordOutcomeCommand {
  visitId: string;
  outcome: Outcome;
  note: string;
  actorId: string;
  atMs: number;
  /** The call this outcome documents (times measured by the client), if one was made. */
  call: { rangAt?: string | null; connectedAt: string | null; endedAt: string | null } | null;
  durationSeconds: number | null;
  policy: RetryPolicy;
  /** Supplied by callers that must know the id before the commit returns. */
  mutationId?: string;
}

/** A team lead's move of one visit (or, with several, a bulk move written in one transaction). */
export interface MoveCommand {
  visitId: string;
  to: VisitSlot;
  actorId: string;
  atMs: number;
  /** Supplied by callers that must know the id before the commit returns. */
  mutationId?: string;
}

/** A visit a pull found moved to or from someone (for the notice on their queue). */
export interface PulledMove {
  visitId: string;
  from: VisitSlot;
  to: VisitSlot;
}

export interface OutcomeResult {
  visit: QueueVisit;
  outboxEntries: OutboxEntry[];
}

export interface StatusChangeResult {
  visit: Visit;
  /** The outbox row written with the change, or null when the status was already that. */
  outboxEntry: OutboxEntry | null;
}

/** The typed repository over the encrypted database. No SQL exists outside src-main/store. */
export interface VisitStore {
  readonly file: string;
  upsertVisits(visits: readonly Visit[]): void;
  dayQueue(filter: DayQueueFilter): QueueVisit[];
  getVisit(id: string): Visit | undefined;
  getQueueVisit(id: string): QueueVisit | undefined;
  /**
   * The outcome of a visit workflow, status, outbox rows (status with the
   * Encounter; escalation Task) and audit entry in one transaction. Retries and escalation follow
   * the policy.
   */
  recordOutcome(command: RecordOutcomeCommand): OutcomeResult;
  /** "Akut" during a call: the time is recorded and a physical visit is requested at once. */
  markUrgent(visitId: string, actorId: string, atMs: number): OutcomeResult;
  /**
   * A problem row dealt with: "accept_eoj" keeps the row but the EOJ's version stands (the visit is
   * re-read at the next, full, sync); "retry" sends a refused row again. Audit-logged.
   */
  resolveProblem(mutationId: string, action: 'accept_eoj' | 'retry', actorId: string, atMs: number): boolean;
  /** The citizen's latest documented outcome of another visit. */
  lastOutcomeForCitizen(citizenId: string, exceptVisitId: string): (VisitWorkflow & { visitId: string; at: string }) | null;
  rooms(): Room[];
  visitCount(): number;
  /** Whether the team has a visit of the citizen in the store (who may see the citizen's audit trail). */
  citizenInTeam(citizenId: string, teamId: string): boolean;
  /** The visits held whose start lies in the range (a full resync checks them against the EOJ). */
  visitIdsStartingIn(fromMs: number, toMs: number): string[];
  /** The visit's new status, its outbox row and an audit entry, in one transaction. */
  setVisitStatus(command: SetVisitStatusCommand): StatusChangeResult;
  /**
   * Moves (one, or a bulk move): each visit's new staff member, room and time, its outbox row
   * (an Appointment update with If-Match) and an audit entry, all in one transaction.
   */
  moveVisits(commands: readonly MoveCommand[]): { visits: QueueVisit[]; outboxEntries: OutboxEntry[] };
  /**
   * The team's shared state of visits read back from the EOJ: each visit's workflow replaced by
   * it, unless the visit has progress here that is not in the EOJ yet (that wins until pushed).
   * Returns the ids of visits that changed.
   */
  applyTeamState(workflows: ReadonlyMap<string, VisitWorkflow>, atMs: number): string[];
  /** Visits the last pulls found moved (to or from someone), since the last call. */
  takePulledMoves(): PulledMove[];
  /**
   * Applies pulled EOJ data: skips versions already held, keeps the user's unsent status changes
   * on top (pending outbox intents win in the UI until pushed), removes vanished visits.
   * Returns the ids of visits that changed.
   */
  applyPull(page: PulledPage): string[];
  /**
   * A push was accepted: the row is done, and the version it produced becomes the base of the
   * visit's later unsent changes. The visit row itself keeps the last pulled version, so the next
   * pull brings the whole new version (e.g. a reassignment the push was re-applied on top of).
   */
  recordPushed(mutationId: string, visitId: string, resultVersion: string | null, atMs: number): void;
  /**
   * A push met a visit someone else closed or moved: the row becomes a visible conflict, and the
   * visit is read again in full at the next pull (this round's), so the screen shows the EOJ's
   * version instead of the change that did not land.
   */
  recordConflict(mutationId: string, visitId: string, error: SyncError, atMs: number): void;
  readonly outbox: ReturnType<typeof outboxQueries>;
  readonly audit: ReturnType<typeof auditQueries>;
  readonly syncState: ReturnType<typeof syncStateQueries>;
  /** EOJ resources that could not be read. */
  readonly syncProblems: ReturnType<typeof syncProblemQueries>;
  /** Leadership reports and the facts they were computed from (src-main/reports). */
  readonly reportCache: ReturnType<typeof reportCacheQueries>;
  roomDevices(roomId: string): RoomDevices | null;
  saveRoomDevices(devices: RoomDevices, actorId: string, atMs: number): void;
  /** A finished call, with an audit entry. */
  recordCall(call: CallRecord, staffId: string, atMs: number): void;
  /**
   * The citizen's verdict on a call (the first one counts). It goes out once the visit's Encounter
   * has its outbox row: now, or when the outcome is recorded. Returns whether it was new.
   */
  recordVerdict(command: { visitId: string; callId: string; verdict: Verdict; actorId: string; atMs: number }): boolean;
  callsForVisit(visitId: string): CallRecord[];
  /** A relative was invited into the visit's call: its Communication goes out through the outbox, audit-logged. */
  recordInvitation(command: { visitId: string; relatedPersonId: string; validFrom: string; actorId: string; atMs: number }): string;
  /** SQLite's full integrity check: "ok" or the problems found. */
  integrityCheck(): string;
  close(): void;
  /** False once closed (work scheduled before the close must not touch it). */
  isOpen(): boolean;
}

export interface OpenVisitStoreOptions {
  file: string;
  keychain: StoreKeychain;
  migrationsDir: string;
  nativeBinding?: string;
}

export async function openVisitStore(options: OpenVisitStoreOptions): Promise<VisitStore> {
  const db = await openEncryptedDatabase({
    file: options.file,
    keychain: options.keychain,
    migrations: loadMigrations(options.migrationsDir),
    ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
  });
  return createVisitStore(db, options.file);
}

export function createVisitStore(db: Database, file: string): VisitStore {
  const visits = visitQueries(db);
  const outbox = outboxQueries(db);
  const audit = auditQueries(db);
  const syncState = syncStateQueries(db);
  const devices = roomDevicesQueries(db);
  const problems = syncProblemQueries(db);

  const calls = callQueries(db);
  const verdicts = verdictQueries(db);
  /** A waiting verdict follows the visit's Encounter row into the outbox (FIFO per visit: after it). */
  function sendVerdict(visitId: string, patientId: string, versionId: string | null): string | null {
    const waiting = verdicts.waiting(visitId);
    const encounterMutationId = waiting && verdicts.encounterMutationId(visitId);
    if (!waiting || !encounterMutationId) return null;
    const mutationId = randomUUID();
    outbox.add({
      mutationId,
      visitId,
      intent: {
        kind: 'visit.verdict',
        at: new Date(waiting.at_ms).toISOString(),
        actorId: waiting.actor_id,
        verdict: waiting.verdict,
        patientId,
        encounterMutationId,
      },
      baseVersion: versionId,
      atMs: waiting.at_ms,
    });
    verdicts.markSent(visitId, mutationId);
    return mutationId;
  }
  const workflow = workflowQueries(db);
  const withWorkflow = (v: Visit): QueueVisit => ({ ...v, workflow: workflow.get(v.id) });

  function escalate(before: Visit, reason: Outcome, priority: 'routine' | 'stat', note: string, actorId: string, atMs: number): string {
    const mutationId = randomUUID();
    outbox.add({
      mutationId,
      visitId: before.id,
      intent: {
        kind: 'visit.escalate',
        at: new Date(atMs).toISOString(),
        actorId,
        reason,
        priority,
        patientId: before.citizen.id,
        ownerId: before.citizen.homeCareGroup?.id ?? null,
        note,
      },
      baseVersion: before.versionId,
      atMs,
    });
    return mutationId;
  }

  const recordOutcome = db.transaction((c: RecordOutcomeCommand): OutcomeResult => {
    const before = visits.get(c.visitId);
    if (!before) throw new StoreError('VISIT_NOT_FOUND', `Besøget findes ikke i dagens kø (${c.visitId})`);
    const previous = workflow.get(c.visitId);
    const now = new Date(c.atMs);
    const answered = Boolean(c.call?.connectedAt);
    const effects = decideOutcome(c.outcome, previous.failedAttempts, c.policy, now, { answered });
    const mutationIds: string[] = [];
    // Akut escalates once: when the button was pressed during the call, or now.
    const escalation = effects.escalate ?? (c.outcome === 'urgent' && !previous.escalatedAt ? { priority: 'stat' as const } : null);
    const next: VisitWorkflow = {
      ...previous,
      failedAttempts: effects.failedAttempts,
      outcome: c.outcome,
      note: c.note,
      durationSeconds: c.durationSeconds,
      retryAt: effects.retryAt?.toISOString() ?? null,
      escalatedAt: escalation ? now.toISOString() : previous.escalatedAt,
      escalationReason: escalation ? c.outcome : previous.escalationReason,
      calledAt: c.call?.connectedAt ?? previous.calledAt,
    };
    workflow.put(c.visitId, before.citizen.id, next, c.actorId, c.atMs);
    // Every attempt that did not become a visit is shared with the team (a Communication), also
    // when a retry keeps the visit open.
    if (c.outcome === 'not_answered' || c.outcome === 'technical_failure') {
      const mutationId = randomUUID();
      outbox.add({
        mutationId,
        visitId: c.visitId,
        intent: {
          kind: 'visit.attempt',
          at: now.toISOString(),
          actorId: c.actorId,
          outcome: c.outcome,
          attempt: effects.failedAttempts,
          of: c.policy.retries + 1,
          retryAt: next.retryAt,
          patientId: before.citizen.id,
          rangAt: c.call?.rangAt ?? null,
          note: c.note,
        },
        baseVersion: before.versionId,
        atMs: c.atMs,
      });
      mutationIds.push(mutationId);
    }
    if (effects.status !== before.status) {
      visits.setStatus(c.visitId, effects.status, c.atMs);
      const end = c.call?.endedAt ?? now.toISOString();
      const start = c.call?.connectedAt ?? new Date(Date.parse(end) - (c.durationSeconds ?? 0) * 1000).toISOString();
      const mutationId = c.mutationId ?? randomUUID();
      outbox.add({
        mutationId,
        visitId: c.visitId,
        intent: {
          kind: 'visit.status',
          status: effects.status,
          at: now.toISOString(),
          actorId: c.actorId,
          reason: effects.reason,
          // The documented length reaches the Encounter even when the call's times were measured.
          encounter: effects.encounter
            ? { start, end, outcome: c.outcome, note: c.note, rangAt: c.call?.rangAt ?? null, lengthSeconds: c.durationSeconds, ...guestsOfCall(c) }
            : null,
        },
        baseVersion: before.versionId,
        atMs: c.atMs,
      });
      mutationIds.push(mutationId);
    }
    if (escalation) mutationIds.push(escalate(before, c.outcome, escalation.priority, c.note, c.actorId, c.atMs));
    const verdictMutation = sendVerdict(c.visitId, before.citizen.id, before.versionId);
    if (verdictMutation) mutationIds.push(verdictMutation);
    audit.append({
      atMs: c.atMs,
      actorId: c.actorId,
      action: 'visit.outcome_recorded',
      subjectType: 'Appointment',
      subjectId: c.visitId,
      details: {
        outcome: c.outcome,
        failedAttempts: next.failedAttempts,
        retry: next.retryAt !== null,
        escalated: escalation !== null,
        mutationIds: mutationIds.join(','),
      },
    });
    return {
      visit: withWorkflow(visits.get(c.visitId) as Visit),
      outboxEntries: mutationIds.map((id) => outbox.get(id)).filter((e): e is OutboxEntry => e !== undefined),
    };
  });

  const resolveProblem = db.transaction((mutationId: string, action: 'accept_eoj' | 'retry', actorId: string, atMs: number): boolean => {
    const entry = outbox.get(mutationId);
    if (!entry) return false;
    const changed = action === 'retry' ? outbox.requeue(mutationId, atMs) : outbox.acceptEoj(mutationId, atMs);
    if (!changed) return false;
    if (action === 'accept_eoj') {
      visits.forgetVersion(entry.visitId);
      syncState.forgetFullResync();
    }
    audit.append({ atMs, actorId, action: 'outbox.resolved', subjectType: 'Appointment', subjectId: entry.visitId, details: { mutationId, action } });
    return true;
  });

  const markUrgent = db.transaction((visitId: string, actorId: string, atMs: number): OutcomeResult => {
    const before = visits.get(visitId);
    if (!before) throw new StoreError('VISIT_NOT_FOUND', `Besøget findes ikke i dagens kø (${visitId})`);
    const previous = workflow.get(visitId);
    if (previous.urgentAt) return { visit: withWorkflow(before), outboxEntries: [] };
    const at = new Date(atMs).toISOString();
    workflow.put(visitId, before.citizen.id, { ...previous, urgentAt: at, escalatedAt: at, escalationReason: 'urgent' }, actorId, atMs);
    const mutationId = escalate(before, 'urgent', 'stat', '', actorId, atMs);
    audit.append({ atMs, actorId, action: 'visit.urgent', subjectType: 'Appointment', subjectId: visitId, details: { mutationId } });
    return { visit: withWorkflow(before), outboxEntries: [outbox.get(mutationId)].filter((e): e is OutboxEntry => e !== undefined) };
  });
  const recordVerdict = db.transaction((c: { visitId: string; callId: string; verdict: Verdict; actorId: string; atMs: number }): boolean => {
    const visit = visits.get(c.visitId);
    if (!visit) throw new StoreError('VISIT_NOT_FOUND', `Besøget findes ikke i dagens kø (${c.visitId})`);
    if (!verdicts.insert(c.callId, c.visitId, c.verdict, c.actorId, c.atMs)) return false;
    sendVerdict(c.visitId, visit.citizen.id, visit.versionId);
    return true;
  });
  const recordInvitation = db.transaction((c: { visitId: string; relatedPersonId: string; validFrom: string; actorId: string; atMs: number }): string => {
    const visit = visits.get(c.visitId);
    if (!visit) throw new StoreError('VISIT_NOT_FOUND', `Besøget findes ikke i dagens kø (${c.visitId})`);
    const mutationId = randomUUID();
    outbox.add({
      mutationId,
      visitId: c.visitId,
      intent: {
        kind: 'visit.invitation',
        at: new Date(c.atMs).toISOString(),
        actorId: c.actorId,
        patientId: visit.citizen.id,
        relatedPersonId: c.relatedPersonId,
        validFrom: c.validFrom,
      },
      baseVersion: visit.versionId,
      atMs: c.atMs,
    });
    audit.append({
      atMs: c.atMs,
      actorId: c.actorId,
      action: 'visit.relative_invited',
      subjectType: 'Appointment',
      subjectId: c.visitId,
      details: { mutationId },
    });
    return mutationId;
  });
  /** The guests of the call this outcome documents (the one it connected at, else the visit's last connected one). */
  const guestsOfCall = (c: RecordOutcomeCommand): { guests?: CallGuest[] } => {
    const connected = calls.forVisit(c.visitId).filter((r) => r.connectedAt !== null);
    const call = connected.find((r) => r.connectedAt === c.call?.connectedAt) ?? connected.at(-1);
    return call?.guests && call.guests.length > 0 ? { guests: call.guests } : {};
  };

  const recordCall = db.transaction((call: CallRecord, staffId: string, atMs: number) => {
    calls.insert(call, staffId);
    audit.append({
      atMs,
      actorId: staffId,
      action: 'call.recorded',
      subjectType: 'Appointment',
      subjectId: call.visitId,
      details: { callId: call.callId, endReason: call.endReason },
    });
  });

  const upsertVisits = db.transaction((list: readonly Visit[]) => visits.upsertMany(list));

  /**
   * Pulls and bulk loads commit with the auto-checkpoint at half its usual 1000 frames, so the
   * frames they leave are copied into the database file on the sync's time, not by the next status
   * change to cross 1000: a 5000-visit load leaves about 970, and the change that copied them took
   * ~100 ms in the encrypted store (each frame decrypted and encrypted again on the way). A click's
   * own writes keep the usual limit.
   */
  const checkpointFrames = db.pragma('wal_autocheckpoint', { simple: true }) as number;
  function bulkWrite<T>(write: () => T): T {
    db.pragma(`wal_autocheckpoint = ${Math.floor(checkpointFrames / 2)}`);
    try {
      return write();
    } finally {
      db.pragma(`wal_autocheckpoint = ${checkpointFrames}`);
    }
  }

  const moveVisits = db.transaction((commands: readonly MoveCommand[]) => {
    const mutationIds: string[] = [];
    for (const c of commands) {
      const before = visits.get(c.visitId);
      if (!before) throw new StoreError('VISIT_NOT_FOUND', `Besøget findes ikke i dagens kø (${c.visitId})`);
      const from: VisitSlot = { practitioner: before.practitioner, room: before.room, start: before.start, end: before.end };
      visits.setSlot(c.visitId, c.to, c.atMs);
      const mutationId = c.mutationId ?? randomUUID();
      outbox.add({
        mutationId,
        visitId: c.visitId,
        intent: { kind: 'visit.move', at: new Date(c.atMs).toISOString(), actorId: c.actorId, to: c.to, from },
        baseVersion: before.versionId,
        atMs: c.atMs,
      });
      audit.append({
        atMs: c.atMs,
        actorId: c.actorId,
        action: 'visit.moved',
        subjectType: 'Appointment',
        subjectId: c.visitId,
        details: {
          mutationId,
          fromPractitioner: from.practitioner?.id ?? '',
          toPractitioner: c.to.practitioner?.id ?? '',
          fromStart: from.start,
          toStart: c.to.start,
        },
      });
      mutationIds.push(mutationId);
    }
    return {
      visits: commands.map((c) => withWorkflow(visits.get(c.visitId) as Visit)),
      outboxEntries: mutationIds.map((id) => outbox.get(id)).filter((e): e is OutboxEntry => e !== undefined),
    };
  });

  const applyTeamState = db.transaction((workflows: ReadonlyMap<string, VisitWorkflow>, atMs: number): string[] => {
    const changed: string[] = [];
    for (const [visitId, next] of workflows) {
      const visit = visits.get(visitId);
      if (!visit || outbox.hasUnfinishedWorkflow(visitId)) continue;
      if (JSON.stringify(workflow.get(visitId)) === JSON.stringify(next)) continue;
      workflow.put(visitId, visit.citizen.id, next, 'eoj', atMs);
      changed.push(visitId);
    }
    return changed;
  });
  let pulledMoves: PulledMove[] = [];

  const setVisitStatus = db.transaction((c: SetVisitStatusCommand): StatusChangeResult => {
    const before = visits.get(c.visitId);
    if (!before) throw new StoreError('VISIT_NOT_FOUND', `Besøget findes ikke i dagens kø (${c.visitId})`);
    if (before.status === c.status) return { visit: before, outboxEntry: null };
    visits.setStatus(c.visitId, c.status, c.atMs);
    const mutationId = c.mutationId ?? randomUUID();
    outbox.add({
      mutationId,
      visitId: c.visitId,
      intent: { kind: 'visit.status', status: c.status, at: new Date(c.atMs).toISOString(), actorId: c.actorId },
      baseVersion: before.versionId,
      atMs: c.atMs,
    });
    audit.append({
      atMs: c.atMs,
      actorId: c.actorId,
      action: 'visit.status_changed',
      subjectType: 'Appointment',
      subjectId: c.visitId,
      details: { from: before.status, to: c.status, mutationId },
    });
    const after = visits.get(c.visitId) as Visit;
    return { visit: after, outboxEntry: outbox.get(mutationId) ?? null };
  });

  const applyPull = db.transaction((page: PulledPage): string[] => {
    const changed: string[] = [];
    for (const incoming of page.visits) {
      const held = visits.get(incoming.id);
      if (held && held.versionId === incoming.versionId && incoming.versionId !== null) continue;
      // Unsent changes stay on top until pushed: a status, and a move (who, where, when).
      const unsent = outbox.latestUnfinishedIntent(incoming.id);
      const move = outbox.latestUnfinishedMove(incoming.id);
      const shown = {
        ...incoming,
        ...(unsent ? { status: unsent.status } : {}),
        ...(move ? { practitioner: move.to.practitioner, room: move.to.room, start: move.to.start, end: move.to.end } : {}),
      };
      if (held && !move && (held.practitioner?.id ?? null) !== (shown.practitioner?.id ?? null)) {
        pulledMoves.push({
          visitId: incoming.id,
          from: { practitioner: held.practitioner, room: held.room, start: held.start, end: held.end },
          to: { practitioner: shown.practitioner, room: shown.room, start: shown.start, end: shown.end },
        });
      }
      visits.upsertMany([shown]);
      changed.push(incoming.id);
    }
    for (const id of page.removedIds ?? []) if (visits.remove(id)) changed.push(id);
    if (page.replaceRange) {
      const { fromMs, toMs, keepIds } = page.replaceRange;
      for (const id of visits.idsStartingIn(fromMs, toMs)) if (!keepIds.has(id) && visits.remove(id)) changed.push(id);
    }
    const atMs = page.atMs ?? 0;
    for (const resource of page.readResources ?? []) problems.clear(resource);
    for (const { resource, problem } of page.problems ?? []) problems.put(resource, problem, atMs);
    if (page.forgetProblemsNotSeenSince !== undefined) problems.clearNotSeenSince('', page.forgetProblemsNotSeenSince);
    if (page.syncState) syncState.put(page.syncState);
    return changed;
  });

  const recordPushed = db.transaction((mutationId: string, visitId: string, resultVersion: string | null, atMs: number) => {
    outbox.markDone(mutationId, atMs, resultVersion);
    if (resultVersion) outbox.rebaseUnfinished(visitId, resultVersion);
  });

  const recordConflict = db.transaction((mutationId: string, visitId: string, error: SyncError, atMs: number) => {
    outbox.markFailed(mutationId, 'conflict', error, atMs);
    visits.forgetVersion(visitId);
    syncState.forgetFullResync();
  });

  const saveRoomDevices = db.transaction((d: RoomDevices, actorId: string, atMs: number) => {
    devices.save(d, atMs);
    audit.append({ atMs, actorId, action: 'room.devices_saved', subjectType: 'Location', subjectId: d.roomId });
  });

  return {
    file,
    upsertVisits: (list) => bulkWrite(() => upsertVisits.immediate(list)),
    dayQueue: (filter) => {
      const progress = workflow.startingIn(filter.fromMs, filter.toMs);
      return visits.dayQueue(filter).map((v) => ({ ...v, workflow: progress.get(v.id) ?? EMPTY_WORKFLOW }));
    },
    getVisit: (id) => visits.get(id),
    getQueueVisit: (id) => {
      const v = visits.get(id);
      return v && withWorkflow(v);
    },
    recordOutcome: (command) => recordOutcome.immediate(command),
    markUrgent: (visitId, actorId, atMs) => markUrgent.immediate(visitId, actorId, atMs),
    resolveProblem: (mutationId, action, actorId, atMs) => resolveProblem.immediate(mutationId, action, actorId, atMs),
    lastOutcomeForCitizen: (citizenId, exceptVisitId) => workflow.lastForCitizen(citizenId, exceptVisitId),
    rooms: () => visits.rooms(),
    visitCount: () => visits.count(),
    citizenInTeam: (citizenId, teamId) => visits.citizenInTeam(citizenId, teamId),
    setVisitStatus: (command) => setVisitStatus.immediate(command),
    moveVisits: (commands) => moveVisits.immediate(commands),
    applyTeamState: (workflows, atMs) => applyTeamState.immediate(workflows, atMs),
    takePulledMoves: () => {
      const taken = pulledMoves;
      pulledMoves = [];
      return taken;
    },
    applyPull: (page) => bulkWrite(() => applyPull.immediate(page)),
    visitIdsStartingIn: (fromMs, toMs) => visits.idsStartingIn(fromMs, toMs),
    recordPushed: (mutationId, visitId, resultVersion, atMs) => recordPushed.immediate(mutationId, visitId, resultVersion, atMs),
    recordConflict: (mutationId, visitId, error, atMs) => recordConflict.immediate(mutationId, visitId, error, atMs),
    outbox,
    audit,
    syncState,
    syncProblems: problems,
    reportCache: reportCacheQueries(db),
    roomDevices: (roomId) => devices.get(roomId),
    saveRoomDevices: (d, actorId, atMs) => saveRoomDevices.immediate(d, actorId, atMs),
    recordCall: (call, staffId, atMs) => recordCall.immediate(call, staffId, atMs),
    recordVerdict: (command) => recordVerdict.immediate(command),
    recordInvitation: (command) => recordInvitation.immediate(command),
    callsForVisit: (visitId) => calls.forVisit(visitId),
    integrityCheck: () => (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; '),
    close: () => db.close(),
    isOpen: () => db.open,
  };
}
