// 接诉即办: resident requests → work orders → resolved, rated and evaluated. The plugin and the background jobs are
// the only things other modules import.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createWorkCalendar } from '../../lib/calendar/working-time.ts';
import { auditRequest } from '../../platform/audit/request-audit.ts';
import type { CategoryCatalog } from './category-catalog.ts';
import { requestCategoryCatalog } from './category-source.ts';
import { classifierRoutes } from './classifier.routes.ts';
import {
  type ClassifierService,
  createClassifierService,
  reviewThresholdFromEnv,
} from './classifier.service.ts';
import { withClassifierSuggestions } from './classifier-intake.ts';
import type { IntakeLimits, RequestsContext } from './context.ts';
import { evaluationRoutes } from './evaluation.routes.ts';
import { createGridLocator } from './grid-locator.ts';
import { hotlineImportRoutes } from './hotline-import.routes.ts';
import { open311Routes } from './open311.routes.ts';
import { orderConsoleRoutes } from './order-console.routes.ts';
import { portalRoutes } from './portal.routes.ts';
import { publicRequestRoutes } from './public.routes.ts';
import { requestsRoutes } from './requests.routes.ts';
import { createWorkOrderService } from './work-orders.service.ts';

export { requestCategoryCatalog } from './category-source.ts';
export { QUICK_TRAINING } from './classifier-training.ts';
export { createLiveArrivals, DEMO_REQUESTS_PER_DAY, loadRequestDemo } from './demo-orders.ts';
export { createIntakeService, importHotlineFile } from './hotline-import.ts';
export { startRequestJobs } from './jobs.ts';
export { commandLineCaller } from './work-orders.service.ts';

declare module 'fastify' {
  interface FastifyInstance {
    requests: RequestsContext;
    requestClassifier: ClassifierService;
  }
}

export interface RequestsPluginOptions {
  catalog?: CategoryCatalog;
  limits?: Partial<IntakeLimits>;
}

/** Limits from the environment (REQUESTS_RATE_PER_CLIENT per minute, REQUESTS_RATE_PER_PHONE per hour). */
function limitsFromEnv(env: NodeJS.ProcessEnv): IntakeLimits {
  const int = (name: string, fallback: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
    return n;
  };
  return {
    perClientPerMinute: int('REQUESTS_RATE_PER_CLIENT', 20),
    perPhonePerHour: int('REQUESTS_RATE_PER_PHONE', 10),
  };
}

async function requestsPluginImpl(app: FastifyInstance, options: RequestsPluginOptions) {
  const { database, cipher } = app.deps;
  const catalog = options.catalog ?? requestCategoryCatalog();
  const calendar = createWorkCalendar();
  const locator = createGridLocator();
  const classifier = createClassifierService({
    database,
    catalog,
    reviewThreshold: reviewThresholdFromEnv(process.env),
    log: (message, err) => app.log.error({ err }, message),
  });
  const service = withClassifierSuggestions(
    createWorkOrderService({ database, cipher, catalog, calendar, locator }),
    classifier,
  );
  const ctx: RequestsContext = {
    database,
    cipher,
    catalog,
    calendar,
    service,
    limits: { ...limitsFromEnv(process.env), ...options.limits },
    audit: (request, entry) => auditRequest(database.db, request, entry),
    throttle: async () => {},
  };
  app.decorate('requests', ctx);
  app.decorate('requestClassifier', classifier);
  // Each group in its own encapsulated context: Open311 has its own error format and form-body parser.
  await app.register(async (scope) => requestsRoutes(scope, ctx));
  await app.register(async (scope) => evaluationRoutes(scope, ctx));
  await app.register(async (scope) => publicRequestRoutes(scope, ctx));
  await app.register(async (scope) => portalRoutes(scope, ctx));
  await app.register(async (scope) => open311Routes(scope, ctx));
  await app.register(async (scope) => orderConsoleRoutes(scope, ctx));
  await app.register(async (scope) => classifierRoutes(scope, ctx, classifier));
  await app.register(async (scope) => hotlineImportRoutes(scope, ctx));
}

/** Not encapsulated, so that `app.requests` (the jobs' handle) is visible on the root instance. */
export const requestsPlugin = fp(requestsPluginImpl, { name: 'requests' });
