// Geography (地): the administrative tree, grids and their map layers.
export { areaDetailRoutes } from './area-detail.routes.ts';
export { buildingsRoutes } from './buildings.routes.ts';
export { geographyRoutes } from './geography.routes.ts';
export { gridFigures } from './grid-figures.repository.ts';
