import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * Some tests run the real apps as child processes (a worker to SIGKILL, the
 * CLI): compile once before the suite (as `npm run build` does) so they run
 * the code under test.
 */
export default function globalSetup(): void {
  const root = path.resolve(__dirname, '..', '..');
  for (const bin of ['typescript/bin/tsc', 'tsc-alias/dist/bin/index.js']) {
    // tsc leaves the @pl/… path aliases as they are; tsc-alias rewrites them to relative paths for node.
    execFileSync(process.execPath, [require.resolve(bin), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  }
}
