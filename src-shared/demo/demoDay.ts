import { maskCpr } from '../domain/cpr.js';
import type { Staff, Visit, VisitStatus } from '../domain/visit.js';
import type { TeamMember } from '../team/members.js';
import { atCopenhagenTime, careDayKey } from '../time/copenhagen.js';

/**
 * A realistic, deterministic demo day for a skærmenhed: Nord has 3 video rooms, 7 staff in three
 * shifts, about 120 screen visits 07:30–22:00 and 8 night calls; the full demo's other teams
 * (DEMO_TEAMS) are smaller and have no night shift. All people are made up. CPR numbers have a 7th
 * digit of 5 (Nord; 6–8 for the other teams) with a birth year of 30–50, which by the CPR century
 * rule means born 2030–2050: no living person can hold one.
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

export const FIRST = [
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
export const LAST = [
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
export const STREETS = ['Kløvervej', 'Syrenvej', 'Mågevej', 'Lærkevænget', 'Hybenvej', 'Engblommevej', 'Solsortvej', 'Rønnebærvej'];
export const TOWNS = ['4000 Roskilde', '4600 Køge', '4700 Næstved', '4300 Holbæk'];
const RELATIONS = ['Datter', 'Søn', 'Ægtefælle', 'Nabo', 'Barnebarn'];
export const HOME_CARE_GROUPS = [
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
/** The shifts' hours (the day shift starts before its first call, the night shift runs past midnight). */
const SHIFT_HOURS: Record<'day' | 'evening' | 'night', TeamMember['hours']> = {
  day: [{ start: '07:00', end: '15:00' }],
  evening: [{ start: '15:00', end: '23:00' }],
  night: [
    { start: '00:00', end: '07:30' },
    { start: '22:00', end: '24:00' },
  ],
};

export interface TaskTemplate {
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

/** A skærmenhed of the demo: its ids, name, size, staff and seed. */
export interface DemoTeam {
  teamId: string;
  name: string;
  /** Part of every id of the team ("syd-": room-syd-1, practitioner-syd-1, patient-syd-001); Nord's ids have none. */
  idPart: string;
  seed: number;
  rooms: number;
  /** Day and evening visits, spread over the rooms 07:30–22:00. */
  visits: number;
  citizens: number;
  /** One day-shift member per room (the first is the team lead), one evening-shift member per room, and the night shift's one. */
  staff: readonly string[];
  /** Whether the team also has the night calls (the night shift in its first room). */
  night: boolean;
  /** The CPR numbers' 7th digit: 5–8 with a birth year of 30–50 means born 2030–2050 (no living person). */
  cprDigit: 5 | 6 | 7 | 8;
}

/** The sandbox's first skærmenhed: the demo day the app, the tests and the guides know. */
export const NORD: DemoTeam = {
  teamId: 'team-skaermenhed-nord',
  name: 'Skærmenheden Nord',
  idPart: '',
  seed: 20261123,
  rooms: 3,
  visits: 120,
  citizens: 80,
  staff: STAFF_NAMES,
  night: true,
  cprDigit: 5,
};

/**
 * The four skærmenheder of the full demo, each of its own size. Syd is led by the sandbox's user
 * `birk` (practitioner-syd-1); the other teams' staff have no sign-in.
 */
export const DEMO_TEAMS: readonly DemoTeam[] = [
  NORD,
  {
    teamId: 'team-skaermenhed-syd',
    name: 'Skærmenheden Syd',
    idPart: 'syd-',
    seed: 20261124,
    rooms: 2,
    visits: 44,
    citizens: 30,
    staff: ['Birk Sønder', 'Camilla Brandt', 'Mads Ejlersen', 'Trine Wulff'],
    night: false,
    cprDigit: 6,
  },
  {
    teamId: 'team-skaermenhed-oest',
    name: 'Skærmenheden Øst',
    idPart: 'oest-',
    seed: 20261125,
    rooms: 2,
    visits: 56,
    citizens: 38,
    staff: ['Helle Juhl', 'Rasmus Krag', 'Signe Abildgaard', 'Emil Thorsen'],
    night: false,
    cprDigit: 7,
  },
  {
    teamId: 'team-skaermenhed-vest',
    name: 'Skærmenheden Vest',
    idPart: 'vest-',
    seed: 20261126,
    rooms: 1,
    visits: 30,
    citizens: 20,
    staff: ['Torben Lassen', 'Ida Mørch'],
    night: false,
    cprDigit: 8,
  },
];

/** One recurring visit of the team's plan: the same wall-clock time, task and people every day. */
export interface PlannedVisit {
  /** The id's last part ("room-2-05", "night-03"); the Appointment's id is `appointment-<day>-<slot>`. */
  slot: string;
  room: { id: string; name: string };
  minuteOfDay: number;
  task: TaskTemplate;
  citizen: DemoCitizen;
  practitioner: Staff;
  /** Drawn once: below 0.9 a past visit of the demo day is done, otherwise not answered. */
  outcomeDraw: number;
  notes: string;
}

/** The team's recurring plan, independent of the date. */
export interface DemoPlan {
  team: DemoTeam;
  rooms: { id: string; name: string }[];
  staff: Staff[];
  members: TeamMember[];
  citizens: DemoCitizen[];
  slots: PlannedVisit[];
}

/**
 * The team's plan: citizens, staff and each recurring visit. `seed` and `visits` default to the
 * team's. The random sequences are drawn in the order the demo day always drew them, so Nord's
 * names, times and tasks stay what they were.
 */
export function demoPlan(team: DemoTeam = NORD, options: { seed?: number; visits?: number } = {}): DemoPlan {
  const seed = options.seed ?? team.seed;
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const { teamId, idPart } = team;
  const rooms = Array.from({ length: team.rooms }, (_, i) => ({ id: `room-${idPart}${i + 1}`, name: `Videorum ${i + 1}` }));
  const nightIndex = team.night ? 2 * team.rooms : -1;
  const staff: Staff[] = team.staff.map((name, i) => ({
    practitionerId: `practitioner-${idPart}${i + 1}`,
    name,
    teamId,
    role: i === 0 ? 'team_lead' : 'staff',
    roomId: rooms[i % rooms.length]?.id ?? null,
  }));

  // Details added later come from their own sequence, so the day's names and times stay as they were.
  const extra = prng(seed + 1);
  const pickExtra = <T>(items: readonly T[]): T => items[Math.floor(extra() * items.length)] as T;
  const citizens: DemoCitizen[] = Array.from({ length: team.citizens }, (_, i) => {
    const yy = 30 + Math.floor(random() * 21);
    const mm = 1 + Math.floor(random() * 12);
    const dd = 1 + Math.floor(random() * 28);
    const cpr = `${pad(dd)}${pad(mm)}${pad(yy)}${team.cprDigit}${pad(Math.floor(random() * 1000), 3)}`;
    return {
      id: `patient-${idPart}${pad(i + 1, 3)}`,
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
  const kin = prng(seed + 2);
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

  const slots: PlannedVisit[] = [];
  const add = (slot: string, room: { id: string; name: string }, minuteOfDay: number, task: TaskTemplate, citizen: DemoCitizen, practitioner: Staff) => {
    // Drawn for every visit, so the rest of the day does not depend on `now`.
    const outcomeDraw = extra();
    slots.push({ slot, room, minuteOfDay, task, citizen, practitioner, outcomeDraw, notes: pickExtra(NOTES) });
  };
  rooms.forEach((room, roomIndex) => {
    // Nord: 40 visits per room from 07:30 to 22:00, 870 minutes, one every ~21 minutes with jitter.
    // (`visits` spreads another total over the rooms, e.g. 500 for the benchmark.)
    const total = options.visits ?? team.visits;
    const perRoom = Math.floor(total / rooms.length) + (roomIndex < total % rooms.length ? 1 : 0);
    const spacing = Math.floor(870 / perRoom);
    for (let slot = 0; slot < perRoom; slot++) {
      const minuteOfDay = 7 * 60 + 30 + slot * spacing + Math.floor(random() * Math.min(6, spacing));
      const task = pick(TASKS);
      const citizen = citizens[(slot * 3 + roomIndex * 7) % citizens.length] as DemoCitizen;
      const shift = minuteOfDay < 15 * 60 ? 0 : rooms.length;
      add(`${room.id}-${pad(slot + 1)}`, room, minuteOfDay, task, citizen, staff[roomIndex + shift] as Staff);
    }
  });
  if (team.night)
    NIGHT_SLOTS.forEach((clock, i) => {
      const [h, m] = clock.split(':').map(Number) as [number, number];
      const citizen = citizens[(i * 11 + 5) % citizens.length] as DemoCitizen;
      const nightStaff = staff[nightIndex] as Staff;
      add(
        `${idPart}night-${pad(i + 1)}`,
        rooms[0] as { id: string; name: string },
        h * 60 + m,
        NIGHT_TASKS[i % NIGHT_TASKS.length] as TaskTemplate,
        citizen,
        nightStaff,
      );
    });
  const members: TeamMember[] = staff.map((s, i) => ({
    practitionerId: s.practitionerId,
    name: s.name,
    role: s.role,
    roomId: s.roomId,
    roomName: rooms.find((r) => r.id === s.roomId)?.name ?? null,
    hours: SHIFT_HOURS[i < rooms.length ? 'day' : i === nightIndex ? 'night' : 'evening'],
  }));
  return { team, rooms, staff, members, citizens, slots };
}

/** The citizen as a visit carries them. */
export function visitCitizen(citizen: DemoCitizen): Visit['citizen'] {
  return {
    id: citizen.id,
    name: citizen.name,
    cprMasked: maskCpr(citizen.cpr),
    address: citizen.address,
    birthDate: citizen.birthDate,
    emergencyContact: citizen.emergencyContact,
    relativesMayJoin: citizen.relativesMayJoin,
    relatives: citizen.relatives.map((r) => ({ id: r.id, name: r.name, relationship: r.relationship, mayJoin: r.mayJoin, canText: true })),
    homeCareGroup: citizen.homeCareGroup,
  };
}

/** "07:30" of a minute of the day. */
export const clockOf = (minuteOfDay: number) => `${pad(Math.floor(minuteOfDay / 60))}:${pad(minuteOfDay % 60)}`;

/**
 * The demo day of the care day containing `day`, as it stands at `now`: a pure function of the two,
 * so a test can say "it is 23:58" and know which visits are open, done or late. Visits that ended
 * before `now` are done (nine in ten) or not answered; the rest are planned. Without `now` every
 * visit is planned. Ids carry the date, so consecutive days can live side by side in one EOJ; the
 * plan itself (citizens, times, tasks) recurs every day, as home care does. `team`: which
 * skærmenhed (default Nord).
 */
export function demoDay(day: Date, options: { now?: Date; seed?: number; visits?: number; team?: DemoTeam } = {}): DemoDay {
  const team = options.team ?? NORD;
  const plan = demoPlan(team, options);
  const now = options.now;
  const updatedAt = (now ?? day).toISOString();
  const dayKey = careDayKey(day);
  const visits: Visit[] = plan.slots.map((p) => {
    const start = atCopenhagenTime(day, Math.floor(p.minuteOfDay / 60), p.minuteOfDay % 60);
    const end = new Date(start.getTime() + p.task.minutes * 60_000);
    let status: VisitStatus = 'planned';
    if (now && end.getTime() < now.getTime()) status = p.outcomeDraw < 0.9 ? 'completed' : 'not_answered';
    return {
      id: `appointment-${dayKey}-${p.slot}`,
      versionId: '1',
      start: start.toISOString(),
      end: end.toISOString(),
      citizen: visitCitizen(p.citizen),
      task: { code: null, type: p.task.type, description: p.task.describe(clockOf(p.minuteOfDay)) },
      practitioner: { id: p.practitioner.practitionerId, name: p.practitioner.name },
      room: p.room,
      teamId: team.teamId,
      status,
      notes: p.notes,
      updatedAt,
    };
  });
  visits.sort((a, b) => a.start.localeCompare(b.start));
  return {
    teamId: team.teamId,
    teamName: team.name,
    rooms: plan.rooms,
    staff: plan.staff,
    members: plan.members,
    citizens: plan.citizens,
    visits,
    homeCareGroups: HOME_CARE_GROUPS,
  };
}
