// Deployment settings the console reads at run time from /config.js (web/public/config.js), so a tile server
// can be added without rebuilding. With none set, the map draws only the platform's own GeoJSON.
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
