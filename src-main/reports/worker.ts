import { parentPort } from 'node:worker_threads';
import { z } from 'zod';
import { ReportFacts } from '../../src-shared/reports/facts.js';
import { ReportQuery, computeReport } from '../../src-shared/reports/figures.js';
import { reportFactsOf } from '../eoj/reportFacts.js';

/**
 * The report worker thread: checks the pulled resources one by one (src-main/eoj/reportFacts.ts), turns them into facts and
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
      roles: z.array(z.unknown()).default([]),
      encounters: z.array(z.unknown()),
      attempts: z.array(z.unknown()),
      tasks: z.array(z.unknown()),
      responses: z.array(z.unknown()),
    })
    .optional(),
  facts: ReportFacts.optional(),
});
export type WorkerRequest = z.input<typeof Request>;

export function handle(raw: unknown) {
  const request = Request.parse(raw);
  let facts = request.facts;
  if (!facts) {
    const r = request.resources ?? { appointments: [], roles: [], encounters: [], attempts: [], tasks: [], responses: [] };
    facts = reportFactsOf(r, { baseUrl: request.baseUrl, teamId: request.teamId });
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
