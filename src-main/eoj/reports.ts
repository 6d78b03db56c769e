import { SCREEN_VISIT_ENCOUNTER_CLASS_SEARCH } from '../../src-shared/fhir/profiles.js';
import { parseReference } from '../../src-shared/fhir/references.js';
import { HealthcareService } from '../../src-shared/fhir/schemas.js';
import { SATISFACTION_QUESTIONNAIRE, ATTEMPT_CATEGORY, PHYSICAL_VISIT_CODE, SKAERMRUM_CODES } from '../../src-shared/fhir/write.js';
import type { InstantRange } from '../../src-shared/time/copenhagen.js';
import type { FhirClient } from '../../src-shared/fhir/client.js';
import { EojError } from './errors.js';
import type { TeamLink } from './teamLink.js';

/**
 * Reads what a report needs from the EOJ by search alone (any conformant server): the team's
 * Appointments of the window (and the PractitionerRoles they book staff through), and the attempts
 * (Communications), held calls (Encounters), escalations (Tasks) and verdicts
 * (QuestionnaireResponses) of the period, every page followed. Resources are passed on unchecked,
 * as JSON texts (see resourceTexts): the report worker checks each one on its own
 * (src-main/eoj/reportFacts.ts), off the UI thread. Text crosses to the worker as one copy, where a
 * quarter's 50,000 objects took a structured clone that held the main thread up for its whole length.
 */
export interface RawReportResources {
  appointments: string[];
  roles: string[];
  encounters: string[];
  attempts: string[];
  tasks: string[];
  responses: string[];
}

const PAGE_SIZE = 500;
/** 12 weeks of a large unit's visits at 500 a page, with room to spare. */
const MAX_PAGES = 400;
/** Calls answered after midnight, attempts sent a little before the planned start: a day's slack each way. */
const SLACK_MS = 86_400_000;

/**
 * Resources as JSON texts (arrays) of at most about 60,000 characters: a text that small is an
 * ordinary young string in the worker, checked and dropped at once, where the text of a whole page
 * (~0.5 MB) is a large object of its own and several times slower to hand over and parse.
 */
const TEXT_CHARS = 60_000;

export function resourceTexts(resources: unknown[]): string[] {
  const texts: string[] = [];
  let parts: string[] = [];
  let chars = 0;
  for (const resource of resources) {
    const json = JSON.stringify(resource);
    if (parts.length > 0 && chars + json.length > TEXT_CHARS) {
      texts.push(`[${parts.join(',')}]`);
      parts = [];
      chars = 0;
    }
    parts.push(json);
    chars += json.length + 1;
  }
  if (parts.length > 0) texts.push(`[${parts.join(',')}]`);
  return texts;
}

/** Every page of a search; its resources of `type` as JSON texts, and each to `seen` (if given). */
async function searchAll(client: FhirClient, url: string, type: string, into: string[], seen?: (resource: unknown) => void): Promise<number> {
  let next: string | undefined = url;
  let pages = 0;
  while (next) {
    if (++pages > MAX_PAGES) throw new Error(`EOJ returnerede over ${MAX_PAGES} sider for ${type}; rapporten er ikke lavet`);
    const { body } = await client.searchPage(next);
    const page: unknown[] = [];
    for (const entry of body.entry ?? []) {
      const r = entry.resource as { resourceType?: unknown } | undefined;
      if (r?.resourceType === type && entry.search?.mode !== 'include') {
        page.push(r);
        seen?.(r);
      }
    }
    into.push(...resourceTexts(page));
    next = body.link?.find((l) => l.relation === 'next')?.url;
  }
  return pages;
}

const iso = (ms: number) => encodeURIComponent(new Date(ms).toISOString());
const token = (system: string, code: string) => encodeURIComponent(`${system}|${code}`);

export async function pullReportResources(opts: {
  client: FhirClient;
  teams: TeamLink[];
  /** Appointments: the period and trend with the flow margins; the rest: the period and trend. */
  window: { appointments: InstantRange; resources: InstantRange };
}): Promise<{ resources: RawReportResources; pages: number }> {
  const { client, window } = opts;
  const resources: RawReportResources = { appointments: [], roles: [], encounters: [], attempts: [], tasks: [], responses: [] };
  const from = iso(window.resources.start.getTime() - SLACK_MS);
  const to = iso(window.resources.end.getTime() + SLACK_MS);
  const searches: Promise<number>[] = [];
  // Staff booked through PractitionerRoles: the roles are read after the Appointments.
  const roleIds = new Set<string>();
  const noteRoles = (appointment: unknown) => {
    for (const id of roleIdsOf(appointment, client.baseUrl)) roleIds.add(id);
  };
  for (const team of opts.teams) {
    const params = new URLSearchParams(await team.searchParams(true));
    params.append('date', `ge${window.appointments.start.toISOString()}`);
    params.append('date', `lt${window.appointments.end.toISOString()}`);
    params.append('_count', String(PAGE_SIZE));
    searches.push(searchAll(client, `Appointment?${params.toString()}`, 'Appointment', resources.appointments, noteRoles));
  }
  // Other teams' calls among these are dropped when joined to the team's Appointments.
  searches.push(
    searchAll(
      client,
      `Encounter?class=${encodeURIComponent(SCREEN_VISIT_ENCOUNTER_CLASS_SEARCH)}&date=ge${from}&date=lt${to}&_count=${PAGE_SIZE}`,
      'Encounter',
      resources.encounters,
    ),
    searchAll(
      client,
      `Communication?category=${token(SKAERMRUM_CODES, ATTEMPT_CATEGORY)}&sent=ge${from}&sent=lt${to}&_count=${PAGE_SIZE}`,
      'Communication',
      resources.attempts,
    ),
    searchAll(
      client,
      `Task?code=${token(SKAERMRUM_CODES, PHYSICAL_VISIT_CODE)}&authored-on=ge${from}&authored-on=lt${to}&_count=${PAGE_SIZE}`,
      'Task',
      resources.tasks,
    ),
    // An EOJ that keeps no verdicts refuses the search: the report is made without them.
    searchAll(
      client,
      `QuestionnaireResponse?questionnaire=${encodeURIComponent(SATISFACTION_QUESTIONNAIRE)}&authored=ge${from}&authored=lt${to}&_count=${PAGE_SIZE}`,
      'QuestionnaireResponse',
      resources.responses,
    ).catch((error: unknown) => {
      if (error instanceof EojError && !error.transient) return 0;
      throw error;
    }),
  );
  let pages = (await Promise.all(searches)).reduce((a, b) => a + b, 0);
  // The roles, a batch of ids at a time.
  const roles = [...roleIds];
  for (let i = 0; i < roles.length; i += ROLE_BATCH) {
    const ids = roles
      .slice(i, i + ROLE_BATCH)
      .map(encodeURIComponent)
      .join(',');
    pages += await searchAll(client, `PractitionerRole?_id=${ids}&_count=${ROLE_BATCH}`, 'PractitionerRole', resources.roles);
  }
  return { resources, pages };
}

const ROLE_BATCH = 40;

/** The PractitionerRole participants of a raw Appointment (it is parsed later, in the worker). */
function roleIdsOf(appointment: unknown, baseUrl: string): string[] {
  const participants = (appointment as { participant?: unknown }).participant;
  if (!Array.isArray(participants)) return [];
  return participants.flatMap((p: { actor?: { reference?: unknown } }) => {
    const ref = typeof p?.actor?.reference === 'string' ? parseReference(p.actor.reference, baseUrl) : null;
    return ref?.kind === 'resource' && ref.type === 'PractitionerRole' ? [ref.id] : [];
  });
}

/** The skærmenheder a report may be for: every active HealthcareService (a leader), or just the one team. */
export async function readTeams(client: FhirClient, only: string | null): Promise<{ id: string; name: string }[]> {
  const { body } = await client.searchPage(only === null ? 'HealthcareService?_count=200' : `HealthcareService?_id=${encodeURIComponent(only)}`);
  return (body.entry ?? []).flatMap((e) => {
    const parsed = HealthcareService.safeParse(e.resource);
    return parsed.success && parsed.data.id && parsed.data.active !== false
      ? [{ id: parsed.data.id, name: (parsed.data.name ?? parsed.data.id).slice(0, 200) }]
      : [];
  });
}
