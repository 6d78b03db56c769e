import type { AuditAction, AuditOutcome, AuditTrailEntry } from '../domain/audit.js';
import type { StaffRole } from '../domain/visit.js';
import { formatInstant } from '../time/copenhagen.js';

/**
 * "Hvem har set oplysninger om denne borger?" as a table: what the screen shows and exactly what
 * the CSV for the data-protection officer holds, so the file always equals the screen. Danish
 * first, English second. Staff by name and role; the citizen is not named anywhere in it.
 */
export type Lang = 'da' | 'en';
type Text = Record<Lang, string>;

export const AUDIT_ACTION_TEXT: Record<AuditAction, Text> = {
  'store.opened': { da: 'Startede Skærmrum', en: 'Started Skærmrum' },
  'session.signed_in': { da: 'Loggede ind', en: 'Signed in' },
  'session.signed_out': { da: 'Loggede ud', en: 'Signed out' },
  'session.sign_in_refused': { da: 'Log ind afvist', en: 'Sign-in refused' },
  'session.refresh_refused': { da: 'Fornyelse af log ind afvist', en: 'Sign-in renewal refused' },
  'session.locked': { da: 'Skærmen blev låst', en: 'Screen locked' },
  'session.unlocked': { da: 'Låste skærmen op', en: 'Unlocked the screen' },
  'visit.status_changed': { da: 'Ændrede besøgets status', en: 'Changed the visit’s status' },
  'room.devices_saved': { da: 'Gemte rummets udstyr', en: 'Saved the room’s devices' },
  'call.recorded': { da: 'Ringede op', en: 'Made a call' },
  'visit.outcome_recorded': { da: 'Dokumenterede besøget', en: 'Documented the visit' },
  'visit.urgent': { da: 'Bad om akut fysisk besøg', en: 'Asked for an urgent physical visit' },
  'citizen.cpr_revealed': { da: 'Så fuldt CPR-nummer', en: 'Viewed the full CPR number' },
  'outbox.resolved': { da: 'Afgjorde en ændring, der ikke gik igennem', en: 'Resolved a change that did not go through' },
  'visit.moved': { da: 'Flyttede besøget', en: 'Moved the visit' },
  'visit.relative_invited': { da: 'Inviterede en pårørende', en: 'Invited a relative' },
  'audit.viewed': { da: 'Så hvem der har set oplysninger om borgeren', en: 'Viewed who has seen the citizen’s information' },
  'audit.exported': { da: 'Eksporterede listen over hvem der har set oplysninger', en: 'Exported the list of who has seen the information' },
};

export const ROLE_TEXT: Record<StaffRole, Text> = {
  staff: { da: 'Skærmmedarbejder', en: 'Screen-visit staff' },
  team_lead: { da: 'Teamleder', en: 'Team lead' },
  leader: { da: 'Leder', en: 'Leader' },
};

export const OUTCOME_TEXT: Record<AuditOutcome, Text> = {
  success: { da: 'Gennemført', en: 'Succeeded' },
  minor_failure: { da: 'Mislykkedes', en: 'Failed' },
  serious_failure: { da: 'Alvorlig fejl', en: 'Serious failure' },
  major_failure: { da: 'Afbrudt (større fejl)', en: 'Aborted (major failure)' },
};

export const AUDIT_TRAIL_COLUMNS: Record<'at' | 'staff' | 'role' | 'action' | 'room' | 'workstation' | 'outcome', Text> = {
  at: { da: 'Tidspunkt', en: 'Time' },
  staff: { da: 'Medarbejder', en: 'Staff member' },
  role: { da: 'Rolle', en: 'Role' },
  action: { da: 'Handling', en: 'Action' },
  room: { da: 'Videorum', en: 'Video room' },
  workstation: { da: 'Rum-pc', en: 'Room PC' },
  outcome: { da: 'Udfald', en: 'Outcome' },
};

/** One row as it is shown and exported: "06-12-2026 01.55", Copenhagen time. */
export function auditTrailRow(entry: AuditTrailEntry, lang: Lang): Record<keyof typeof AUDIT_TRAIL_COLUMNS, string> {
  const unknown = lang === 'da' ? 'Ukendt' : 'Unknown';
  return {
    at: formatInstant(entry.at, lang),
    staff: entry.staffName ?? entry.practitionerId ?? (lang === 'da' ? 'Rum-pc’en selv' : 'The room PC itself'),
    role: entry.role ? ROLE_TEXT[entry.role][lang] : '–',
    action: entry.action ? AUDIT_ACTION_TEXT[entry.action][lang] : (entry.actionText ?? unknown),
    room: entry.room?.name ?? '–',
    workstation: entry.workstation ?? unknown,
    outcome: OUTCOME_TEXT[entry.outcome][lang],
  };
}

export const AUDIT_TRAIL_KEYS = Object.keys(AUDIT_TRAIL_COLUMNS) as (keyof typeof AUDIT_TRAIL_COLUMNS)[];
