import vue from '@vitejs/plugin-vue';
import path from 'node:path';
import Components from 'unplugin-vue-components/vite';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';
import { defineConfig, type Plugin } from 'vite';

const domainIndex = path.resolve(import.meta.dirname, '../../libs/domain/src/index.ts');

/**
 * The budget and profile forms run the API's own input parsers (libs/reporting),
 * which import the domain library's index; in the browser that index is
 * replaced by the part of it that runs there (src/lib/domain-browser.ts).
 */
const domainForBrowser: Plugin = {
  name: 'domain-for-browser',
  enforce: 'pre',
  async resolveId(source, importer) {
    if (!importer || !/domain/.test(source) || importer.endsWith('domain-browser.ts')) return null;
    const resolved = await this.resolve(source, importer, { skipSelf: true });
    return resolved?.id === domainIndex ? path.resolve(import.meta.dirname, 'src/lib/domain-browser.ts') : null;
  },
};

/**
 * The editors' web UI: built into dist/web, which the API serves at `/`.
 * Element Plus components (and their styles) are imported on demand by the
 * resolver, and every page is its own chunk, so the first load stays small.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [domainForBrowser, vue(), Components({ resolvers: [ElementPlusResolver({ importStyle: 'css' })], dts: false })],

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
