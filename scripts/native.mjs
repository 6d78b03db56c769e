// Builds the native modules the main process needs (SQLCipher store; keytar, only to take over
// secrets older versions kept there) for the running Node. The OS keychain itself comes through
// @napi-rs/keyring, which ships prebuilt. Dependency install scripts are off in .npmrc (Electron's postinstall would try to
// download its binary, which fails offline), so this is the one place native code gets built.
// Idempotent: a module that already loads is left alone.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// keytar is optional for `npm start` (without it there is simply nothing to take over); the tests
// of that one-time move use it for real, so tests and CI pass --require-keytar.
const requireKeytar = process.argv.includes('--require-keytar');
const nativeModules = [
  { name: 'better-sqlite3-multiple-ciphers', required: true, probe: (m) => new m(':memory:').close() },
  { name: 'keytar', required: requireKeytar, probe: (m) => typeof m.getPassword === 'function' },
];

function loads({ name, probe }) {
  try {
    const mod = require(name);
    probe(mod.default ?? mod);
    return true;
  } catch {
    return false;
  }
}

const missing = nativeModules.filter((m) => !loads(m));
if (missing.length === 0) process.exit(0);

const names = missing.map((m) => m.name);
console.log(`Bygger native moduler for Node ${process.version}: ${names.join(', ')} (1–3 min første gang)`);
const env = { ...process.env };
// Debian's Node ships its headers in /usr/include/node; without this node-gyp would download them.
if (!env.npm_config_nodedir && existsSync('/usr/include/node/node.h')) env.npm_config_nodedir = '/usr';
for (const name of names) {
  // One module at a time, so a missing libsecret does not stop the SQLite build.
  spawnSync('npm', ['rebuild', name, '--ignore-scripts=false'], { stdio: ['ignore', 'ignore', 'pipe'], env });
}
let failed = false;
for (const m of missing.filter((mod) => !loads(mod))) {
  if (m.required) {
    console.error(`Kunne ikke bygge ${m.name} (kræver python3, make, g++${m.name === 'keytar' ? ' og libsecret-1-dev' : ''}); se README.`);
    failed = true;
  } else {
    console.log(`${m.name} kunne ikke bygges (mangler libsecret-1-dev?) – nøgler fra ældre versioner kan ikke flyttes herfra.`);
  }
}
process.exit(failed ? 1 : 0);
