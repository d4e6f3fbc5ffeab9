import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const repoDir = path.resolve(__dirname, '..', '..');

interface LintMessage {
  ruleId: string | null;
  line: number;
  message: string;
}

/** Lints `source` with the repository's eslint.config.mjs, as `npm run lint` would lint it at `asPath`. */
function lint(source: string, asPath: string): Promise<{ exitCode: number; messages: LintMessage[] }> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [path.join(repoDir, 'node_modules/eslint/bin/eslint.js'), '--format', 'json', '--stdin', '--stdin-filename', asPath],
      { cwd: repoDir },
      (err, stdout) => {
        if (err && typeof err.code !== 'number') return reject(err);
        const [result] = JSON.parse(stdout) as { messages: LintMessage[] }[];
        resolve({ exitCode: err ? Number(err.code) : 0, messages: result.messages });
      },
    );
    child.stdin!.end(source);
  });
}

const FIXTURE = readFileSync(path.join(repoDir, 'test/fixtures/lint/libs/y/src/deep-import.ts'), 'utf8');
const restricted = (messages: LintMessage[]) => messages.filter((m) => m.ruleId === 'no-restricted-imports');

describe('one door per lib (the lint rule)', () => {
  it("fails on a lib that imports another lib's internal file by a relative path", async () => {
    const { exitCode, messages } = await lint(FIXTURE, 'libs/y/src/deep-import.ts');
    expect(exitCode).toBe(1);
    expect(restricted(messages)).toEqual([expect.objectContaining({ line: 2, message: expect.stringContaining('@pl/<lib>') })]);
  });

  it('fails on a deep alias, from a lib, an app or a test', async () => {
    const source = FIXTURE.replace("'../../x/src/internal'", "'@pl/x/internal'");
    for (const asPath of ['libs/y/src/deep-import.ts', 'apps/api/src/deep-import.ts', 'test/deep-import.ts']) {
      const { exitCode, messages } = await lint(source, asPath);
      expect({ asPath, exitCode, lines: restricted(messages).map((m) => m.line) }).toEqual({ asPath, exitCode: 1, lines: [2] });
    }
  });

  it("fails on an app that imports another app's file, and on a test that reaches into a lib's folder", async () => {
    const app = await lint("import { WorkerModule } from '../../worker/src/worker.module';\nexport const m = WorkerModule;\n", 'apps/api/src/thread.ts');
    expect(restricted(app.messages).map((m) => m.line)).toEqual([1]);
    const test = await lint("import { internalDetail } from '../libs/x/src/internal';\nexport const d = internalDetail;\n", 'test/reach.ts');
    expect(restricted(test.messages).map((m) => m.line)).toEqual([1]);
  });

  it('passes the same file importing through the door, and relative imports within a lib', async () => {
    const throughDoor = await lint(FIXTURE.replace("'../../x/src/internal'", "'@pl/x'"), 'libs/y/src/deep-import.ts');
    expect(throughDoor).toEqual({ exitCode: 0, messages: [] });
    const within = await lint("import { a } from '../ledger/channels';\nexport const b = a;\n", 'libs/y/src/import/read.ts');
    expect(within).toEqual({ exitCode: 0, messages: [] });
  });
});
