import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Native modules built for Electron's ABI live apart from node_modules (whose builds serve Node and
 * the tests), made by `npm run electron:native` and shipped as extra resources when packaged.
 */
export interface ElectronNativeBinaries {
  sqlite: string;
  keytar: string;
}

export function electronNativeBinaries(dir: string): ElectronNativeBinaries {
  const binaries = { sqlite: join(dir, 'better_sqlite3.node'), keytar: join(dir, 'keytar.node') };
  const missing = Object.values(binaries).filter((file) => !existsSync(file));
  if (missing.length > 0) {
    throw new Error(`Native moduler til Electron mangler (${missing.join(', ')}). Kør "npm run electron:native".`);
  }
  return binaries;
}
