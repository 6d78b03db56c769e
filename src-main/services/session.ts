import { demoDay } from '../../src-shared/demo/demoDay.js';
import type { SyncStatus } from '../../src-shared/domain/outbox.js';
import type { QueueVisit, Staff, StaffRole } from '../../src-shared/domain/visit.js';
import type { AuthState } from '../../src-shared/api/contract.js';
import { primaryRole } from '../../src-shared/auth/roles.js';
import { createOidcLogin, SignInRefused, type OidcLogin, type SignedInTokens } from '../auth/oidc.js';
import { osRefreshVault, type RefreshVault } from '../auth/refreshVault.js';
import { refreshDelayMs, retryDelayMs } from '../auth/refreshSchedule.js';
import type { TeamMember } from '../../src-shared/team/members.js';
import { createTeamDirectory, type TeamDirectory } from './team.js';
import type { Clock } from '../../src-shared/time/clock.js';
import type { MainConfig } from '../config.js';
import { EojError } from '../eoj/errors.js';
import { createEojGateway, type EojGateway } from '../eoj/gateway.js';
import type { StaffIdentity } from '../eoj/identity.js';
import type { Logger } from '../log.js';
import type { VisitStore } from '../store/visitStore.js';
import { createSyncEngine, type SyncEngine } from '../sync/engine.js';
import type { AppEvents } from '../events.js';

/**
 * Who is signed in, and the EOJ connection that belongs to them. Two ways in:
 * - demo (no EOJ configured): pick a demo staff member, local data only, sync disabled;
 * - an EOJ (the sandbox or a municipality's): OpenID Connect with PKCE at the IdP (src-main/auth).
 *   The access token lives in memory only, the refresh token only in the OS keychain.
 * A locked session keeps syncing (nothing waits on the person) but its role is withheld, so the
 * API refuses personal data until the IdP is passed again by the same person.
 */
export class SignInError extends Error {}

/** How long "Skift bruger" waits for the person's audit events to reach the EOJ under their sign-in. */
const SIGN_OUT_AUDIT_FLUSH_MS = 1_500;

/** How the IdP's page is reached and comes back (browser mode: the page navigates; Electron: the system browser). */
export type SignInRoute =
  { kind: 'navigate'; redirectUri: string } | { kind: 'external'; run(authorize: (redirectUri: string) => Promise<string>): Promise<string> };

export interface SessionService {
  /** Who is signed in (also while locked: the outbox and sync still act for them). */
  current(): Staff | null;
  /** The role the API grants now: null when nobody is signed in or the session is locked. */
  grantedRole(): StaffRole | null;
  auth(): AuthState;
  signInOptions(): Promise<Staff[]>;
  /** The demo's pick-list sign-in (no EOJ). */
  signIn(practitionerId: string): Promise<Staff>;
  useSignInRoute(route: SignInRoute): void;
  /** Starts sign-in at the IdP (or unlock): the address to go to, or null when the system browser was opened. */
  beginSignIn(): Promise<string | null>;
  /** The IdP's redirect came back (browser mode's callback, or Electron's loopback listener). */
  completeSignIn(callbackUrl: string): Promise<Staff>;
  /** "Skift bruger": tokens wiped from memory and keychain, the next sign-in asks for the password. */
  signOut(): Promise<void>;
  lock(reason: 'idle' | 'manual'): AuthState;
  syncStatus(): SyncStatus;
  /** Signalling address and the token to authenticate with, once signed in against an EOJ. */
  callTicket(): { signallingUrl: string; token: string } | null;
  syncNow(): Promise<SyncStatus>;
  /**
   * The citizen's full CPR number, read from the EOJ when asked for (it is never stored on the
   * client). The demo without an EOJ answers from its made-up citizens.
   */
  revealCpr(citizenId: string): Promise<string>;
  /** A local change was written: push it soon. */
  localChange(): void;
  /** The signed-in team's members with rooms and hours (the team lead's board). */
  teamMembers(visits: readonly QueueVisit[]): Promise<TeamMember[]>;
  /** The EOJ as the signed-in person reaches it (reports read from it); null signed out, locked or without one. */
  eoj(): EojGateway | null;
  /** Sends the audit events waiting now, for at most `timeoutMs` (what was just done shows in the EOJ's trail). */
  flushAudit(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export function createSessionService(deps: {
  config: MainConfig;
  store: VisitStore;
  events: AppEvents;
  logger: Logger;
  clock: Clock;
  /** The refresh token's place in the OS keychain (tests give a profile of their own). */
  vault?: RefreshVault;
}): SessionService {
  const { config, store, events, logger, clock } = deps;
  const eoj = config.eoj;
  let staff: Staff | null = null;
  let token: string | null = null;
  let locked = false;
  let reauth = false;
  let lastError: string | null = null;
  /** After "Skift bruger" the IdP must ask for the password, not reuse its SSO session. */
  let forceLogin = false;
  let route: SignInRoute | null = null;
  let refreshTimer: ReturnType<typeof setTimeout> | null = null;
  let refreshToken: string | null = null;
  let engine: SyncEngine | null = null;
  let directory: TeamDirectory | null = null;
  let directoryTeam: string | null = null;
  const vault = deps.vault ?? osRefreshVault(config.profile);
  const gateway: EojGateway | null = eoj
    ? createEojGateway({ baseUrl: eoj.url, token: () => token, clock, teamLink: eoj.teamLink, klCodes: eoj.klCodes })
    : null;
  let login: Promise<OidcLogin> | null = null;

  /** The IdP: configured, or found through the EOJ's SMART configuration (the sandbox's way). */
  const oidcLogin = () =>
    (login ??= (async () => {
      if (!eoj) throw new SignInError('Ingen EOJ er sat op; demoen logger ind fra listen');
      const issuer = config.oidc.issuer ?? (await gateway?.smartIssuer()) ?? null;
      if (!issuer) throw new SignInError('EOJ oplyser ikke hvor man logger ind; sæt SKAERMRUM_OIDC_ISSUER');
      return createOidcLogin(
        { issuer, clientId: config.oidc.clientId, scopes: config.oidc.scopes, resource: config.oidc.resource, roleMapping: config.oidc.roleMapping },
        clock,
      );
    })().catch((error: unknown) => {
      login = null;
      throw error instanceof SignInError ? error : new SignInError('Kommunens login (IdP) kan ikke nås lige nu. Prøv igen om lidt.', { cause: error });
    }));

  const disabledStatus = (): SyncStatus => ({
    state: 'disabled',
    lastSuccessAt: null,
    error: null,
    nextAttemptAt: null,
    outbox: store.outbox.summary(),
    problems: store.syncProblems.count(),
    unrecognised: { participants: 0, identifiers: 0, extensions: 0 },
    staleAfterSeconds: config.staleAfterSeconds,
  });
  const authState = (): AuthState => ({ method: eoj ? 'idp' : 'pick', locked, reauth, error: lastError, lockAfterMinutes: config.lockAfterMinutes });
  const announce = () => events.emit('sessionChanged', locked ? null : staff);
  async function begin(next: Staff): Promise<Staff> {
    // A different person on the same session's engine would push under the wrong name: restart it.
    if (staff?.practitionerId !== next.practitionerId || staff.teamId !== next.teamId) {
      await engine?.stop();
      engine = null;
    }
    staff = next;
    if (gateway && !engine) {
      engine = createSyncEngine({
        eoj: gateway,
        store,
        teamId: next.teamId,
        events,
        logger,
        clock,
        intervalMs: eoj?.syncIntervalMs ?? 10_000,
        staleAfterSeconds: config.staleAfterSeconds,
        // The audit log goes under the sign-in of whoever is signed in: theirs, and the room PC's own.
        audit: { sender: () => staff?.practitionerId ?? null, workstation: config.workstation },
      });
      engine.start();
    }
    store.audit.setActor({ practitionerId: next.practitionerId, role: next.role, roomId: next.roomId });
    store.audit.append({ atMs: clock.nowMs(), actorId: next.practitionerId, action: 'session.signed_in', details: { role: next.role } });
    announce();
    return next;
  }

  function refused(actorId: string, reason: string): SignInError {
    lastError = reason;
    store.audit.append({ atMs: clock.nowMs(), actorId, action: 'session.sign_in_refused', details: { reason } });
    announce();
    return new SignInError(reason);
  }

  /** Renew the access token before it expires; a refusal asks for sign-in again, the outbox waits. */
  function scheduleRefresh(expiresAtMs: number, attempt = 0) {
    if (refreshTimer) clearTimeout(refreshTimer);
    refreshTimer = null;
    if (!refreshToken) return;
    const delay = attempt === 0 ? refreshDelayMs(clock.nowMs(), expiresAtMs) : retryDelayMs(clock.nowMs(), expiresAtMs, attempt);
    if (delay === null) return needSignInAgain('expired');
    refreshTimer = setTimeout(() => void renew(expiresAtMs, attempt), delay);
    refreshTimer.unref?.();
  }

  async function renew(expiresAtMs: number, attempt: number): Promise<void> {
    const current = refreshToken;
    if (!current || !staff) return;
    try {
      const tokens = await (await oidcLogin()).refresh(current);
      if (refreshToken !== current) return; // signed out meanwhile
      token = tokens.accessToken;
      await keepRefreshToken(tokens.refreshToken);
      scheduleRefresh(tokens.expiresAtMs);
      engine?.trigger();
    } catch (error) {
      if (error instanceof SignInRefused && error.final) return needSignInAgain('refused');
      logger.warn({ attempt }, 'token refresh failed, will retry');
      scheduleRefresh(expiresAtMs, attempt + 1);
    }
  }

  function needSignInAgain(reason: 'refused' | 'expired') {
    token = null;
    reauth = true;
    lastError = 'Log ind igen for at fortsætte. Dine ændringer venter og sendes, når du er logget ind.';
    if (staff) store.audit.append({ atMs: clock.nowMs(), actorId: staff.practitionerId, action: 'session.refresh_refused', details: { reason } });
    void keepRefreshToken(null);
    announce();
  }

  async function keepRefreshToken(next: string | null) {
    refreshToken = next;
    try {
      if (next) await vault.write(next);
      else await vault.wipe();
    } catch {
      logger.warn({}, 'keychain unavailable for the refresh token');
    }
  }

  async function signedInFrom(tokens: SignedInTokens): Promise<Staff> {
    const role = primaryRole(tokens.roles);
    if (!role) throw refused(tokens.sub, 'Din bruger har ingen rolle i Skærmrum. Kontakt din leder eller IT.');
    if (locked && staff && staff.practitionerId !== tokens.sub) {
      // Someone else unlocked: the first session ends before the second begins.
      await endSession('switched');
    }
    let identity: StaffIdentity = { name: null, roomId: null, teamId: null };
    token = tokens.accessToken;
    try {
      if (gateway) identity = await gateway.staffIdentity(tokens.sub, clock.now());
    } catch (error) {
      logger.warn({ kind: error instanceof EojError ? error.kind : 'other' }, 'identity lookup failed');
    }
    const teamId = tokens.team ?? eoj?.teamId ?? identity.teamId;
    if (!teamId) throw refused(tokens.sub, 'Dit team kunne ikke findes (hverken i login eller i EOJ). Kontakt IT.');
    await keepRefreshToken(tokens.refreshToken);
    scheduleRefresh(tokens.expiresAtMs);
    // What waited for a sign-in (refused with 401 meanwhile, backing off) goes out now.
    store.outbox.retryNow(clock.nowMs());
    const wasLocked = locked;
    locked = false;
    reauth = false;
    lastError = null;
    forceLogin = false;
    if (wasLocked && staff?.practitionerId === tokens.sub) {
      store.audit.append({ atMs: clock.nowMs(), actorId: tokens.sub, action: 'session.unlocked' });
      announce();
      engine?.trigger();
      return staff;
    }
    const next = await begin({ practitionerId: tokens.sub, name: tokens.name ?? identity.name ?? tokens.sub, teamId, role, roomId: identity.roomId });
    engine?.trigger();
    return next;
  }

  async function endSession(reason: 'signed_out' | 'switched') {
    const who = staff;
    if (refreshTimer) clearTimeout(refreshTimer);
    refreshTimer = null;
    if (who) store.audit.append({ atMs: clock.nowMs(), actorId: who.practitionerId, action: 'session.signed_out', details: { reason } });
    // What this person did goes to the EOJ under their own sign-in while it lasts (else at their next).
    if (token) await engine?.flushAudit(SIGN_OUT_AUDIT_FLUSH_MS);
    const revoke = refreshToken;
    token = null;
    await keepRefreshToken(null);
    if (revoke)
      void oidcLogin().then(
        (l) => l.revoke(revoke),
        () => undefined,
      );
    await engine?.stop();
    engine = null;
    staff = null;
    locked = false;
    reauth = false;
    forceLogin = true;
    directory = null;
    store.audit.setActor(null);
    announce();
  }

  if (!eoj) {
    staff = demoDay(clock.now()).staff.find((s) => s.practitionerId === config.staffId) ?? null;
    if (!staff) throw new Error(`Ukendt medarbejder ${config.staffId} (SKAERMRUM_STAFF_ID)`);
    store.audit.setActor({ practitionerId: staff.practitionerId, role: staff.role, roomId: staff.roomId });
  }

  return {
    current: () => staff,
    // Asked to sign in again, the person keeps working (the outbox waits); locked, nobody is granted anything.
    grantedRole: () => (locked ? null : (staff?.role ?? null)),
    auth: authState,
    async revealCpr(citizenId) {
      if (!gateway) {
        const cpr = demoDay(clock.now()).citizens.find((c) => c.id === citizenId)?.cpr;
        if (!cpr) throw new SignInError('Borgeren findes ikke');
        return cpr;
      }
      const cpr = await gateway.citizenCpr(citizenId, clock.now());
      if (!cpr) throw new SignInError('EOJ har intet gældende CPR-nummer for borgeren');
      return cpr;
    },
    signInOptions: async () => (eoj ? [] : demoDay(clock.now()).staff),
    async signIn(practitionerId) {
      if (eoj) throw new SignInError('Log ind sker gennem kommunens login');
      const demo = demoDay(clock.now()).staff.find((s) => s.practitionerId === practitionerId);
      if (!demo) throw new SignInError('Ukendt medarbejder');
      if (locked && staff && staff.practitionerId !== practitionerId) await endSession('switched');
      if (locked) {
        locked = false;
        store.audit.append({ atMs: clock.nowMs(), actorId: practitionerId, action: 'session.unlocked' });
      }
      return begin(demo);
    },
    useSignInRoute(next) {
      route = next;
    },
    async beginSignIn() {
      if (!eoj) throw new SignInError('Demoen logger ind fra listen');
      if (!route) throw new SignInError('Log ind er ikke klar endnu');
      const oidcClient = await oidcLogin();
      const options = { forceLogin };
      if (route.kind === 'navigate') return oidcClient.begin(route.redirectUri, options);
      const callbackUrl = await route.run((redirectUri) => oidcClient.begin(redirectUri, options));
      await this.completeSignIn(callbackUrl);
      return null;
    },
    async completeSignIn(callbackUrl) {
      let tokens: SignedInTokens;
      try {
        tokens = await (await oidcLogin()).finish(callbackUrl);
      } catch (error) {
        throw refused(staff?.practitionerId ?? 'unknown', error instanceof Error ? error.message : 'Log ind mislykkedes');
      }
      return signedInFrom(tokens);
    },
    signOut: () => endSession('signed_out'),
    lock(reason) {
      if (staff && !locked) {
        locked = true;
        store.audit.append({ atMs: clock.nowMs(), actorId: staff.practitionerId, action: 'session.locked', details: { reason } });
        announce();
      }
      return authState();
    },
    syncStatus: () => engine?.status() ?? disabledStatus(),
    callTicket: () => (staff && token && !locked && config.signallingUrl ? { signallingUrl: config.signallingUrl, token } : null),
    async syncNow() {
      if (!engine) return disabledStatus();
      await engine.syncNow();
      return engine.status();
    },
    localChange: () => engine?.trigger(),
    async teamMembers(visits) {
      if (!staff) return [];
      if (!directory || directoryTeam !== staff.teamId) {
        directoryTeam = staff.teamId;
        directory = createTeamDirectory({ eoj: gateway, teamId: staff.teamId, clock, demoMembers: () => demoDay(clock.now()).members });
      }
      return directory.members(visits);
    },
    eoj: () => (gateway && staff && !locked ? gateway : null),
    flushAudit: async (timeoutMs) => {
      if (token) await engine?.flushAudit(timeoutMs);
    },
    close: async () => {
      if (refreshTimer) clearTimeout(refreshTimer);
      await engine?.stop();
    },
  };
}
