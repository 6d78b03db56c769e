import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../helpers/store';

const eslint = new ESLint({ cwd: ROOT_DIR });

async function messagesOf(rule: string, file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${ROOT_DIR}/${file}` });
  return (result?.messages ?? []).filter((m) => m.ruleId === rule).map((m) => m.message);
}
const restrictedImports = (file: string, code: string) => messagesOf('no-restricted-imports', file, code);

describe('process boundaries are enforced by lint', () => {
  it.each([
    ['src-main/api/x.ts', "import { App } from '../../src-renderer/app/App';\nexport { App };"],
    ['src-renderer/app/x.ts', "import { configFromEnv } from '../../src-main/config.js';\nexport { configFromEnv };"],
    ['src-renderer/app/x.ts', "import keytar from 'keytar';\nexport { keytar };"],
    ['src-renderer/app/x.ts', "import { readFileSync } from 'node:fs';\nexport { readFileSync };"],
    ['src-shared/x.ts', "import { createLogger } from '../src-main/log.js';\nexport { createLogger };"],
    ['src-shared/x.ts', "import { join } from 'node:path';\nexport { join };"],
    ['src-main/api/x.ts', "import Database from 'better-sqlite3-multiple-ciphers';\nexport { Database };"],
    ['src-main/api/x.ts', "import { app } from 'electron';\nexport { app };"],
    ['src-main/sync/x.ts', "import { Appointment } from '../../src-shared/fhir/schemas.js';\nexport { Appointment };"],
    ['src-main/services/x.ts', "import { createFhirClient } from '../../src-shared/fhir/client.js';\nexport { createFhirClient };"],
    ['src-main/electron/x.ts', "import { parseReference } from '../../src-shared/fhir/references.js';\nexport { parseReference };"],
  ])('rejects %s importing across a boundary', async (file, code) => {
    expect(await restrictedImports(file, code)).toHaveLength(1);
  });

  it.each([
    ['src-renderer/app/x.ts', "import { Visit } from '../../src-shared/domain/visit';\nexport { Visit };"],
    ['src-main/api/x.ts', "import { Visit } from '../../src-shared/domain/visit.js';\nexport { Visit };"],
    ['src-main/store/sqlite.ts', "import Database from 'better-sqlite3-multiple-ciphers';\nexport { Database };"],
    ['src-main/electron/x.ts', "import { app } from 'electron';\nexport { app };"],
    ['src-main/eoj/x.ts', "import { Appointment } from '../../src-shared/fhir/schemas.js';\nexport { Appointment };"],
  ])('allows %s its own imports', async (file, code) => {
    expect(await restrictedImports(file, code)).toEqual([]);
  });
});

describe('time is read only through the injected clock', () => {
  it.each([
    ['src-main/sync/x.ts', 'export const at = Date.now();'],
    ['src-server/eoj/x.ts', 'export const at = new Date();'],
    ['src-renderer/queue/x.tsx', 'export const at = () => new Date().getHours();'],
    ['src-shared/workflow/x.ts', 'export const at = () => Date.now() + 60_000;'],
    ['src-citizen/x.ts', 'export const at = new Date();'],
  ])('rejects %s reading the machine clock', async (file, code) => {
    expect(await messagesOf('no-restricted-syntax', file, code)).toHaveLength(1);
  });

  it.each([
    ['src-shared/time/clock.ts', 'export const at = () => new Date();'],
    ['src-main/sync/x.ts', 'export const at = (clock: { now(): Date }) => new Date(clock.now().getTime() + 60_000);'],
    ['src-main/sync/x.ts', "export const parsed = new Date('2026-12-02T12:00:00+01:00');"],
    ['src-renderer/call/x.ts', 'export const elapsed = () => performance.now();'],
    ['test/sync/x.test.ts', 'export const at = Date.now();'],
  ])('allows %s', async (file, code) => {
    expect(await messagesOf('no-restricted-syntax', file, code)).toEqual([]);
  });
});

describe('the main process has one way to the EOJ, and its folders form layers', () => {
  const main = join(ROOT_DIR, 'src-main');
  const files = readdirSync(main, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  const importsOf = (file: string) => [...readFileSync(join(main, file), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1] as string);

  it('no file outside src-main/eoj imports the FHIR toolkit', () => {
    const speaking = files.filter((f) => importsOf(f).some((i) => i.includes('src-shared/fhir/')));
    expect(speaking.length).toBeGreaterThan(0);
    expect(speaking.filter((f) => !f.startsWith('eoj/'))).toEqual([]);
  });

  it('no folder imports a folder that imports it back (directly or round about)', () => {
    const folderOf = (file: string) => (file.includes('/') ? (file.split('/')[0] as string) : '.');
    const edges = new Map<string, Set<string>>();
    for (const file of files) {
      for (const spec of importsOf(file)) {
        if (!spec.startsWith('.')) continue;
        const target = relative(main, resolve(dirname(join(main, file)), spec));
        if (target.startsWith('..')) continue;
        const [from, to] = [folderOf(file), folderOf(target)];
        // Top-level modules (config, log, events) are leaves every folder may use.
        if (from !== to && to !== '.') (edges.get(from) ?? edges.set(from, new Set()).get(from))?.add(to);
      }
    }
    const cycles: string[] = [];
    const visit = (folder: string, path: string[]) => {
      for (const next of edges.get(folder) ?? []) {
        if (path.includes(next)) cycles.push([...path.slice(path.indexOf(next)), next].join(' → '));
        else visit(next, [...path, next]);
      }
    };
    for (const folder of edges.keys()) visit(folder, [folder]);
    expect(edges.size).toBeGreaterThan(5);
    expect([...new Set(cycles)]).toEqual([]);
  });
});
