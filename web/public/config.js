// Settings read by the console at start. An operator may edit this file in web/dist to add a raster base map,
// e.g. window.__CBRAIN__ = { mapTileUrl: 'https://tiles.example.org/{z}/{x}/{y}.png', mapTileAttribution: '…' };
// (the server's MAP_TILE_URL must name the same host, so the content security policy lets the tiles in).
window.__CBRAIN__ = window.__CBRAIN__ || {};
