// Statistics of a scope for home pages and dashboards.

export { birthDateRange, bornOnOrBeforeForAge, chinaToday } from './age-cutoffs.ts';
export { statsRoutes } from './stats.routes.ts';
