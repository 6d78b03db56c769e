import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../helpers/store';

const eslint = new ESLint({ cwd: ROOT_DIR });

async function restrictedImports(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${ROOT_DIR}/${file}` });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

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
