import { z } from 'zod';
import { VisitWorkflow } from '../workflow/outcome.js';

/** Local view of a visit's state. Maps onto FHIR Appointment.status in the EOJ adapter. */
export const VisitStatus = z.enum(['planned', 'in_progress', 'completed', 'not_answered', 'cancelled']);
export type VisitStatus = z.infer<typeof VisitStatus>;

const Id = z.string().min(1).max(128);
const IsoInstant = z.iso.datetime({ offset: true });

/** A relative of the citizen (an R4 RelatedPerson), and whether the EOJ records the citizen's consent to their taking part. */
export const Relative = z.object({
  id: Id,
  name: z.string().min(1).max(200),
  /** "Datter", "Ægtefælle" … as the EOJ words it. */
  relationship: z.string().max(100),
  mayJoin: z.boolean(),
  /** A mobile number the EOJ has for them (the number itself is read from the EOJ when inviting, never stored here). */
  canText: z.boolean(),
});
export type Relative = z.infer<typeof Relative>;

export const Citizen = z.object({
  id: Id,
  name: z.string().min(1).max(200),
  /**
   * Only the birth-date part of the CPR number is kept on the client, e.g. "010144-xxxx"; null when
   * the EOJ has no current CPR number for the citizen (an old one is never shown in its place).
   */
  cprMasked: z
    .string()
    .regex(/^\d{6}-xxxx$/)
    .nullable(),
  address: z.string().max(300),
  /** For the age shown before the call. */
  birthDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .nullable()
    .optional(),
  /** Who to call in an emergency (Patient.contact with relationship "C"). */
  emergencyContact: z
    .object({ name: z.string().max(200), phone: z.string().max(40), relationship: z.string().max(100) })
    .nullable()
    .optional(),
  /** Whether any relative may join the screen visit (the citizen's consent in the EOJ); null: not known. */
  relativesMayJoin: z.boolean().nullable().optional(),
  /** The citizen's relatives the EOJ lists; absent when the EOJ cannot be asked. */
  relatives: z.array(Relative).max(20).optional(),
  /** The home-care group a physical visit is escalated to. */
  homeCareGroup: z
    .object({ id: z.string().min(1).max(128), name: z.string().max(200) })
    .nullable()
    .optional(),
});
export type Citizen = z.infer<typeof Citizen>;

export const Task = z.object({
  /** FSIII intervention code (e.g. "H1.1") where the EOJ has one. */
  code: z.string().max(32).nullable(),
  type: z.string().min(1).max(120),
  description: z.string().max(1000),
});
export type Task = z.infer<typeof Task>;

/**
 * What one visit carried from the EOJ that Skærmrum does not understand (it stays in the EOJ as it
 * is): participants of another kind, identifiers of other systems, extensions we do not read.
 */
export const UnrecognisedShapes = z.object({
  participants: z.number().int().nonnegative(),
  identifiers: z.number().int().nonnegative(),
  extensions: z.number().int().nonnegative(),
});
export type UnrecognisedShapes = z.infer<typeof UnrecognisedShapes>;

export const Ref = z.object({ id: Id, name: z.string().max(200) });
export type Ref = z.infer<typeof Ref>;

export const Visit = z.object({
  /** FHIR Appointment.id as assigned by the EOJ. */
  id: Id,
  /** FHIR meta.versionId: opaque, compared for equality only. */
  versionId: z.string().max(128).nullable(),
  start: IsoInstant,
  end: IsoInstant,
  citizen: Citizen,
  task: Task,
  practitioner: Ref.nullable(),
  room: Ref.nullable(),
  teamId: Id.nullable(),
  status: VisitStatus,
  notes: z.string().max(4000),
  updatedAt: IsoInstant,
});
export type Visit = z.infer<typeof Visit>;

/** A visit in the day's queue: the EOJ's data and the skærmenhed's documented progress. */
export const QueueVisit = Visit.extend({ workflow: VisitWorkflow });
export type QueueVisit = z.infer<typeof QueueVisit>;

export const Room = Ref;
export type Room = Ref;

/** What a signed-in person may do: staff (skærmmedarbejder), or team lead (also the board). */
export const StaffRole = z.enum(['staff', 'team_lead', 'leader']);
export type StaffRole = z.infer<typeof StaffRole>;

export const Staff = z.object({
  practitionerId: Id,
  name: z.string().max(200),
  teamId: Id,
  role: StaffRole,
  roomId: Id.nullable(),
});
export type Staff = z.infer<typeof Staff>;

/** A call made for a visit, as measured by the staff client. */
/** Someone besides staff and the citizen in a call: a FHIR reference to them, and their part of it. */
export const CallGuest = z.object({
  person: z.string().regex(/^(RelatedPerson|Practitioner)\/[A-Za-z0-9\-.]{1,64}$/),
  start: IsoInstant,
  end: IsoInstant,
});
export type CallGuest = z.infer<typeof CallGuest>;

export const CallRecord = z.object({
  callId: z.uuid(),
  visitId: Id,
  rangAt: IsoInstant,
  connectedAt: IsoInstant.nullable(),
  endedAt: IsoInstant,
  endReason: z.enum(['hangup', 'timeout', 'busy', 'offline', 'lost', 'refused', 'failed']),
  /** Who else was in the call (a relative, a colleague) and from when to when. */
  guests: z.array(CallGuest).max(3).optional(),
});
export type CallRecord = z.infer<typeof CallRecord>;
