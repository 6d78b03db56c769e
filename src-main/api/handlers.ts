import type { QueueVisit, Staff } from '../../src-shared/domain/visit.js';
import { DEFAULT_TEAM_SETTINGS, type TeamSettings } from '../../src-shared/team/members.js';
import { isBlocking, moveConsequences, slotOfVisit } from '../../src-shared/team/moves.js';
import { StoreError } from '../store/errors.js';
import { inQueueWindow, queueWindow } from '../../src-shared/queue/window.js';
import { careDay } from '../../src-shared/time/copenhagen.js';
import type { Clock } from '../../src-shared/time/clock.js';
import type { AppEvents } from '../events.js';
import { EMPTY_WORKFLOW, type RetryPolicy } from '../../src-shared/workflow/outcome.js';
import type { ScreenAwake } from '../services/screenAwake.js';
import type { SessionService } from '../services/session.js';
import type { VisitStore } from '../store/visitStore.js';
import type { ApiHandlers } from './handlerTypes.js';
import { createReportComputer } from '../reports/compute.js';
import { createReportService, type ReportService } from '../reports/service.js';
import { createLogger } from '../log.js';
import { createAuditTrailService, type AuditTrailService } from '../audit/trail.js';

export class NotSignedInError extends Error {
  constructor() {
    super('Log ind for at se og ændre dagens besøg');
  }
}

/** A move the board must not make (a call in progress, a closed visit): nothing was written. */
export class MoveRefusedError extends Error {
  constructor(readonly visitIds: string[]) {
    super(`Flytningen er ikke gemt: ${visitIds.length === 1 ? 'besøget' : `${visitIds.length} besøg`} kan ikke flyttes (i gang eller afsluttet)`);
  }
}

export interface HandlerDeps {
  store: VisitStore;
  session: SessionService;
  events: AppEvents;
  clock: Clock;
  screenAwake?: ScreenAwake;
  retryPolicy: RetryPolicy;
  teamSettings?: TeamSettings;
  /** Leadership reports (default: a service of its own with its own worker thread). */
  reports?: ReportService;
  /** Who has seen a citizen's information (default: one of its own over the same store and session). */
  auditTrail?: AuditTrailService;
}

/** The one implementation of the API contract, shared by the Electron and browser transports. */
export function createApiHandlers({
  store,
  session,
  events,
  clock,
  screenAwake,
  retryPolicy,
  teamSettings = DEFAULT_TEAM_SETTINGS,
  ...deps
}: HandlerDeps): ApiHandlers {
  const reports = deps.reports ?? createReportService({ store, session, clock, computer: createReportComputer(), logger: createLogger('silent') });
  const auditTrail = deps.auditTrail ?? createAuditTrailService({ store, session, clock });
  // Who acts: the router has already checked the role the contract asks for, so someone is signed in.
  const actor = (): Staff => {
    const staff = session.current();
    if (!staff) throw new NotSignedInError();
    return staff;
  };
  /** A local change was written: the UI refreshes and the outbox is pushed soon. */
  // The change is committed when the mutation returns; the others are told right after, so the
  // answer to the one who made it is not queued behind the events.
  const changed = (visitId: string) =>
    setImmediate(() => {
      if (!store.isOpen()) return;
      events.emit('queueChanged', { visitIds: [visitId], reason: 'local' });
      events.emit('outboxChanged', store.outbox.summary());
      session.localChange();
    });
  const visitId = (input: { visitId: string }) => input.visitId;
  return {
    session: {
      // While locked nobody is shown as signed in: the renderer shows the lock screen.
      current: () => (session.auth().locked ? null : session.current()),
      auth: () => session.auth(),
      signInOptions: () => session.signInOptions(),
      signIn: ({ practitionerId }) => session.signIn(practitionerId),
      beginSignIn: async () => ({ navigateTo: await session.beginSignIn() }),
      signOut: async () => {
        await session.signOut();
        return { signedOut: true };
      },
      lock: () => session.lock('idle'),
    },
    clock: {
      now: () => ({ now: clock.now().toISOString() }),
    },
    sync: {
      status: () => session.syncStatus(),
      now: () => session.syncNow(),
      problems: () => store.syncProblems.list(),
    },
    rooms: {
      list: () => store.rooms(),
    },
    screen: {
      keepAwake: ({ on }) => {
        if (!screenAwake) return { held: false };
        if (!on) {
          screenAwake.release();
          return { held: false };
        }
        return { held: screenAwake.hold() };
      },
    },
    queue: {
      today: (q) => {
        const staff = actor();
        // A named day is that calendar day; "today" is the shift's view around now (src-shared/queue/window.ts).
        const window = q.day ? null : queueWindow(clock.now());
        const day = careDay(q.day ? new Date(q.day) : clock.now());
        const range = window ? { fromMs: window.fromMs, toMs: window.toMs } : { fromMs: day.start.getTime(), toMs: day.end.getTime() };
        const visits =
          q.scope === 'room'
            ? store.dayQueue({ ...range, roomId: q.roomId as string })
            : q.scope === 'mine'
              ? store.dayQueue({ ...range, practitionerId: staff.practitionerId })
              : store.dayQueue({ ...range, teamId: staff.teamId });
        // Cancelled visits leave the queue (they stay in the store until the next resync).
        return visits.filter((v) => v.status !== 'cancelled' && (!window || inQueueWindow(v, window)));
      },
      retryPolicy: () => retryPolicy,
    },
    visit: {
      setStatus: ({ visitId, status }) => {
        const staff = actor();
        const { visit, outboxEntry } = store.setVisitStatus({ visitId, status, actorId: staff.practitionerId, atMs: clock.nowMs() });
        if (outboxEntry) {
          events.emit('queueChanged', { visitIds: [visitId], reason: 'local' });
          events.emit('outboxChanged', store.outbox.summary());
          session.localChange();
        }
        return store.getQueueVisit(visit.id) ?? { ...visit, workflow: EMPTY_WORKFLOW };
      },
      details: ({ visitId }) => {
        actor();
        const visit = store.getQueueVisit(visitId);
        if (!visit) throw new StoreError('VISIT_NOT_FOUND', `Besøget findes ikke i dagens kø (${visitId})`);
        return { visit, lastOutcome: store.lastOutcomeForCitizen(visit.citizen.id, visitId), calls: store.callsForVisit(visitId) };
      },
      recordOutcome: (input) => {
        const staff = actor();
        const { visit } = store.recordOutcome({ ...input, actorId: staff.practitionerId, atMs: clock.nowMs(), policy: retryPolicy });
        changed(visitId(input));
        return visit;
      },
      markUrgent: ({ visitId }) => {
        const staff = actor();
        const { visit } = store.markUrgent(visitId, staff.practitionerId, clock.nowMs());
        changed(visitId);
        return visit;
      },
      revealCpr: async ({ visitId }) => {
        const staff = actor();
        const visit = store.getVisit(visitId);
        if (!visit) throw new StoreError('VISIT_NOT_FOUND', `Besøget findes ikke i dagens kø (${visitId})`);
        const cpr = await session.revealCpr(visit.citizen.id);
        // Who saw the full number, for which visit, when: the audit log, never the application log.
        store.audit.append({
          atMs: clock.nowMs(),
          actorId: staff.practitionerId,
          action: 'citizen.cpr_revealed',
          subjectType: 'Patient',
          subjectId: visit.citizen.id,
          details: { visitId },
        });
        return { cpr };
      },
      recordVerdict: ({ visitId, callId, verdict }) => {
        const staff = actor();
        const recorded = store.recordVerdict({ visitId, callId, verdict, actorId: staff.practitionerId, atMs: clock.nowMs() });
        if (recorded) changed(visitId);
        return { recorded };
      },
      recordInvitation: ({ visitId, relatedPersonId, validFrom }) => {
        const staff = actor();
        const mutationId = store.recordInvitation({ visitId, relatedPersonId, validFrom, actorId: staff.practitionerId, atMs: clock.nowMs() });
        changed(visitId);
        return { mutationId };
      },
    },
    reports: {
      get: ({ query, refresh }) => reports.get(actor(), query, refresh ?? false),
      export: ({ query, format, lang }) => reports.exportFile(actor(), query, format, lang),
      overview: ({ period, refresh }) => reports.overview(actor(), period, refresh ?? false),
      overviewExport: ({ period, format, lang }) => reports.exportOverview(actor(), period, format, lang),
    },
    audit: {
      trail: ({ citizenId, cursor }) => auditTrail.page(actor(), citizenId, cursor ?? null),
      export: ({ citizenId, lang }) => auditTrail.exportCsv(actor(), citizenId, lang),
      problems: () => store.audit.problems(),
      retry: ({ eventId }) => {
        actor();
        const retried = store.audit.requeue(eventId, clock.nowMs());
        if (retried) session.localChange();
        return { retried };
      },
    },
    board: {
      day: async ({ day }) => {
        const staff = actor();
        const range = careDay(day ? new Date(day) : clock.now());
        const visits = store
          .dayQueue({ fromMs: range.start.getTime(), toMs: range.end.getTime(), teamId: staff.teamId })
          .filter((v) => v.status !== 'cancelled');
        return { day: range.start.toISOString(), visits, members: await session.teamMembers(visits), settings: teamSettings };
      },
      move: async ({ moves }) => {
        const staff = actor();
        const atMs = clock.nowMs();
        const context = store.dayQueue({ fromMs: atMs - 36 * 3_600_000, toMs: atMs + 36 * 3_600_000, teamId: staff.teamId });
        const blocked = [...moveConsequences(moves, { visits: context, members: [], settings: teamSettings, inCall: new Set() })]
          .filter(([, found]) => found.some(isBlocking))
          .map(([visitId]) => visitId);
        if (moves.some((m) => !context.some((v) => v.id === m.visitId))) throw new StoreError('VISIT_NOT_FOUND', 'Besøget findes ikke i teamets dag');
        // A call in progress or a closed visit is never moved: nothing of the move is written.
        if (blocked.length > 0) throw new MoveRefusedError(blocked);
        const before = moves.map((m) => context.find((v) => v.id === m.visitId) as QueueVisit);
        const { visits } = store.moveVisits(moves.map((m) => ({ visitId: m.visitId, to: m.to, actorId: staff.practitionerId, atMs })));
        events.emit('queueChanged', { visitIds: moves.map((m) => m.visitId), reason: 'local' });
        events.emit('outboxChanged', store.outbox.summary());
        session.localChange();
        return { visits, undo: before.map((v) => ({ visitId: v.id, to: slotOfVisit(v) })) };
      },
    },
    calls: {
      ticket: () => session.callTicket(),
      record: (call) => {
        const staff = actor();
        store.recordCall(call, staff.practitionerId, clock.nowMs());
        const durationSeconds = call.connectedAt ? Math.max(0, Math.round((Date.parse(call.endedAt) - Date.parse(call.connectedAt)) / 1000)) : 0;
        return { ...call, durationSeconds };
      },
      forVisit: ({ visitId }) => {
        actor();
        return store.callsForVisit(visitId);
      },
    },
    outbox: {
      summary: () => store.outbox.summary(),
      problems: () => store.outbox.problems(),
      resolve: ({ mutationId, action }) => {
        const staff = actor();
        const resolved = store.resolveProblem(mutationId, action, staff.practitionerId, clock.nowMs());
        if (resolved) {
          events.emit('outboxChanged', store.outbox.summary());
          // The EOJ's version is read again (a full resync), and a retried row goes out.
          void session.syncNow().catch(() => undefined);
        }
        return { resolved };
      },
    },
    devices: {
      forRoom: ({ roomId }) => store.roomDevices(roomId),
      saveForRoom: (devices) => {
        store.saveRoomDevices(devices, actor().practitionerId, clock.nowMs());
        return devices;
      },
    },
    events: {
      onQueueChanged: (_input, signal) => events.stream('queueChanged', signal),
      onOutboxChanged: (_input, signal) => events.stream('outboxChanged', signal),
      onSyncStatus: (_input, signal) => events.stream('syncStatus', signal),
      onSessionChanged: (_input, signal) => events.stream('sessionChanged', signal),
      onPushed: (_input, signal) => events.stream('pushed', signal),
    },
  };
}
