import type { CapabilityStatement } from '../../src-shared/fhir/schemas.js';
import { EojError, type FhirClient } from '../../src-shared/fhir/client.js';
import type { AuditWriteWay } from './auditEvents.js';

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
  /** How audit events are written exactly once, and read back by citizen (src-main/eoj/auditEvents.ts). */
  audit: {
    write: AuditWriteWay;
    /** Conditional creates go in `batch` Bundles. */
    batch: boolean;
    /** The search parameter that finds a citizen's events; null: none declared. */
    searchBy: 'entity' | 'patient' | null;
    sortByDate: boolean;
  };
}

export const UNDECLARED: EojCapabilities = {
  declared: false,
  include: { patient: false, actor: false },
  sortByLastUpdated: false,
  lastUpdated: false,
  appointmentSearch: new Set(),
  teamStateSearch: false,
  relativesSearch: false,
  // Without a statement: conditional create (what most servers do), one at a time, searched by entity.
  audit: { write: 'conditional-create', batch: false, searchBy: 'entity', sortByDate: false },
};

/**
 * The way to write an AuditEvent exactly once that the server declares: conditional create on our
 * event id; else a PUT with the event id as its id, where the server lets clients choose ids; else a
 * search for the id before each create.
 */
function auditOf(rest: NonNullable<CapabilityStatement['rest']>[number] | undefined, serverWide: ReadonlySet<string>): EojCapabilities['audit'] {
  const r = rest?.resource?.find((x) => x.type === 'AuditEvent');
  const interactions = new Set((r?.interaction ?? []).map((i) => i.code));
  const params = new Set([...(r?.searchParam ?? []).map((p) => p.name), ...serverWide]);
  const write: AuditWriteWay =
    r?.conditionalCreate === true && interactions.has('create')
      ? 'conditional-create'
      : r?.updateCreate === true && interactions.has('update')
        ? 'put'
        : 'search-then-create';
  return {
    write,
    batch: (rest?.interaction ?? []).some((i) => i.code === 'batch'),
    searchBy: params.has('entity') ? 'entity' : params.has('patient') ? 'patient' : null,
    sortByDate: params.has('_sort') && params.has('date'),
  };
}

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
    audit: auditOf(rest, serverWide),
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
