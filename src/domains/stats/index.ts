// Statistics of a scope for home pages and dashboards.
export { statsRoutes } from './stats.routes.ts';
