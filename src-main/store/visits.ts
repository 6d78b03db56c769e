import type { VisitSlot } from '../../src-shared/domain/outbox.js';
import { Citizen, type Visit, type VisitStatus } from '../../src-shared/domain/visit.js';
import type { Database } from './sqlite.js';

interface VisitRow {
  id: string;
  version_id: string | null;
  start_ms: number;
  end_ms: number;
  citizen_id: string;
  citizen_name: string;
  citizen_cpr_masked: string;
  citizen_address: string;
  task_code: string | null;
  task_type: string;
  task_description: string;
  practitioner_id: string | null;
  practitioner_name: string | null;
  room_id: string | null;
  room_name: string | null;
  team_id: string | null;
  status: VisitStatus;
  notes: string;
  updated_ms: number;
  citizen_birth_date: string | null;
  citizen_emergency_contact: string | null;
  citizen_relatives_may_join: number | null;
  citizen_relatives: string | null;
  citizen_home_care_group_id: string | null;
  citizen_home_care_group_name: string | null;
}

const EmergencyContact = Citizen.shape.emergencyContact;

function emergencyContact(json: string | null) {
  if (!json) return null;
  try {
    return EmergencyContact.parse(JSON.parse(json)) ?? null;
  } catch {
    return null;
  }
}

const Relatives = Citizen.shape.relatives;

/** The stored relatives, or none (absent) when the row has none or they do not read. */
function relatives(json: string | null) {
  if (!json) return undefined;
  try {
    return Relatives.parse(JSON.parse(json));
  } catch {
    return undefined;
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

function toVisit(r: VisitRow): Visit {
  return {
    id: r.id,
    versionId: r.version_id,
    start: iso(r.start_ms),
    end: iso(r.end_ms),
    citizen: {
      id: r.citizen_id,
      name: r.citizen_name,
      // '' in the row: the EOJ has no current CPR number for the citizen.
      cprMasked: r.citizen_cpr_masked || null,
      address: r.citizen_address,
      birthDate: r.citizen_birth_date,
      emergencyContact: emergencyContact(r.citizen_emergency_contact),
      relativesMayJoin: r.citizen_relatives_may_join === null ? null : r.citizen_relatives_may_join === 1,
      ...(r.citizen_relatives !== null ? { relatives: relatives(r.citizen_relatives) } : {}),
      homeCareGroup: r.citizen_home_care_group_id ? { id: r.citizen_home_care_group_id, name: r.citizen_home_care_group_name ?? '' } : null,
    },
    task: { code: r.task_code, type: r.task_type, description: r.task_description },
    practitioner: r.practitioner_id === null ? null : { id: r.practitioner_id, name: r.practitioner_name ?? '' },
    room: r.room_id === null ? null : { id: r.room_id, name: r.room_name ?? '' },
    teamId: r.team_id,
    status: r.status,
    notes: r.notes,
    updatedAt: iso(r.updated_ms),
  };
}

function toRow(v: Visit): VisitRow {
  return {
    id: v.id,
    version_id: v.versionId,
    start_ms: Date.parse(v.start),
    end_ms: Date.parse(v.end),
    citizen_id: v.citizen.id,
    citizen_name: v.citizen.name,
    citizen_cpr_masked: v.citizen.cprMasked ?? '',
    citizen_address: v.citizen.address,
    task_code: v.task.code,
    task_type: v.task.type,
    task_description: v.task.description,
    practitioner_id: v.practitioner?.id ?? null,
    practitioner_name: v.practitioner?.name ?? null,
    room_id: v.room?.id ?? null,
    room_name: v.room?.name ?? null,
    team_id: v.teamId,
    status: v.status,
    notes: v.notes,
    updated_ms: Date.parse(v.updatedAt),
    citizen_birth_date: v.citizen.birthDate ?? null,
    citizen_emergency_contact: v.citizen.emergencyContact ? JSON.stringify(v.citizen.emergencyContact) : null,
    citizen_relatives_may_join: v.citizen.relativesMayJoin == null ? null : v.citizen.relativesMayJoin ? 1 : 0,
    citizen_relatives: v.citizen.relatives ? JSON.stringify(v.citizen.relatives) : null,
    citizen_home_care_group_id: v.citizen.homeCareGroup?.id ?? null,
    citizen_home_care_group_name: v.citizen.homeCareGroup?.name ?? null,
  };
}

export interface DayQueueFilter {
  fromMs: number;
  toMs: number;
  roomId?: string;
  practitionerId?: string;
  teamId?: string;
}

const COLUMNS = `id, version_id, start_ms, end_ms, citizen_id, citizen_name, citizen_cpr_masked, citizen_address,
  task_code, task_type, task_description, practitioner_id, practitioner_name, room_id, room_name, team_id,
  status, notes, updated_ms, citizen_birth_date, citizen_emergency_contact, citizen_relatives_may_join,
  citizen_home_care_group_id, citizen_home_care_group_name, citizen_relatives`;

export function visitQueries(db: Database) {
  const upsert = db.prepare<[VisitRow], void>(`
    INSERT INTO visits (${COLUMNS}) VALUES (@id, @version_id, @start_ms, @end_ms, @citizen_id, @citizen_name,
      @citizen_cpr_masked, @citizen_address, @task_code, @task_type, @task_description, @practitioner_id,
      @practitioner_name, @room_id, @room_name, @team_id, @status, @notes, @updated_ms, @citizen_birth_date,
      @citizen_emergency_contact, @citizen_relatives_may_join, @citizen_home_care_group_id, @citizen_home_care_group_name,
      @citizen_relatives)
    ON CONFLICT (id) DO UPDATE SET version_id = excluded.version_id, start_ms = excluded.start_ms,
      end_ms = excluded.end_ms, citizen_id = excluded.citizen_id, citizen_name = excluded.citizen_name,
      citizen_cpr_masked = excluded.citizen_cpr_masked, citizen_address = excluded.citizen_address,
      task_code = excluded.task_code, task_type = excluded.task_type, task_description = excluded.task_description,
      practitioner_id = excluded.practitioner_id, practitioner_name = excluded.practitioner_name,
      room_id = excluded.room_id, room_name = excluded.room_name, team_id = excluded.team_id,
      status = excluded.status, notes = excluded.notes, updated_ms = excluded.updated_ms,
      citizen_birth_date = excluded.citizen_birth_date, citizen_emergency_contact = excluded.citizen_emergency_contact,
      citizen_relatives_may_join = excluded.citizen_relatives_may_join, citizen_home_care_group_id = excluded.citizen_home_care_group_id,
      citizen_home_care_group_name = excluded.citizen_home_care_group_name, citizen_relatives = excluded.citizen_relatives`);
  const byId = db.prepare<[string], VisitRow>(`SELECT ${COLUMNS} FROM visits WHERE id = ?`);
  // One statement per filter so each can use its own index (checked with EXPLAIN QUERY PLAN in tests).
  const dayAll = db.prepare<[number, number], VisitRow>(`SELECT ${COLUMNS} FROM visits WHERE start_ms >= ? AND start_ms < ? ORDER BY start_ms, id`);
  const dayRoom = db.prepare<[string, number, number], VisitRow>(
    `SELECT ${COLUMNS} FROM visits WHERE room_id = ? AND start_ms >= ? AND start_ms < ? ORDER BY start_ms, id`,
  );
  const dayPractitioner = db.prepare<[string, number, number], VisitRow>(
    `SELECT ${COLUMNS} FROM visits WHERE practitioner_id = ? AND start_ms >= ? AND start_ms < ? ORDER BY start_ms, id`,
  );
  const dayTeam = db.prepare<[string, number, number], VisitRow>(
    `SELECT ${COLUMNS} FROM visits WHERE team_id = ? AND start_ms >= ? AND start_ms < ? ORDER BY start_ms, id`,
  );
  const setStatus = db.prepare<[VisitStatus, number, string], void>(`UPDATE visits SET status = ?, updated_ms = ? WHERE id = ?`);
  const setSlot = db.prepare<[string | null, string | null, string | null, string | null, number, number, number, string], void>(
    `UPDATE visits SET practitioner_id = ?, practitioner_name = ?, room_id = ?, room_name = ?, start_ms = ?, end_ms = ?, updated_ms = ? WHERE id = ?`,
  );
  const remove = db.prepare<[string], void>(`DELETE FROM visits WHERE id = ?`);
  const forgetVersion = db.prepare<[string], void>(`UPDATE visits SET version_id = NULL WHERE id = ?`);
  const idsInRange = db.prepare<[number, number], { id: string }>(`SELECT id FROM visits WHERE start_ms >= ? AND start_ms < ?`);
  const rooms = db.prepare<[], { id: string; name: string }>(
    `SELECT room_id AS id, max(room_name) AS name FROM visits WHERE room_id IS NOT NULL GROUP BY room_id ORDER BY room_id`,
  );
  const count = db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM visits`);
  const citizenOfTeam = db.prepare<[string, string], { one: number }>(`SELECT 1 AS one FROM visits WHERE team_id = ? AND citizen_id = ? LIMIT 1`);

  return {
    upsertMany(visits: readonly Visit[]): void {
      for (const v of visits) upsert.run(toRow(v));
    },
    get(id: string): Visit | undefined {
      const row = byId.get(id);
      return row && toVisit(row);
    },
    dayQueue(f: DayQueueFilter): Visit[] {
      let rows: VisitRow[];
      if (f.roomId !== undefined) rows = dayRoom.all(f.roomId, f.fromMs, f.toMs);
      else if (f.practitionerId !== undefined) rows = dayPractitioner.all(f.practitionerId, f.fromMs, f.toMs);
      else if (f.teamId !== undefined) rows = dayTeam.all(f.teamId, f.fromMs, f.toMs);
      else rows = dayAll.all(f.fromMs, f.toMs);
      return rows.map(toVisit);
    },
    setStatus(id: string, status: VisitStatus, atMs: number): void {
      setStatus.run(status, atMs, id);
    },
    /** Who does the visit, in which room, when (a move). */
    setSlot(id: string, slot: VisitSlot, atMs: number): void {
      setSlot.run(
        slot.practitioner?.id ?? null,
        slot.practitioner?.name ?? null,
        slot.room?.id ?? null,
        slot.room?.name ?? null,
        Date.parse(slot.start),
        Date.parse(slot.end),
        atMs,
        id,
      );
    },
    /** The next pull re-applies the EOJ's version of this visit, whatever it is. */
    forgetVersion(id: string): void {
      forgetVersion.run(id);
    },
    remove(id: string): boolean {
      return remove.run(id).changes > 0;
    },
    idsStartingIn(fromMs: number, toMs: number): string[] {
      return idsInRange.all(fromMs, toMs).map((r) => r.id);
    },
    rooms(): { id: string; name: string }[] {
      return rooms.all();
    },
    count(): number {
      return count.get()?.n ?? 0;
    },
    /** Whether the team has a visit of the citizen here (the closed user group, as this PC knows it). */
    citizenInTeam(citizenId: string, teamId: string): boolean {
      return citizenOfTeam.get(teamId, citizenId) !== undefined;
    },
  };
}
