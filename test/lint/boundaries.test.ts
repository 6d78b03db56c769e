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
  ])('rejects %s importing across a boundary', async (file, code) => {
    expect(await restrictedImports(file, code)).toHaveLength(1);
  });

  it.each([
    ['src-renderer/app/x.ts', "import { Visit } from '../../src-shared/domain/visit';\nexport { Visit };"],
    ['src-main/api/x.ts', "import { Visit } from '../../src-shared/domain/visit.js';\nexport { Visit };"],
    ['src-main/store/sqlite.ts', "import Database from 'better-sqlite3-multiple-ciphers';\nexport { Database };"],
    ['src-main/electron/x.ts', "import { app } from 'electron';\nexport { app };"],
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
