import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { z } from 'zod';

/**
 * A release's own signature, on top of the OS's code signing: whoever controls the update feed
 * must not control every room PC. The release tool signs, with the vendor's Ed25519 key, what
 * a file is (its SHA-256), which release it belongs to (the version) and its name; the app checks
 * that with the public key built into it before an update may be installed. The signature is a
 * small JSON file next to the artifact: `<file>.sig.json`.
 */
export const SIGNATURE_SUFFIX = '.sig.json';

export const ReleaseSignature = z.object({
  format: z.literal('skaermrum-release-signature/1'),
  file: z.string().min(1).max(300),
  version: z.string().regex(/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Ed25519 over `signedBytes(file, version, sha256)`, base64. */
  signature: z.string().regex(/^[A-Za-z0-9+/]{86}==$/),
});
export type ReleaseSignature = z.infer<typeof ReleaseSignature>;

/** What is signed: one line per field, so no field can be shifted into another. */
export const signedBytes = (file: string, version: string, sha256: string) => Buffer.from(`skaermrum-release\n${file}\n${version}\n${sha256}\n`, 'utf8');

/** The SHA-256 of a file, streamed (an installer is a hundred megabytes and more). */
export function sha256OfFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path, { highWaterMark: 1 << 20 })
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

export function signRelease(privateKey: KeyObject, file: string, version: string, sha256: string): ReleaseSignature {
  const signature = sign(null, signedBytes(file, version, sha256), privateKey).toString('base64');
  return { format: 'skaermrum-release-signature/1', file, version, sha256, signature };
}

export type Refusal =
  /** No signature next to the file, or not one we can read. */
  | 'missing_signature'
  /** The signature is not by our key (or the signed fields were changed). */
  | 'wrong_key'
  /** The file is not the one that was signed. */
  | 'tampered'
  /** The signature is for another file or release than the feed offers. */
  | 'mismatch'
  /** Not newer than the version running. */
  | 'not_newer';

export type Verdict = { ok: true } | { ok: false; refusal: Refusal };

export const publicKeyOf = (pem: string) => createPublicKey(pem);

/** "1.10.0" > "1.9.3"; a pre-release is older than its release. */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const [core = '', pre] = v.split('-', 2);
    return { parts: core.split('.').map(Number), pre: pre ?? null };
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < 3; i++) {
    const d = (x.parts[i] ?? 0) - (y.parts[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  if (x.pre === y.pre) return 0;
  if (x.pre === null) return 1;
  if (y.pre === null) return -1;
  return x.pre < y.pre ? -1 : 1;
}

/**
 * Checks a downloaded update: the signature is ours, over this very file (its hash), for the file
 * and version the feed offered, and that version is newer than the one running.
 */
export async function verifyRelease(input: {
  path: string;
  /** The file name and version the feed offered. */
  file: string;
  version: string;
  runningVersion: string;
  /** The signature file's text, or null when there is none. */
  signatureText: string | null;
  publicKey: KeyObject;
}): Promise<Verdict> {
  if (input.signatureText === null) return { ok: false, refusal: 'missing_signature' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(input.signatureText);
  } catch {
    return { ok: false, refusal: 'missing_signature' };
  }
  const sig = ReleaseSignature.safeParse(parsed);
  if (!sig.success) return { ok: false, refusal: 'missing_signature' };
  const { file, version, sha256, signature } = sig.data;
  if (!verify(null, signedBytes(file, version, sha256), input.publicKey, Buffer.from(signature, 'base64'))) return { ok: false, refusal: 'wrong_key' };
  if (file !== input.file || version !== input.version) return { ok: false, refusal: 'mismatch' };
  if (compareVersions(version, input.runningVersion) <= 0) return { ok: false, refusal: 'not_newer' };
  if ((await sha256OfFile(input.path)) !== sha256) return { ok: false, refusal: 'tampered' };
  return { ok: true };
}

/** What the room's staff are told (Danish first). */
export const REFUSAL_TEXT: Record<Refusal, string> = {
  missing_signature: 'Opdateringen er ikke installeret: den mangler Skærmrums signatur.',
  wrong_key: 'Opdateringen er ikke installeret: den er ikke signeret af Skærmrum.',
  tampered: 'Opdateringen er ikke installeret: filen er ændret, efter den blev signeret.',
  mismatch: 'Opdateringen er ikke installeret: signaturen hører til en anden fil eller version.',
  not_newer: 'Opdateringen er ikke installeret: den er ikke nyere end den version, der kører.',
};
