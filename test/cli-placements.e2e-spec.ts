import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { deleteRedisKeys, repoDir, startApi, TestApi, testEnv, waitForIngestion } from './support/harness';

/**
 * `placements edit|withdraw|restore` in the CLI (dist/apps/cli/src/main.js,
 * as `npm run cli` runs it) on the API's database: the same requests as the
 * HTTP routes through the queue (its own worker in the process), the stored
 * row and the history with `cli:<--as>` as actor, a Chinese line saying what
 * changed, and the API's refusals as one Chinese line with exit code 2.
 */
describe('placements edit, withdraw and restore in the CLI', () => {
  let api: TestApi;
  const ORG = 'daxiang';

  const cli = async (...args: string[]): Promise<{ stdout: string; stderr: string }> => {
    const env = testEnv(api.db);
    try {
      return await promisify(execFile)(process.execPath, [path.join(repoDir, 'dist/apps/cli/src/main.js'), ...args], {
        env: { ...process.env, ...env },
        cwd: repoDir,
        timeout: 120_000,
      });
    } finally {
      await deleteRedisKeys(env.QUEUE_PREFIX);
    }
  };
  /** The CLI's failure: exit code and what it printed. */
  const failing = (...args: string[]) => cli(...args).then(
    (r) => {
      throw new Error(`expected a failure, got: ${r.stdout}`);
    },
    (err: { code: number; stderr: string }) => ({ code: err.code, stderr: err.stderr }),
  );

  interface Detail {
    title: string;
    url: string | null;
    publishedOn: string;
    channel: { name: string };
    status: string;
    authors: string[];
    events: { type: string; actor: string; data: Record<string, unknown> | null }[];
  }
  const detail = async (id: number): Promise<Detail> => (await api.http().get(`/api/orgs/${ORG}/placements/${id}`).expect(200)).body;
  const log = async (p: Record<string, unknown>): Promise<number> => {
    const res = await api.http().post(`/api/orgs/${ORG}/placements`).send(p).expect(202);
    await waitForIngestion(api, res.body.ingestionId);
    const list = await api.http().get(`/api/orgs/${ORG}/placements`).query({ q: String(p.title) }).expect(200);
    return list.body.items.find((x: { title: string }) => x.title === p.title).id;
  };

  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api.close();
  });

  it('edits the fields given, keeps the others, and records the old and new values as cli:<--as>', async () => {
    const id = await log({ channel: '邵阳日报', title: '大祥区命令行修改前', publishedOn: '2021-04-02', section: '二版', authors: ['张三'] });
    const { stdout } = await cli(
      'placements', 'edit', String(id), '--org', ORG, '--as', '值班员',
      '--title', '大祥区命令行修改后', '--url', 'https://hn.rednet.example/cli/1.html', '--published-on', '2021-04-03', '--channel', '红网',
      '--author', '张三', '--author', '李四',
    );
    expect(stdout).toContain(`已修改稿件 ${id}：`);
    expect(stdout).toContain('标题 “大祥区命令行修改前” → “大祥区命令行修改后”');
    expect(stdout).toContain('刊发日期 “2021-04-02” → “2021-04-03”');
    expect(stdout).toContain('作者 张三 → 张三、李四');
    expect(stdout).toContain('渠道 “邵阳日报” → “红网”');

    const p = await detail(id);
    expect(p).toMatchObject({ title: '大祥区命令行修改后', url: 'https://hn.rednet.example/cli/1.html', publishedOn: '2021-04-03', channel: { name: '红网' }, section: '二版', authors: ['张三', '李四'], status: 'claimed' });
    expect(p.events.map((e) => [e.type, e.actor])).toEqual([
      ['logged', `user:${api.admin.username}`],
      ['edited', 'cli:值班员'],
    ]);
    expect(p.events[1].data).toMatchObject({ changes: { title: { from: '大祥区命令行修改前', to: '大祥区命令行修改后' }, publishedOn: { from: '2021-04-02', to: '2021-04-03' } } });
  });

  it('withdraws with a reason and restores, each an event of cli:<--as>', async () => {
    const id = await log({ channel: '湖南日报', title: '大祥区命令行撤回测试', publishedOn: '2021-05-06' });
    const withdrawn = await cli('placements', 'withdraw', String(id), '--org', ORG, '--as', '值班员', '--reason', '重复登记');
    expect(withdrawn.stdout).toContain(`已撤回稿件 ${id}「大祥区命令行撤回测试」（原状态：已登记），原因：重复登记`);
    expect((await detail(id)).status).toBe('withdrawn');

    const again = await failing('placements', 'withdraw', String(id), '--org', ORG);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`稿件 ${id} 已撤回`);
    const edit = await failing('placements', 'edit', String(id), '--org', ORG, '--title', '撤回后修改');
    expect(edit).toMatchObject({ code: 2, stderr: expect.stringContaining('请先恢复再修改') });

    const restored = await cli('placements', 'restore', String(id), '--org', ORG, '--as', '值班员');
    expect(restored.stdout).toContain(`已恢复稿件 ${id}「大祥区命令行撤回测试」，状态：已登记`);
    const p = await detail(id);
    expect(p.status).toBe('claimed');
    expect(p.events.map((e) => [e.type, e.actor, e.data])).toEqual([
      ['logged', `user:${api.admin.username}`, null],
      ['withdrawn', 'cli:值班员', { from: 'claimed', reason: '重复登记' }],
      ['restored', 'cli:值班员', { to: 'claimed' }],
    ]);
    const notWithdrawn = await failing('placements', 'restore', String(id), '--org', ORG);
    expect(notWithdrawn).toMatchObject({ code: 2, stderr: expect.stringContaining(`稿件 ${id} 未撤回`) });
  });

  it('refuses in Chinese, exit 2, what the API refuses: a duplicate (naming it), a bad field, no such placement or organization', async () => {
    const a = await log({ channel: '红网', title: '大祥区命令行甲', publishedOn: '2021-06-01', url: 'https://hn.rednet.example/cli/a.html' });
    const b = await log({ channel: '红网', title: '大祥区命令行乙', publishedOn: '2021-06-01', url: 'https://hn.rednet.example/cli/b.html' });
    const dup = await failing('placements', 'edit', String(b), '--org', ORG, '--url', 'https://hn.rednet.example/cli/a.html');
    expect(dup.code).toBe(2);
    expect(dup.stderr).toContain(`修改后稿件 ${b} 将与稿件 ${a}「大祥区命令行甲」重复`);
    const badDate = await failing('placements', 'edit', String(b), '--org', ORG, '--published-on', '2021-02-30');
    expect(badDate.code).toBe(2);
    expect(badDate.stderr).toMatch(/输入有误/);
    expect(await failing('placements', 'edit', '999999', '--org', ORG, '--title', '无此稿件')).toMatchObject({ code: 2, stderr: expect.stringContaining('找不到稿件 999999') });
    expect(await failing('placements', 'withdraw', String(b), '--org', 'no-such-org')).toMatchObject({ code: 2, stderr: expect.stringContaining('no-such-org') });
    expect(await failing('placements', 'edit', String(b), '--org', ORG)).toMatchObject({ code: 2, stderr: expect.stringContaining('at least one field') });
    expect(await failing('placements', 'edit', 'abc', '--org', ORG, '--title', 'x')).toMatchObject({ code: 2, stderr: expect.stringContaining('placement id') });
    expect(await failing('placements', 'withdraw', String(b))).toMatchObject({ code: 2, stderr: expect.stringContaining('--org') });
    // Nothing of it was written.
    expect((await detail(b)).events.map((e) => e.type)).toEqual(['logged']);
    expect((await detail(a)).events.map((e) => e.type)).toEqual(['logged']);
  });
});
