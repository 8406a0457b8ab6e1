// People (实有人口): search, records, unmasking. The plugin is the only thing other modules import.
export { peopleRoutes } from './people.routes.ts';
