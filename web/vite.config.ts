import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: path.join(root, 'dist'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    // Two pages: the staff console and the resident portal (/portal), which shares the API helper and strings.
    rollupOptions: { input: { main: path.join(root, 'index.html'), portal: path.join(root, 'portal.html') } },
  },
  server: { proxy: { '/api': 'http://localhost:8080', '/runtime-config.js': 'http://localhost:8080' } },
});
