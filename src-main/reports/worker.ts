import { parentPort } from 'node:worker_threads';
import { z } from 'zod';
import { ReportFacts, ReportTeams, type CachedFacts } from '../../src-shared/reports/facts.js';
import { ReportQuery, computeReport, type Report } from '../../src-shared/reports/figures.js';
import { SummaryFacts, teamFigures, type TeamFigures } from '../../src-shared/reports/overview.js';
import { ReportPeriod } from '../../src-shared/reports/period.js';
import { RESOURCE_KINDS, reportCollector } from '../eoj/reportFacts.js';
import type { RawReportResources } from '../eoj/reports.js';

/**
 * The report worker thread: checks the pulled resources one by one (src-main/eoj/reportFacts.ts), turns them into facts and
 * computes the figures, so 15,000 visits never hold up the main process's event loop (the IPC and
 * the sync keep answering). Input from the main thread is still checked: one way in, one schema.
 * A pull's resources come first, a message for each of their JSON texts (src-main/reports/compute.ts),
 * checked as they arrive; then the request, computed from them or from the facts of an earlier pull.
 */
const Request = z.object({
  query: ReportQuery,
  teams: ReportTeams,
  dataAtMs: z.number(),
  nowMs: z.number(),
  baseUrl: z.string(),
  teamId: z.string().nullable(),
  facts: ReportFacts.optional(),
});
/** What to compute, and the freshly pulled resources (JSON texts, src-main/eoj/reports.ts) or the facts of an earlier pull. */
export type WorkerRequest = z.input<typeof Request> & { resources?: RawReportResources };

/** The overview's figures of one team from its cached facts (the cache's JSON text, read here, off the main thread). */
const SummaryRequest = z.object({ period: ReportPeriod, teamId: z.string().min(1), cachedFacts: z.string() });
export type SummaryRequest = z.input<typeof SummaryRequest>;

const Message = z.discriminatedUnion('type', [
  z.object({ type: z.literal('resources'), id: z.number(), kind: z.enum(RESOURCE_KINDS), text: z.string() }),
  z.object({ type: z.literal('compute'), id: z.number(), request: Request }),
  z.object({ type: z.literal('summary'), id: z.number(), request: SummaryRequest }),
]);
export type WorkerMessage = z.input<typeof Message>;

export interface WorkerAnswer {
  report: Report;
  /**
   * A pull's facts as the cache keeps them (CachedFacts as JSON text: written here, instead of
   * 15,000 facts cloned back and written out on the main thread), and how many visits they hold.
   * Null for a report from the facts of an earlier pull.
   */
  pulled: { cached: string; visits: number } | null;
}

const pulls = new Map<number, ReturnType<typeof reportCollector>>();
/** Requests already answered with an error: the rest of their messages are dropped. */
const failed = new Set<number>();

function handle(message: z.output<typeof Message>): WorkerAnswer | TeamFigures | null {
  if (message.type === 'summary') {
    const { period, teamId, cachedFacts } = message.request;
    const { facts } = SummaryFacts.parse(JSON.parse(cachedFacts));
    return teamFigures(facts.visits, period, teamId, facts.problems);
  }
  let pull = pulls.get(message.id);
  if (!pull) pulls.set(message.id, (pull = reportCollector()));
  if (message.type === 'resources') {
    pull.add(message.kind, message.text);
    return null;
  }
  pulls.delete(message.id);
  const { request } = message;
  const facts = request.facts ?? pull.facts({ baseUrl: request.baseUrl, teamId: request.teamId });
  const report = computeReport({ facts, query: request.query, teams: request.teams, dataAt: new Date(request.dataAtMs), now: new Date(request.nowMs) });
  if (request.facts) return { report, pulled: null };
  const cached: CachedFacts = { facts, teams: request.teams };
  return { report, pulled: { cached: JSON.stringify(cached), visits: facts.visits.length } };
}

parentPort?.on('message', (raw: { id: number; type?: unknown }) => {
  if (failed.has(raw.id)) {
    if (raw.type === 'compute') failed.delete(raw.id);
    return;
  }
  try {
    const answer = handle(Message.parse(raw));
    if (answer) parentPort?.postMessage({ id: raw.id, ok: true, answer });
  } catch (error) {
    pulls.delete(raw.id);
    // A summary is one message: nothing of it follows to drop.
    if (raw.type !== 'compute' && raw.type !== 'summary') failed.add(raw.id);
    parentPort?.postMessage({ id: raw.id, ok: false, message: error instanceof Error ? error.message : String(error) });
  }
});
