import type { FhirResource, ResourceType } from '../../src-shared/fhir/schemas.js';
import type { StoredResource } from './repository.js';

/** A FHIR search over the sandbox's resources: the parameters our client and tests need, strictly. */
export class SearchError extends Error {}

type Prefix = 'eq' | 'gt' | 'ge' | 'lt' | 'le';
interface Comparison {
  prefix: Prefix;
  ms: number;
}

const COMMON = new Set(['_id', 'identifier', '_lastUpdated', '_count', '_sort', '_include', '_page', '_getpagesoffset', '_total', '_format']);
type Coded = { system?: string | undefined; code?: string | undefined };
/** A search parameter: what it reads from a resource, and how values compare. */
type Param =
  | { kind: 'reference'; type?: string; values: (r: FhirResource) => string[] }
  | { kind: 'token'; values: (r: FhirResource) => Coded[] }
  | { kind: 'date'; values: (r: FhirResource) => string[] };

const ref = (type: string | undefined, values: (r: FhirResource) => (string | undefined)[]): Param => ({
  kind: 'reference',
  ...(type ? { type } : {}),
  values: (r) => values(r).filter((v): v is string => typeof v === 'string'),
});
const token = (values: (r: FhirResource) => (Coded | undefined)[]): Param => ({
  kind: 'token',
  values: (r) => values(r).filter((v): v is Coded => v !== undefined),
});
const date = (values: (r: FhirResource) => (string | undefined)[]): Param => ({
  kind: 'date',
  values: (r) => values(r).filter((v): v is string => typeof v === 'string'),
});
const codings = (concepts: { coding?: Coded[] | undefined }[] | undefined) => (concepts ?? []).flatMap((c) => c.coding ?? []);

const BY_TYPE: Partial<Record<ResourceType, Record<string, Param>>> = {
  Appointment: {
    actor: ref(undefined, (r) => (r.resourceType === 'Appointment' ? r.participant.map((p) => p.actor?.reference) : [])),
    patient: ref('Patient', (r) => refsOfType(r, 'Patient')),
    practitioner: ref('Practitioner', (r) => refsOfType(r, 'Practitioner')),
    location: ref('Location', (r) => refsOfType(r, 'Location')),
    status: token((r) => (r.resourceType === 'Appointment' ? [{ code: r.status }] : [])),
    date: date((r) => (r.resourceType === 'Appointment' ? [r.start] : [])),
  },
  Encounter: {
    appointment: ref('Appointment', (r) => (r.resourceType === 'Encounter' ? (r.appointment ?? []).map((a) => a.reference) : [])),
    subject: ref('Patient', (r) => (r.resourceType === 'Encounter' ? [r.subject?.reference] : [])),
    patient: ref('Patient', (r) => (r.resourceType === 'Encounter' ? [r.subject?.reference] : [])),
    class: token((r) => (r.resourceType === 'Encounter' ? [r.class] : [])),
    date: date((r) => (r.resourceType === 'Encounter' ? [r.period?.start] : [])),
  },
  Task: {
    patient: ref('Patient', (r) => (r.resourceType === 'Task' ? [r.for?.reference] : [])),
    focus: ref(undefined, (r) => (r.resourceType === 'Task' ? [r.focus?.reference] : [])),
    code: token((r) => (r.resourceType === 'Task' ? codings(r.code ? [r.code] : []) : [])),
    'authored-on': date((r) => (r.resourceType === 'Task' ? [r.authoredOn] : [])),
  },
  Communication: {
    'based-on': ref(undefined, (r) => (r.resourceType === 'Communication' ? (r.basedOn ?? []).map((b) => b.reference) : [])),
    subject: ref('Patient', (r) => (r.resourceType === 'Communication' ? [r.subject?.reference] : [])),
    category: token((r) => (r.resourceType === 'Communication' ? codings(r.category) : [])),
    sent: date((r) => (r.resourceType === 'Communication' ? [r.sent] : [])),
  },
  QuestionnaireResponse: {
    questionnaire: ref(undefined, (r) => (r.resourceType === 'QuestionnaireResponse' ? [r.questionnaire] : [])),
    encounter: ref('Encounter', (r) => (r.resourceType === 'QuestionnaireResponse' ? [r.encounter?.reference] : [])),
    subject: ref(undefined, (r) => (r.resourceType === 'QuestionnaireResponse' ? [r.subject?.reference] : [])),
    status: token((r) => (r.resourceType === 'QuestionnaireResponse' ? [{ code: r.status }] : [])),
    authored: date((r) => (r.resourceType === 'QuestionnaireResponse' ? [r.authored] : [])),
  },
  Device: {
    patient: ref('Patient', (r) => (r.resourceType === 'Device' ? [r.patient?.reference] : [])),
    status: token((r) => (r.resourceType === 'Device' ? [{ code: r.status }] : [])),
    type: token((r) => (r.resourceType === 'Device' ? codings(r.type ? [r.type] : []) : [])),
  },
  RelatedPerson: { patient: ref('Patient', (r) => (r.resourceType === 'RelatedPerson' ? [r.patient.reference] : [])) },
  Consent: {
    patient: ref('Patient', (r) => (r.resourceType === 'Consent' ? [r.patient?.reference] : [])),
    status: token((r) => (r.resourceType === 'Consent' ? [{ code: r.status }] : [])),
  },
  Location: { partof: ref('Location', (r) => (r.resourceType === 'Location' ? [r.partOf?.reference] : [])) },
  AuditEvent: {
    date: date((r) => (r.resourceType === 'AuditEvent' ? [r.recorded] : [])),
    entity: ref(undefined, (r) => (r.resourceType === 'AuditEvent' ? (r.entity ?? []).map((e) => e.what?.reference) : [])),
    // R4's `patient`: the Patients among the agents and the entities.
    patient: ref('Patient', (r) =>
      r.resourceType === 'AuditEvent'
        ? [...(r.entity ?? []).map((e) => e.what?.reference), ...r.agent.map((a) => a.who?.reference)].filter((v) => v?.startsWith('Patient/'))
        : [],
    ),
    agent: ref(undefined, (r) => (r.resourceType === 'AuditEvent' ? r.agent.map((a) => a.who?.reference) : [])),
    type: token((r) => (r.resourceType === 'AuditEvent' ? [r.type] : [])),
    subtype: token((r) => (r.resourceType === 'AuditEvent' ? (r.subtype ?? []) : [])),
    action: token((r) => (r.resourceType === 'AuditEvent' ? [{ code: r.action }] : [])),
    outcome: token((r) => (r.resourceType === 'AuditEvent' ? [{ code: r.outcome }] : [])),
    // The `:identifier` modifier of `entity` (R4 §3.1.1.4.9): our event id, for conditional creates.
    'entity:identifier': token((r) =>
      r.resourceType === 'AuditEvent' ? (r.entity ?? []).map((e) => e.what?.identifier).map((i) => (i ? { system: i.system, code: i.value } : undefined)) : [],
    ),
  },
  PractitionerRole: {
    practitioner: ref('Practitioner', (r) => (r.resourceType === 'PractitionerRole' ? [r.practitioner?.reference] : [])),
    service: ref('HealthcareService', (r) => (r.resourceType === 'PractitionerRole' ? (r.healthcareService ?? []).map((h) => h.reference) : [])),
  },
};
/** The search parameters the sandbox declares for a type (its CapabilityStatement). */
export const searchParamsOf = (type: ResourceType): { name: string; type: Param['kind'] }[] =>
  Object.entries(BY_TYPE[type] ?? {})
    .filter(([name]) => !name.includes(':'))
    .map(([name, param]) => ({ name, type: param.kind }));

/** The instant a resource is searched by (its type's date parameter), or null when it has none. */
export function searchDateOf(resource: FhirResource): number | null {
  for (const param of Object.values(BY_TYPE[resource.resourceType] ?? {})) {
    if (param.kind !== 'date') continue;
    const value = param.values(resource)[0];
    return value === undefined ? null : Date.parse(value);
  }
  return null;
}

/**
 * The instants a search's date parameters let through, [from, to) (null: unbounded), for data the
 * sandbox keeps by day. Values that do not parse are left to the search, which refuses them.
 */
export function dateRange(type: ResourceType, params: URLSearchParams): { from: number | null; to: number | null } {
  let from: number | null = null;
  let to: number | null = null;
  for (const [name, param] of Object.entries(BY_TYPE[type] ?? {})) {
    if (param.kind !== 'date') continue;
    for (const raw of params.getAll(name)) {
      const match = /^(eq|gt|ge|lt|le)?(.+)$/.exec(raw);
      const ms = Date.parse(match?.[2] ?? '');
      if (Number.isNaN(ms)) continue;
      const prefix = match?.[1] ?? 'eq';
      if (prefix !== 'lt' && prefix !== 'le') from = from === null ? ms : Math.max(from, ms);
      if (prefix !== 'gt' && prefix !== 'ge') to = Math.min(to ?? Number.POSITIVE_INFINITY, ms + (prefix === 'lt' ? 0 : 1));
    }
  }
  return { from, to };
}

/** "system|code", "code" or "system|" against a coding. */
function tokenMatches(values: Coded[], wanted: string[]): boolean {
  return wanted.some((w) => {
    const [system, code] = w.includes('|') ? (w.split('|', 2) as [string, string]) : [null, w];
    return values.some((v) => (system === null || system === '' || v.system === system) && (code === '' || v.code === code));
  });
}

const INCLUDES: Record<string, string | null> = {
  'Appointment:patient': 'Patient',
  'Appointment:practitioner': 'Practitioner',
  'Appointment:location': 'Location',
  'Appointment:actor': null,
};

function refsOfType(r: FhirResource, type: string): string[] {
  return r.resourceType === 'Appointment' ? r.participant.map((p) => p.actor?.reference ?? '').filter((ref) => ref.startsWith(`${type}/`)) : [];
}

function parseComparison(name: string, raw: string): Comparison {
  const match = /^(eq|gt|ge|lt|le)?(.+)$/.exec(raw);
  const ms = Date.parse(match?.[2] ?? '');
  if (!match || Number.isNaN(ms)) throw new SearchError(`Ugyldig værdi for ${name}: ${raw}`);
  return { prefix: (match[1] as Prefix | undefined) ?? 'eq', ms };
}

function compares(value: number, c: Comparison): boolean {
  switch (c.prefix) {
    case 'gt':
      return value > c.ms;
    case 'ge':
      return value >= c.ms;
    case 'lt':
      return value < c.ms;
    case 'le':
      return value <= c.ms;
    default:
      return value === c.ms;
  }
}

/** Reference search values may be "Type/id" or a bare id (for typed parameters). */
function referenceMatches(values: string[], wanted: string[], type?: string): boolean {
  return wanted.some((w) => values.some((v) => v === w || (type !== undefined && v === `${type}/${w}`)));
}

export interface SearchRequest {
  type: ResourceType;
  params: URLSearchParams;
  /** Larger `_count`s are quietly capped (count-cap-50 conformance mode). */
  maxCount?: number;
  /** `_include` is ignored when false (no-include mode). */
  include?: boolean;
}

export interface SearchResult {
  matches: StoredResource[];
  included: StoredResource[];
  total: number;
  offset: number;
  count: number;
}

export const MAX_COUNT = 1000;

export function decodePageToken(token: string | null): number {
  if (token === null) return 0;
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown };
    if (typeof value.o === 'number' && Number.isInteger(value.o) && value.o >= 0) return value.o;
  } catch {
    // fall through
  }
  throw new SearchError('Ugyldigt _page-token');
}
function pageOffset(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new SearchError('Ugyldig _getpagesoffset');
  return n;
}
export const encodePageToken = (offset: number) => Buffer.from(JSON.stringify({ o: offset })).toString('base64url');

/** What a search's matches depend on: everything but its paging, page size and includes. */
const NOT_MATCHING = new Set(['_page', '_getpagesoffset', '_count', '_include', '_total', '_format']);

/**
 * The matches of recent searches, so that the next pages of a search are read from its matches
 * instead of searching again (a report pages through tens of thousands of resources, 500 at a
 * time). Any write since (`version`) makes them stale.
 */
export function createSearchCache(max = 16) {
  let version: number | null = null;
  const entries = new Map<string, StoredResource[]>();
  return {
    matches(at: number, key: string, compute: () => StoredResource[]): StoredResource[] {
      if (at !== version) {
        entries.clear();
        version = at;
      }
      let matches = entries.get(key);
      if (matches)
        entries.delete(key); // most recently used last
      else matches = compute();
      entries.set(key, matches);
      const oldest = entries.keys().next();
      if (entries.size > max && !oldest.done) entries.delete(oldest.value);
      return matches;
    },
  };
}
export type SearchCache = ReturnType<typeof createSearchCache>;

/** `all`: the resources of the type (read only when the matches are not cached); `cache`: with the store's version. */
export function search(
  all: StoredResource[] | (() => StoredResource[]),
  req: SearchRequest,
  lookup: (ref: string) => StoredResource | undefined,
  cache?: { cache: SearchCache; version: number },
): SearchResult {
  const typeParams = BY_TYPE[req.type] ?? {};
  for (const key of new Set(req.params.keys())) {
    if (!COMMON.has(key) && !(key in typeParams)) throw new SearchError(`Søgeparameteren ${key} understøttes ikke for ${req.type}`);
  }
  const compute = (): StoredResource[] => {
    let matches = typeof all === 'function' ? all() : all;
    const ids = req.params.getAll('_id').flatMap((v) => v.split(','));
    if (ids.length) matches = matches.filter((r) => ids.includes(r.id));
    for (const raw of req.params.getAll('identifier')) {
      const [system, value] = raw.includes('|') ? (raw.split('|', 2) as [string, string]) : [null, raw];
      // Most resources have a list of identifiers; a QuestionnaireResponse has one.
      matches = matches.filter((r) =>
        // An AuditEvent has none in R4 (its id is searched as entity:identifier).
        (r.resource.resourceType === 'AuditEvent' ? [] : [r.resource.identifier ?? []].flat()).some(
          (i) => i.value === value && (system === null || system === '' || i.system === system),
        ),
      );
    }
    for (const raw of req.params.getAll('_lastUpdated')) {
      const c = parseComparison('_lastUpdated', raw);
      matches = matches.filter((r) => compares(r.lastUpdatedMs, c));
    }
    for (const [name, param] of Object.entries(typeParams)) {
      for (const raw of req.params.getAll(name)) {
        if (param.kind === 'date') {
          const c = parseComparison(name, raw);
          matches = matches.filter((r) => param.values(r.resource).some((v) => compares(Date.parse(v), c)));
        } else if (param.kind === 'token') {
          const wanted = raw.split(',');
          matches = matches.filter((r) => tokenMatches(param.values(r.resource), wanted));
        } else {
          const wanted = raw.split(',');
          matches = matches.filter((r) => referenceMatches(param.values(r.resource), wanted, param.type));
        }
      }
    }
    const sort = req.params.get('_sort');
    const dateParam = typeParams.date?.kind === 'date' ? typeParams.date : null;
    if (sort === 'date' || sort === '-date') {
      // By the type's own date (an AuditEvent's recorded), newest first with "-date".
      if (!dateParam) throw new SearchError(`_sort=${sort} understøttes ikke for ${req.type}`);
      const at = (r: StoredResource) => Date.parse(dateParam.values(r.resource)[0] ?? '') || 0;
      const direction = sort === '-date' ? -1 : 1;
      return [...matches].sort((a, b) => direction * (at(a) - at(b)) || direction * a.id.localeCompare(b.id));
    }
    if (sort !== null && sort !== '_lastUpdated' && sort !== '-_lastUpdated') throw new SearchError(`_sort=${sort} understøttes ikke`);
    const direction = sort === '-_lastUpdated' ? -1 : 1;
    return [...matches].sort((a, b) => direction * (a.lastUpdatedMs - b.lastUpdatedMs) || a.id.localeCompare(b.id));
  };
  const key = () =>
    `${req.type}?${[...req.params]
      .filter(([name]) => !NOT_MATCHING.has(name))
      .map(([name, value]) => `${name}=${value}`)
      .sort()
      .join('&')}`;
  const matches = cache ? cache.cache.matches(cache.version, key(), compute) : compute();

  const countRaw = req.params.get('_count');
  const asked = countRaw === null ? 50 : Number(countRaw);
  if (!Number.isInteger(asked) || asked < 0 || asked > MAX_COUNT) throw new SearchError(`_count skal være et heltal fra 0 til ${MAX_COUNT}`);
  const count = Math.min(asked, req.maxCount ?? MAX_COUNT);
  const rawOffset = req.params.get('_getpagesoffset');
  const offset = rawOffset !== null ? pageOffset(rawOffset) : decodePageToken(req.params.get('_page'));
  const page = matches.slice(offset, offset + count);

  const included = new Map<string, StoredResource>();
  for (const include of req.include === false ? [] : req.params.getAll('_include')) {
    if (!(include in INCLUDES)) throw new SearchError(`_include=${include} understøttes ikke`);
    const onlyType = INCLUDES[include];
    for (const r of page) {
      if (r.resource.resourceType !== 'Appointment') continue;
      for (const p of r.resource.participant) {
        const ref = p.actor?.reference;
        if (!ref || (onlyType && !ref.startsWith(`${onlyType}/`))) continue;
        const target = lookup(ref);
        if (target) included.set(ref, target);
      }
    }
  }
  return { matches: page, included: [...included.values()], total: matches.length, offset, count };
}
