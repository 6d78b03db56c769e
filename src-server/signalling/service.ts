import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import fastifyStatic from '@fastify/static';
import Fastify from 'fastify';
import { SIGNALLING_CLIENT_ID } from '../../src-shared/auth/claims.js';
import { SANDBOX_ROLE_MAPPING, type RoleMapping } from '../../src-shared/auth/roles.js';
import { securityHeaders } from '../../src-shared/security/csp.js';
import { SIGNAL_PATH } from '../../src-shared/signalling/protocol.js';
import { systemClock, type Clock } from '../../src-shared/time/clock.js';
import { jwksVerifier } from '../eoj/auth.js';
import { memorySharedState } from './cluster/memory.js';
import { redisSharedState } from './cluster/redis.js';
import { createDeviceRegistry } from './devices.js';
import { eojVisitDirectory } from './directory.js';
import { systemEoj } from './eoj.js';
import { attachSignalling, type SignallingLogger } from './server.js';
import type { TurnConfig } from './turn.js';
import type { SmsSender } from './guests/sms.js';

export interface SignallingServiceOptions {
  /** The EOJ's FHIR base URL, read with the service's own system credentials. */
  eojUrl: string;
  /** The IdP that signs staff tokens (JWKS) and issues the service's client-credentials token. */
  issuer: string;
  clientSecret: string;
  clientId?: string;
  roleMapping?: RoleMapping;
  /** Signs citizen device tokens; every instance of one deployment has the same. */
  deviceSecret: Uint8Array;
  /** redis://… for several instances; absent: one instance with its state in memory. */
  redisUrl?: string | null;
  turn: TurnConfig;
  /** The built citizen app (dist/citizen), served under /citizen/. */
  citizenAppDir?: string;
  host?: string;
  port: number;
  instanceId?: string;
  clock?: Clock;
  logger?: SignallingLogger;
  ringTimeoutMs?: number;
  lostGraceMs?: number;
  autoAnswerAfterS?: number | null;
  heartbeatMs?: number;
  satisfactionSurvey?: boolean;
  consentMs?: number;
  colleagueRingMs?: number;
  /** How relatives' invitations are texted (the sandbox: a local outbox file). */
  sms?: SmsSender;
  /** The relative's page as linked in the SMS; default: this service's citizen app. */
  guestPageUrl?: string;
}

export interface SignallingService {
  instanceId: string;
  port: number;
  /** ws://host:port/signal */
  url: string;
  /** http://host:port/citizen/ */
  citizenUrl: string;
  signalling: ReturnType<typeof attachSignalling>;
  close(): Promise<void>;
}

/** Where the citizen app may connect: its own origin's signalling (also behind a load balancer, whose Host it is served under). */
const citizenConnectSrc = (host: string | undefined) => (host && /^[A-Za-z0-9.[\]:-]{1,200}$/.test(host) ? [`ws://${host}`, `wss://${host}`] : []);

/**
 * The signalling service: its own process and configuration, one of N equal instances behind a
 * load balancer. It serves the citizen app, the WebSocket relay at /signal and a health check
 * the load balancer asks (/signal/health); it knows the EOJ only over FHIR.
 */
export async function startSignallingService(options: SignallingServiceOptions): Promise<SignallingService> {
  const clock = options.clock ?? systemClock;
  const instanceId = options.instanceId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const logger = options.logger ?? {
    warn: (fields, message) =>
      void process.stderr.write(`${JSON.stringify({ level: 'warn', time: clock.now().toISOString(), instance: instanceId, ...fields, message })}\n`),
  };
  const shared = options.redisUrl ? await redisSharedState(options.redisUrl) : memorySharedState(() => clock.nowMs());
  const eoj = systemEoj({
    baseUrl: options.eojUrl,
    credentials: { issuer: options.issuer, clientId: options.clientId ?? SIGNALLING_CLIENT_ID, secret: options.clientSecret },
    clock,
  });
  const devices = createDeviceRegistry({ eoj, shared, secret: options.deviceSecret, clock });
  void devices.start();
  // Token times are the IdP's: checked on the machine's clock, whatever day the demo runs at.
  const staffTokens = jwksVerifier({ issuer: options.issuer, roleMapping: options.roleMapping ?? SANDBOX_ROLE_MAPPING, clock: systemClock });

  const app = Fastify({ logger: false, return503OnClosing: true });
  let citizenUrl: string | null = null;
  const signalling = attachSignalling({
    ...(options.sms ? { sms: options.sms } : {}),
    // The relative's page is the citizen app in guest mode ("?gaest").
    guestLinkBase: () => options.guestPageUrl ?? (citizenUrl && options.citizenAppDir ? `${citizenUrl}?gaest` : null),
    httpServer: app.server,
    instanceId,
    shared,
    staffTokens,
    devices,
    directory: eojVisitDirectory(eoj, clock),
    clock,
    turn: options.turn,
    logger,
    ...(options.ringTimeoutMs ? { ringTimeoutMs: options.ringTimeoutMs } : {}),
    ...(options.lostGraceMs ? { lostGraceMs: options.lostGraceMs } : {}),
    ...(options.autoAnswerAfterS !== undefined ? { autoAnswerAfterS: options.autoAnswerAfterS } : {}),
    ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}),
    ...(options.satisfactionSurvey !== undefined ? { satisfactionSurvey: options.satisfactionSurvey } : {}),
    ...(options.consentMs ? { consentMs: options.consentMs } : {}),
    ...(options.colleagueRingMs ? { colleagueRingMs: options.colleagueRingMs } : {}),
  });
  await signalling.ready;
  // The load balancer sends new connections only to instances that can take them. Redis away is
  // not a reason: every instance is equally without it, and tablets can still sign in.
  app.get(`${SIGNAL_PATH}/health`, async (_req, reply) => {
    const ok = devices.ready();
    return reply
      .status(ok ? 200 : 503)
      .header('cache-control', 'no-store')
      .send({
        instance: instanceId,
        connections: signalling.connectionCount(),
        ...signalling.identified(),
        shared: shared.healthy(),
        revocationsRead: devices.ready(),
      });
  });
  if (options.citizenAppDir) {
    app.addHook('onSend', async (req, reply) => {
      if (!req.url.startsWith('/citizen')) return;
      reply.headers(securityHeaders(citizenConnectSrc(req.headers.host)));
      // The service worker and the page are looked at on every start; the hashed assets never change.
      reply.header('cache-control', /\/assets\//.test(req.url) ? 'public, max-age=31536000, immutable' : 'no-cache');
    });
    await app.register(fastifyStatic, { root: options.citizenAppDir, prefix: '/citizen/', index: ['index.html'] });
    app.get('/citizen', (_req, reply) => reply.redirect('/citizen/'));
  }
  const host = options.host ?? '127.0.0.1';
  await app.listen({ host, port: options.port });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('signaleringen har ingen TCP-adresse');
  citizenUrl = `http://${host}:${address.port}/citizen/`;
  return {
    instanceId,
    port: address.port,
    url: `ws://${host}:${address.port}${SIGNAL_PATH}`,
    citizenUrl: `http://${host}:${address.port}/citizen/`,
    signalling,
    async close() {
      signalling.close();
      devices.close();
      app.server.closeAllConnections();
      await app.close();
      await shared.close();
    },
  };
}
