// Precise supply (精准供给): providers, procurement, matching, service delivery records.
export { supplyRoutes } from './supply.routes.ts';
export { addRequestDeliveries } from './request-deliveries.ts';
