import vue from '@vitejs/plugin-vue';
import path from 'node:path';
import Components from 'unplugin-vue-components/vite';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';
import { defineConfig } from 'vite';

/**
 * The editors' web UI: built into dist/web, which the API serves at `/`.
 * Element Plus components (and their styles) are imported on demand by the
 * resolver, and every page is its own chunk, so the first load stays small.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [vue(), Components({ resolvers: [ElementPlusResolver({ importStyle: 'css' })], dts: false })],
  resolve: {
    // The budget and profile forms run the API's own input parsers (libs/reporting), which import
    // @pl/domain; in the browser that is the part of the domain library that runs there.
    alias: { '@pl/domain': path.resolve(import.meta.dirname, 'src/lib/domain-browser.ts') },
  },
  build: {
    outDir: path.resolve(import.meta.dirname, '../../dist/web'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
    reportCompressedSize: false,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:3000', '/admin': 'http://127.0.0.1:3000', '/docs': 'http://127.0.0.1:3000' },
  },
});
