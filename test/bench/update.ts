import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256OfFile, signRelease, verifyRelease } from '../../src-main/update/releaseSignature';
import { median } from './stats';

/** The update gate's cost: hash and signature check of a 100 MB artifact (the page cache warm, as after a download). */
export async function benchUpdate(count = 5) {
  const root = mkdtempSync(join(tmpdir(), 'skaermrum-bench-update-'));
  try {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const path = join(root, 'Skaermrum-9.9.9.AppImage');
    writeFileSync(path, randomBytes(100 * 1024 * 1024));
    const signatureText = JSON.stringify(signRelease(privateKey, 'Skaermrum-9.9.9.AppImage', '9.9.9', await sha256OfFile(path)));
    const runs: number[] = [];
    for (let i = 0; i < count; i++) {
      const t0 = performance.now();
      const verdict = await verifyRelease({ path, file: 'Skaermrum-9.9.9.AppImage', version: '9.9.9', runningVersion: '1.0.0', signatureText, publicKey });
      runs.push(performance.now() - t0);
      if (!verdict.ok) throw new Error(`the bench's own release was refused: ${verdict.refusal}`);
    }
    const ms = median(runs);
    return { 'update.verify_100mb_ms': { value: ms, unit: 'ms', target: '< 500', met: ms < 500, note: `median of ${count}` } };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
