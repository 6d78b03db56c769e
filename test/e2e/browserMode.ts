import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface RunningApp {
  url: string;
  stop(): Promise<void>;
}

/** Starts `npm start`'s browser mode (built main process) on a given data folder and keychain profile. */
export function startBrowserMode(env: { dataDir: string; profile: string }): Promise<RunningApp> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, ['dist/main/src-main/browser/start.js'], {
      cwd: ROOT,
      env: { ...process.env, SKAERMRUM_DATA_DIR: env.dataDir, SKAERMRUM_PROFILE: env.profile, SKAERMRUM_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const onData = (data: Buffer) => {
      output += data.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(output);
      if (match?.[1]) {
        child.stdout?.off('data', onData);
        resolve({
          url: match[1],
          stop: () =>
            new Promise((done) => {
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => reject(new Error(`browser mode exited with ${code}: ${output}`)));
  });
}
