import { parentPort } from 'node:worker_threads';
import { z } from 'zod';
import { Appointment, Communication, Encounter, QuestionnaireResponse, Task } from '../../src-shared/fhir/schemas.js';
import { ReportFacts, visitFacts, type ReportResources } from '../../src-shared/reports/facts.js';
import { ReportQuery, computeReport } from '../../src-shared/reports/figures.js';

/**
 * The report worker thread: checks the pulled resources one by one, turns them into facts and
 * computes the figures, so 15,000 visits never hold up the main process's event loop (the IPC and
 * the sync keep answering). Input from the main thread is still checked: one way in, one schema.
 */
const Request = z.object({
  query: ReportQuery,
  teams: z.array(z.object({ id: z.string(), name: z.string() })),
  dataAtMs: z.number(),
  nowMs: z.number(),
  baseUrl: z.string(),
  teamId: z.string().nullable(),
  /** Freshly pulled resources, or the facts of an earlier pull. */
  resources: z
    .object({
      appointments: z.array(z.unknown()),
      encounters: z.array(z.unknown()),
      attempts: z.array(z.unknown()),
      tasks: z.array(z.unknown()),
      responses: z.array(z.unknown()),
    })
    .optional(),
  facts: ReportFacts.optional(),
});
export type WorkerRequest = z.input<typeof Request>;

function parseEach<S extends z.ZodType>(schema: S, items: unknown[]): { parsed: z.output<S>[]; problems: number } {
  const parsed: z.output<S>[] = [];
  let problems = 0;
  for (const item of items) {
    const result = schema.safeParse(item);
    if (result.success) parsed.push(result.data);
    else problems++;
  }
  return { parsed, problems };
}

export function handle(raw: unknown) {
  const request = Request.parse(raw);
  let facts = request.facts;
  if (!facts) {
    const r = request.resources ?? { appointments: [], encounters: [], attempts: [], tasks: [], responses: [] };
    const appointments = parseEach(Appointment, r.appointments);
    const encounters = parseEach(Encounter, r.encounters);
    const attempts = parseEach(Communication, r.attempts);
    const tasks = parseEach(Task, r.tasks);
    const responses = parseEach(QuestionnaireResponse, r.responses);
    const resources: ReportResources = {
      appointments: appointments.parsed,
      encounters: encounters.parsed,
      attempts: attempts.parsed,
      tasks: tasks.parsed,
      responses: responses.parsed,
    };
    const problems = appointments.problems + encounters.problems + attempts.problems + tasks.problems + responses.problems;
    facts = { ...visitFacts(resources, { baseUrl: request.baseUrl, teamId: request.teamId }), problems };
  }
  const report = computeReport({ facts, query: request.query, teams: request.teams, dataAt: new Date(request.dataAtMs), now: new Date(request.nowMs) });
  return { facts, report };
}

parentPort?.on('message', (message: { id: number; request: unknown }) => {
  try {
    parentPort?.postMessage({ id: message.id, ok: true, answer: handle(message.request) });
  } catch (error) {
    parentPort?.postMessage({ id: message.id, ok: false, message: error instanceof Error ? error.message : String(error) });
  }
});
