import { maskCpr } from '../domain/cpr.js';
import type { Staff, Visit, VisitStatus } from '../domain/visit.js';
import type { TeamMember } from '../team/members.js';
import { atCopenhagenTime, careDayKey } from '../time/copenhagen.js';

/**
 * A realistic, deterministic demo day for one skærmenhed: 3 video rooms, 7 staff in three shifts,
 * about 120 screen visits 07:30–22:00 and 8 night calls. All people are made up. CPR numbers have a 7th digit of 5
 * with a birth year of 30–50, which by the CPR century rule means born 2030–2050: no living person
 * can hold one.
 */
export interface DemoCitizen {
  id: string;
  name: string;
  cpr: string;
  birthDate: string;
  address: string;
  emergencyContact: { name: string; phone: string; relationship: string };
  relativesMayJoin: boolean;
  /** Relatives the EOJ lists (the emergency contact when family, perhaps one more), each with or without the citizen's consent. */
  relatives: { id: string; name: string; relationship: string; phone: string; mayJoin: boolean }[];
  homeCareGroup: { id: string; name: string };
}

export interface DemoDay {
  teamId: string;
  teamName: string;
  rooms: { id: string; name: string }[];
  staff: Staff[];
  /** The staff as the team lead's board shows them: room and hours (their shift). */
  members: TeamMember[];
  citizens: DemoCitizen[];
  visits: Visit[];
  homeCareGroups: { id: string; name: string }[];
}

const FIRST = [
  'Inger',
  'Kirsten',
  'Hanne',
  'Grethe',
  'Bente',
  'Jytte',
  'Ruth',
  'Karen',
  'Else',
  'Birthe',
  'Poul',
  'Jørgen',
  'Erik',
  'Henning',
  'Bent',
  'Arne',
  'Knud',
  'Svend',
  'Leif',
  'Preben',
];
const LAST = [
  'Møllegaard',
  'Bækholm',
  'Skovlund',
  'Engtoft',
  'Lyngsø',
  'Kærsgaard',
  'Rosendahl',
  'Hedelund',
  'Vestergaard',
  'Strandby',
  'Birkholm',
  'Fjordside',
  'Holmsted',
  'Damgaard',
  'Krogsbæk',
];
const STREETS = ['Kløvervej', 'Syrenvej', 'Mågevej', 'Lærkevænget', 'Hybenvej', 'Engblommevej', 'Solsortvej', 'Rønnebærvej'];
const TOWNS = ['4000 Roskilde', '4600 Køge', '4700 Næstved', '4300 Holbæk'];
const RELATIONS = ['Datter', 'Søn', 'Ægtefælle', 'Nabo', 'Barnebarn'];
const HOME_CARE_GROUPS = [
  { id: 'careteam-hjemmepleje-nord', name: 'Hjemmeplejen Nord' },
  { id: 'careteam-hjemmepleje-syd', name: 'Hjemmeplejen Syd' },
  { id: 'careteam-hjemmepleje-vest', name: 'Hjemmeplejen Vest' },
];
const NOTES = [
  '',
  '',
  '',
  'Husk at spørge til blodsukkeret i aftes.',
  'Datteren er med ved opkaldet om tirsdagen.',
  'Hører dårligt på venstre øre – tal tydeligt.',
  'Tabletten står i køkkenet.',
];
// Day shift (rooms 1–3), evening shift (rooms 1–3), night shift (room 1).
const STAFF_NAMES = ['Mette Skærbæk', 'Louise Dalgaard', 'Ahmad Rahimi', 'Sofie Lindholm', 'Jonas Kvist', 'Fatima Yilmaz', 'Karin Holm'];
const NIGHT_STAFF_INDEX = 6;
/** The shifts' hours (the day shift starts before its first call, the night shift runs past midnight). */
const SHIFT_HOURS: Record<'day' | 'evening' | 'night', TeamMember['hours']> = {
  day: [{ start: '07:00', end: '15:00' }],
  evening: [{ start: '15:00', end: '23:00' }],
  night: [
    { start: '00:00', end: '07:30' },
    { start: '22:00', end: '24:00' },
  ],
};

interface TaskTemplate {
  type: string;
  describe: (clock: string) => string;
  minutes: number;
}
const TASKS: TaskTemplate[] = [
  { type: 'Medicingivning', describe: (c) => `Medicin ${c} – guide til at tage dosisæsken`, minutes: 10 },
  { type: 'Insulin', describe: (c) => `Insulin ${c} – guide injektion`, minutes: 10 },
  { type: 'Blodsukkermåling', describe: (c) => `Blodsukker ${c} – se måling og noter værdien`, minutes: 5 },
  { type: 'Påmindelse om mad og drikke', describe: (c) => `Måltid ${c} – påmind om mad og væske`, minutes: 5 },
  { type: 'Tilsyn/omsorg', describe: (c) => `Tilsyn ${c} – tal om dagen og trivsel`, minutes: 15 },
  { type: 'Kompressionsstrømper', describe: (c) => `Strømper ${c} – guide af- eller påtagning`, minutes: 10 },
  { type: 'Stomipleje', describe: (c) => `Stomi ${c} – guide skift af pose`, minutes: 15 },
];

/** Small deterministic PRNG (mulberry32) so every run of the demo is the same day. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Night calls of the night shift in Videorum 1 (wall-clock times; none between 02:00 and 03:00, which one night a year lacks and another has twice). */
const NIGHT_SLOTS = ['00:40', '01:50', '03:10', '04:30', '05:50', '22:20', '23:05', '23:50'] as const;
const NIGHT_TASKS: TaskTemplate[] = [
  { type: 'Nattilsyn', describe: (c) => `Nattilsyn ${c} – tal med borgeren og se at alt er vel`, minutes: 10 },
  { type: 'Medicingivning', describe: (c) => `Medicin ${c} – guide til at tage dosisæsken`, minutes: 10 },
];

/**
 * The demo day of the care day containing `day`, as it stands at `now`: a pure function of the two,
 * so a test can say "it is 23:58" and know which visits are open, done or late. Visits that ended
 * before `now` are done (nine in ten) or not answered; the rest are planned. Without `now` every
 * visit is planned. Ids carry the date, so consecutive days can live side by side in one EOJ; the
 * plan itself (citizens, times, tasks) recurs every day, as home care does.
 */
export function demoDay(day: Date, options: { now?: Date; seed?: number; visits?: number } = {}): DemoDay {
  const random = prng(options.seed ?? 20261123);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const teamId = 'team-skaermenhed-nord';
  const rooms = [1, 2, 3].map((n) => ({ id: `room-${n}`, name: `Videorum ${n}` }));
  const staff: Staff[] = STAFF_NAMES.map((name, i) => ({
    practitionerId: `practitioner-${i + 1}`,
    name,
    teamId,
    role: i === 0 ? 'team_lead' : 'staff',
    roomId: rooms[i % 3]?.id ?? null,
  }));
  const nightStaff = staff[NIGHT_STAFF_INDEX] as Staff;

  // Details added later come from their own sequence, so the day's names and times stay as they were.
  const extra = prng((options.seed ?? 20261123) + 1);
  const pickExtra = <T>(items: readonly T[]): T => items[Math.floor(extra() * items.length)] as T;
  const citizens: DemoCitizen[] = Array.from({ length: 80 }, (_, i) => {
    const yy = 30 + Math.floor(random() * 21);
    const mm = 1 + Math.floor(random() * 12);
    const dd = 1 + Math.floor(random() * 28);
    const cpr = `${pad(dd)}${pad(mm)}${pad(yy)}5${pad(Math.floor(random() * 1000), 3)}`;
    return {
      id: `patient-${pad(i + 1, 3)}`,
      name: `${pick(FIRST)} ${pick(LAST)}`,
      cpr,
      birthDate: `19${pad(yy)}-${pad(mm)}-${pad(dd)}`,
      address: `${pick(STREETS)} ${1 + Math.floor(random() * 60)}, ${pick(TOWNS)}`,
      emergencyContact: {
        name: `${pickExtra(FIRST)} ${pickExtra(LAST)}`,
        phone: `+45 ${20 + Math.floor(extra() * 10)} ${pad(Math.floor(extra() * 100))} ${pad(Math.floor(extra() * 100))} ${pad(Math.floor(extra() * 100))}`,
        relationship: pickExtra(RELATIONS),
      },
      relativesMayJoin: extra() < 0.6,
      relatives: [],
      homeCareGroup: HOME_CARE_GROUPS[i % HOME_CARE_GROUPS.length] as { id: string; name: string },
    };
  });
  // Relatives from a sequence of their own (added later; nothing else of the day moves).
  const kin = prng((options.seed ?? 20261123) + 2);
  const pickKin = <T>(items: readonly T[]): T => items[Math.floor(kin() * items.length)] as T;
  const mobile = () => `+45 ${20 + Math.floor(kin() * 10)} ${pad(Math.floor(kin() * 100))} ${pad(Math.floor(kin() * 100))} ${pad(Math.floor(kin() * 100))}`;
  for (const c of citizens) {
    const family = c.emergencyContact.relationship !== 'Nabo';
    if (family) c.relatives.push({ id: `${c.id}-rel-1`, ...c.emergencyContact, mayJoin: c.relativesMayJoin });
    if (kin() < 0.5) {
      const relationship = pickKin(RELATIONS.filter((r) => r !== 'Nabo'));
      c.relatives.push({
        id: `${c.id}-rel-2`,
        name: `${pickKin(FIRST)} ${c.name.split(' ').slice(1).join(' ')}`,
        relationship,
        phone: mobile(),
        mayJoin: kin() < 0.5,
      });
    }
    c.relativesMayJoin = c.relatives.some((r) => r.mayJoin);
  }

  const visits: Visit[] = [];
  const now = options.now;
  const updatedAt = (now ?? day).toISOString();
  const dayKey = careDayKey(day);
  const add = (id: string, room: { id: string; name: string }, minuteOfDay: number, task: TaskTemplate, citizen: DemoCitizen, practitioner: Staff) => {
    const start = atCopenhagenTime(day, Math.floor(minuteOfDay / 60), minuteOfDay % 60);
    const end = new Date(start.getTime() + task.minutes * 60_000);
    // Drawn for every visit, so the rest of the day does not depend on `now`.
    const outcome = extra();
    let status: VisitStatus = 'planned';
    if (now && end.getTime() < now.getTime()) status = outcome < 0.9 ? 'completed' : 'not_answered';
    visits.push({
      id: `appointment-${dayKey}-${id}`,
      versionId: '1',
      start: start.toISOString(),
      end: end.toISOString(),
      citizen: {
        id: citizen.id,
        name: citizen.name,
        cprMasked: maskCpr(citizen.cpr),
        address: citizen.address,
        birthDate: citizen.birthDate,
        emergencyContact: citizen.emergencyContact,
        relativesMayJoin: citizen.relativesMayJoin,
        relatives: citizen.relatives.map((r) => ({ id: r.id, name: r.name, relationship: r.relationship, mayJoin: r.mayJoin, canText: true })),
        homeCareGroup: citizen.homeCareGroup,
      },
      task: { code: null, type: task.type, description: task.describe(`${pad(Math.floor(minuteOfDay / 60))}:${pad(minuteOfDay % 60)}`) },
      practitioner: { id: practitioner.practitionerId, name: practitioner.name },
      room,
      teamId,
      status,
      notes: pickExtra(NOTES),
      updatedAt,
    });
  };
  rooms.forEach((room, roomIndex) => {
    // 40 visits per room from 07:30 to 22:00: 870 minutes, one every ~21 minutes with jitter.
    // (`visits` spreads another total over the three rooms, e.g. 500 for the benchmark.)
    const total = options.visits ?? 120;
    const perRoom = Math.floor(total / rooms.length) + (roomIndex < total % rooms.length ? 1 : 0);
    const spacing = Math.floor(870 / perRoom);
    for (let slot = 0; slot < perRoom; slot++) {
      const minuteOfDay = 7 * 60 + 30 + slot * spacing + Math.floor(random() * Math.min(6, spacing));
      const task = pick(TASKS);
      const citizen = citizens[(slot * 3 + roomIndex * 7) % citizens.length] as DemoCitizen;
      const shift = minuteOfDay < 15 * 60 ? 0 : 3;
      add(`${room.id}-${pad(slot + 1)}`, room, minuteOfDay, task, citizen, staff[roomIndex + shift] as Staff);
    }
  });
  NIGHT_SLOTS.forEach((clock, i) => {
    const [h, m] = clock.split(':').map(Number) as [number, number];
    const citizen = citizens[(i * 11 + 5) % citizens.length] as DemoCitizen;
    add(`night-${pad(i + 1)}`, rooms[0] as { id: string; name: string }, h * 60 + m, NIGHT_TASKS[i % NIGHT_TASKS.length] as TaskTemplate, citizen, nightStaff);
  });
  visits.sort((a, b) => a.start.localeCompare(b.start));
  const members: TeamMember[] = staff.map((s, i) => ({
    practitionerId: s.practitionerId,
    name: s.name,
    role: s.role,
    roomId: s.roomId,
    roomName: rooms.find((r) => r.id === s.roomId)?.name ?? null,
    hours: SHIFT_HOURS[i < 3 ? 'day' : i === NIGHT_STAFF_INDEX ? 'night' : 'evening'],
  }));
  return { teamId, teamName: 'Skærmenheden Nord', rooms, staff, members, citizens, visits, homeCareGroups: HOME_CARE_GROUPS };
}
