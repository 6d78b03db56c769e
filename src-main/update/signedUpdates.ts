import { basename } from 'node:path';
import type { KeyObject } from 'node:crypto';
import type { Logger } from '../log.js';
import { REFUSAL_TEXT, SIGNATURE_SUFFIX, verifyRelease, type Verdict } from './releaseSignature.js';

/** A text file from the feed over HTTP(S); null when it has none. */
export async function fetchFeedText(url: string): Promise<string | null> {
  const response = await fetch(url, { signal: AbortSignal.timeout(15_000), redirect: 'error' });
  if (response.status === 404) return null;
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.text();
}

/** What we use of electron-updater's AppUpdater (so the gate is tested without the Electron binary). */
export interface Updater {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  allowDowngrade: boolean;
  on(event: 'update-downloaded', listener: (info: DownloadedUpdate) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  checkForUpdates(): Promise<unknown>;
}

export interface DownloadedUpdate {
  version: string;
  downloadedFile: string;
  files: readonly { url: string }[];
}

/**
 * The gate between electron-updater and an installation. The updater downloads (its SHA-512 check
 * comes from the same feed, so it proves nothing against whoever controls the feed); nothing is
 * installed until the file's own release signature verifies with the key built into the app. A
 * verified update is installed when the app quits, never by restarting it under a call or unsent
 * work; a refused one is reported in Danish and logged, and the running version keeps working.
 */
export function startSignedUpdates(deps: {
  updater: Updater;
  feedUrl: string;
  runningVersion: string;
  publicKey: KeyObject;
  /** The text at a URL, or null when the server has none (404). */
  fetchText(url: string): Promise<string | null>;
  logger: Logger;
  notify(text: string): void;
}): { verdicts: Promise<Verdict>[] } {
  const { updater, feedUrl, runningVersion, publicKey, fetchText, logger, notify } = deps;
  updater.autoDownload = true;
  updater.autoInstallOnAppQuit = false;
  updater.allowDowngrade = false;
  const verdicts: Promise<Verdict>[] = [];
  updater.on('update-downloaded', (info) => {
    verdicts.push(
      (async (): Promise<Verdict> => {
        const file = basename(info.downloadedFile);
        if (!info.files.some((f) => basename(f.url) === file)) return refuse(info.version, { ok: false, refusal: 'mismatch' });
        const base = feedUrl.endsWith('/') ? feedUrl : `${feedUrl}/`;
        let signatureText: string | null;
        try {
          signatureText = await fetchText(new URL(encodeURIComponent(file) + SIGNATURE_SUFFIX, base).toString());
        } catch (error) {
          // The feed is away: try again at the next check, nothing is installed meanwhile.
          logger.warn({ version: info.version, error: error instanceof Error ? error.message : String(error) }, 'update signature not fetched');
          return { ok: false, refusal: 'missing_signature' };
        }
        const verdict = await verifyRelease({ path: info.downloadedFile, file, version: info.version, runningVersion, signatureText, publicKey });
        if (!verdict.ok) return refuse(info.version, verdict);
        updater.autoInstallOnAppQuit = true;
        logger.info({ version: info.version }, 'update verified; installs when the app quits');
        notify(`Skærmrum ${info.version} er klar og installeres, næste gang Skærmrum lukkes.`);
        return verdict;
      })(),
    );
  });
  updater.on('error', (error) => logger.warn({ error: error.message }, 'update check failed'));
  function refuse(version: string, verdict: Verdict & { ok: false }): Verdict {
    updater.autoInstallOnAppQuit = false;
    logger.warn({ version, refusal: verdict.refusal }, 'update refused');
    notify(REFUSAL_TEXT[verdict.refusal]);
    return verdict;
  }
  void updater
    .checkForUpdates()
    .catch((error: unknown) => logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'update check failed'));
  return { verdicts };
}
