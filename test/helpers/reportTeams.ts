import { TZDate } from '@date-fns/tz';
import type { FhirResource } from '../../src-shared/fhir/schemas';
import { generateQuarter, TEAM, type VisitPlan } from './reportQuarter';

/**
 * Several skærmenheder for the overview's tests and benchmark: each its own generated weeks
 * (reportQuarter.ts), with its own HealthcareService, staff, rooms and citizens, and, for EOJs that
 * link a team through its members, a CareTeam of its staff (`careTeam: false` leaves it out).
 */
export interface GeneratedTeam {
  id: string;
  name: string;
  plans: VisitPlan[];
  resources: FhirResource[];
}

export function generateTeam(options: {
  slug: string;
  name: string;
  firstMonday: string;
  weeks: number;
  perWeek: number;
  seed: number;
  nowMs: number;
  careTeam?: boolean;
}): GeneratedTeam {
  const id = `team-skaermenhed-${options.slug}`;
  const quarter = generateQuarter({ ...options, idPrefix: options.slug });
  // The generator writes one team's resources: its team, staff and rooms are renamed for this one.
  const renamed = JSON.parse(
    JSON.stringify(quarter.resources)
      .replaceAll(`HealthcareService/${TEAM}`, `HealthcareService/${id}`)
      .replaceAll('Skærmenhed Nord', options.name)
      .replaceAll('practitioner-', `practitioner-${options.slug}-`)
      .replaceAll('Location/room-', `Location/room-${options.slug}-`),
  ) as FhirResource[];
  const staff = [1, 2, 3, 4, 5].map((n) => `practitioner-${options.slug}-${n}`);
  const team: FhirResource[] = [
    { resourceType: 'HealthcareService', id, active: true, name: options.name },
    ...staff.map((p): FhirResource => ({ resourceType: 'Practitioner', id: p, name: [{ text: `Medarbejder ${p.slice(-1)}` }] })),
    ...(options.careTeam === false
      ? []
      : [
          { resourceType: 'CareTeam', id, name: options.name, participant: staff.map((p) => ({ member: { reference: `Practitioner/${p}` } })) } as FhirResource,
        ]),
  ];
  return { id, name: options.name, plans: quarter.plans, resources: [...team, ...renamed] };
}

/** The 12 trend weeks ending with the week of `lastMonday` (a calendar day), as the test counts them: local midnights. */
export function trendMondays(lastMonday: string): { start: number; end: number }[] {
  const [y, m, d] = lastMonday.split('-').map(Number) as [number, number, number];
  const at = (days: number) => new TZDate(y, m - 1, d + days, 0, 0, 'Europe/Copenhagen').getTime();
  return Array.from({ length: 12 }, (_, k) => ({ start: at(7 * (k - 11)), end: at(7 * (k - 10)) }));
}

/** Planned and done visits per week, counted from the plans. */
export function expectedTrend(plans: VisitPlan[], weeks: { start: number; end: number }[]) {
  return weeks.map((w) => {
    const inWeek = plans.filter((p) => p.startMs >= w.start && p.startMs < w.end);
    return { planned: inWeek.length, done: inWeek.filter((p) => p.result === 'done').length };
  });
}
