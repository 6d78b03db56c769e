import { randomBytes } from 'node:crypto';
import { demoFhirResources } from '../src-shared/demo/demoFhir.js';
import { demoDay } from '../src-shared/demo/demoDay.js';
import { careDay } from '../src-shared/time/copenhagen.js';
import { buildEojApp } from './eoj/app.js';
import { createTokenIssuer, type StaffClaims } from './eoj/auth.js';
import { createFaults } from './eoj/faults.js';
import { openRepository } from './eoj/repository.js';

export interface SandboxOptions {
  /** SQLite file; the sandbox keeps its data across restarts. */
  dbFile: string;
  port: number;
  /** Secret for signing sign-in tokens; random per start when not given. */
  secret?: Uint8Array;
  /** Seed the demo day dated `seedDay` when the store is empty. */
  seedDay?: Date | null;
  allowFaultInjection?: boolean;
  bodyLimitBytes?: number;
}

export interface Sandbox {
  baseUrl: string;
  port: number;
  secret: Uint8Array;
  close(): Promise<void>;
}

/** The sandbox EOJ: a FHIR R4 subset server on loopback with the demo day. */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const repository = openRepository(options.dbFile);
  const seedDay = options.seedDay === undefined ? new Date() : options.seedDay;
  if (seedDay) {
    // A demo day belongs to its date: on a new day the sandbox starts over with today's.
    const today = careDay(seedDay);
    const hasToday = repository.all('Appointment').some((a) => a.resource.resourceType === 'Appointment' && a.resource.start !== undefined && Date.parse(a.resource.start) >= today.start.getTime() && Date.parse(a.resource.start) < today.end.getTime());
    if (!hasToday) {
      repository.clear();
      repository.createMany(demoFhirResources(seedDay, { now: seedDay }));
    }
  }
  const demo = demoDay(seedDay ?? new Date());
  const staff: StaffClaims[] = demo.staff.map((s) => ({ sub: s.practitionerId, name: s.name, team: s.teamId, role: s.role }));
  const secret = options.secret ?? randomBytes(32);
  let baseUrl = '';
  const app = buildEojApp({
    repository,
    tokens: createTokenIssuer(secret),
    faults: createFaults(),
    baseUrl: () => baseUrl,
    staff: () => staff,
    allowFaultInjection: options.allowFaultInjection ?? false,
    ...(options.bodyLimitBytes ? { bodyLimitBytes: options.bodyLimitBytes } : {}),
  });
  await app.listen({ host: '127.0.0.1', port: options.port });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('sandbox has no TCP address');
  baseUrl = `http://127.0.0.1:${address.port}/fhir`;
  return {
    baseUrl,
    port: address.port,
    secret,
    async close() {
      app.server.closeAllConnections();
      await app.close();
      repository.close();
    },
  };
}
