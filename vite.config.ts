import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The web application is built into dist/web and served by the n3sp process itself; in
// development, Vite proxies the API to a running server.
export default defineConfig({
  root: 'web',
  plugins: [react()],
  build: { outDir: '../dist/web', emptyOutDir: true, sourcemap: true },
  server: { proxy: { '/api': 'http://127.0.0.1:3000', '/auth': 'http://127.0.0.1:3000', '/docs': 'http://127.0.0.1:3000' } },
});
