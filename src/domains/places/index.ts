// Places (单位、设施、服务商): organizations, facilities, facility types and service providers.

export { countProvidersServing } from './places.repository.ts';
export { placesRoutes } from './places.routes.ts';
