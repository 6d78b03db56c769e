import { z } from 'zod';

const DeviceChoice = z.object({ deviceId: z.string().max(512), label: z.string().max(256) }).nullable();

/** The devices a video room uses, remembered so each shift starts with the right headset. */
export const RoomDevices = z.object({
  roomId: z.string().min(1).max(128),
  camera: DeviceChoice,
  microphone: DeviceChoice,
  speaker: DeviceChoice,
});
export type RoomDevices = z.infer<typeof RoomDevices>;
