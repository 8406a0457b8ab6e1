// Deployment settings the console reads at run time from /runtime-config.js, which the server writes from its
// configuration (MAP_TILE_URL, MAP_TILE_ATTRIBUTION), so a tile server is added without rebuilding. With none set, the map draws only the platform's own GeoJSON.
interface RuntimeConfig {
  mapTileUrl?: string;
  mapTileAttribution?: string;
}

declare global {
  interface Window {
    __CBRAIN__?: RuntimeConfig;
  }
}

export function runtimeConfig(): RuntimeConfig {
  return window.__CBRAIN__ ?? {};
}
