import { existsSync } from 'node:fs';
import path from 'node:path';

/** The checkout's root (the folder with package.json), from source or from dist/. */
export function repoRoot(from: string = __dirname): string {
  let dir = from;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${from}`);
    dir = up;
  }
  return dir;
}
