import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The report app. `npm run build` writes it to dist/web, which the back office serves at `/`.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    // `npm run dev:web` beside a back office on its default port.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
