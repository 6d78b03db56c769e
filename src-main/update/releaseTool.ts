import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { SIGNATURE_SUFFIX, sha256OfFile, signRelease } from './releaseSignature.js';

/**
 * The release tool (`npm run release:sign -- <folder>`): signs every file the feed's latest*.yml
 * lists, and the yml files themselves, writing `<file>.sig.json` beside each. The private key comes
 * from SKAERMRUM_RELEASE_KEY_FILE (a PEM file) or SKAERMRUM_RELEASE_KEY (the PEM text), never from
 * the repository. `npm run release:keygen -- <private.pem>` makes a new key pair.
 */
function releaseKey(): KeyObject {
  const file = process.env.SKAERMRUM_RELEASE_KEY_FILE;
  const text = file ? readFileSync(file, 'utf8') : process.env.SKAERMRUM_RELEASE_KEY;
  if (!text) throw new Error('Angiv nøglen i SKAERMRUM_RELEASE_KEY_FILE (en PEM-fil) eller SKAERMRUM_RELEASE_KEY.');
  const key = createPrivateKey(text);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('Udgivelsesnøglen skal være en Ed25519-nøgle.');
  return key;
}

/** The version and file names of an electron-builder feed file (latest.yml, latest-linux.yml, …). */
export function feedEntries(yml: string): { version: string; files: string[] } {
  const version = /^version:\s*['"]?([^'"\s]+)['"]?\s*$/m.exec(yml)?.[1];
  if (!version) throw new Error('Feed-filen har ingen version.');
  const files = [...yml.matchAll(/^\s*(?:-\s+)?(?:url|path):\s*['"]?([^'"\n]+?)['"]?\s*$/gm)].map((m) => m[1] as string);
  return { version, files: [...new Set(files)] };
}

export async function signFolder(folder: string, key: KeyObject): Promise<string[]> {
  const feeds = readdirSync(folder).filter((f) => /^latest.*\.yml$/.test(f));
  if (feeds.length === 0) throw new Error(`Ingen latest*.yml i ${folder}.`);
  const written: string[] = [];
  for (const feed of feeds) {
    const { version, files } = feedEntries(readFileSync(join(folder, feed), 'utf8'));
    for (const file of [...files, feed]) {
      const name = basename(file);
      const signature = signRelease(key, name, version, await sha256OfFile(join(folder, name)));
      writeFileSync(join(folder, name + SIGNATURE_SUFFIX), JSON.stringify(signature, null, 2) + '\n');
      written.push(name + SIGNATURE_SUFFIX);
    }
  }
  return written;
}

async function main(argv: string[]) {
  const [command, target] = argv;
  if (command === 'sign' && target) {
    for (const f of await signFolder(target, releaseKey())) console.log(`signeret: ${f}`);
  } else if (command === 'keygen' && target) {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(target, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    console.log(`Privat nøgle skrevet til ${target} (opbevar den uden for repositoriet). Offentlig nøgle til src-main/update/releaseKey.ts:`);
    console.log(publicKey.export({ type: 'spki', format: 'pem' }));
  } else {
    console.error('Brug: release:sign -- <mappe>   eller   release:keygen -- <privat-nøgle.pem>');
    process.exitCode = 2;
  }
}

if (process.argv[1] && basename(process.argv[1]) === 'releaseTool.js') {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  });
}
