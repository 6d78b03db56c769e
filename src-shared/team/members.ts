import { z } from 'zod';
import { StaffRole } from '../domain/visit.js';

/** A wall-clock time of day, "07:30". */
const ClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);

/**
 * A member of the skærmenhed as the team lead's board shows them: their video room and their
 * hours (PractitionerRole.availableTime), as wall-clock intervals of a care day. A night shift
 * is two intervals (22:00–24:00 and 00:00–07:30).
 */
export const TeamMember = z.object({
  practitionerId: z.string().min(1).max(128),
  name: z.string().max(200),
  role: StaffRole,
  roomId: z.string().min(1).max(128).nullable(),
  roomName: z.string().max(200).nullable(),
  hours: z.array(z.object({ start: ClockTime, end: z.union([ClockTime, z.literal('24:00')]) })).max(8),
});
export type TeamMember = z.infer<typeof TeamMember>;

/** The team's planning rules the board checks moves against. */
export const TeamSettings = z.object({
  /** More calls than this in one clock hour for one person is an overload. */
  maxCallsPerHour: z.number().int().min(1).max(60),
  /** A stretch of the staff member's hours without calls this long or longer is a gap. */
  gapMinutes: z.number().int().min(5).max(600),
});
export type TeamSettings = z.infer<typeof TeamSettings>;
export const DEFAULT_TEAM_SETTINGS: TeamSettings = { maxCallsPerHour: 4, gapMinutes: 60 };

/** "07:30" → 450. */
export const minutesOfClock = (time: string) => {
  const [h, m] = time.split(':').map(Number) as [number, number];
  return h * 60 + m;
};
