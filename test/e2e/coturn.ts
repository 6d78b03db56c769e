import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Whether a STUN Binding request to the port gets its success response within 200 ms. */
function stunAnswers(port: number): Promise<boolean> {
  const socket = createSocket('udp4');
  const request = Buffer.alloc(20);
  request.writeUInt16BE(0x0001, 0); // Binding request, no attributes
  request.writeUInt32BE(0x2112a442, 4); // magic cookie
  randomBytes(12).copy(request, 8);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      socket.close();
      resolve(false);
    }, 200);
    socket.once('message', (answer) => {
      clearTimeout(timer);
      socket.close();
      resolve(answer.readUInt16BE(0) === 0x0101 && answer.subarray(8, 20).equals(request.subarray(8, 20)));
    });
    socket.send(request, port, '127.0.0.1');
  });
}

/** A real coturn on loopback with REST (use-auth-secret) credentials, as Debian ships it. */
export interface Coturn {
  port: number;
  secret: string;
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  const { port } = socket.address();
  await new Promise<void>((r) => socket.close(() => r()));
  return port;
}

export async function startCoturn(): Promise<Coturn> {
  const dir = mkdtempSync(join(tmpdir(), 'skaermrum-coturn-'));
  // An empty config file: Debian's default one sends logs to syslog.
  writeFileSync(join(dir, 'empty.conf'), '');
  const port = await freeUdpPort();
  const secret = `turn-${Math.random().toString(36).slice(2)}`;
  let child: ChildProcess | null = null;
  const args = [
    '-c',
    join(dir, 'empty.conf'),
    '--listening-ip=127.0.0.1',
    '--relay-ip=127.0.0.1',
    `--listening-port=${port}`,
    '--min-port=49160',
    '--max-port=49200',
    '--no-tls',
    '--no-dtls',
    // UDP only, on the port found free for UDP: a TCP listener on the same number could meet a
    // port some other socket holds (errno 98), and nothing here uses TURN over TCP.
    '--no-tcp',
    '--realm=skaermrum',
    '--no-cli',
    '--allow-loopback-peers',
    '--fingerprint',
    '--log-file=stdout',
    '--simple-log',
    `--pidfile=${join(dir, 'turn.pid')}`,
    `--userdb=${join(dir, 'turn.db')}`,
    '--use-auth-secret',
    `--static-auth-secret=${secret}`,
  ];
  const start = () =>
    new Promise<void>((resolve, reject) => {
      const c = spawn('turnserver', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      child = c;
      let out = '';
      let probing = false;
      const timer = setTimeout(() => reject(new Error(`coturn did not start: ${out}`)), 10_000);
      c.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        if (!probing && /Total (UDP|General) servers|listener opened on/i.test(out)) {
          probing = true;
          clearTimeout(timer);
          // Ready when it answers STUN, not a guessed moment after its log line.
          void (async () => {
            for (let i = 0; i < 50; i++) if (await stunAnswers(port)) return resolve();
            reject(new Error(`coturn answers no STUN on ${port}: ${out}`));
          })();
        }
      });
      c.once('exit', (code) => reject(new Error(`coturn exited ${code}: ${out}`)));
    });
  await start();
  return {
    port,
    secret,
    url: `turn:127.0.0.1:${port}?transport=udp`,
    start,
    async stop() {
      const c = child;
      child = null;
      if (!c || c.exitCode !== null) return;
      await new Promise<void>((r) => {
        c.once('exit', () => r());
        c.kill('SIGKILL');
      });
    },
  };
}

export const removeDir = (dir: string) => rmSync(dir, { recursive: true, force: true });
