import { type z } from 'zod';
import type { SyncError } from '../domain/outbox.js';
import { describeIssue } from './problems.js';
import { AnyResource, Bundle, CapabilityStatement, OperationOutcome, type FhirResource, type ResourceType } from './schemas.js';
import { systemClock, type Clock } from '../time/clock.js';

/**
 * The one FHIR adapter, for every process that has `fetch` (the client's main process, the
 * signalling service). HTTP access to a FHIR R4 server (the EOJ or a municipal gateway). Every response is bounded in
 * time (a deadline over headers and body, against slow-loris answers) and size, and parsed with
 * zod before anything else sees it. Failures are EojErrors that say what went wrong, never crashes.
 */
export type EojErrorKind = 'network' | 'timeout' | 'http' | 'malformed' | 'oversized';

export class EojError extends Error {
  override readonly name = 'EojError';
  /** The server's own words (OperationOutcome details.text or diagnostics). */
  readonly serverText: string | null;
  /** How long the server asked us to wait (Retry-After), if it did. */
  readonly retryAfterMs: number | null;
  private readonly temporary: boolean | undefined;
  constructor(
    readonly kind: EojErrorKind,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown; serverText?: string | null; retryAfterMs?: number | null; transient?: boolean },
  ) {
    super(message, options);
    this.serverText = options?.serverText ?? null;
    this.retryAfterMs = options?.retryAfterMs ?? null;
    this.temporary = options?.transient;
  }
  /**
   * Worth trying again later: transport failures, and answers that say "not now" (408, 409 a
   * concurrent write, 425, 429, 5xx; 401 until the sign-in is renewed). 400, 403, 404, 422 are
   * refusals the server will repeat. A caller that knows better (412 contention) says so.
   */
  get transient(): boolean {
    if (this.temporary !== undefined) return this.temporary;
    if (this.kind !== 'http') return true;
    const s = this.status ?? 0;
    return s >= 500 || s === 408 || s === 409 || s === 425 || s === 429 || s === 401;
  }
  /** The error as the renderer words it. */
  toSyncError(subject: string | null = null): SyncError {
    const code = ((): SyncError['code'] => {
      if (this.kind === 'network') return 'unreachable';
      if (this.kind === 'timeout') return 'timeout';
      if (this.kind === 'malformed' || this.kind === 'oversized') return this.kind;
      const s = this.status ?? 0;
      if (s === 429) return 'rate_limited';
      if (s === 401) return 'unauthorized';
      if (this.transient) return 'busy';
      return s === 404 || s === 410 ? 'not_found' : 'refused';
    })();
    return { code, serverText: this.serverText ? this.serverText.slice(0, 1000) : null, subject };
  }
}

/** The server's words from an OperationOutcome: details.text first (many servers put it there), then diagnostics. */
export function outcomeText(body: unknown): string | null {
  const outcome = OperationOutcome.safeParse(body);
  if (!outcome.success) return null;
  const texts = outcome.data.issue.map((i) => i.details?.text ?? i.diagnostics).filter((t): t is string => Boolean(t && t.trim()));
  return texts.length > 0 ? texts.join('; ') : null;
}

/** Retry-After (RFC 9110 §10.2.3): seconds, or an HTTP date. */
export function retryAfterMs(header: string | null, nowMs: number): number | null {
  if (!header) return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

export interface FhirClientOptions {
  baseUrl: string;
  token: () => string | null;
  /** For Retry-After given as a date (default: the machine's clock). */
  clock?: Clock;
  timeoutMs?: number;
  maxBodyBytes?: number;
}

export interface FhirResponse<T> {
  status: number;
  etag: string | null;
  body: T;
}

const versionFromEtag = (etag: string | null) => (etag ? (/^(?:W\/)?"([^"]+)"$/.exec(etag)?.[1] ?? null) : null);

async function readBounded(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) throw new EojError('oversized', `Svaret fra EOJ er for stort (${declared} bytes)`, response.status);
  if (!response.body) return '';
  const reader = response.body.getReader();
  // Decoded as it streams: the size is bounded before the whole body is held.
  const decoder = new TextDecoder();
  let text = '';
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new EojError('oversized', `Svaret fra EOJ er for stort (over ${maxBytes} bytes)`, response.status);
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}

export function createFhirClient(options: FhirClientOptions) {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const clock = options.clock ?? systemClock;
  const maxBodyBytes = options.maxBodyBytes ?? 8 * 1024 * 1024;
  const base = options.baseUrl.replace(/\/$/, '');

  async function request<S extends z.ZodType>(
    method: string,
    pathOrUrl: string,
    schema: S,
    init: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<FhirResponse<z.output<S>>> {
    const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${base}/${pathOrUrl.replace(/^\//, '')}`;
    const token = options.token();
    const deadline = AbortSignal.timeout(timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method,
        signal: deadline,
        headers: {
          accept: 'application/fhir+json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(init.body !== undefined ? { 'content-type': 'application/fhir+json' } : {}),
          ...init.headers,
        },
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      });
      text = await readBounded(response, maxBodyBytes);
    } catch (error) {
      if (error instanceof EojError) throw error;
      if (deadline.aborted) throw new EojError('timeout', `EOJ svarede ikke inden for ${timeoutMs} ms`, undefined, { cause: error });
      throw new EojError('network', 'EOJ kan ikke nås', undefined, { cause: error });
    }
    let json: unknown;
    try {
      json = text.length > 0 ? JSON.parse(text) : null;
    } catch (cause) {
      throw new EojError('malformed', `EOJ sendte ikke gyldig JSON (HTTP ${response.status})`, response.status, { cause });
    }
    if (!response.ok) {
      const serverText = outcomeText(json);
      throw new EojError(
        'http',
        `EOJ afviste ${method} ${new URL(url).pathname} (HTTP ${response.status})${serverText ? `: ${serverText}` : ''}`,
        response.status,
        {
          serverText,
          retryAfterMs: retryAfterMs(response.headers.get('retry-after'), clock.nowMs()),
        },
      );
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      const where = first ? first.path.join('.') || '(rod)' : '(rod)';
      throw new EojError('malformed', `Uventet svar fra EOJ: ${where} ${first ? describeIssue(first).detail : ''}`.trim(), response.status, {
        serverText: `${where}: ${first ? describeIssue(first).detail : 'ukendt fejl'}`,
      });
    }
    return { status: response.status, etag: response.headers.get('etag'), body: parsed.data };
  }

  const resourceOf = <T extends ResourceType>(type: T) =>
    AnyResource.refine((r) => r.resourceType === type, { message: `forventede ${type}` }) as unknown as z.ZodType<Extract<FhirResource, { resourceType: T }>>;

  return {
    baseUrl: base,
    request,
    /** One page of a search (or a `next` link, followed verbatim). */
    searchPage: (pathOrUrl: string) => request('GET', pathOrUrl, Bundle),
    /** What the server declares it can do. */
    capabilities: () => request('GET', 'metadata', CapabilityStatement),
    read: <T extends ResourceType>(type: T, id: string) => request('GET', `${type}/${encodeURIComponent(id)}`, resourceOf(type)),
    /** Conditional create: the identifier query makes a retried create idempotent. */
    createIfNoneExist: <T extends ResourceType>(resource: Extract<FhirResource, { resourceType: T }>, ifNoneExist: string) =>
      request('POST', resource.resourceType, resourceOf(resource.resourceType as T), { body: resource, headers: { 'if-none-exist': ifNoneExist } }),
    update: <T extends ResourceType>(resource: Extract<FhirResource, { resourceType: T }> & { id: string }, ifMatchVersion: string) =>
      request('PUT', `${resource.resourceType}/${encodeURIComponent(resource.id)}`, resourceOf(resource.resourceType as T), {
        body: resource,
        headers: { 'if-match': `W/"${ifMatchVersion}"` },
      }),
    versionOf: <T extends { meta?: { versionId?: string | undefined } | undefined }>(r: FhirResponse<T>) => r.body.meta?.versionId ?? versionFromEtag(r.etag),
  };
}
export type FhirClient = ReturnType<typeof createFhirClient>;
