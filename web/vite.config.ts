import { readFileSync } from 'node:fs';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

// Two apps from one code base: the report (index.html, served by the back office at `/`) and
// the License Server Manager (manager.html, served by a license server at `/` and by the back
// office under `/manager`). `npm run build` writes both to dist/web; they share their chunks.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  define: { __TALLY_VERSION__: JSON.stringify(pkg.version) },
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      input: { report: new URL('index.html', import.meta.url).pathname, manager: new URL('manager.html', import.meta.url).pathname },
    },
  },
  server: {
    // `npm run dev:web` beside a back office on its default port.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
