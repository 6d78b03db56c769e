-- The camera, microphone and speaker a video room uses, restored at the start of each shift.
CREATE TABLE room_devices (
  room_id          TEXT PRIMARY KEY,
  camera_id        TEXT,
  camera_label     TEXT,
  microphone_id    TEXT,
  microphone_label TEXT,
  speaker_id       TEXT,
  speaker_label    TEXT,
  updated_ms       INTEGER NOT NULL
) STRICT;
