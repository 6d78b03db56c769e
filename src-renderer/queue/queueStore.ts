import { createStore, type StoreApi } from 'zustand/vanilla';
import { CARE, type ApiClient, type AuthState, type QueueQuery, type RecordOutcome } from '../../src-shared/api/contract';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../../src-shared/workflow/outcome';
import type { OutboxEntry, OutboxSummary, SyncProblem, SyncStatus } from '../../src-shared/domain/outbox';
import type { QueueVisit, Staff } from '../../src-shared/domain/visit';
import type { AuditProblem } from '../../src-shared/domain/audit';

export type QueueScope = QueueQuery['scope'];

export interface QueueState {
  session: Staff | null;
  scope: QueueScope;
  visits: QueueVisit[];
  /** Which list `visits` is: until a changed scope's list arrives, the previous one stays on screen. */
  shownScope: QueueScope | null;
  retryPolicy: RetryPolicy;
  phase: 'loading' | 'signed-out' | 'ready' | 'error';
  /** How sign-in works, locked, asked to sign in again. */
  auth: AuthState | null;
  /** The IdP's page is open in the system browser. */
  signingIn: boolean;
  signInOptions: Staff[];
  signInError: string | null;
  sync: SyncStatus | null;
  /** Changes the EOJ refused or that conflict: shown until resolved. */
  problems: OutboxEntry[];
  /** Resources from the EOJ that could not be read: shown until they read well. */
  readProblems: SyncProblem[];
  /** Audit events the EOJ refused: shown until sent again. */
  auditProblems: AuditProblem[];
  loadError: string | null;
  saveError: string | null;
  outbox: OutboxSummary | null;
  /** Is the link to the main-process services up? */
  online: boolean;
  start(): Promise<() => void>;
  refresh(): Promise<void>;
  setScope(scope: QueueScope): Promise<void>;
  signIn(practitionerId: string): Promise<void>;
  /** Sign in (or unlock) at the municipality's IdP. */
  signInWithIdp(): Promise<void>;
  /** "Skift bruger": the session ends and nothing of it stays on screen. */
  signOut(): Promise<void>;
  lock(): Promise<void>;
  /**
   * Saves an outcome (store + outbox in one transaction in the main process). `onCommitted` runs
   * in the same tick as the queue takes the saved visit, so the caller's own updates (closing the
   * dialog) render together with it, once.
   */
  recordOutcome(input: RecordOutcome, onCommitted?: (visit: QueueVisit) => void): Promise<QueueVisit | null>;
  markUrgent(visitId: string): Promise<QueueVisit | null>;
  setOnline(online: boolean): void;
  resolveProblem(mutationId: string, action: 'accept_eoj' | 'retry'): Promise<void>;
  /** A refused audit event is sent again. */
  retryAuditEvent(eventId: string): Promise<void>;
  /** Re-reads a few visits after a local change (cheaper than the whole day). */
  patch(visitIds: readonly string[]): Promise<void>;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function createQueueStore(api: ApiClient): StoreApi<QueueState> {
  let latestRequest = 0;
  // Visits this client just changed: the mutation's answer already brought them, so the change
  // event that follows is not read back again.
  const ownChanges = new Map<string, number>();
  const own = (visitId: string) => ownChanges.set(visitId, (ownChanges.get(visitId) ?? 0) + 1);
  const disown = (visitId: string) => ownChanges.set(visitId, Math.max(0, (ownChanges.get(visitId) ?? 0) - 1));
  const isOwn = (ids: readonly string[]) => {
    if (ids.length === 0 || !ids.every((id) => (ownChanges.get(id) ?? 0) > 0)) return false;
    for (const id of ids) ownChanges.set(id, (ownChanges.get(id) ?? 1) - 1);
    return true;
  };
  return createStore<QueueState>()((set, get) => {
    /** Who is signed in changed: their day, or (signed out, locked) nothing personal at all. */
    const enter = async (session: Staff | null) => {
      const auth = await api.session.auth({});
      if (!session) {
        latestRequest++;
        ownChanges.clear();
        set({
          session: null,
          auth,
          phase: 'signed-out',
          visits: [],
          shownScope: null,
          problems: [],
          readProblems: [],
          auditProblems: [],
          sync: null,
          outbox: null,
          signInOptions: auth.method === 'pick' ? await api.session.signInOptions({}).catch(() => []) : [],
        });
        return;
      }
      if (get().session?.practitionerId === session.practitionerId && get().phase === 'ready') {
        set({ auth });
        return;
      }
      // A leader's work is the reports; there is no queue of calls for them.
      if (session.role === 'leader') {
        set({ session, auth, visits: [], phase: 'ready', signInError: null });
        return;
      }
      set({ session, auth, scope: session.roomId ? 'room' : 'mine', phase: 'loading', signInError: null, retryPolicy: await api.queue.retryPolicy({}) });
      await get().refresh();
      set({ sync: await api.sync.status({}) });
      await loadReadProblems();
    };
    // The outbox and the unreadable resources are the care staff's (the contract's CARE group); a leader has neither.
    const caring = () => {
      const role = get().session?.role;
      return role !== undefined && CARE.includes(role);
    };
    const loadProblems = async () => {
      if (caring()) set({ problems: await api.outbox.problems({}) });
    };
    /** The day's list of the chosen scope; with `outbox`, the outbox and its problems read again with it. */
    const load = async (outbox: boolean) => {
      const { session, scope } = get();
      if (!session) return;
      const asked = scope;
      const request = ++latestRequest;
      try {
        const query: QueueQuery = scope === 'room' && session.roomId ? { scope, roomId: session.roomId } : { scope: scope === 'room' ? 'mine' : scope };
        const [visits, rest] = await Promise.all([api.queue.today(query), outbox ? Promise.all([api.outbox.summary({}), api.outbox.problems({})]) : null]);
        // A slower, older answer must not overwrite a newer one.
        if (request === latestRequest)
          set({ visits, shownScope: asked, ...(rest ? { outbox: rest[0], problems: rest[1] } : {}), phase: 'ready', loadError: null });
      } catch (error) {
        if (request === latestRequest) set({ phase: 'error', loadError: message(error) });
      }
    };
    const loadReadProblems = async () => {
      if (caring()) set({ readProblems: await api.sync.problems({}) });
    };
    const loadAuditProblems = async () => {
      if (caring()) set({ auditProblems: await api.audit.problems({}) });
    };
    return {
      session: null,
      scope: 'room',
      visits: [],
      shownScope: null,
      retryPolicy: DEFAULT_RETRY_POLICY,
      phase: 'loading',
      loadError: null,
      saveError: null,
      outbox: null,
      online: true,
      auth: null,
      signingIn: false,
      signInOptions: [],
      signInError: null,
      sync: null,
      problems: [],
      readProblems: [],
      auditProblems: [],

      async start() {
        const stops = [
          api.events.onQueueChanged(
            {},
            {
              // A change made here (an outcome, a status) is patched in visit by visit; anything
              // else (a pull from the EOJ) reloads the day.
              onData: (change) => {
                if (change.reason === 'local' && isOwn(change.visitIds)) return;
                void (change.reason === 'local' && change.visitIds.length <= 5 ? get().patch(change.visitIds) : get().refresh());
              },
            },
          ),
          api.events.onOutboxChanged({}, { onData: (outbox) => set({ outbox }) }),
          api.events.onSyncStatus(
            {},
            {
              onData: (sync) => {
                const before = get().sync?.outbox;
                set({ sync, outbox: sync.outbox });
                // Read again in the background: a failure leaves the last list on screen until the next status.
                const keep = () => undefined;
                if (before?.conflict !== sync.outbox.conflict || before?.dead !== sync.outbox.dead) void loadProblems().catch(keep);
                if (sync.problems !== get().readProblems.length) void loadReadProblems().catch(keep);
                if ((sync.audit?.refused ?? 0) !== get().auditProblems.length) void loadAuditProblems().catch(keep);
              },
            },
          ),
        ];
        // Sign-in, sign-out, lock and unlock (here or through the IdP's redirect) all arrive here.
        stops.push(api.events.onSessionChanged({}, { onData: (session) => void enter(session) }));
        try {
          await enter(await api.session.current({}));
        } catch (error) {
          set({ phase: 'error', loadError: message(error) });
        }
        return () => stops.forEach((stop) => stop());
      },

      async signInWithIdp() {
        set({ signingIn: true, signInError: null });
        try {
          const { navigateTo } = await api.session.beginSignIn({});
          // Browser mode: to the IdP's page and back; Electron: the system browser did it.
          if (navigateTo) window.location.assign(navigateTo);
        } catch (error) {
          set({ signInError: message(error) });
        } finally {
          set({ signingIn: false });
        }
      },

      async signOut() {
        await api.session.signOut({});
        await enter(null);
      },

      async lock() {
        set({ auth: await api.session.lock({}) });
        await enter(null);
      },

      async signIn(practitionerId) {
        try {
          const session = await api.session.signIn({ practitionerId });
          set({ session, scope: session.roomId ? 'room' : 'mine', phase: 'loading', signInError: null, retryPolicy: await api.queue.retryPolicy({}) });
          await get().refresh();
        } catch (error) {
          set({ signInError: message(error) });
        }
      },

      refresh: () => load(true),

      async setScope(scope) {
        // The current list stays on screen until the new one is there (rows shared by both are kept).
        const ready = get().phase === 'ready';
        set({ scope, phase: ready ? 'ready' : 'loading' });
        // Only the list changes: the outbox and its problems are kept current by their events. Asked
        // for alone, the list shows as soon as it arrives, not after two more answers queued behind
        // its half a megabyte on the browser-mode socket.
        await load(!ready);
      },

      async recordOutcome(input, onCommitted) {
        try {
          own(input.visitId);
          const updated = await api.visit.recordOutcome(input);
          onCommitted?.(updated);
          set({ visits: get().visits.map((v) => (v.id === updated.id ? updated : v)), saveError: null });
          return updated;
        } catch (error) {
          disown(input.visitId);
          set({ saveError: message(error) });
          return null;
        }
      },

      async markUrgent(visitId) {
        try {
          own(visitId);
          const updated = await api.visit.markUrgent({ visitId });
          set({ visits: get().visits.map((v) => (v.id === updated.id ? updated : v)), saveError: null });
          return updated;
        } catch (error) {
          disown(visitId);
          set({ saveError: message(error) });
          return null;
        }
      },

      async resolveProblem(mutationId, action) {
        try {
          await api.outbox.resolve({ mutationId, action });
          await loadProblems();
          set({ outbox: await api.outbox.summary({}), saveError: null });
        } catch (error) {
          set({ saveError: message(error) });
        }
      },

      async retryAuditEvent(eventId) {
        try {
          await api.audit.retry({ eventId });
          await loadAuditProblems();
          set({ saveError: null });
        } catch (error) {
          set({ saveError: message(error) });
        }
      },

      async patch(visitIds) {
        try {
          const fresh = await Promise.all(visitIds.map((visitId) => api.visit.details({ visitId }).then((d) => d.visit)));
          const byId = new Map(fresh.map((v) => [v.id, v]));
          set({ visits: get().visits.map((v) => byId.get(v.id) ?? v), outbox: await api.outbox.summary({}) });
        } catch {
          await get().refresh();
        }
      },

      setOnline(online) {
        const wasOnline = get().online;
        set({ online });
        if (online && !wasOnline) void get().refresh();
      },
    };
  });
}
