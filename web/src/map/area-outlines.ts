// What the console's and the portal's small maps start from: the district's outlines drawn light over a base map
// (or opaque where there is none), the box that frames a set of areas, and the area a point falls in.
import bbox from '@turf/bbox';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import type { Feature, FeatureCollection, GeoJsonProperties, MultiPolygon, Polygon } from 'geojson';
import type * as maplibregl from 'maplibre-gl';
import { hasBaseTiles } from './create-map.ts';

export type Bounds = [[west: number, south: number], [east: number, north: number]];

/** The box around every feature of a collection, or null when it has no coordinates to frame. */
export function boundsOfFeatures(collection: FeatureCollection): Bounds | null {
  if (collection.features.length === 0) return null;
  const [west, south, east, north] = bbox(collection);
  if (![west, south, east, north].every(Number.isFinite)) return null;
  return [
    [west, south],
    [east, north],
  ];
}

/** Adds the areas as source `areas` with a light fill `areas-fill` and a thin outline `areas-line`. */
export function addAreaOutlines(map: maplibregl.Map, areas: FeatureCollection): void {
  map.addSource('areas', { type: 'geojson', data: areas });
  map.addLayer({
    id: 'areas-fill',
    type: 'fill',
    source: 'areas',
    paint: { 'fill-color': '#ffffff', 'fill-opacity': hasBaseTiles() ? 0.15 : 0.9 },
  });
  map.addLayer({
    id: 'areas-line',
    type: 'line',
    source: 'areas',
    paint: { 'line-color': '#7b93b8', 'line-width': 1 },
  });
}

/** The first feature whose polygon contains the point (holes respected), or null outside them all. */
export function featureAt<P extends GeoJsonProperties>(
  areas: FeatureCollection<Polygon | MultiPolygon, P>,
  lng: number,
  lat: number,
): Feature<Polygon | MultiPolygon, P> | null {
  return areas.features.find((f) => booleanPointInPolygon([lng, lat], f)) ?? null;
}
