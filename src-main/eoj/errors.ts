export { EojError, type EojErrorKind } from '../../src-shared/fhir/client.js';

/**
 * Someone else closed (or, for a move, moved) the visit in the EOJ: our change is never written
 * over theirs. The outbox keeps it as a conflict the person sees.
 */
export class EojConflict extends Error {
  constructor(readonly eojStatus: string) {
    super(`Besøget er allerede ${eojStatus} i EOJ`);
  }
}
