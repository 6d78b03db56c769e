import type { CapabilityStatement } from '../../src-shared/fhir/schemas.js';
import { EojError, type FhirClient } from '../../src-shared/fhir/client.js';

/**
 * What the EOJ declares it can do (its CapabilityStatement), read once per sign-in. The client uses
 * `_include`, `_sort` and `_lastUpdated` only where declared and has a fallback for each: referenced
 * resources read in batches, the cursor moved only after a whole pull, a full pull every time.
 */
export interface EojCapabilities {
  /** The CapabilityStatement was read (otherwise the fallbacks are used and nothing is assumed). */
  declared: boolean;
  include: { patient: boolean; actor: boolean };
  sortByLastUpdated: boolean;
  lastUpdated: boolean;
  /** Search parameters declared for Appointment. */
  appointmentSearch: ReadonlySet<string>;
  /** The searches the team's shared state is read back with (attempts, held calls, escalations). */
  teamStateSearch: boolean;
  /** Citizens' relatives and their consents can be searched by patient (RelatedPerson, Consent). */
  relativesSearch: boolean;
}

export const UNDECLARED: EojCapabilities = {
  declared: false,
  include: { patient: false, actor: false },
  sortByLastUpdated: false,
  lastUpdated: false,
  appointmentSearch: new Set(),
  teamStateSearch: false,
  relativesSearch: false,
};

export function capabilitiesOf(statement: CapabilityStatement): EojCapabilities {
  const rest = statement.rest?.find((r) => r.mode === undefined || r.mode === 'server') ?? statement.rest?.[0];
  const appointment = rest?.resource?.find((r) => r.type === 'Appointment');
  const serverWide = new Set(((rest as { searchParam?: { name: string }[] } | undefined)?.searchParam ?? []).map((p) => p.name));
  const params = new Set([...(appointment?.searchParam ?? []).map((p) => p.name), ...serverWide]);
  const includes = new Set(appointment?.searchInclude ?? []);
  const declares = (type: string, names: string[]) => {
    const r = rest?.resource?.find((x) => x.type === type);
    const declared = new Set([...(r?.searchParam ?? []).map((p) => p.name), ...serverWide]);
    return r !== undefined && names.every((n) => declared.has(n));
  };
  const includes_ = (name: string) => includes.has(name) || includes.has('*') || includes.has('Appointment:*');
  return {
    declared: true,
    include: { patient: includes_('Appointment:patient'), actor: includes_('Appointment:actor') },
    sortByLastUpdated: params.has('_sort'),
    lastUpdated: params.has('_lastUpdated'),
    appointmentSearch: params,
    teamStateSearch:
      declares('Communication', ['category', 'sent', 'based-on']) &&
      declares('Encounter', ['class', 'date', 'appointment']) &&
      declares('Task', ['code', 'authored-on', 'focus']),
    relativesSearch: declares('RelatedPerson', ['patient']) && declares('Consent', ['patient']),
  };
}

/**
 * Reads the CapabilityStatement. An EOJ that does not serve one (some gateways) gets the cautious
 * fallbacks; one that cannot be reached is retried like any other sync failure.
 */
export async function readCapabilities(client: FhirClient): Promise<EojCapabilities> {
  try {
    return capabilitiesOf((await client.capabilities()).body);
  } catch (error) {
    if (error instanceof EojError && error.kind === 'http' && !error.transient) return UNDECLARED;
    throw error;
  }
}

/** Searches the pull cannot do without, for the configured team link: named in the error. */
export function missingEssentials(capabilities: EojCapabilities): string[] {
  if (!capabilities.declared) return [];
  return ['date', 'actor'].filter((name) => !capabilities.appointmentSearch.has(name)).map((name) => `Appointment?${name}`);
}
