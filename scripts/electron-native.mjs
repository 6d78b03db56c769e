// Builds the native modules (SQLCipher store; keytar, only to take over secrets older versions kept
// there) for Electron's ABI into
// build/electron-native/, leaving node_modules' Node builds untouched so `npm test` keeps working.
// Needs Electron's headers (downloaded by node-gyp), so it only works where Electron can be fetched.
import { cpSync, mkdirSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { rebuild } from '@electron/rebuild';

const require = createRequire(import.meta.url);
const root = new URL('..', import.meta.url).pathname;
const electronVersion = require('electron/package.json').version;
const out = join(root, 'build', 'electron-native');
const work = join(out, 'work');
const modules = ['better-sqlite3-multiple-ciphers', 'keytar', 'node-addon-api'];

rmSync(work, { recursive: true, force: true });
mkdirSync(join(work, 'node_modules'), { recursive: true });
for (const name of modules) {
  cpSync(join(root, 'node_modules', name), join(work, 'node_modules', name), { recursive: true });
  rmSync(join(work, 'node_modules', name, 'build'), { recursive: true, force: true });
}
writeFileSync(
  join(work, 'package.json'),
  JSON.stringify({
    name: 'skaermrum-electron-native',
    version: '0.0.0',
    private: true,
    dependencies: Object.fromEntries(modules.map((m) => [m, '*'])),
  }),
);
await rebuild({ buildPath: work, electronVersion, onlyModules: ['better-sqlite3-multiple-ciphers', 'keytar'], force: true });
copyFileSync(join(work, 'node_modules/better-sqlite3-multiple-ciphers/build/Release/better_sqlite3.node'), join(out, 'better_sqlite3.node'));
copyFileSync(join(work, 'node_modules/keytar/build/Release/keytar.node'), join(out, 'keytar.node'));
rmSync(work, { recursive: true, force: true });
console.log(`Native moduler bygget til Electron ${electronVersion} i ${out}`);
