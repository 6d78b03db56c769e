import { SCREEN_VISIT_ENCOUNTER_CLASS_SEARCH } from '../../src-shared/fhir/profiles.js';
import { firstProblem, type ResourceProblem } from '../../src-shared/fhir/problems.js';
import { Communication, Encounter, Task, type Bundle } from '../../src-shared/fhir/schemas.js';
import { visitIdOf, workflowFromEoj, type VisitResources } from '../../src-shared/fhir/teamState.js';
import { ATTEMPT_CATEGORY, PHYSICAL_VISIT_CODE, SKAERMRUM_CODES } from '../../src-shared/fhir/write.js';
import type { VisitWorkflow } from '../../src-shared/workflow/outcome.js';
import type { FhirClient } from '../../src-shared/fhir/client.js';

/**
 * Reads the team's shared state of the day back from the EOJ: the attempts (Communications), held
 * calls (Encounters) and escalations (Tasks) of the window, by their own searchable codes and
 * dates, so every client of the team shows the same retries and outcomes. An incremental read asks
 * only for what changed after an instant, then reads the whole story of each visit it touched (by
 * its Appointment), so the workflow is always computed from everything.
 */
const BATCH_IDS = 40;
const MAX_PAGES = 50;

export interface TeamStateResult {
  /** The workflow of each of our visits the read touched. */
  workflows: Map<string, VisitWorkflow>;
  problems: { resource: string; problem: ResourceProblem }[];
  /** The newest lastUpdated seen (the next incremental read's start). */
  maxUpdatedMs: number;
}

type Parsed = { attempts: Communication[]; encounters: Encounter[]; tasks: Task[] };
type Communication = ReturnType<typeof Communication.parse>;
type Encounter = ReturnType<typeof Encounter.parse>;
type Task = ReturnType<typeof Task.parse>;

async function searchAll(client: FhirClient, url: string, into: Parsed, problems: TeamStateResult['problems']): Promise<number> {
  let next: string | undefined = url;
  let maxUpdatedMs = 0;
  for (let pages = 0; next && pages < MAX_PAGES; pages++) {
    const { body }: { body: Bundle } = await client.searchPage(next);
    for (const entry of body.entry ?? []) {
      const r = entry.resource as { resourceType?: unknown; id?: unknown; meta?: { lastUpdated?: unknown } } | undefined;
      if (!r || typeof r.resourceType !== 'string') continue;
      maxUpdatedMs = Math.max(maxUpdatedMs, typeof r.meta?.lastUpdated === 'string' ? Date.parse(r.meta.lastUpdated) || 0 : 0);
      const schema = r.resourceType === 'Communication' ? Communication : r.resourceType === 'Encounter' ? Encounter : r.resourceType === 'Task' ? Task : null;
      if (!schema) continue;
      const parsed = schema.safeParse(r);
      if (!parsed.success) {
        problems.push({ resource: `${r.resourceType}/${typeof r.id === 'string' ? r.id : '(uden id)'}`, problem: firstProblem(parsed.error) });
        continue;
      }
      if (parsed.data.resourceType === 'Communication') into.attempts.push(parsed.data);
      else if (parsed.data.resourceType === 'Encounter') into.encounters.push(parsed.data);
      else into.tasks.push(parsed.data);
    }
    next = body.link?.find((l) => l.relation === 'next')?.url;
  }
  return maxUpdatedMs;
}

export async function readTeamState(
  client: FhirClient,
  request: {
    window: { fromMs: number; toMs: number };
    /** Only what changed after this instant; null reads the whole window. */
    changedAfterMs: number | null;
    /** Whether one of our visits is still open (null: not a visit of ours, its story is skipped). */
    openOf(visitId: string): boolean | null;
  },
): Promise<TeamStateResult> {
  const { window } = request;
  const full = request.changedAfterMs === null;
  const since = full ? '' : `&_lastUpdated=gt${encodeURIComponent(new Date(request.changedAfterMs as number).toISOString())}`;
  const from = encodeURIComponent(new Date(window.fromMs).toISOString());
  const to = encodeURIComponent(new Date(window.toMs).toISOString());
  const found: Parsed = { attempts: [], encounters: [], tasks: [] };
  const problems: TeamStateResult['problems'] = [];
  const cursors = await Promise.all([
    searchAll(
      client,
      `Communication?category=${encodeURIComponent(`${SKAERMRUM_CODES}|${ATTEMPT_CATEGORY}`)}&sent=ge${from}&sent=lt${to}${since}&_count=200`,
      found,
      problems,
    ),
    searchAll(
      client,
      `Encounter?class=${encodeURIComponent(SCREEN_VISIT_ENCOUNTER_CLASS_SEARCH)}&date=ge${from}&date=lt${to}${since}&_count=200`,
      found,
      problems,
    ),
    searchAll(client, `Task?code=${encodeURIComponent(`${SKAERMRUM_CODES}|${PHYSICAL_VISIT_CODE}`)}&authored-on=ge${from}${since}&_count=200`, found, problems),
  ]);
  // The visits of ours that this touched (others' teams' visits are not in the store and are skipped).
  const touched = new Set<string>();
  for (const r of [...found.attempts, ...found.encounters, ...found.tasks]) {
    const visitId = visitIdOf(r, client.baseUrl);
    if (visitId && request.openOf(visitId) !== null) touched.add(visitId);
  }
  // A full pull saw everything of the window; an incremental one reads each touched visit's whole story.
  let story: Parsed = found;
  if (!full && touched.size > 0) {
    story = { attempts: [], encounters: [], tasks: [] };
    const ids = [...touched];
    for (let i = 0; i < ids.length; i += BATCH_IDS) {
      const refs = ids
        .slice(i, i + BATCH_IDS)
        .map((id) => encodeURIComponent(`Appointment/${id}`))
        .join(',');
      await Promise.all([
        searchAll(client, `Communication?based-on=${refs}&_count=200`, story, problems),
        searchAll(client, `Encounter?appointment=${refs}&_count=200`, story, problems),
        searchAll(client, `Task?focus=${refs}&_count=200`, story, problems),
      ]);
    }
  }
  const byVisit = new Map<string, VisitResources>();
  const of = (id: string): VisitResources => {
    let resources = byVisit.get(id);
    if (!resources) byVisit.set(id, (resources = { attempts: [], encounters: [], tasks: [] }));
    return resources;
  };
  for (const c of story.attempts) {
    const id = visitIdOf(c, client.baseUrl);
    if (id && touched.has(id)) of(id).attempts.push(c);
  }
  for (const e of story.encounters) {
    const id = visitIdOf(e, client.baseUrl);
    if (id && touched.has(id)) of(id).encounters.push(e);
  }
  for (const t of story.tasks) {
    const id = visitIdOf(t, client.baseUrl);
    if (id && touched.has(id)) of(id).tasks.push(t);
  }
  const workflows = new Map<string, VisitWorkflow>();
  for (const [visitId, resources] of byVisit) {
    const open = request.openOf(visitId);
    if (open !== null) workflows.set(visitId, workflowFromEoj(resources, open));
  }
  return { workflows, problems, maxUpdatedMs: Math.max(0, ...cursors) };
}
