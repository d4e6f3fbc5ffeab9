import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * Some tests run the real apps as child processes (a worker to SIGKILL, the
 * CLI): compile once before the suite so they run the code under test.
 */
export default function globalSetup(): void {
  const root = path.resolve(__dirname, '..', '..');
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
}
