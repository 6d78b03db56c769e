import { z } from 'zod';

/**
 * The citizen's own verdict on a screen visit: one tap on the tablet's three faces after the call,
 * or no tap within the time shown (`none`, counted too).
 */
export const Verdict = z.enum(['good', 'okay', 'bad', 'none']);
export type Verdict = z.infer<typeof Verdict>;
/** The faces, in the order the tablet shows them. */
export const FACES = ['good', 'okay', 'bad'] as const satisfies readonly Verdict[];
/** How long the faces stay up after the call. */
export const VERDICT_SECONDS = 15;
