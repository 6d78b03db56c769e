// Builds the native modules the main process needs (SQLCipher store, OS keychain) for the
// running Node. Dependency install scripts are off in .npmrc (Electron's postinstall would try to
// download its binary, which fails offline), so this is the one place native code gets built.
// Idempotent: a module that already loads is left alone.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const nativeModules = [
  { name: 'better-sqlite3-multiple-ciphers', probe: (m) => new m(':memory:').close() },
  { name: 'keytar', probe: (m) => typeof m.getPassword === 'function' },
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
const result = spawnSync('npm', ['rebuild', ...names, '--ignore-scripts=false', '--foreground-scripts'], {
  stdio: ['ignore', 'inherit', 'inherit'],
  env,
});
if (result.status !== 0) {
  console.error(`Kunne ikke bygge ${names.join(', ')}. keytar kræver libsecret-1-dev; se README.`);
  process.exit(result.status ?? 1);
}
const stillMissing = missing.filter((m) => !loads(m));
if (stillMissing.length > 0) {
  console.error(`Native moduler kan stadig ikke indlæses: ${stillMissing.map((m) => m.name).join(', ')}`);
  process.exit(1);
}
