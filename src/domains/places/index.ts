// Places (单位、设施、服务商): organizations, facilities, facility types and service providers.
export { placesRoutes } from './places.routes.ts';
