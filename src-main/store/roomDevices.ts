import type { RoomDevices } from '../../src-shared/domain/devices.js';
import type { Database } from './sqlite.js';

interface RoomDevicesRow {
  room_id: string;
  camera_id: string | null;
  camera_label: string | null;
  microphone_id: string | null;
  microphone_label: string | null;
  speaker_id: string | null;
  speaker_label: string | null;
}

const choice = (deviceId: string | null, label: string | null) => (deviceId === null ? null : { deviceId, label: label ?? '' });

export function roomDevicesQueries(db: Database) {
  const get = db.prepare<[string], RoomDevicesRow>(
    `SELECT room_id, camera_id, camera_label, microphone_id, microphone_label, speaker_id, speaker_label
     FROM room_devices WHERE room_id = ?`,
  );
  const put = db.prepare<[RoomDevicesRow & { updated_ms: number }], void>(`
    INSERT INTO room_devices (room_id, camera_id, camera_label, microphone_id, microphone_label, speaker_id, speaker_label, updated_ms)
    VALUES (@room_id, @camera_id, @camera_label, @microphone_id, @microphone_label, @speaker_id, @speaker_label, @updated_ms)
    ON CONFLICT (room_id) DO UPDATE SET camera_id = excluded.camera_id, camera_label = excluded.camera_label,
      microphone_id = excluded.microphone_id, microphone_label = excluded.microphone_label,
      speaker_id = excluded.speaker_id, speaker_label = excluded.speaker_label, updated_ms = excluded.updated_ms`);
  return {
    get(roomId: string): RoomDevices | null {
      const r = get.get(roomId);
      if (!r) return null;
      return {
        roomId: r.room_id,
        camera: choice(r.camera_id, r.camera_label),
        microphone: choice(r.microphone_id, r.microphone_label),
        speaker: choice(r.speaker_id, r.speaker_label),
      };
    },
    save(d: RoomDevices, atMs: number): void {
      put.run({
        room_id: d.roomId,
        camera_id: d.camera?.deviceId ?? null,
        camera_label: d.camera?.label ?? null,
        microphone_id: d.microphone?.deviceId ?? null,
        microphone_label: d.microphone?.label ?? null,
        speaker_id: d.speaker?.deviceId ?? null,
        speaker_label: d.speaker?.label ?? null,
        updated_ms: atMs,
      });
    },
  };
}
