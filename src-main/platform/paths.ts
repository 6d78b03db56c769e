import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project (or packaged app) root: the nearest folder above this file with package.json and migrations/. */
export function appRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'migrations'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('Skærmrum: kan ikke finde programmets rodmappe (package.json + migrations/)');
    dir = parent;
  }
}

export const migrationsDir = () => join(appRoot(), 'migrations');
export const rendererDir = () => join(appRoot(), 'dist', 'renderer');

/** Per-user data folder outside Electron (Electron uses app.getPath('userData')). */
export function defaultDataDir(): string {
  const xdg = process.env.XDG_DATA_HOME;
  return join(xdg && xdg.length > 0 ? xdg : join(homedir(), '.local', 'share'), 'skaermrum');
}
