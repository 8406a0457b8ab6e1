import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const root = path.dirname(fileURLToPath(import.meta.url));

/** In `npm run dev:web`, /portal and its client-side routes get portal.html, as the server does in production. */
const portalPages: Plugin = {
  name: 'portal-pages',
  configureServer(server) {
    server.middlewares.use((req, _res, next) => {
      const url = req.url ?? '';
      if (url === '/portal' || (url.startsWith('/portal/') && !url.includes('.'))) req.url = '/portal.html';
      next();
    });
  },
};

export default defineConfig({
  root,
  base: '/',
  plugins: [react(), portalPages],
  build: {
    outDir: path.join(root, 'dist'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    // Two pages: the staff console and the resident portal (/portal), which shares the API helper and strings.
    rollupOptions: { input: { main: path.join(root, 'index.html'), portal: path.join(root, 'portal.html') } },
  },
  server: {
    proxy: {
      '/api': 'http://localhost:8080',
      '/open311': 'http://localhost:8080',
      '/runtime-config.js': 'http://localhost:8080',
    },
  },
});
