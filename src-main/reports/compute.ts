import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { RESOURCE_KINDS } from '../eoj/reportFacts.js';
import type { TeamFigures } from '../../src-shared/reports/overview.js';
import type { SummaryRequest, WorkerAnswer, WorkerMessage, WorkerRequest } from './worker.js';

/**
 * The main process's handle on the report worker thread: one worker, started when first needed,
 * requests answered in order. The built app runs worker.js; the tests run the TypeScript source
 * through tsx (the only place a worker loads a loader).
 */
export interface ReportComputer {
  compute(request: WorkerRequest): Promise<WorkerAnswer>;
  /** The overview's figures of one team from the text of its cached facts. */
  summarize(request: SummaryRequest): Promise<TeamFigures>;
  close(): Promise<void>;
}

type Answer = { id: number; ok: true; answer: WorkerAnswer | TeamFigures } | { id: number; ok: false; message: string };

function startWorker(): Worker {
  const js = fileURLToPath(new URL('./worker.js', import.meta.url));
  if (existsSync(js)) return new Worker(js);
  const ts = new URL('./worker.ts', import.meta.url).href;
  return new Worker(`import('tsx/esm/api').then(({ tsImport }) => tsImport(${JSON.stringify(ts)}, ${JSON.stringify(ts)}))`, { eval: true });
}

export function createReportComputer(): ReportComputer {
  let worker: Worker | null = null;
  let nextId = 1;
  const waiting = new Map<number, { resolve: (a: WorkerAnswer | TeamFigures) => void; reject: (e: Error) => void }>();
  const failAll = (error: Error) => {
    for (const w of waiting.values()) w.reject(error);
    waiting.clear();
    worker = null;
  };
  const start = () => {
    const w = startWorker();
    w.on('message', (answer: Answer) => {
      const pending = waiting.get(answer.id);
      if (!pending) return;
      waiting.delete(answer.id);
      if (waiting.size === 0) w.unref();
      if (answer.ok) pending.resolve(answer.answer);
      else pending.reject(new Error(`Rapporten kunne ikke beregnes: ${answer.message}`));
    });
    w.on('error', (error) => failAll(new Error(`Rapporten kunne ikke beregnes: ${error.message}`)));
    w.on('exit', () => failAll(new Error('Rapportberegningen stoppede')));
    w.unref();
    return w;
  };
  /** Sends a request's messages; its answer comes back under its id. */
  const ask = (send: (id: number, post: (message: WorkerMessage) => void) => void) => {
    worker ??= start();
    const id = nextId++;
    const w = worker;
    // Referenced while it computes (the answer is awaited), idle it never holds the process open.
    w.ref();
    return new Promise<WorkerAnswer | TeamFigures>((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      send(id, (message) => w.postMessage(message));
    });
  };
  return {
    async compute(request) {
      const answer = await ask((id, post) => {
        const { resources, ...rest } = request;
        // A text a message: the worker checks the first while the rest are still being sent.
        if (resources) for (const kind of RESOURCE_KINDS) for (const text of resources[kind]) post({ type: 'resources', id, kind, text });
        post({ type: 'compute', id, request: rest });
      });
      return answer as WorkerAnswer;
    },
    async summarize(request) {
      return (await ask((id, post) => post({ type: 'summary', id, request }))) as TeamFigures;
    },
    async close() {
      const w = worker;
      worker = null;
      if (w) await w.terminate();
    },
  };
}
