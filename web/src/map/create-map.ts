// One way to open a MapLibre map on the platform's pages: the district's own GeoJSON drawn over a plain background,
// with a raster base map under it only when the server's runtime config names a tile URL (no tile or glyph server
// is needed otherwise). Rotation is off: users read these maps north-up, and a twist of two fingers on a phone
// should not turn the district.
import 'maplibre-gl/dist/maplibre-gl.css';
import * as maplibregl from 'maplibre-gl';
// MapLibre's worker is an ES module; Vite bundles it as a worker of its own and gives its URL.
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?worker&url';
import { runtimeConfig } from '../runtime-config.ts';

maplibregl.setWorkerUrl(workerUrl);

/** The district's centre, where a map starts before its own data tells it where to look. */
const START: [number, number] = [120.1, 30.28];

/** A background colour, and the configured raster base map if there is one. */
export function baseStyle(background: string): maplibregl.StyleSpecification {
  const { mapTileUrl, mapTileAttribution } = runtimeConfig();
  const style: maplibregl.StyleSpecification = {
    version: 8,
    sources: {},
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': background } }],
  };
  if (mapTileUrl) {
    style.sources['base'] = {
      type: 'raster',
      tiles: [mapTileUrl],
      tileSize: 256,
      ...(mapTileAttribution ? { attribution: mapTileAttribution } : {}),
    };
    style.layers.push({ id: 'base', type: 'raster', source: 'base' });
  }
  return style;
}

/** True when a base map is drawn under the platform's layers (they are then drawn more transparent). */
export function hasBaseTiles(): boolean {
  return !!runtimeConfig().mapTileUrl;
}

export interface MapOptions {
  background?: string;
  center?: [number, number];
  zoom?: number;
}

export function createMap(container: HTMLElement, options: MapOptions = {}): maplibregl.Map {
  const map = new maplibregl.Map({
    container,
    style: baseStyle(options.background ?? '#f4f6f9'),
    center: options.center ?? START,
    zoom: options.zoom ?? 11,
    attributionControl: runtimeConfig().mapTileAttribution ? { compact: true } : false,
    dragRotate: false,
    pitchWithRotate: false,
  });
  map.touchZoomRotate.disableRotation();
  return map;
}
