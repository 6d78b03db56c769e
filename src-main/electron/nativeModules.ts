import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Native modules built for Electron's ABI live apart from node_modules (whose builds serve Node and
 * the tests), made by `npm run electron:native` and shipped as extra resources when packaged.
 */
export interface ElectronNativeBinaries {
  sqlite: string;
  /** Only to take over secrets an older version kept with keytar; absent in builds without it. */
  keytar: string | null;
}

export function electronNativeBinaries(dir: string): ElectronNativeBinaries {
  const sqlite = join(dir, 'better_sqlite3.node');
  if (!existsSync(sqlite)) throw new Error(`Native moduler til Electron mangler (${sqlite}). Kør "npm run electron:native".`);
  const keytar = join(dir, 'keytar.node');
  return { sqlite, keytar: existsSync(keytar) ? keytar : null };
}
