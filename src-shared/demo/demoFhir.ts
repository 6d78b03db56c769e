import { appointmentStatusFor } from '../fhir/mapping.js';
import { CONTACT_ROLE_SYSTEM, CPR_SYSTEM, STAFF_ROLE_SYSTEM, HOME_CARE_GROUP_EXTENSION, type FhirResource } from '../fhir/schemas.js';
import { CONSENT_SCOPE, LOINC_PATIENT_CONSENT, PARTICIPANT_ROLE, RELATIVE_PARTICIPATION_CODE, RELATIVE_PARTICIPATION_SYSTEM } from '../fhir/relatives.js';
import type { Visit } from '../domain/visit.js';
import { demoDay, type DemoCitizen, type DemoDay, type DemoTeam } from './demoDay.js';

/**
 * The demo day as FHIR R4 resources (valid R4 references only), for seeding the sandbox EOJ. Ids
 * match the demo day's. `staffAs`: how Appointments name their staff member, directly or through
 * their PractitionerRole (which then also names the room). `team`: which skærmenhed (default Nord).
 */
export function demoFhirResources(
  day: Date,
  options: { now?: Date; seed?: number; staffAs?: 'Practitioner' | 'PractitionerRole'; team?: DemoTeam } = {},
): FhirResource[] {
  const demo = demoDay(day, options);
  const resources = demoTeamResources(demo);
  const appointment = demoAppointments(demo, options.staffAs);
  for (const v of demo.visits) resources.push(appointment(v));
  return resources;
}

/** Just the day's Appointments (the team and its citizens are there already). */
export function demoAppointmentResources(
  day: Date,
  options: { now?: Date; staffAs?: 'Practitioner' | 'PractitionerRole'; team?: DemoTeam } = {},
): FhirResource[] {
  const demo = demoDay(day, options);
  return demo.visits.map(demoAppointments(demo, options.staffAs));
}

/** The unit's own Location, of which its video rooms are part. */
export const unitIdOf = (teamId: string) => teamId.replace(/^team-/, 'unit-');

/** The team itself (unit, rooms, staff and their roles), the home-care groups, and its citizens with their relatives and consents. */
export function demoTeamResources(demo: Omit<DemoDay, 'visits'>): FhirResource[] {
  const resources: FhirResource[] = [];
  const unitId = unitIdOf(demo.teamId);
  resources.push({ resourceType: 'Location', id: unitId, name: demo.teamName });
  // The skærmenhed itself: the team participant of its Appointments (R4 allows no CareTeam there).
  resources.push({
    resourceType: 'HealthcareService',
    id: demo.teamId,
    active: true,
    name: demo.teamName,
    location: demo.rooms.map((r) => ({ reference: `Location/${r.id}`, display: r.name })),
  });
  for (const room of demo.rooms) resources.push({ resourceType: 'Location', id: room.id, name: room.name, partOf: { reference: `Location/${unitId}` } });
  for (const s of demo.staff) {
    const [given, ...family] = s.name.split(' ');
    resources.push({ resourceType: 'Practitioner', id: s.practitionerId, name: [{ text: s.name, given: given ? [given] : [], family: family.join(' ') }] });
    resources.push({
      resourceType: 'PractitionerRole',
      id: `role-${s.practitionerId}`,
      practitioner: { reference: `Practitioner/${s.practitionerId}` },
      location: s.roomId ? [{ reference: `Location/${s.roomId}` }] : [],
      healthcareService: [{ reference: `HealthcareService/${demo.teamId}` }],
      availableTime: (demo.members.find((m) => m.practitionerId === s.practitionerId)?.hours ?? []).map((h) => ({
        daysOfWeek: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
        availableStartTime: `${h.start}:00`,
        availableEndTime: h.end === '24:00' ? '23:59:59' : `${h.end}:00`,
      })),
      code: [
        {
          coding: [{ system: STAFF_ROLE_SYSTEM, code: s.role === 'team_lead' ? 'team_lead' : 'staff' }],
          text: s.role === 'team_lead' ? 'Teamleder' : 'Skærmmedarbejder',
        },
      ],
    });
  }
  // The team's staff as a CareTeam, for EOJs that link Appointments through members (SKAERMRUM_TEAM_LINK=members).
  resources.push({
    resourceType: 'CareTeam',
    id: demo.teamId,
    name: demo.teamName,
    participant: demo.staff.map((s) => ({
      member: { reference: `Practitioner/${s.practitionerId}` },
      role: [{ text: s.role === 'team_lead' ? 'Teamleder' : 'Skærmmedarbejder' }],
    })),
  });
  for (const g of demo.homeCareGroups) resources.push({ resourceType: 'CareTeam', id: g.id, name: g.name });
  demo.citizens.forEach((c, i) => resources.push(...demoCitizenResources(c, i % 5 === 0)));
  return resources;
}

/**
 * A citizen as the EOJ keeps them: the Patient, and their relatives with their consent (or refusal)
 * to take part in screen visits. `history`: an earlier CPR number (a replaced one, use "old",
 * listed first) and a name from before a marriage, as real EOJs keep them.
 */
export function demoCitizenResources(c: DemoCitizen, history: boolean): FhirResource[] {
  const resources: FhirResource[] = [];
  const [given, ...family] = c.name.split(' ');
  resources.push({
    resourceType: 'Patient',
    id: c.id,
    identifier: [
      ...(history
        ? [{ use: 'old' as const, system: CPR_SYSTEM, value: `${c.cpr.slice(0, 6)}${String((Number(c.cpr.slice(6)) + 17) % 10_000).padStart(4, '0')}` }]
        : []),
      { use: 'official' as const, system: CPR_SYSTEM, value: c.cpr },
    ],
    name: [
      ...(history ? [{ use: 'old' as const, text: `${given ?? ''} Hansen`, period: { end: '1975-06-14' } }] : []),
      { use: 'official' as const, text: c.name, given: given ? [given] : [], family: family.join(' ') },
    ],
    birthDate: c.birthDate,
    address: [{ text: c.address }],
    contact: [
      {
        relationship: [{ coding: [{ system: CONTACT_ROLE_SYSTEM, code: 'C', display: 'Emergency Contact' }], text: c.emergencyContact.relationship }],
        name: { text: c.emergencyContact.name },
        telecom: [{ system: 'phone', value: c.emergencyContact.phone }],
      },
    ],
    extension: [{ url: HOME_CARE_GROUP_EXTENSION, valueReference: { reference: `CareTeam/${c.homeCareGroup.id}`, display: c.homeCareGroup.name } }],
  });
  c.relatives.forEach((r, n) => {
    const [rGiven, ...rFamily] = r.name.split(' ');
    resources.push({
      resourceType: 'RelatedPerson',
      id: r.id,
      active: true,
      patient: { reference: `Patient/${c.id}` },
      relationship: [{ text: r.relationship }],
      name: [{ use: 'official', text: r.name, given: rGiven ? [rGiven] : [], family: rFamily.join(' ') }],
      telecom: [{ system: 'phone', use: 'mobile', value: r.phone }],
    });
    // A first relative without consent has a recorded "no"; a second one has nothing recorded.
    if (r.mayJoin || n === 0)
      resources.push({
        resourceType: 'Consent',
        id: `${r.id}-consent`,
        status: 'active',
        scope: { coding: [CONSENT_SCOPE] },
        category: [{ coding: [LOINC_PATIENT_CONSENT] }, { coding: [{ system: RELATIVE_PARTICIPATION_SYSTEM, code: RELATIVE_PARTICIPATION_CODE }] }],
        patient: { reference: `Patient/${c.id}` },
        dateTime: '2026-01-15T10:00:00+01:00',
        provision: {
          type: r.mayJoin ? 'permit' : 'deny',
          actor: [{ role: { coding: [PARTICIPANT_ROLE] }, reference: { reference: `RelatedPerson/${r.id}` } }],
        },
      });
  });
  return resources;
}

type FhirAppointment = Extract<FhirResource, { resourceType: 'Appointment' }>;
/** What an Appointment of the demo says of its visit. */
export type DemoAppointmentVisit = Pick<Visit, 'id' | 'status' | 'start' | 'end' | 'task' | 'notes' | 'practitioner' | 'room'> & {
  citizen: Pick<Visit['citizen'], 'id' | 'name'>;
  /** Why a closed visit did not take place (Appointment.cancelationReason). */
  reason?: string;
};

/** The team's visits as Appointments, booked through the staff member or their PractitionerRole. */
export function demoAppointments(
  demo: Pick<DemoDay, 'teamId' | 'teamName' | 'staff'>,
  staffAs: 'Practitioner' | 'PractitionerRole' = 'Practitioner',
): (v: DemoAppointmentVisit) => FhirAppointment {
  const roleRoom = new Map(demo.staff.map((s) => [s.practitionerId, s.roomId]));
  return (v) => {
    const byRole = staffAs === 'PractitionerRole' && v.practitioner !== null;
    // Booked through the role, the room is the role's: a Location only where the visit is elsewhere.
    const roomSaid = byRole && v.room !== null && roleRoom.get(v.practitioner?.id ?? '') === v.room.id;
    return {
      resourceType: 'Appointment',
      id: v.id,
      status: appointmentStatusFor(v.status),
      ...(v.reason ? { cancelationReason: { text: v.reason } } : {}),
      serviceType: [{ text: v.task.type }],
      description: v.task.description,
      ...(v.notes ? { comment: v.notes } : {}),
      start: v.start,
      end: v.end,
      participant: [
        { actor: { reference: `Patient/${v.citizen.id}`, display: v.citizen.name }, status: 'accepted' },
        ...(v.practitioner
          ? [
              {
                actor: { reference: byRole ? `PractitionerRole/role-${v.practitioner.id}` : `Practitioner/${v.practitioner.id}`, display: v.practitioner.name },
                status: 'accepted' as const,
              },
            ]
          : []),
        ...(v.room && !roomSaid ? [{ actor: { reference: `Location/${v.room.id}`, display: v.room.name }, status: 'accepted' as const }] : []),
        { actor: { reference: `HealthcareService/${demo.teamId}`, display: demo.teamName }, status: 'accepted' },
      ],
    };
  };
}
