import { z } from 'zod';
import { ReportSchemas, visitFacts, type ReportFacts } from '../../src-shared/reports/facts.js';
import type { RawReportResources } from './reports.js';

/**
 * The pulled resources of a report as its facts, in the report worker thread: each resource checked
 * on its own (a bad one is counted, the rest are used) with the schema of what the facts read, a
 * text at a time as the texts reach the worker. The Appointments come last and are checked as the
 * facts are made, so each is dropped once it is a fact instead of being held to the end.
 */
export type ResourceKind = keyof RawReportResources;
/** The order the texts are sent and checked in: the Appointments last. */
export const RESOURCE_KINDS = ['roles', 'encounters', 'attempts', 'tasks', 'responses', 'appointments'] as const satisfies readonly ResourceKind[];

const Text = z.array(z.unknown());

function* checked<S extends z.ZodType>(schema: S, texts: Iterable<string>, problems: { count: number }): Generator<z.output<S>> {
  for (const text of texts) {
    for (const item of Text.parse(JSON.parse(text))) {
      const result = schema.safeParse(item);
      if (result.success) yield result.data;
      else problems.count++;
    }
  }
}

/** A pull's texts, checked as they reach the worker; its facts once all have come. */
export function reportCollector() {
  const problems = { count: 0 };
  const shelf = <S extends z.ZodType>(schema: S) => {
    const items: z.output<S>[] = [];
    const add = (text: string) => {
      for (const item of checked(schema, [text], problems)) items.push(item);
    };
    return { items, add };
  };
  const shelves = {
    roles: shelf(ReportSchemas.PractitionerRole),
    encounters: shelf(ReportSchemas.Encounter),
    attempts: shelf(ReportSchemas.Communication),
    tasks: shelf(ReportSchemas.Task),
    responses: shelf(ReportSchemas.QuestionnaireResponse),
  };
  const appointmentTexts: string[] = [];
  return {
    add(kind: ResourceKind, text: string) {
      if (kind === 'appointments') appointmentTexts.push(text);
      else shelves[kind].add(text);
    },
    facts(options: { baseUrl: string; teamId: string | null }): ReportFacts {
      const facts = visitFacts(
        {
          roles: shelves.roles.items,
          encounters: shelves.encounters.items,
          attempts: shelves.attempts.items,
          tasks: shelves.tasks.items,
          responses: shelves.responses.items,
          appointments: checked(ReportSchemas.Appointment, appointmentTexts, problems),
        },
        options,
      );
      return { ...facts, problems: problems.count };
    },
  };
}

/** A whole pull at once, the same way. */
export function reportFactsOf(raw: RawReportResources, options: { baseUrl: string; teamId: string | null }): ReportFacts {
  const collector = reportCollector();
  for (const kind of RESOURCE_KINDS) for (const text of raw[kind]) collector.add(kind, text);
  return collector.facts(options);
}
