import type { z } from 'zod';
import type { ApiContract, Namespace, ProcedureDef } from '../../src-shared/api/contract.js';

/** What src-main must implement: a missing or mistyped handler fails to compile. */
export type ApiHandlers = {
  [N in Namespace]: {
    [M in keyof ApiContract[N]]: ApiContract[N][M] extends ProcedureDef<infer K, infer I, infer O>
      ? K extends 'subscription'
        ? (input: z.output<I>, signal: AbortSignal) => AsyncIterable<z.input<O>>
        : (input: z.output<I>) => Promise<z.input<O>> | z.input<O>
      : never;
  };
};
