import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Process boundaries: each src-* folder is one process. They meet only in src-shared.
// Do not relax these rules; move shared code to src-shared instead.
const processFolders = ['src-main', 'src-renderer', 'src-citizen', 'src-server'];
const otherProcesses = (own) => processFolders.filter((f) => f !== own).flatMap((f) => [`**/${f}/**`, `**/${f}`]);
const boundary = (own, extra = []) => ({
  files: [`${own}/**/*.{ts,tsx}`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [{ group: otherProcesses(own), message: `${own} may import only src-shared from other process folders.` }, ...extra],
      },
    ],
  },
});
const noSqlite = { group: ['better-sqlite3*'], message: 'Only src-main/store/sqlite.ts opens SQLite; use the VisitStore API.' };
const noElectron = { group: ['electron', 'electron/*'], message: 'Electron stays in src-main/electron (the thin shell); services run in plain Node.' };
const mainZone = (files, ignores, extra) => ({
  files,
  ignores,
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [{ group: otherProcesses('src-main'), message: 'src-main may import only src-shared from other process folders.' }, ...extra],
      },
    ],
  },
});
const noFhir = {
  group: ['**/src-shared/fhir/**', '**/src-shared/fhir'],
  message: 'Only src-main/eoj speaks FHIR in the main process; use the EOJ gateway (src-main/eoj/gateway.ts) and its domain types.',
};
const noBrowserShared = { group: ['**/src-shared/browser/**'], message: 'src-shared/browser is for the browser apps only.' };
const noClock = 'Read "now" from the injected Clock (src-shared/time/clock.ts), never from the machine directly.';
const nodeBuiltins = { group: ['node:*', 'fs', 'path', 'child_process', 'os', 'crypto', 'net', 'http'], message: 'No Node APIs here.' };

export default tseslint.config(
  { ignores: ['dist/**', 'build/**', 'release/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  { files: ['src-renderer/**/*.{ts,tsx}', 'src-citizen/**/*.{ts,tsx}'], languageOptions: { globals: { ...globals.browser } } },
  boundary('src-renderer', [
    nodeBuiltins,
    { group: ['electron', 'better-sqlite3*', 'keytar'], message: 'The renderer reaches main only through the API client.' },
  ]),
  boundary('src-citizen', [nodeBuiltins]),
  boundary('src-server'),
  // src-shared/browser: shared by the two browser apps only; the DOM is allowed, Node is not.
  {
    files: ['src-shared/browser/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['src-shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: processFolders.flatMap((f) => [`**/${f}/**`, `**/${f}`]), message: 'src-shared imports nothing else of ours.' },
            nodeBuiltins,
            { group: ['electron', 'react', 'react-dom', 'better-sqlite3*', 'keytar'], message: 'src-shared is environment-neutral.' },
          ],
        },
      ],
    },
  },
  // Time is an input: product code reads "now" only through the injected Clock. Durations may use
  // performance.now() and timers.
  {
    files: ['src-*/**/*.{ts,tsx}'],
    ignores: ['src-shared/time/clock.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: noClock },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: noClock },
      ],
    },
  },
  // src-main: SQL stays in the store (only sqlite.ts opens the driver); FHIR stays in the EOJ gateway
  // (only src-main/eoj imports src-shared/fhir); Electron stays in the thin shell.
  mainZone(['src-main/**/*.ts'], ['src-main/store/sqlite.ts', 'src-main/electron/**', 'src-main/eoj/**'], [noSqlite, noElectron, noBrowserShared, noFhir]),
  mainZone(['src-main/store/sqlite.ts'], [], [noElectron, noBrowserShared, noFhir]),
  mainZone(['src-main/electron/**/*.ts'], [], [noSqlite, noBrowserShared, noFhir]),
  mainZone(['src-main/eoj/**/*.ts'], [], [noSqlite, noElectron, noBrowserShared]),
);
