import { type z } from 'zod';
import { Appointment, Communication, Encounter, PractitionerRole, QuestionnaireResponse, Task } from '../../src-shared/fhir/schemas.js';
import { visitFacts, type ReportFacts } from '../../src-shared/reports/facts.js';
import type { RawReportResources } from './reports.js';

/**
 * The pulled resources of a report as its facts: each resource checked on its own (a bad one is
 * counted, the rest are used). Runs in the report worker thread.
 */
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

export function reportFactsOf(raw: RawReportResources, options: { baseUrl: string; teamId: string | null }): ReportFacts {
  const appointments = parseEach(Appointment, raw.appointments);
  const roles = parseEach(PractitionerRole, raw.roles);
  const encounters = parseEach(Encounter, raw.encounters);
  const attempts = parseEach(Communication, raw.attempts);
  const tasks = parseEach(Task, raw.tasks);
  const responses = parseEach(QuestionnaireResponse, raw.responses);
  const problems = [appointments, roles, encounters, attempts, tasks, responses].reduce((n, r) => n + r.problems, 0);
  const resources = {
    appointments: appointments.parsed,
    roles: roles.parsed,
    encounters: encounters.parsed,
    attempts: attempts.parsed,
    tasks: tasks.parsed,
    responses: responses.parsed,
  };
  return { ...visitFacts(resources, options), problems };
}
