import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openTestStore, ROOT_DIR, tempDir, testKeychain } from '../helpers/store';

const ROOT = ROOT_DIR;
const KILLS = Number(process.env.SKAERMRUM_CRASH_KILLS ?? 12);

interface Ack {
  mutationId: string;
  visitId: string;
  status: string;
}

/** Runs the writer until a random moment after it is ready, then SIGKILLs it. */
function runAndKill(file: string, profile: string, delayMs: number): Promise<Ack[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/crashWriter.ts', file, profile], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const acks: Ack[] = [];
    let buffered = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line === 'ready') setTimeout(() => child.kill('SIGKILL'), delayMs);
        const [word, mutationId, visitId, status] = line.split(' ');
        if (word === 'ack' && mutationId && visitId && status) acks.push({ mutationId, visitId, status });
      }
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(acks);
      else reject(new Error(`writer exited with ${code}: ${stderr}`));
    });
  });
}

describe('crash safety', () => {
  it(`keeps every acknowledged change with its outbox row across ${KILLS} SIGKILLs`, async () => {
    const { dir, cleanup } = tempDir();
    const keychain = testKeychain();
    const file = join(dir, 'visits.db');
    try {
      // Create the database and key once, so every kill lands in the write loop or in an open.
      (await openTestStore(dir, keychain)).close();
      const acked: Ack[] = [];
      for (let i = 0; i < KILLS; i++) acked.push(...(await runAndKill(file, keychain.profile, 20 + Math.floor(Math.random() * 400))));
      expect(acked.length).toBeGreaterThan(KILLS);

      const store = await openTestStore(dir, keychain);
      try {
        expect(store.integrityCheck()).toBe('ok');
        const outbox = store.outbox.list();
        const byMutation = new Map(outbox.map((e) => [e.mutationId, e]));
        for (const ack of acked) {
          expect(byMutation.get(ack.mutationId), `acknowledged change ${ack.mutationId} is present`).toMatchObject({
            visitId: ack.visitId,
            intent: { status: ack.status },
          });
        }
        // No change without its outbox row and no row without its change: each visit's status is
        // the status of its latest outbox row.
        const latest = new Map<string, string>();
        for (const e of outbox) if (e.intent.kind === 'visit.status') latest.set(e.visitId, e.intent.status);
        const visits = store.dayQueue({ fromMs: 0, toMs: Number.MAX_SAFE_INTEGER });
        for (const v of visits) {
          if (latest.has(v.id)) expect(v.status).toBe(latest.get(v.id));
        }
        const audits = store.audit.recent(100_000).filter((a) => a.action === 'visit.status_changed');
        expect(audits).toHaveLength(outbox.length);
      } finally {
        store.close();
      }
    } finally {
      cleanup();
    }
  });
});
