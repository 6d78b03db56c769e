import { timingSafeEqual } from 'node:crypto';
import { demoDay } from '../../src-shared/demo/demoDay.js';
import type { Clock } from '../../src-shared/time/clock.js';

/** Municipal role names as the sandbox IdP sends them (the client maps them, see src-shared/auth/roles.ts). */
export const SANDBOX_ROLE_NAMES = { staff: 'Skaermrum.Medarbejder', team_lead: 'Skaermrum.Teamleder', leader: 'Skaermrum.Leder' } as const;

/** The one password of every demo user (documented in README; the sandbox holds made-up people only). */
export const DEMO_PASSWORD = 'skaermrum';

export interface IdpUser {
  /** The login name typed on the sign-in page. */
  username: string;
  /** The OIDC subject: the staff member's Practitioner id in the EOJ. */
  sub: string;
  name: string;
  team: string;
  roles: string[];
}

/** Login names are the first name without Danish letters ("Mette Skærbæk" → "mette"). */
const loginName = (name: string) => (name.split(' ')[0] ?? name).toLowerCase().replace(/æ/g, 'ae').replace(/ø/g, 'oe').replace(/å/g, 'aa');

/**
 * A team lead of another skærmenhed (no visits in the sandbox): signs in like anyone, and shows
 * that a team sees only its own citizens and colleagues (the closed user group).
 */
export const OTHER_TEAM_USER: IdpUser = {
  username: 'birk',
  sub: 'practitioner-syd-1',
  name: 'Birk Sønder',
  team: 'team-skaermenhed-syd',
  roles: [SANDBOX_ROLE_NAMES.staff, SANDBOX_ROLE_NAMES.team_lead],
};

/** The head of the home-care area: a leader who follows up with the figures and makes no calls. */
export const LEADER_USER: IdpUser = {
  username: 'lone',
  sub: 'practitioner-leder-1',
  name: 'Lone Lindholm',
  team: 'team-skaermenhed-nord',
  roles: [SANDBOX_ROLE_NAMES.leader],
};

/** The demo staff of the sandbox's team as IdP users, the other team's lead and the leader. */
export function demoUsers(clock: Clock): IdpUser[] {
  return [...demoStaffUsers(clock), OTHER_TEAM_USER, LEADER_USER];
}

function demoStaffUsers(clock: Clock): IdpUser[] {
  return demoDay(clock.now()).staff.map((s) => ({
    username: loginName(s.name),
    sub: s.practitionerId,
    name: s.name,
    team: s.teamId,
    roles: s.role === 'team_lead' ? [SANDBOX_ROLE_NAMES.staff, SANDBOX_ROLE_NAMES.team_lead] : [SANDBOX_ROLE_NAMES.staff],
  }));
}

export function checkPassword(given: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(DEMO_PASSWORD);
  return a.length === b.length && timingSafeEqual(a, b);
}
