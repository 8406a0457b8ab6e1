// Precise supply (精准供给): providers, procurement, matching, service delivery records.

export { addRequestDeliveries } from './request-deliveries.ts';
export { providersServing } from './supply.repository.ts';
export { supplyRoutes } from './supply.routes.ts';
