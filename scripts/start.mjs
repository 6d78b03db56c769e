// `npm start`: builds what is stale, then runs the Electron app, or, where the Electron binary
// cannot be had (as on machines without internet), says so in one line and runs browser mode:
// the same main-process services, with the client served at a printed http://127.0.0.1 address.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit' }).status === 0;

if (!run(process.execPath, ['scripts/native.mjs'])) process.exit(1);

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((entry) => newestMtime(join(path, entry))));
}
const sources = [
  'src-main',
  'src-shared',
  'src-renderer',
  'src-server',
  'src-citizen',
  'migrations',
  'package.json',
  'vite.renderer.config.ts',
  'vite.citizen.config.ts',
];
const built = [
  'dist/main/src-main/browser/start.js',
  'dist/main/src-server/main.js',
  'dist/main/src-server/signalling/main.js',
  'dist/renderer/index.html',
  'dist/citizen/index.html',
  'dist/preload/preload.cjs',
];
const oldestBuild = Math.min(...built.map((f) => (existsSync(join(root, f)) ? statSync(join(root, f)).mtimeMs : 0)));
if (Math.max(...sources.map((s) => newestMtime(join(root, s)))) > oldestBuild) {
  console.log('Bygger Skærmrum …');
  if (!run('npm', ['run', '--silent', 'build'])) process.exit(1);
}

// Read electron's path.txt directly: require('electron') would start a noisy download attempt.
function electronBinary() {
  const dir = join(root, 'node_modules', 'electron');
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

let electron = electronBinary();
if (!electron && process.env.SKAERMRUM_BROWSER !== '1') {
  // Electron's own installer fetches the binary on first run; offline this fails fast.
  spawnSync(process.execPath, [join(root, 'node_modules/electron/install.js')], { cwd: root, stdio: 'ignore', timeout: 120_000 });
  electron = electronBinary();
}

// The embedded default EOJ: the sandbox on loopback, unless a real one is configured
// (SKAERMRUM_EOJ_URL) or none is wanted (SKAERMRUM_EOJ=none: demo data without sync).
const children = [];
const env = { ...process.env };
// coturn, where installed, relays calls that cannot go peer to peer; the signalling service
// issues time-limited credentials for it (REST API, shared secret).
const turnEnv = {};
if (spawnSync('which', ['turnserver']).status === 0 && !env.SIGNAL_TURN_SECRET) {
  const { randomBytes } = await import('node:crypto');
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'skaermrum-turn-'));
  writeFileSync(join(dir, 'empty.conf'), '');
  const secret = randomBytes(24).toString('hex');
  const port = Number(env.SKAERMRUM_TURN_PORT ?? 3478);
  const turn = spawn(
    'turnserver',
    [
      '-c',
      join(dir, 'empty.conf'),
      '--listening-ip=127.0.0.1',
      '--relay-ip=127.0.0.1',
      `--listening-port=${port}`,
      '--min-port=49160',
      '--max-port=49200',
      '--no-tls',
      '--no-dtls',
      '--realm=skaermrum',
      '--no-cli',
      '--allow-loopback-peers',
      '--fingerprint',
      `--log-file=${join(dir, 'turn.log')}`,
      `--pidfile=${join(dir, 'turn.pid')}`,
      `--userdb=${join(dir, 'turn.db')}`,
      '--use-auth-secret',
      `--static-auth-secret=${secret}`,
    ],
    { stdio: 'ignore' },
  );
  children.push(turn);
  Object.assign(turnEnv, { SIGNAL_TURN_SECRET: secret, SIGNAL_TURN_URLS: `turn:127.0.0.1:${port}?transport=udp` });
  console.log(`coturn kører på 127.0.0.1:${port} (udp)`);
}
/** Starts a built service and waits for the line that says where it listens. */
function startService(script, childEnv, ready, what) {
  const child = spawn(process.execPath, [script], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: childEnv });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d.toString();
      if (ready.test(out)) resolve(out);
    });
    child.once('exit', (code) => reject(new Error(`${what} stoppede (${code})`)));
  });
}
if (!env.SKAERMRUM_EOJ_URL && env.SKAERMRUM_EOJ !== 'none') {
  const { randomBytes } = await import('node:crypto');
  // The signalling service reads the sandbox as itself: a client secret for this run, known to both.
  const signallingSecret = randomBytes(24).toString('hex');
  // The full demo (four skærmenheder with 13 weeks of history) unless a smaller one is asked for.
  const out = await startService(
    'dist/main/src-server/main.js',
    { ...env, SANDBOX_DEMO_SCOPE: env.SANDBOX_DEMO_SCOPE ?? 'full', SANDBOX_SIGNALLING_CLIENT_SECRET: signallingSecret },
    /http:\/\/127\.0\.0\.1:\d+\/fhir[\s\S]*Log ind/,
    'sandkasse-EOJ',
  );
  env.SKAERMRUM_EOJ_URL = /(http:\/\/127\.0\.0\.1:\d+\/fhir)/.exec(out)[1];
  env.SKAERMRUM_EOJ_SANDBOX = '1';
  console.log(`Sandkasse-EOJ kører på ${env.SKAERMRUM_EOJ_URL}`);
  const login = /Log ind \(OpenID Connect\)[^\n]+/.exec(out)?.[0];
  if (login) console.log(login);
  if (!env.SKAERMRUM_SIGNALLING_URL) {
    const signal = await startService(
      'dist/main/src-server/signalling/main.js',
      { ...env, ...turnEnv, SIGNAL_EOJ_URL: env.SKAERMRUM_EOJ_URL, SIGNAL_CLIENT_SECRET: signallingSecret },
      /Borger-app: \S+\n/,
      'signaleringen',
    );
    env.SKAERMRUM_SIGNALLING_URL = /(ws:\/\/\S+\/signal)/.exec(signal)[1];
    console.log(/Signalering kører[^\n]+/.exec(signal)?.[0]);
    console.log(/Borger-app: [^\n]+/.exec(signal)?.[0]);
    const sms = /SMS til pårørende[^\n]+/.exec(signal)?.[0];
    if (sms) console.log(sms);
  }
}
const stopAll = (code) => {
  for (const child of children) child.kill('SIGTERM');
  process.exit(code ?? 0);
};

if (electron && process.env.SKAERMRUM_BROWSER !== '1') {
  if (!existsSync(join(root, 'build/electron-native/better_sqlite3.node')) && !run(process.execPath, ['scripts/electron-native.mjs'])) process.exit(1);
  const child = spawn(electron, ['.'], { cwd: root, stdio: 'inherit', env });
  children.push(child);
  child.on('exit', (code) => stopAll(code));
} else {
  console.log('Electron er ikke tilgængelig på denne maskine (binæren kan ikke hentes) – Skærmrum starter i browsertilstand.');
  const child = spawn(process.execPath, ['dist/main/src-main/browser/start.js'], { cwd: root, stdio: 'inherit', env });
  children.push(child);
  child.on('exit', (code) => stopAll(code));
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const child of children) child.kill(signal);
  });
}
