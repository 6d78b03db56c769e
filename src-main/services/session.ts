import { CPR_SYSTEM } from '../../src-shared/fhir/schemas.js';
import { z } from 'zod';
import { demoDay } from '../../src-shared/demo/demoDay.js';
import type { SyncStatus } from '../../src-shared/domain/outbox.js';
import type { QueueVisit, Staff } from '../../src-shared/domain/visit.js';
import type { TeamMember } from '../../src-shared/team/members.js';
import { createTeamDirectory, type TeamDirectory } from './team.js';
import { displayName } from '../../src-shared/fhir/mapping.js';
import { parseReference } from '../../src-shared/fhir/references.js';
import { Bundle, PractitionerRole } from '../../src-shared/fhir/schemas.js';
import type { Clock } from '../../src-shared/time/clock.js';
import type { MainConfig } from '../config.js';
import { createFhirClient, EojError, type FhirClient } from '../eoj/fhirClient.js';
import type { Logger } from '../log.js';
import type { VisitStore } from '../store/visitStore.js';
import { createSyncEngine, type SyncEngine } from '../sync/engine.js';
import type { AppEvents } from './events.js';

/**
 * Who is signed in, and the EOJ connection that belongs to them. Three modes:
 * - demo (no EOJ configured): a demo staff member, local data only, sync disabled;
 * - sandbox EOJ: sign in by choosing a demo staff member; the sandbox issues a signed token;
 * - real EOJ: a bearer token from the municipal IdP, given in the configuration.
 * The token lives in memory only.
 */
export class SignInError extends Error {}

const SandboxStaff = z.array(
  z.object({ practitionerId: z.string().min(1), name: z.string(), teamId: z.string().min(1), role: z.enum(['staff', 'team_lead']) }),
);
const SandboxLogin = z.object({ token: z.string().min(20), staff: SandboxStaff.element });

export interface SessionService {
  current(): Staff | null;
  signInOptions(): Promise<Staff[]>;
  signIn(practitionerId: string): Promise<Staff>;
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
  close(): Promise<void>;
}

export function createSessionService(deps: { config: MainConfig; store: VisitStore; events: AppEvents; logger: Logger; clock: Clock }): SessionService {
  const { config, store, events, logger, clock } = deps;
  const eoj = config.eoj;
  let staff: Staff | null = null;
  let token: string | null = eoj?.token ?? null;
  let engine: SyncEngine | null = null;
  let directory: TeamDirectory | null = null;
  let directoryTeam: string | null = null;
  const client: FhirClient | null = eoj ? createFhirClient({ baseUrl: eoj.url, token: () => token, clock }) : null;
  const authBase = eoj ? new URL('/auth', eoj.url).toString() : '';

  const disabledStatus = (): SyncStatus => ({
    state: 'disabled',
    lastSuccessAt: null,
    error: null,
    nextAttemptAt: null,
    outbox: store.outbox.summary(),
    problems: store.syncProblems.count(),
  });

  /**
   * Who the staff member is in the EOJ: the name on their Practitioner, and the video room
   * (Location) and skærmenhed (HealthcareService) of their PractitionerRole. What the EOJ lacks stays null.
   */
  async function identityOf(practitionerId: string): Promise<{ name: string | null; roomId: string | null; teamId: string | null }> {
    if (!client) return { name: null, roomId: null, teamId: null };
    const [practitioner, roles] = await Promise.all([
      client.read('Practitioner', practitionerId).catch((error: unknown) => {
        if (error instanceof EojError && error.status === 404) return null;
        throw error;
      }),
      client.request('GET', `PractitionerRole?practitioner=Practitioner/${encodeURIComponent(practitionerId)}`, Bundle),
    ]);
    const role = (roles.body.entry ?? []).map((e) => PractitionerRole.safeParse(e.resource)).find((r) => r.success)?.data;
    const idOf = (reference: string | undefined, type: string) => {
      const ref = parseReference(reference, client.baseUrl);
      return ref?.kind === 'resource' && ref.type === type ? ref.id : null;
    };
    return {
      name: displayName(practitioner?.body.name) || null,
      roomId: role?.location?.map((l) => idOf(l.reference, 'Location')).find((id) => id !== null) ?? null,
      teamId: role?.healthcareService?.map((h) => idOf(h.reference, 'HealthcareService')).find((id) => id !== null) ?? null,
    };
  }

  async function begin(next: Staff): Promise<Staff> {
    await engine?.stop();
    staff = next;
    if (client) {
      engine = createSyncEngine({
        client,
        store,
        teamId: next.teamId,
        teamLink: eoj?.teamLink ?? 'healthcare-service',
        events,
        logger,
        clock,
        intervalMs: eoj?.syncIntervalMs ?? 10_000,
      });
      engine.start();
    }
    store.audit.append({ atMs: clock.nowMs(), actorId: next.practitionerId, action: 'session.signed_in' });
    events.emit('sessionChanged', next);
    return next;
  }

  if (!eoj) {
    staff = demoDay(clock.now()).staff.find((s) => s.practitionerId === config.staffId) ?? null;
    if (!staff) throw new Error(`Ukendt medarbejder ${config.staffId} (SKAERMRUM_STAFF_ID)`);
  } else if (eoj.token) {
    // A real EOJ with a token from the municipal IdP: who it belongs to is read from the EOJ.
    const practitionerId = config.staffId;
    void identityOf(practitionerId)
      .catch((error: unknown) => {
        logger.warn({ kind: error instanceof EojError ? error.kind : 'other' }, 'identity lookup failed');
        return { name: null, roomId: null, teamId: null };
      })
      .then((identity) => {
        const teamId = eoj.teamId ?? identity.teamId;
        if (!teamId) {
          logger.error({}, 'no team: set SKAERMRUM_TEAM_ID or give the PractitionerRole a healthcareService');
          return;
        }
        return begin({ practitionerId, name: identity.name ?? practitionerId, teamId, role: 'staff', roomId: identity.roomId });
      });
  }

  return {
    current: () => staff,
    async revealCpr(citizenId) {
      if (!client) {
        const cpr = demoDay(clock.now()).citizens.find((c) => c.id === citizenId)?.cpr;
        if (!cpr) throw new SignInError('Borgeren findes ikke');
        return cpr;
      }
      const patient = await client.read('Patient', citizenId);
      const cpr = patient.body.identifier?.find((i) => i.system === CPR_SYSTEM)?.value;
      if (!cpr) throw new SignInError('EOJ har intet CPR-nummer for borgeren');
      return cpr;
    },
    async signInOptions() {
      if (!eoj) return demoDay(clock.now()).staff;
      if (!eoj.sandbox) return [];
      try {
        const res = await fetch(`${authBase}/staff`, { signal: AbortSignal.timeout(5_000) });
        return SandboxStaff.parse(await res.json()).map((s) => ({ ...s, roomId: null }));
      } catch (cause) {
        throw new SignInError('Sandkasse-EOJ kan ikke nås, så der kan ikke logges ind lige nu', { cause });
      }
    },
    async signIn(practitionerId) {
      if (!eoj) {
        const demo = demoDay(clock.now()).staff.find((s) => s.practitionerId === practitionerId);
        if (!demo) throw new SignInError('Ukendt medarbejder');
        return begin(demo);
      }
      if (!eoj.sandbox) throw new SignInError('Log ind sker gennem kommunens login (IdP)');
      let login: z.infer<typeof SandboxLogin>;
      try {
        const res = await fetch(`${authBase}/sandbox-login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ practitionerId }),
          signal: AbortSignal.timeout(5_000),
        });
        if (!res.ok) throw new SignInError(res.status === 404 ? 'Ukendt medarbejder' : `Log ind fejlede (HTTP ${res.status})`);
        login = SandboxLogin.parse(await res.json());
      } catch (error) {
        throw error instanceof SignInError ? error : new SignInError('Sandkasse-EOJ kan ikke nås, så der kan ikke logges ind lige nu', { cause: error });
      }
      token = login.token;
      let identity = { name: null as string | null, roomId: null as string | null };
      try {
        identity = await identityOf(login.staff.practitionerId);
      } catch (error) {
        logger.warn({ kind: error instanceof EojError ? error.kind : 'other' }, 'identity lookup failed');
      }
      const roomId = identity.roomId;
      return begin({ ...login.staff, name: identity.name ?? login.staff.name, roomId });
    },
    syncStatus: () => engine?.status() ?? disabledStatus(),
    callTicket: () => (staff && token && config.signallingUrl ? { signallingUrl: config.signallingUrl, token } : null),
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
        directory = createTeamDirectory({ client, teamId: staff.teamId, clock, demoMembers: () => demoDay(clock.now()).members });
      }
      return directory.members(visits);
    },
    close: async () => {
      await engine?.stop();
    },
  };
}
