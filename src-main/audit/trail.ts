import { randomUUID } from 'node:crypto';
import { AUDIT_TRAIL_COLUMNS, AUDIT_TRAIL_KEYS, auditTrailRow, type Lang } from '../../src-shared/audit/trailTable.js';
import type { AuditTrailEntry, AuditTrailPage } from '../../src-shared/domain/audit.js';
import type { Staff } from '../../src-shared/domain/visit.js';
import type { Clock } from '../../src-shared/time/clock.js';
import { careDayKey, formatInstant } from '../../src-shared/time/copenhagen.js';
import { EojError } from '../eoj/errors.js';
import { csvFile, EXPORT_TYPES } from '../reports/export.js';
import type { SessionService } from '../services/session.js';
import type { VisitStore } from '../store/visitStore.js';

/**
 * "Hvem har set oplysninger om denne borger?": the citizen's AuditEvents read back from the EOJ
 * (the record; this PC's audit log is only its queue), for a team lead or leader of the citizen's
 * own team. The router has checked the role; the team is checked here, and again by the EOJ.
 * Opening the list and exporting it are audit events of their own.
 */
export class AuditTrailRefusedError extends Error {}

/** Entries per page ("Vis flere" asks for the next). */
export const AUDIT_TRAIL_PAGE = 25;
/** The export follows every page, up to this many entries. */
const EXPORT_MAX = 10_000;
/** What was just done here is sent first, so the list shows it (at most this long). */
const FLUSH_MS = 2_000;
/** Next-page addresses kept for the renderer's cursors (the EOJ's links never leave the main process). */
const CURSORS_KEPT = 100;

const TITLE: Record<Lang, string> = { da: 'Skærmrum – Hvem har set oplysninger om borgeren', en: 'Skærmrum – Who has seen the citizen’s information' };
const ABOUT: Record<'citizen' | 'exportedAt' | 'exportedBy', Record<Lang, string>> = {
  citizen: { da: 'Borger (EOJ-id)', en: 'Citizen (EOJ id)' },
  exportedAt: { da: 'Udtrukket', en: 'Exported' },
  exportedBy: { da: 'Udtrukket af', en: 'Exported by' },
};

export function createAuditTrailService(deps: { store: VisitStore; session: SessionService; clock: Clock }) {
  const { store, session, clock } = deps;
  const cursors = new Map<string, { next: string; citizenId: string; practitionerId: string }>();

  function allowed(staff: Staff, citizenId: string) {
    if (staff.role !== 'team_lead' && staff.role !== 'leader')
      throw new AuditTrailRefusedError('Kun teamledere og ledere kan se, hvem der har set oplysninger om en borger');
    if (!store.citizenInTeam(citizenId, staff.teamId))
      throw new AuditTrailRefusedError('Borgeren hører ikke til dit team, så du kan ikke se, hvem der har set oplysninger om borgeren');
    const eoj = session.eoj();
    if (!eoj) throw new Error('Listen hentes fra EOJ, og der er ingen forbindelse til en EOJ i denne opsætning');
    return eoj;
  }

  const describe = (error: unknown) =>
    error instanceof EojError
      ? error.kind === 'network' || error.kind === 'timeout'
        ? 'EOJ kan ikke nås lige nu. Prøv igen om lidt.'
        : `EOJ afviste at udlevere listen${error.serverText ? `: »${error.serverText}«` : ` (${error.status ?? error.kind})`}`
      : error instanceof Error
        ? error.message
        : String(error);

  /** The act is audited, and this PC's waiting events go first, so the list shows what was just done. */
  async function audited(staff: Staff, citizenId: string, action: 'audit.viewed' | 'audit.exported') {
    store.audit.append({ atMs: clock.nowMs(), actorId: staff.practitionerId, action, subjectType: 'Patient', subjectId: citizenId });
    await session.flushAudit(FLUSH_MS);
  }

  async function read(staff: Staff, citizenId: string, next: string | null) {
    const eoj = allowed(staff, citizenId);
    try {
      return await eoj.auditTrail({ patientId: citizenId, next, count: AUDIT_TRAIL_PAGE, now: clock.now() });
    } catch (error) {
      throw new Error(describe(error), { cause: error });
    }
  }

  return {
    async page(staff: Staff, citizenId: string, cursor: string | null): Promise<AuditTrailPage> {
      let next: string | null = null;
      if (cursor !== null) {
        const kept = cursors.get(cursor);
        if (!kept || kept.citizenId !== citizenId || kept.practitionerId !== staff.practitionerId)
          throw new AuditTrailRefusedError('Listen er ikke længere aktuel. Luk den og åbn den igen.');
        next = kept.next;
      } else {
        allowed(staff, citizenId);
        await audited(staff, citizenId, 'audit.viewed');
      }
      const page = await read(staff, citizenId, next);
      let nextCursor: string | null = null;
      if (page.next) {
        nextCursor = randomUUID();
        cursors.set(nextCursor, { next: page.next, citizenId, practitionerId: staff.practitionerId });
        for (const key of cursors.keys()) if (cursors.size > CURSORS_KEPT) cursors.delete(key);
      }
      return { entries: page.entries, cursor: nextCursor, total: page.total };
    },

    async exportCsv(staff: Staff, citizenId: string, lang: Lang) {
      allowed(staff, citizenId);
      await audited(staff, citizenId, 'audit.exported');
      const entries: AuditTrailEntry[] = [];
      let next: string | null = null;
      do {
        const page = await read(staff, citizenId, next);
        entries.push(...page.entries);
        next = page.next;
      } while (next !== null && entries.length < EXPORT_MAX);
      const now = clock.now();
      const lines: string[][] = [
        [TITLE[lang]],
        [ABOUT.citizen[lang], citizenId],
        [ABOUT.exportedAt[lang], formatInstant(now, lang)],
        [ABOUT.exportedBy[lang], staff.name],
        [],
        AUDIT_TRAIL_KEYS.map((k) => AUDIT_TRAIL_COLUMNS[k][lang]),
        ...entries.map((e) => {
          const row = auditTrailRow(e, lang);
          return AUDIT_TRAIL_KEYS.map((k) => row[k]);
        }),
      ];
      return {
        fileName: `skaermrum-hvem-har-set-${citizenId}-${careDayKey(now)}.csv`,
        mimeType: EXPORT_TYPES.csv,
        base64: csvFile(lines).toString('base64'),
      };
    },
  };
}
export type AuditTrailService = ReturnType<typeof createAuditTrailService>;
