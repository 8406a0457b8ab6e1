// buildApp(deps): the platform plugins first (errors, OpenAPI, authentication), then one plugin per domain, then
// the web console. Everything the app needs comes in through `deps`, so tests build it on an in-memory database.
import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { sql } from 'kysely';
import type { Config } from './config.ts';
import { codesRoutes } from './domains/codes/index.ts';
import { evaluationRoutes } from './domains/evaluation/index.ts';
import { areaDetailRoutes, buildingsRoutes, geographyRoutes } from './domains/geography/index.ts';
import { identityRoutes } from './domains/identity/index.ts';
import { ingestRoutes } from './domains/ingest/index.ts';
import { peopleRoutes } from './domains/people/index.ts';
import { placesRoutes } from './domains/places/index.ts';
// supply: planning, providers and procurement, deliveries, evaluation
import { planningRoutes } from './domains/planning/index.ts';
import { profilesRoutes } from './domains/profiles/index.ts';
import { requestsPlugin } from './domains/requests/index.ts';
import { sensingRoutes } from './domains/sensing/index.ts';
import { statsRoutes } from './domains/stats/index.ts';
import { supplyRoutes } from './domains/supply/index.ts';
import { auditRoutes } from './platform/audit/audit.routes.ts';
import { accountsRoutes } from './platform/auth/accounts.routes.ts';
import { authPlugin } from './platform/auth/auth.plugin.ts';
import type { FieldCipher } from './platform/crypto/field-cipher.ts';
import type { Database } from './platform/db/index.ts';
import { registerErrorHandling, sendError } from './platform/http/error-handler.ts';
import { healthRoutes } from './platform/http/health.routes.ts';
import { registerSecurityHeaders } from './platform/http/security-headers.ts';

export interface AppDeps {
  config: Config;
  database: Database;
  cipher: FieldCipher;
  /** Fastify logger options; tests pass false. */
  logger?: FastifyServerOptions['logger'];
}

declare module 'fastify' {
  interface FastifyInstance {
    deps: AppDeps;
  }
}

export type App = FastifyInstance;

export async function buildApp(deps: AppDeps): Promise<App> {
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: 1024 * 1024,
    genReqId: () => crypto.randomUUID(),
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: true },
    },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.decorate('deps', deps);
  app.decorateRequest('viewer', null);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  registerErrorHandling(app);
  registerSecurityHeaders(app, deps.config.mapTileUrl);

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: '社区大脑 Community Brain API',
        description: '社区精准服务平台接口。所有个人信息默认脱敏；查看完整信息须说明用途并记入审计。',
        version: '0.1.0',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'POST /api/auth/login 取得的令牌' },
        },
      },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(healthRoutes);
  await app.register(authPlugin);
  await app.register(auditRoutes);
  await app.register(accountsRoutes);
  // Domain plugins, one per folder under src/domains.
  await app.register(peopleRoutes);
  await app.register(geographyRoutes);
  await app.register(statsRoutes);
  await app.register(codesRoutes);
  await app.register(placesRoutes);
  await app.register(buildingsRoutes);
  await app.register(areaDetailRoutes);
  await app.register(planningRoutes);
  await app.register(supplyRoutes);
  await app.register(evaluationRoutes);
  await app.register(profilesRoutes);
  await app.register(sensingRoutes);
  await app.register(requestsPlugin);
  await app.register(ingestRoutes);
  await app.register(identityRoutes);

  registerRuntimeConfig(app, deps.config);
  await registerWebConsole(app, deps.config.webDist);
  return app;
}

/**
 * The console's deployment settings as a script it loads before the bundle (web/index.html), written from the
 * server's own configuration so that MAP_TILE_URL alone both lets the tiles through the content security policy and
 * puts them under the map. JSON with `<` escaped cannot end the script element or run as anything but data.
 */
function registerRuntimeConfig(app: FastifyInstance, config: Config) {
  const settings = { mapTileUrl: config.mapTileUrl, mapTileAttribution: config.mapTileAttribution };
  const body = `window.__CBRAIN__ = ${JSON.stringify(settings).replace(/</g, '\\u003c')};\n`;
  app.get('/runtime-config.js', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(body),
  );
}

/**
 * Serves the built console when there is one; unknown non-API paths then get index.html so client-side routes
 * survive a reload. Every other unknown path gets the platform's 404.
 */
async function registerWebConsole(app: FastifyInstance, webDist: string) {
  const hasConsole = existsSync(`${webDist}/index.html`);
  if (hasConsole) await app.register(fastifyStatic, { root: webDist, prefix: '/', wildcard: false });
  app.setNotFoundHandler((request, reply) => {
    const url = request.raw.url ?? '/';
    const isPage =
      request.method === 'GET' && !url.startsWith('/api/') && !url.startsWith('/docs') && !url.includes('.');
    // The resident portal is a page of its own (web/portal.html): /portal and everything under it.
    const isPortal = url === '/portal' || url.startsWith('/portal/') || url.startsWith('/portal?');
    if (hasConsole && isPage)
      return reply.type('text/html').sendFile(isPortal ? 'portal.html' : 'index.html');
    return sendError(reply, request, 'ROUTE_NOT_FOUND');
  });
}

export async function databaseAnswers(database: Database): Promise<boolean> {
  try {
    await sql`select 1`.execute(database.db);
    return true;
  } catch {
    return false;
  }
}
