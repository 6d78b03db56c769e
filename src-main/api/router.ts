import { initTRPC, TRPCError, type AnyTRPCProcedure, type AnyTRPCRouter } from '@trpc/server';
import { listProcedures, type Access, type AnyProcedureDef } from '../../src-shared/api/contract.js';
import type { StaffRole } from '../../src-shared/domain/visit.js';
import type { ApiHandlers } from './handlerTypes.js';
import { SignInError } from '../services/session.js';
import { StoreError, type StoreErrorCode } from '../store/errors.js';
import { MoveRefusedError, NotSignedInError } from './handlers.js';
import { AuditTrailRefusedError } from '../audit/trail.js';

type TRPCCode = TRPCError['code'];
const STORE_TO_TRPC: Partial<Record<StoreErrorCode, TRPCCode>> = { VISIT_NOT_FOUND: 'NOT_FOUND' };

interface Issue {
  path?: readonly PropertyKey[] | readonly { key: PropertyKey }[];
  message: string;
}

function hasIssues(value: unknown): value is { issues: readonly Issue[] } {
  return typeof value === 'object' && value !== null && Array.isArray((value as { issues?: unknown }).issues);
}

function describeIssues(issues: readonly Issue[]): string {
  return issues
    .map((i) => {
      const path = (i.path ?? []).map((p) => (typeof p === 'object' && p !== null && 'key' in p ? String(p.key) : String(p))).join('.');
      return `${path || '(argument)'}: ${i.message}`;
    })
    .join('; ');
}

/** Per-call context. The Electron transport marks calls from frames outside our origin as untrusted. */
export interface RpcContext {
  trusted?: boolean;
}

/** The role of who is signed in, for the access each method declares; null when nobody is (or the session is locked). */
export type RoleOf = () => StaffRole | null;

const t = initTRPC.context<RpcContext>().create({
  isServer: true,
  errorFormatter({ shape, error, path }) {
    // Bad arguments get a message that names the method and the field, in one line.
    if (error.code === 'BAD_REQUEST' && hasIssues(error.cause)) {
      return { ...shape, message: `Ugyldigt argument til ${path ?? 'ukendt metode'}: ${describeIssues(error.cause.issues)}` };
    }
    return shape;
  },
});

function toTRPCError(error: unknown): unknown {
  if (error instanceof NotSignedInError) return new TRPCError({ code: 'UNAUTHORIZED', message: error.message, cause: error });
  if (error instanceof MoveRefusedError) return new TRPCError({ code: 'CONFLICT', message: error.message, cause: error });
  if (error instanceof SignInError) return new TRPCError({ code: 'BAD_REQUEST', message: error.message, cause: error });
  // Another team's citizen: refused in words, as a role the method does not name is.
  if (error instanceof AuditTrailRefusedError) return new TRPCError({ code: 'FORBIDDEN', message: error.message, cause: error });
  if (error instanceof StoreError) {
    return new TRPCError({ code: STORE_TO_TRPC[error.code] ?? 'INTERNAL_SERVER_ERROR', message: error.message, cause: error });
  }
  return error;
}

type Handler = (input: unknown, signal: AbortSignal) => unknown;

const callable = t.procedure.use(({ ctx, next }) => {
  if (ctx.trusted === false) throw new TRPCError({ code: 'FORBIDDEN', message: 'Kaldet kommer ikke fra Skærmrums egen side' });
  return next();
});

const allowedFor = (access: Access, role: StaffRole | null) => access === 'public' || (role !== null && access.includes(role));

function procedureFor(def: AnyProcedureDef, handler: Handler, roleOf: RoleOf): AnyTRPCProcedure {
  // The access each method declares in the contract is enforced here, once, for every method.
  const guarded =
    def.access === 'public' || def.kind === 'subscription'
      ? callable
      : callable.use(({ next }) => {
          const role = roleOf();
          if (role === null) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Log ind for at bruge denne funktion' });
          if (!allowedFor(def.access, role)) throw new TRPCError({ code: 'FORBIDDEN', message: 'Din rolle giver ikke adgang til denne funktion' });
          return next();
        });
  const base = guarded.input(def.input);
  if (def.kind === 'subscription') {
    // A subscription outlives sign-ins and locks: each event goes out only while the role allows it.
    return base.subscription(async function* ({ input, signal }) {
      const stream = handler(input, signal ?? new AbortController().signal) as AsyncIterable<unknown>;
      for await (const value of stream) if (allowedFor(def.access, roleOf())) yield def.output.parse(value);
    });
  }
  const resolve = async ({ input }: { input: unknown }) => {
    try {
      return await handler(input, new AbortController().signal);
    } catch (error) {
      throw toTRPCError(error);
    }
  };
  const withOutput = base.output(def.output);
  return def.kind === 'query' ? withOutput.query(resolve) : withOutput.mutation(resolve);
}

/**
 * Builds the tRPC router from the contract in src-shared and its one implementation. Every input
 * and output is validated with the contract's zod schemas, whichever transport carries the call.
 */
export function buildApiRouter(handlers: ApiHandlers, roleOf: RoleOf = () => null): AnyTRPCRouter {
  const namespaces: Record<string, Record<string, AnyTRPCProcedure>> = {};
  const byName = handlers as unknown as Record<string, Record<string, Handler>>;
  for (const [ns, method, def] of listProcedures()) {
    const handler = byName[ns]?.[method];
    if (!handler) throw new Error(`API-metoden ${ns}.${method} mangler en implementering`);
    (namespaces[ns] ??= {})[method] = procedureFor(def, handler, roleOf);
  }
  return t.router(Object.fromEntries(Object.entries(namespaces).map(([ns, procs]) => [ns, t.router(procs)])));
}

export const createCallerFactory = t.createCallerFactory;
