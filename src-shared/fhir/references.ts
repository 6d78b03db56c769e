/**
 * FHIR references as servers send them (R4 §2.3.0): relative ("Patient/123"), versioned
 * ("Patient/123/_history/2"), absolute to the server's own base ("https://eoj/fhir/Patient/123"),
 * contained ("#pt", a resource inside the referring one), or somewhere else (another server, a
 * urn:uuid in a bundle). The one place references are parsed.
 */
export type ParsedReference =
  { kind: 'contained'; id: string } | { kind: 'resource'; type: string; id: string; version: string | null } | { kind: 'external'; url: string };

const RELATIVE = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/([A-Za-z0-9\-.]{1,64}))?$/;

export function parseReference(reference: string | undefined, baseUrl?: string): ParsedReference | null {
  if (!reference) return null;
  if (reference.startsWith('#')) return reference.length > 1 ? { kind: 'contained', id: reference.slice(1) } : null;
  let relative = reference;
  if (/^[a-z][a-z0-9+.-]*:/i.test(reference)) {
    const base = baseUrl?.replace(/\/$/, '');
    if (!base || !reference.startsWith(`${base}/`)) return { kind: 'external', url: reference };
    relative = reference.slice(base.length + 1);
  }
  const match = RELATIVE.exec(relative);
  if (!match) return null;
  return { kind: 'resource', type: match[1] as string, id: match[2] as string, version: match[3] ?? null };
}

/** "Type/id" of a reference to a resource on this server, or null (contained, external, unparsable). */
export function referenceKey(reference: string | undefined, baseUrl?: string): string | null {
  const parsed = parseReference(reference, baseUrl);
  return parsed?.kind === 'resource' ? `${parsed.type}/${parsed.id}` : null;
}
