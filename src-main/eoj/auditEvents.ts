import { z } from 'zod';
import type { AuditRecord, AuditTrailEntry } from '../../src-shared/domain/audit.js';
import { auditEventFor, auditIfNoneExist, auditTrailFactsOf, AUDIT_EVENT_ID_SYSTEM, type AuditEvent } from '../../src-shared/fhir/auditEvent.js';
import { outcomeText, type FhirClient } from '../../src-shared/fhir/client.js';
import { nameOf, type Named } from '../../src-shared/fhir/mapping.js';
import { AuditEvent as AuditEventSchema, Bundle, Location, Practitioner } from '../../src-shared/fhir/schemas.js';
import type { EojCapabilities } from './capabilities.js';
import { EojError } from './errors.js';

/**
 * Audit events to the EOJ, each exactly once, on any conformant R4 server: by conditional create
 * on our event id where the server declares it (in `batch` Bundles where it declares those), else
 * by PUT with the event id as the resource id where it lets clients choose ids, else by a search
 * for the id before a plain create. And the trail read back for a citizen, newest first.
 */
export type AuditWriteWay = 'conditional-create' | 'put' | 'search-then-create';

/** What happened to one event: in the EOJ now (created, or found from an earlier try), or why not. */
export type AuditSendResult = { seq: number; ok: true } | { seq: number; ok: false; error: EojError };

/** Events of one batch Bundle: small enough for a gateway's body limit, large enough to save round trips. */
export const AUDIT_BATCH_SIZE = 50;
/** Bundles on their way at once. */
const BATCHES_AT_ONCE = 2;
/** One at a time (no batch): a few requests at once. */
const CONCURRENCY = 4;

const BatchResponse = z.looseObject({
  resourceType: z.literal('Bundle'),
  type: z.literal('batch-response'),
  entry: z
    .array(z.looseObject({ response: z.looseObject({ status: z.string(), location: z.string().optional(), outcome: z.unknown().optional() }) }))
    .optional(),
});

/** "201 Created" → 201. */
const statusOf = (text: string) => Number(/^\s*(\d{3})/.exec(text)?.[1] ?? NaN);

/** An If-None-Exist that matched several: the event is there already (twice, by someone else's doing). */
const alreadyThere = (error: unknown) => error instanceof EojError && error.kind === 'http' && error.status === 412;

type Send = (event: AuditEvent, eventId: string) => Promise<void>;

function oneWay(client: FhirClient, way: AuditWriteWay): Send {
  switch (way) {
    case 'conditional-create':
      return async (event, eventId) => {
        try {
          await client.createIfNoneExist(event, auditIfNoneExist(eventId));
        } catch (error) {
          if (!alreadyThere(error)) throw error;
        }
      };
    case 'put':
      // The event id is the resource id; read first, as some servers refuse to update an AuditEvent.
      return async (event, eventId) => {
        try {
          await client.read('AuditEvent', eventId);
          return;
        } catch (error) {
          if (!(error instanceof EojError && (error.status === 404 || error.status === 410))) throw error;
        }
        await client.request('PUT', `AuditEvent/${encodeURIComponent(eventId)}`, AuditEventSchema, { body: { ...event, id: eventId } });
      };
    case 'search-then-create':
      // Not atomic, but one sender per event: only a response lost after the commit makes it search again.
      return async (event, eventId) => {
        const found = await client.searchPage(`AuditEvent?entity:identifier=${encodeURIComponent(`${AUDIT_EVENT_ID_SYSTEM}|${eventId}`)}&_count=1`);
        if ((found.body.entry ?? []).length > 0 || (found.body.total ?? 0) > 0) return;
        await client.request('POST', 'AuditEvent', AuditEventSchema, { body: event });
      };
  }
}

/** Conditional creates in one `batch` Bundle: each entry succeeds or fails on its own. */
async function sendBatch(client: FhirClient, events: readonly Outgoing[]): Promise<AuditSendResult[]> {
  const bundle = {
    resourceType: 'Bundle',
    type: 'batch',
    entry: events.map((e) => ({ resource: e.resource, request: { method: 'POST', url: 'AuditEvent', ifNoneExist: auditIfNoneExist(e.eventId) } })),
  };
  const { body } = await client.request('POST', client.baseUrl, BatchResponse, { body: bundle });
  const entries = body.entry ?? [];
  if (entries.length !== events.length)
    throw new EojError('malformed', `EOJ svarede med ${entries.length} svar på ${events.length} hændelser`, undefined, { transient: true });
  return events.map((e, i) => {
    const status = statusOf(entries[i]?.response.status ?? '');
    if (status >= 200 && status < 300) return { seq: e.seq, ok: true };
    if (status === 412) return { seq: e.seq, ok: true };
    const serverText = outcomeText(entries[i]?.response.outcome);
    return {
      seq: e.seq,
      ok: false,
      error: new EojError(Number.isNaN(status) ? 'malformed' : 'http', `EOJ afviste hændelsen (HTTP ${status})${serverText ? `: ${serverText}` : ''}`, status, {
        serverText,
      }),
    };
  });
}

/**
 * Sends the events the way the EOJ's CapabilityStatement allows, and says for each whether it is
 * in the EOJ now. A failure of the whole request is every event's; one event's refusal is its own.
 */
export async function sendAuditEvents(
  client: FhirClient,
  capabilities: EojCapabilities,
  records: readonly (AuditRecord & { seq: number })[],
  workstation: string,
): Promise<AuditSendResult[]> {
  const events = records.map((r) => ({ seq: r.seq, eventId: r.eventId, resource: auditEventFor(r, workstation) }));
  const way = capabilities.audit.write;
  const send = oneWay(client, way);
  if (way === 'conditional-create' && capabilities.audit.batch) {
    const chunks: Outgoing[][] = [];
    for (let i = 0; i < events.length; i += AUDIT_BATCH_SIZE) chunks.push(events.slice(i, i + AUDIT_BATCH_SIZE));
    const results: AuditSendResult[][] = new Array(chunks.length);
    let down: EojError | null = null;
    let next = 0;
    // Two Bundles at a time: the client builds and reads one while the EOJ works on the other.
    const work = async () => {
      for (let i = next++; i < chunks.length; i = next++) {
        const chunk = chunks[i] as Outgoing[];
        if (down) {
          results[i] = failAll(down, chunk);
          continue;
        }
        try {
          results[i] = await sendBatch(client, chunk);
        } catch (error) {
          // A server that refuses the whole Bundle for one bad entry: each alone, so only that one is refused.
          if (error instanceof EojError && !error.transient) results[i] = await oneByOne(send, chunk);
          else {
            results[i] = failAll(error, chunk);
            // The EOJ cannot be reached: the rest would fail the same way.
            if (error instanceof EojError && (error.kind === 'network' || error.kind === 'timeout')) down = error;
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(BATCHES_AT_ONCE, chunks.length) }, work));
    return results.flat();
  }
  return oneByOne(send, events);
}

type Outgoing = { seq: number; eventId: string; resource: AuditEvent };

const asEojError = (error: unknown) =>
  error instanceof EojError ? error : new EojError('malformed', error instanceof Error ? error.message : String(error), undefined, { transient: true });
const failAll = (error: unknown, events: readonly Outgoing[]): AuditSendResult[] => events.map((e) => ({ seq: e.seq, ok: false, error: asEojError(error) }));

/** One request per event, a few at once; once the EOJ cannot be reached, the rest wait. */
async function oneByOne(send: Send, events: readonly Outgoing[]): Promise<AuditSendResult[]> {
  const results: AuditSendResult[] = [];
  const queue = [...events];
  let down: EojError | null = null;
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, queue.length) }, async () => {
      for (let e = queue.shift(); e; e = queue.shift()) {
        if (down) {
          results.push({ seq: e.seq, ok: false, error: down });
          continue;
        }
        try {
          await send(e.resource, e.eventId);
          results.push({ seq: e.seq, ok: true });
        } catch (error) {
          const failure = asEojError(error);
          results.push({ seq: e.seq, ok: false, error: failure });
          if (failure.kind === 'network' || failure.kind === 'timeout') down = failure;
        }
      }
    }),
  );
  return results;
}

/** The audit trail of one citizen, a page at a time, newest first: ids and codes, with the names looked up. */
export interface AuditTrailRead {
  entries: AuditTrailEntry[];
  /** The next page's address in the EOJ (kept by the main process, never handed out). */
  next: string | null;
  total: number | null;
}

export async function readAuditTrail(
  client: FhirClient,
  capabilities: EojCapabilities,
  request: { patientId: string; next: string | null; count: number; now: Date },
): Promise<AuditTrailRead> {
  const by = capabilities.audit.searchBy;
  if (!by) throw new EojError('http', 'EOJ understøtter ikke søgning i AuditEvent efter borger', 501, { transient: false });
  const first = `AuditEvent?${by}=${encodeURIComponent(`Patient/${request.patientId}`)}${capabilities.audit.sortByDate ? '&_sort=-date' : ''}&_count=${request.count}`;
  // A next link is followed verbatim, and only on this EOJ.
  if (request.next !== null && !request.next.startsWith(`${client.baseUrl}/`)) throw new EojError('malformed', 'Næste side ligger ikke hos EOJ');
  const { body } = await client.searchPage(request.next ?? first);
  const events = (body.entry ?? []).flatMap((e) => {
    const parsed = AuditEventSchema.safeParse(e.resource);
    return parsed.success && parsed.data.id ? [{ ...parsed.data, id: parsed.data.id }] : [];
  });
  const facts = events.map((e) => auditTrailFactsOf(e, client.baseUrl));
  // Newest first also where the EOJ cannot sort: within the page.
  if (!capabilities.audit.sortByDate) facts.sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  const [names, rooms] = await Promise.all([
    namesOf(
      client,
      'Practitioner',
      facts.map((f) => f.practitionerId),
      request.now,
    ),
    namesOf(
      client,
      'Location',
      facts.map((f) => f.roomId),
      request.now,
    ),
  ]);
  return {
    entries: facts.map((f) => ({
      id: f.id,
      at: f.at,
      practitionerId: f.practitionerId,
      staffName: f.practitionerId ? (names.get(f.practitionerId) ?? null) : null,
      role: f.role,
      action: f.action,
      actionText: f.actionText,
      workstation: f.workstation,
      room: f.roomId ? { id: f.roomId, name: rooms.get(f.roomId) ?? f.roomId } : null,
      outcome: f.outcome,
    })),
    next: body.link?.find((l) => l.relation === 'next')?.url ?? null,
    total: body.total ?? null,
  };
}

/** Names of staff or rooms, read in one batch; one that does not read is left out (shown by id). */
async function namesOf(client: FhirClient, type: 'Practitioner' | 'Location', ids: readonly (string | null)[], now: Date): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  const names = new Map<string, string>();
  if (wanted.length === 0) return names;
  const { body } = await client.request('GET', `${type}?_id=${wanted.map(encodeURIComponent).join(',')}&_count=${wanted.length}`, Bundle);
  for (const e of body.entry ?? []) {
    if (type === 'Practitioner') {
      const p = Practitioner.safeParse(e.resource);
      if (p.success && p.data.id) names.set(p.data.id, nameOf(p.data as Named, now) || p.data.id);
    } else {
      const l = Location.safeParse(e.resource);
      if (l.success && l.data.id) names.set(l.data.id, l.data.name ?? l.data.id);
    }
  }
  return names;
}
