import { randomUUID } from 'node:crypto';
import type { RoomDevices } from '../../src-shared/domain/devices.js';
import type { OutboxEntry } from '../../src-shared/domain/outbox.js';
import type { Room, Visit, VisitStatus } from '../../src-shared/domain/visit.js';
import { auditQueries } from './audit.js';
import { StoreError } from './errors.js';
import { loadMigrations } from './migrations.js';
import { openEncryptedDatabase } from './open.js';
import { outboxQueries } from './outbox.js';
import { roomDevicesQueries } from './roomDevices.js';
import type { Database } from './sqlite.js';
import { syncStateQueries } from './syncState.js';
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

export interface StatusChangeResult {
  visit: Visit;
  /** The outbox row written with the change, or null when the status was already that. */
  outboxEntry: OutboxEntry | null;
}

/** The typed repository over the encrypted database. No SQL exists outside src-main/store. */
export interface VisitStore {
  readonly file: string;
  upsertVisits(visits: readonly Visit[]): void;
  dayQueue(filter: DayQueueFilter): Visit[];
  getVisit(id: string): Visit | undefined;
  rooms(): Room[];
  visitCount(): number;
  /** The visit's new status, its outbox row and an audit entry, in one transaction. */
  setVisitStatus(command: SetVisitStatusCommand): StatusChangeResult;
  readonly outbox: ReturnType<typeof outboxQueries>;
  readonly audit: ReturnType<typeof auditQueries>;
  readonly syncState: ReturnType<typeof syncStateQueries>;
  roomDevices(roomId: string): RoomDevices | null;
  saveRoomDevices(devices: RoomDevices, actorId: string, atMs: number): void;
  /** SQLite's full integrity check: "ok" or the problems found. */
  integrityCheck(): string;
  close(): void;
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

  const upsertVisits = db.transaction((list: readonly Visit[]) => visits.upsertMany(list));

  const setVisitStatus = db.transaction((c: SetVisitStatusCommand): StatusChangeResult => {
    const before = visits.get(c.visitId);
    if (!before) throw new StoreError('VISIT_NOT_FOUND', `Besøget findes ikke i dagens kø (${c.visitId})`);
    if (before.status === c.status) return { visit: before, outboxEntry: null };
    visits.setStatus(c.visitId, c.status, c.atMs);
    const mutationId = c.mutationId ?? randomUUID();
    outbox.add({
      mutationId,
      visitId: c.visitId,
      intent: { kind: 'visit.status', status: c.status },
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

  const saveRoomDevices = db.transaction((d: RoomDevices, actorId: string, atMs: number) => {
    devices.save(d, atMs);
    audit.append({ atMs, actorId, action: 'room.devices_saved', subjectType: 'Location', subjectId: d.roomId });
  });

  return {
    file,
    upsertVisits: (list) => upsertVisits.immediate(list),
    dayQueue: (filter) => visits.dayQueue(filter),
    getVisit: (id) => visits.get(id),
    rooms: () => visits.rooms(),
    visitCount: () => visits.count(),
    setVisitStatus: (command) => setVisitStatus.immediate(command),
    outbox,
    audit,
    syncState,
    roomDevices: (roomId) => devices.get(roomId),
    saveRoomDevices: (d, actorId, atMs) => saveRoomDevices.immediate(d, actorId, atMs),
    integrityCheck: () => (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; '),
    close: () => db.close(),
  };
}
