import type { AnyTRPCRouter } from '@trpc/server';
import { createTRPCUntypedClient, type TRPCLink } from '@trpc/client';
import { listProcedures, type ApiClient } from '../../src-shared/api/contract';

/**
 * The renderer's typed API, derived from the shared contract. Inputs are checked before sending
 * (main checks them again) and results are parsed with the contract's output schemas.
 */
export function createApiClient(link: TRPCLink<AnyTRPCRouter>): ApiClient {
  const client = createTRPCUntypedClient<AnyTRPCRouter>({ links: [link] });
  const api: Record<string, Record<string, unknown>> = {};
  for (const [ns, method, def] of listProcedures()) {
    const path = `${ns}.${method}`;
    let call: unknown;
    if (def.kind === 'subscription') {
      call = (input: unknown, listener: { onData: (v: unknown) => void; onError?: (e: Error) => void; onStarted?: () => void }) => {
        const subscription = client.subscription(path, def.input.parse(input), {
          onData: (value: unknown) => listener.onData(def.output.parse(value)),
          onError: (error: Error) => listener.onError?.(error),
          // The server runs the subscription from here on (events before this are not delivered).
          onStarted: () => listener.onStarted?.(),
        });
        return () => subscription.unsubscribe();
      };
    } else if (def.kind === 'query') {
      call = async (input: unknown) => def.output.parse(await client.query(path, def.input.parse(input)));
    } else {
      call = async (input: unknown) => def.output.parse(await client.mutation(path, def.input.parse(input)));
    }
    (api[ns] ??= {})[method] = call;
  }
  return api as unknown as ApiClient;
}
