// Evaluation (绩效评价): DEA of communities and providers, indicators, exported reports.
export { evaluationRoutes } from './evaluation.routes.ts';
