import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoDay } from '../../src-shared/demo/demoDay';
import type { Visit } from '../../src-shared/domain/visit';
import { osKeychain, type StoreKeychain } from '../../src-main/store/keychain';
import { openVisitStore, type VisitStore } from '../../src-main/store/visitStore';

export const ROOT_DIR = fileURLToPath(new URL('../..', import.meta.url));
export const MIGRATIONS_DIR = join(ROOT_DIR, 'migrations');

/** A fresh folder under /tmp, removed by the returned cleanup. */
export function tempDir(prefix = 'skaermrum-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The real OS keychain (Secret Service under test/with-keyring.sh), with a profile of its own. */
export function testKeychain(profile = `test-${randomUUID()}`): StoreKeychain & { profile: string } {
  return { ...osKeychain(profile), profile };
}

export async function openTestStore(dir: string, keychain: StoreKeychain = testKeychain()): Promise<VisitStore> {
  return openVisitStore({ file: join(dir, 'visits.db'), keychain, migrationsDir: MIGRATIONS_DIR });
}

/** A demo day on a fixed date, so tests do not depend on today. */
export const TEST_DAY = new Date('2026-03-10T09:00:00Z');
export function testVisits(day = TEST_DAY): Visit[] {
  return demoDay(day).visits;
}
