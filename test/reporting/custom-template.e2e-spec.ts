import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_TEMPLATE } from '@pl/reporting';
import { repoDir, startApi, TestApi, waitForIngestion } from '../support/harness';

const run = promisify(execFile);

/** A report template is data: another file names other highlight lines, without code changes. */
describe('npm run cli -- report … --template', () => {
  let api: TestApi;
  let dir: string;
  const cli = (args: string[]) =>
    run(process.execPath, [path.join(repoDir, 'dist/apps/cli/src/main.js'), ...args], { env: { ...process.env, ...api.env }, cwd: repoDir }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  beforeAll(async () => {
    api = await startApi();
    dir = mkdtempSync(path.join(os.tmpdir(), 'pl-template-'));
    const res = await api.http().post('/api/orgs/daxiang/imports').attach('file', path.join(repoDir, 'test/fixtures/ledgers/valid.csv')).expect(202);
    await waitForIngestion(api, res.body.ingestionId);
  });
  afterAll(async () => {
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the lines of the given template instead of the default ones', async () => {
    const template = {
      ...DEFAULT_TEMPLATE,
      name: 'district-only',
      highlights: [
        { label: '湖南日报市州头条稿件', filter: { channel: '湖南日报', section: '市州头条' } },
        { label: '湖南卫视联播', filter: { channel: '湖南新闻联播' }, of: { label: '视频', filter: { genre: 'video' } } },
      ],
    };
    writeFileSync(path.join(dir, 'template.json'), JSON.stringify(template));
    const r = await cli(['report', 'annual', '--org', 'daxiang', '--year', '2021', '--format', 'md', '--out', dir, '--template', path.join(dir, 'template.json')]);
    expect(r.code).toBe(0);
    const md = readFileSync(path.join(dir, 'daxiang-annual-2021.md'), 'utf8');
    expect(md).toContain('在湖南日报市州头条稿件上稿1篇，湖南卫视联播上稿1篇(其中视频1篇)');
    expect(md).not.toContain('学习强国上稿');
  });

  it('refuses a template that does not fit the schema, naming --template and the path', async () => {
    writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ ...DEFAULT_TEMPLATE, highlights: [{ label: '', filter: {} }] }));
    const r = await cli(['report', 'annual', '--org', 'daxiang', '--year', '2021', '--format', 'md', '--out', dir, '--template', path.join(dir, 'bad.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--template: invalid report template .*highlights\.0\.label/);
  });
});
