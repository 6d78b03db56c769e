import { type z } from 'zod';
import { AnyResource, Bundle, OperationOutcome, type FhirResource, type ResourceType } from '../../src-shared/fhir/schemas.js';

/**
 * HTTP access to a FHIR R4 server (the EOJ or a municipal gateway). Every response is bounded in
 * time (a deadline over headers and body, against slow-loris answers) and size, and parsed with
 * zod before anything else sees it. Failures are EojErrors that say what went wrong, never crashes.
 */
export type EojErrorKind = 'network' | 'timeout' | 'http' | 'malformed' | 'oversized';

export class EojError extends Error {
  override readonly name = 'EojError';
  constructor(
    readonly kind: EojErrorKind,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
  /** Worth trying again later (as opposed to a request the server will never accept). */
  get transient(): boolean {
    if (this.kind !== 'http') return true;
    const s = this.status ?? 0;
    return s >= 500 || s === 408 || s === 429 || s === 401 || s === 403;
  }
}

export interface FhirClientOptions {
  baseUrl: string;
  token: () => string | null;
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
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new EojError('oversized', `Svaret fra EOJ er for stort (over ${maxBytes} bytes)`, response.status);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function createFhirClient(options: FhirClientOptions) {
  const timeoutMs = options.timeoutMs ?? 15_000;
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
      const outcome = OperationOutcome.safeParse(json);
      const detail = outcome.success ? outcome.data.issue.map((i) => i.diagnostics ?? i.code).join('; ') : `HTTP ${response.status}`;
      throw new EojError('http', `EOJ afviste ${method} ${new URL(url).pathname}: ${detail}`, response.status);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new EojError(
        'malformed',
        `Uventet svar fra EOJ: ${first ? `${first.path.join('.') || '(rod)'}: ${first.message}` : 'ukendt fejl'}`,
        response.status,
      );
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
