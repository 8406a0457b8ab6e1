// Facility planning (设施规划): life-circle coverage, siting of new facilities, saved scenarios.
export { planningRoutes } from './planning.routes.ts';
