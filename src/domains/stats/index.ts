// Statistics of a scope for home pages and dashboards.

export { birthDateRange, bornOnOrBeforeForAge, chinaToday } from './age-cutoffs.ts';
export { type AreaStats, areaStats } from './area-figures.repository.ts';
export { statsRoutes } from './stats.routes.ts';
