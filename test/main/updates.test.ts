import { EventEmitter } from 'node:events';
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src-main/log';
import { RELEASE_PUBLIC_KEY } from '../../src-main/update/releaseKey';
import { compareVersions, publicKeyOf, verifyRelease } from '../../src-main/update/releaseSignature';
import { feedEntries, signFolder } from '../../src-main/update/releaseTool';
import { fetchFeedText, startSignedUpdates, type DownloadedUpdate, type Updater } from '../../src-main/update/signedUpdates';

/**
 * Signed updates end to end, short of the Electron binary: releases signed by the release tool are
 * served from a feed on loopback, downloaded as electron-updater would, and put through the gate the
 * app runs (`startSignedUpdates`, with the real HTTP fetch and crypto). electron-updater itself needs
 * Electron, so a stand-in emits its "update-downloaded" event with the downloaded file.
 */
const vendor = generateKeyPairSync('ed25519');
const stranger = generateKeyPairSync('ed25519');
const root = mkdtempSync(join(tmpdir(), 'skaermrum-updates-'));
let server: Server;
let base = '';

/** A feed folder with one release: the artifact and latest-linux.yml, signed with `key`. */
async function release(name: string, version: string, key: KeyObject, size = 256 * 1024): Promise<string> {
  const folder = join(root, name);
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  const file = `Skaermrum-${version}.AppImage`;
  writeFileSync(join(folder, file), randomBytes(size));
  writeFileSync(
    join(folder, 'latest-linux.yml'),
    `version: ${version}\nfiles:\n  - url: ${file}\n    sha512: x\n    size: ${size}\npath: ${file}\nsha512: x\nreleaseDate: '2026-12-01T10:00:00.000Z'\n`,
  );
  await signFolder(folder, key);
  return folder;
}

class StandInUpdater extends EventEmitter implements Updater {
  autoDownload = false;
  autoInstallOnAppQuit = true;
  allowDowngrade = true;
  async checkForUpdates() {
    return null;
  }
}

/** Runs the gate on a release as downloaded from the feed; what it decided, said and logged. */
async function gate(feed: string, version: string, options: { tamper?: boolean; running?: string } = {}) {
  const file = `Skaermrum-${version}.AppImage`;
  const cache = mkdtempSync(join(root, 'cache-'));
  const downloaded = join(cache, file);
  writeFileSync(downloaded, Buffer.from(await (await fetch(`${base}/${feed}/${file}`)).arrayBuffer()));
  if (options.tamper) writeFileSync(downloaded, Buffer.concat([readFileSync(downloaded), Buffer.from('!')]));
  const updater = new StandInUpdater();
  const logged: string[] = [];
  const told: string[] = [];
  const logger = createLogger('info', new Writable({ write: (chunk: Buffer, _e, done) => (logged.push(chunk.toString()), done()) }));
  const { verdicts } = startSignedUpdates({
    updater,
    feedUrl: `${base}/${feed}/`,
    runningVersion: options.running ?? '1.0.0',
    publicKey: vendor.publicKey,
    fetchText: fetchFeedText,
    logger,
    notify: (text) => told.push(text),
  });
  expect(updater.autoInstallOnAppQuit).toBe(false);
  expect(updater.allowDowngrade).toBe(false);
  updater.emit('update-downloaded', { version, downloadedFile: downloaded, files: [{ url: file }] } satisfies DownloadedUpdate);
  const verdict = await verdicts[0];
  return { verdict, installsAtQuit: updater.autoInstallOnAppQuit, told, logged: logged.join('') };
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = join(root, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    if (!path.startsWith(root) || !existsSync(path)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200).end(readFileSync(path));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(root, { recursive: true, force: true });
});

describe('signed updates', () => {
  it('installs a release signed with our key, newer than the running one, at quit', async () => {
    await release('good', '1.1.0', vendor.privateKey);
    const result = await gate('good', '1.1.0');
    expect(result.verdict).toEqual({ ok: true });
    expect(result.installsAtQuit).toBe(true);
    expect(result.told).toEqual(['Skærmrum 1.1.0 er klar og installeres, næste gang Skærmrum lukkes.']);
  });

  it('refuses a file changed after signing, a release signed by another key, a missing signature and an older version', async () => {
    await release('tampered', '1.2.0', vendor.privateKey);
    const tampered = await gate('tampered', '1.2.0', { tamper: true });
    expect(tampered.verdict).toEqual({ ok: false, refusal: 'tampered' });
    expect(tampered.told).toEqual(['Opdateringen er ikke installeret: filen er ændret, efter den blev signeret.']);

    await release('stranger', '1.3.0', stranger.privateKey);
    expect((await gate('stranger', '1.3.0')).verdict).toEqual({ ok: false, refusal: 'wrong_key' });

    const unsigned = await release('unsigned', '1.4.0', vendor.privateKey);
    unlinkSync(join(unsigned, 'Skaermrum-1.4.0.AppImage.sig.json'));
    const missing = await gate('unsigned', '1.4.0');
    expect(missing.verdict).toEqual({ ok: false, refusal: 'missing_signature' });
    expect(missing.told[0]).toMatch(/mangler Skærmrums signatur/);

    // An old release, properly signed: a downgrade is refused (a replay of a release with a known flaw).
    await release('old', '0.9.0', vendor.privateKey);
    expect((await gate('old', '0.9.0')).verdict).toEqual({ ok: false, refusal: 'not_newer' });
    expect((await gate('old', '0.9.0', { running: '0.9.0' })).verdict).toEqual({ ok: false, refusal: 'not_newer' });

    // A good signature of another release put beside this one.
    const swapped = await release('swapped', '1.5.0', vendor.privateKey);
    copyFileSync(join(root, 'good', 'Skaermrum-1.1.0.AppImage.sig.json'), join(swapped, 'Skaermrum-1.5.0.AppImage.sig.json'));
    const other = await gate('swapped', '1.5.0');
    expect(other.verdict).toEqual({ ok: false, refusal: 'mismatch' });

    // Every refusal leaves the running version as it is and is logged by its code, without the feed's address.
    for (const r of [tampered, missing, other]) {
      expect(r.installsAtQuit).toBe(false);
      expect(r.logged).toContain('"msg":"update refused"');
      expect(r.logged).not.toContain('127.0.0.1');
    }
  });

  it('the release tool signs every file the feed lists and the feed file itself', async () => {
    const folder = await release('listed', '2.0.0', vendor.privateKey);
    expect(existsSync(join(folder, 'latest-linux.yml.sig.json'))).toBe(true);
    expect(feedEntries(readFileSync(join(folder, 'latest-linux.yml'), 'utf8'))).toEqual({ version: '2.0.0', files: ['Skaermrum-2.0.0.AppImage'] });
    const feedSignature = readFileSync(join(folder, 'latest-linux.yml.sig.json'), 'utf8');
    const verdict = await verifyRelease({
      path: join(folder, 'latest-linux.yml'),
      file: 'latest-linux.yml',
      version: '2.0.0',
      runningVersion: '1.0.0',
      signatureText: feedSignature,
      publicKey: vendor.publicKey,
    });
    expect(verdict).toEqual({ ok: true });
  });

  it('orders versions as releases do, and the key built in is an Ed25519 public key', () => {
    expect(compareVersions('1.10.0', '1.9.3')).toBe(1);
    expect(compareVersions('1.2.0-beta.1', '1.2.0')).toBe(-1);
    expect(compareVersions('1.2.0', '1.2.0')).toBe(0);
    expect(publicKeyOf(RELEASE_PUBLIC_KEY).asymmetricKeyType).toBe('ed25519');
  });
});
