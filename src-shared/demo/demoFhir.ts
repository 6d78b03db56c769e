import { appointmentStatusFor } from '../fhir/mapping.js';
import {
  CONTACT_ROLE_SYSTEM,
  CPR_SYSTEM,
  STAFF_ROLE_SYSTEM,
  HOME_CARE_GROUP_EXTENSION,
  RELATIVES_MAY_JOIN_EXTENSION,
  type FhirResource,
} from '../fhir/schemas.js';
import { demoDay } from './demoDay.js';

/** The demo day as FHIR R4 resources (valid R4 references only), for seeding the sandbox EOJ. Ids match the demo day's. */
export function demoFhirResources(day: Date, options: { now?: Date; seed?: number } = {}): FhirResource[] {
  const demo = demoDay(day, options);
  const resources: FhirResource[] = [];
  const unitId = 'unit-skaermenhed-nord';
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
  for (const c of demo.citizens) {
    const [given, ...family] = c.name.split(' ');
    resources.push({
      resourceType: 'Patient',
      id: c.id,
      identifier: [{ system: CPR_SYSTEM, value: c.cpr }],
      name: [{ text: c.name, given: given ? [given] : [], family: family.join(' ') }],
      birthDate: c.birthDate,
      address: [{ text: c.address }],
      contact: [
        {
          relationship: [{ coding: [{ system: CONTACT_ROLE_SYSTEM, code: 'C', display: 'Emergency Contact' }], text: c.emergencyContact.relationship }],
          name: { text: c.emergencyContact.name },
          telecom: [{ system: 'phone', value: c.emergencyContact.phone }],
        },
      ],
      extension: [
        { url: RELATIVES_MAY_JOIN_EXTENSION, valueBoolean: c.relativesMayJoin },
        { url: HOME_CARE_GROUP_EXTENSION, valueReference: { reference: `CareTeam/${c.homeCareGroup.id}`, display: c.homeCareGroup.name } },
      ],
    });
  }
  for (const v of demo.visits) {
    resources.push({
      resourceType: 'Appointment',
      id: v.id,
      status: appointmentStatusFor(v.status),
      serviceType: [{ text: v.task.type }],
      description: v.task.description,
      ...(v.notes ? { comment: v.notes } : {}),
      start: v.start,
      end: v.end,
      participant: [
        { actor: { reference: `Patient/${v.citizen.id}`, display: v.citizen.name }, status: 'accepted' },
        ...(v.practitioner ? [{ actor: { reference: `Practitioner/${v.practitioner.id}`, display: v.practitioner.name }, status: 'accepted' as const }] : []),
        ...(v.room ? [{ actor: { reference: `Location/${v.room.id}`, display: v.room.name }, status: 'accepted' as const }] : []),
        { actor: { reference: `HealthcareService/${demo.teamId}`, display: demo.teamName }, status: 'accepted' },
      ],
    });
  }
  return resources;
}
