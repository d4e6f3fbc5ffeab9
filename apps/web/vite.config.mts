import vue from '@vitejs/plugin-vue';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import Components from 'unplugin-vue-components/vite';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';
import { defineConfig, type Plugin } from 'vite';

const outDir = path.resolve(import.meta.dirname, '../../dist/web');

/**
 * Writes a brotli (.br) and a gzip (.gz) copy next to every built script,
 * style sheet and SVG worth compressing, once at build time; the API's
 * static handler (apps/api/src/web/web-ui.ts, preCompressed) sends the one
 * the browser accepts with its Content-Encoding, and the plain file to the rest.
 */
function precompress(): Plugin {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
  return {
    name: 'pl-precompress',
    apply: 'build',
    closeBundle() {
      for (const file of walk(path.join(outDir, 'assets'))) {
        if (!/\.(js|css|svg|json)$/.test(file) || statSync(file).size < 1024) continue;
        const body = readFileSync(file);
        writeFileSync(`${file}.br`, brotliCompressSync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: body.length } }));
        writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }));
      }
    },
  };
}

/**
 * The editors' web UI: built into dist/web, which the API serves at `/`.
 * Element Plus components (and their styles) are imported on demand by the
 * resolver, and every page is its own chunk, so the first load stays small.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [vue(), Components({ resolvers: [ElementPlusResolver({ importStyle: 'css' })], dts: false }), precompress()],
  resolve: {
    // The budget and profile forms run the API's own input parsers (libs/reporting), which import
    // @pl/domain; in the browser that is the part of the domain library that runs there.
    alias: { '@pl/domain': path.resolve(import.meta.dirname, 'src/lib/domain-browser.ts') },
  },
  build: {
    outDir,
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
    reportCompressedSize: false,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:3000', '/admin': 'http://127.0.0.1:3000', '/docs': 'http://127.0.0.1:3000' },
  },
});
