import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { addUser, countOf, Http, repoDir, signIn, startApi, TestApi, testEnv, tokenFor, waitForIngestion, deleteRedisKeys } from '../support/harness';

/**
 * Sign-in, sessions, tokens, roles and organization isolation through the
 * real API (and the CLI's users/tokens commands on the same database).
 */
describe('accounts and access', () => {
  let api: TestApi;
  let beita: { username: string; password: string };
  beforeAll(async () => {
    api = await startApi();
    await api
      .http()
      .post('/api/orgs')
      .send({ slug: 'beita', name: '邵阳市北塔区融媒体中心', region: '邵阳市', foundedOn: '2019-08-01', keywords: ['北塔'] })
      .expect(201);
    await api
      .http()
      .post('/api/orgs')
      .send({ slug: 'yuelu', name: '长沙市岳麓区融媒体中心', region: '长沙市', foundedOn: '2019-08-01', keywords: ['岳麓'] })
      .expect(201);
    beita = await addUser(api, { username: 'beita-editor', role: 'editor', org: 'beita' });
  });
  afterAll(async () => {
    await api.close();
  });

  const placement = (title: string) => ({ channel: '央视', title, publishedOn: '2021-03-02' });

  describe('sign-in', () => {
    it('answers 200 with the user, an HttpOnly SameSite=Lax session cookie and a CSRF token; /me then knows the user', async () => {
      const u = await addUser(api, { username: 'zhao', role: 'viewer', org: 'daxiang' });
      const res = await api.anonymous().post('/api/auth/login').send(u).expect(200);
      expect(res.body).toMatchObject({
        username: 'zhao',
        role: null,
        organizations: [{ slug: 'daxiang', name: '邵阳市大祥区融媒体中心', role: 'viewer' }],
        via: 'session',
        csrfToken: expect.any(String),
      });
      const cookie = String(res.headers['set-cookie']);
      expect(cookie).toMatch(/^pl_session=[A-Za-z0-9_-]{43};/);
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Lax/);
      // Served over plain HTTP here: not Secure (over HTTPS, or behind a TLS proxy with TRUST_PROXY, it is).
      expect(cookie).not.toMatch(/Secure/);
      const me = await api.anonymous().get('/api/auth/me').set('Cookie', cookie.split(';')[0]).expect(200);
      expect(me.body).toMatchObject({ username: 'zhao', organizations: [{ slug: 'daxiang', role: 'viewer' }] });
    });

    it('answers a wrong password and an unknown user with the same 401, and no cookie', async () => {
      const wrong = await api.anonymous().post('/api/auth/login').send({ username: 'zhao', password: 'not-the-password' }).expect(401);
      const unknown = await api.anonymous().post('/api/auth/login').send({ username: 'nobody', password: 'not-the-password' }).expect(401);
      expect(wrong.body.message).toBe(unknown.body.message);
      expect(wrong.headers['set-cookie']).toBeUndefined();
    });

    it('refuses a body without a username with a 400 naming it', async () => {
      const res = await api.anonymous().post('/api/auth/login').send({ password: 'x' }).expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('username');
    });

    it('stores only the password’s argon2id hash', async () => {
      const [row] = await api.dataSource.query(`SELECT password_hash FROM users WHERE username = 'zhao'`);
      expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$/);
    });

    it('revokes the session on sign-out: the same cookie is then refused (401)', async () => {
      const u = await addUser(api, { username: 'qian', role: 'editor', org: 'daxiang' });
      const login = await api.anonymous().post('/api/auth/login').send(u).expect(200);
      const cookie = String(login.headers['set-cookie']).split(';')[0];
      await api.anonymous().get('/api/auth/me').set('Cookie', cookie).expect(200);
      await api.anonymous().post('/api/auth/logout').set('Cookie', cookie).set('X-CSRF-Token', login.body.csrfToken).expect(204);
      expect(await countOf(api.dataSource, `SELECT COUNT(*) AS n FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username = 'qian'`)).toBe(0);
      const after = await api.anonymous().get('/api/auth/me').set('Cookie', cookie).expect(401);
      expect(after.body.errors[0].field).toBe('authorization');
    });

    it('refuses a disabled user: its session and its token stop working (401), and it cannot sign in again', async () => {
      const u = await addUser(api, { username: 'sun', role: 'editor', org: 'daxiang' });
      const asSun = await signIn(api, u.username, u.password);
      const { http: sunToken } = await tokenFor(api, 'sun-script', 'sun');
      await asSun().get('/api/orgs/daxiang/placements').expect(200);
      await sunToken().get('/api/orgs/daxiang/placements').expect(200);
      await api.http().patch('/api/users/sun').send({ disabled: true }).expect(200);
      await asSun().get('/api/orgs/daxiang/placements').expect(401);
      await sunToken().get('/api/orgs/daxiang/placements').expect(401);
      await api.anonymous().post('/api/auth/login').send(u).expect(401);
    });
  });

  describe('CSRF', () => {
    it('refuses a cookie session’s write without its CSRF token (403, nothing queued), takes it with the token', async () => {
      const u = await addUser(api, { username: 'li', role: 'editor', org: 'daxiang' });
      const login = await api.anonymous().post('/api/auth/login').send(u).expect(200);
      const cookie = String(login.headers['set-cookie']).split(';')[0];
      const before = await countOf(api.dataSource, 'SELECT COUNT(*) AS n FROM ingestions');
      const none = await api.anonymous().post('/api/orgs/daxiang/placements/bulk').set('Cookie', cookie).send({ placements: [placement('CSRF：无令牌')] }).expect(403);
      expect(none.body.errors[0].field).toBe('x-csrf-token');
      await api
        .anonymous()
        .post('/api/orgs/daxiang/placements/bulk')
        .set('Cookie', cookie)
        .set('X-CSRF-Token', 'forged')
        .send({ placements: [placement('CSRF：伪造令牌')] })
        .expect(403);
      expect(await countOf(api.dataSource, 'SELECT COUNT(*) AS n FROM ingestions')).toBe(before);
      await api
        .anonymous()
        .post('/api/orgs/daxiang/placements/bulk')
        .set('Cookie', cookie)
        .set('X-CSRF-Token', login.body.csrfToken)
        .send({ placements: [placement('CSRF：带令牌')] })
        .expect(202);
      // Reads need none.
      await api.anonymous().get('/api/orgs/daxiang/placements').set('Cookie', cookie).expect(200);
    });

    it('needs none for a Bearer token', async () => {
      const { http } = await tokenFor(api, 'li-script', 'li');
      await http().post('/api/orgs/daxiang/placements/bulk').send({ placements: [placement('令牌写入')] }).expect(202);
    });
  });

  describe('API tokens', () => {
    it('act as their user, record token:<name> as the actor (X-Actor ignored) and stop at once when revoked through the API', async () => {
      const u = await addUser(api, { username: 'zhou', role: 'editor', org: 'daxiang' });
      const asZhou = await signIn(api, u.username, u.password);
      const created = await asZhou().post('/api/tokens').send({ name: 'zhou-import' }).expect(201);
      expect(created.body).toMatchObject({ name: 'zhou-import', user: 'zhou', token: expect.stringMatching(/^plt_/) });
      // Shown once: the list never has it, and the database keeps its SHA-256 only.
      const listed = await asZhou().get('/api/tokens').expect(200);
      expect(listed.body.map((t: { name: string }) => t.name)).toEqual(['zhou-import']);
      expect(JSON.stringify(listed.body)).not.toContain(created.body.token);
      const [row] = await api.dataSource.query(`SELECT token_hash FROM api_tokens WHERE name = 'zhou-import'`);
      expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);

      const bearer = () => api.anonymous();
      const res = await bearer()
        .post('/api/orgs/daxiang/placements')
        .set('Authorization', `Bearer ${created.body.token}`)
        .set('X-Actor', 'someone-else')
        .send(placement('令牌：张家界旅游宣传'))
        .expect(202);
      await waitForIngestion(api, res.body.ingestionId);
      const [event] = await api.dataSource.query(
        `SELECT e.actor FROM placement_events e JOIN placements p ON p.id = e.placement_id WHERE p.title = '令牌：张家界旅游宣传'`,
      );
      expect(event.actor).toBe('token:zhou-import');

      await asZhou().delete('/api/tokens/zhou-import').expect(204);
      const refused = await bearer().get('/api/orgs/daxiang/placements').set('Authorization', `Bearer ${created.body.token}`).expect(401);
      expect(refused.body.errors[0].field).toBe('authorization');
    });

    it('carry at most their user’s role: a viewer token of an editor cannot write (403); a user cannot ask for more', async () => {
      const u = await addUser(api, { username: 'wu', role: 'viewer', org: 'daxiang' });
      const asWu = await signIn(api, u.username, u.password);
      const more = await asWu().post('/api/tokens').send({ name: 'wu-editor', role: 'editor' }).expect(400);
      expect(more.body.errors[0].field).toBe('role');
      const others = await asWu().post('/api/tokens').send({ name: 'wu-for-zhou', user: 'zhou' }).expect(403);
      expect(others.body.errors[0].field).toBe('user');
      const { http: capped } = await tokenFor(api, 'zhou-readonly', 'zhou', 'viewer');
      await capped().get('/api/orgs/daxiang/placements').expect(200);
      await capped().post('/api/orgs/daxiang/placements').send(placement('只读令牌')).expect(403);
    });

    it('are answered 401 when unknown or malformed', async () => {
      await api.anonymous().get('/api/orgs/daxiang/placements').set('Authorization', 'Bearer plt_nope').expect(401);
      await api.anonymous().get('/api/orgs/daxiang/placements').set('Authorization', 'Basic abc').expect(401);
    });
  });

  describe('roles and organizations', () => {
    let viewer: Http;
    let reviewer: Http;
    let editor: Http;
    beforeAll(async () => {
      const v = await addUser(api, { username: 'daxiang-v', role: 'viewer', org: 'daxiang' });
      const r = await addUser(api, { username: 'daxiang-r', role: 'reviewer', org: 'daxiang' });
      const e = await addUser(api, { username: 'daxiang-e', role: 'editor', org: 'daxiang' });
      viewer = await signIn(api, v.username, v.password);
      reviewer = await signIn(api, r.username, r.password);
      editor = await signIn(api, e.username, e.password);
    });

    it('a viewer reads and downloads but gets 403 writing, naming the role', async () => {
      await viewer().get('/api/orgs/daxiang/placements').expect(200);
      await viewer().get('/api/orgs/daxiang/summary').expect(200);
      const res = await viewer().post('/api/orgs/daxiang/placements').send(placement('查看者试图录入')).expect(403);
      expect(res.body.errors[0].field).toBe('role');
      await viewer().put('/api/orgs/daxiang/budgets/2021').send({}).expect(403);
    });

    it('a reviewer decides the review queue but does not log placements', async () => {
      await reviewer().post('/api/orgs/daxiang/placements').send(placement('审核员试图录入')).expect(403);
      // A decision passes the role check (the placement does not exist: 404 naming id).
      const res = await reviewer().patch('/api/orgs/daxiang/placements/999999').send({ status: 'confirmed' }).expect(404);
      expect(res.body.errors[0].field).toBe('id');
    });

    it('another organization is 404, answered exactly as one that does not exist', async () => {
      const foreign = await editor().get('/api/orgs/beita/placements').expect(404);
      const missing = await editor().get('/api/orgs/no-such-org/placements').expect(404);
      expect(foreign.body).toEqual({ ...missing.body, message: missing.body.message.replace('no-such-org', 'beita'), errors: [{ field: 'org', message: 'no organization "beita"' }] });
      await editor().post('/api/orgs/beita/placements').send(placement('跨单位写入')).expect(404);
      expect(await countOf(api.dataSource, `SELECT COUNT(*) AS n FROM placements p JOIN organizations o ON o.id = p.organization_id WHERE o.slug = 'beita'`)).toBe(0);
    });

    it('an ingestion belongs to the organization that created it: another organization’s user gets 404', async () => {
      const res = await editor().post('/api/orgs/daxiang/placements/bulk').send({ placements: [placement('归属：接收记录')] }).expect(202);
      await waitForIngestion(api, res.body.ingestionId);
      await editor().get(`/api/ingestions/${res.body.ingestionId}`).expect(200);
      const asBeita = await signIn(api, beita.username, beita.password);
      const foreign = await asBeita().get(`/api/ingestions/${res.body.ingestionId}`).expect(404);
      const missing = await asBeita().get('/api/ingestions/00000000-0000-4000-8000-000000000000').expect(404);
      expect(foreign.body.errors[0].field).toBe(missing.body.errors[0].field);
    });

    it('lists only the organizations the user has a role in', async () => {
      expect((await editor().get('/api/orgs').expect(200)).body.map((o: { slug: string }) => o.slug)).toEqual(['daxiang']);
      expect((await api.http().get('/api/orgs').expect(200)).body.map((o: { slug: string }) => o.slug)).toEqual(['daxiang', 'beita', 'yuelu']);
    });

    it('administrator routes are 403 for everyone else', async () => {
      await editor().get('/api/users').expect(403);
      await editor().post('/api/orgs').send({ slug: 'x', name: 'x', region: 'x', foundedOn: '2020-01-01', keywords: [] }).expect(403);
      await editor().get('/api/crawl/sources').expect(403);
      await editor().get('/admin/queues').expect(403);
      await api.http().get('/admin/queues').expect(200);
    });

    it('a region-viewer reads every organization of its region, writes nothing, and sees nothing of another region', async () => {
      const u = await addUser(api, { username: 'shaoyang-v', role: 'region-viewer', region: '邵阳市' });
      const rv = await signIn(api, u.username, u.password);
      await rv().get('/api/orgs/daxiang/placements').expect(200);
      await rv().get('/api/orgs/beita/placements').expect(200);
      await rv().get('/api/orgs/yuelu/placements').expect(404);
      await rv().post('/api/orgs/daxiang/placements').send(placement('地区查看者试图录入')).expect(403);
      expect((await rv().get('/api/orgs').expect(200)).body.map((o: { slug: string }) => o.slug)).toEqual(['daxiang', 'beita']);
      await rv().get('/api/regions/shaoyang/rankings').expect(200);
      await rv().get('/api/regions/shaoyang/reports/monthly?month=2021-12&format=md').expect(200);
      await rv().get(`/api/regions/${encodeURIComponent('长沙市')}/rankings`).expect(404);
    });

    it('a centre’s users see their region’s ranking (names and totals) but not its bulletin or another region', async () => {
      const ranking = await editor().get('/api/regions/shaoyang/rankings').expect(200);
      expect(JSON.stringify(ranking.body)).toContain('北塔');
      await editor().get('/api/regions/shaoyang/reports/monthly?month=2021-12&format=md').expect(403);
      await editor().get(`/api/regions/${encodeURIComponent('长沙市')}/rankings`).expect(404);
    });
  });

  describe('the CLI', () => {
    const cli = async (...args: string[]) => {
      const env = testEnv(api.db);
      try {
        return await promisify(execFile)(process.execPath, [path.join(repoDir, 'dist/apps/cli/src/main.js'), ...args], { env: { ...process.env, ...env }, cwd: repoDir });
      } finally {
        await deleteRedisKeys(env.QUEUE_PREFIX);
      }
    };

    it('adds a user with its role, lists it, creates a token printed alone on the last line, and revokes it', async () => {
      const add = await cli('users', 'add', 'cli-editor', '--role', 'editor', '--org', 'daxiang', '--password', 'cli-password-1');
      expect(add.stdout).toContain('已添加用户 cli-editor');
      await signIn(api, 'cli-editor', 'cli-password-1');
      expect((await cli('users', 'list')).stdout).toMatch(/cli-editor\s+editor\s+daxiang\s+正常/);
      const token = (await cli('tokens', 'add', 'cli-token', '--user', 'cli-editor')).stdout.trimEnd().split('\n').pop()!;
      expect(token).toMatch(/^plt_[A-Za-z0-9_-]{43}$/);
      await api.anonymous().get('/api/auth/me').set('Authorization', `Bearer ${token}`).expect(200);
      await cli('tokens', 'revoke', 'cli-token');
      // The running API notices within AUTH_CACHE_MS (the CLI is another process).
      await new Promise((r) => setTimeout(r, api.config.auth.cacheMs + 100));
      await api.anonymous().get('/api/auth/me').set('Authorization', `Bearer ${token}`).expect(401);
    }, 240_000); // five CLI runs, each opening the database, on a shared machine

    it('refuses an editor without an organization, naming --org, and a too short password', async () => {
      await expect(cli('users', 'add', 'no-org', '--role', 'editor', '--password', 'long-enough')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--org') });
      await expect(cli('users', 'add', 'short', '--role', 'admin', '--password', 'short')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('密码至少 8 个字符') });
    }, 120_000);
  });
});

describe('login rate limit', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi({ withWorker: false, env: { LOGIN_LIMIT_PER_USER: '3', LOGIN_LIMIT_PER_IP: '5' } });
  });
  afterAll(async () => {
    await api.close();
  });

  it('answers 429 with Retry-After after too many failures for one username, even with the right password', async () => {
    const u = await addUser(api, { username: 'target', role: 'viewer', org: 'daxiang' });
    for (let i = 0; i < 3; i++) await api.anonymous().post('/api/auth/login').send({ username: 'target', password: `guess-${i}-xx` }).expect(401);
    const limited = await api.anonymous().post('/api/auth/login').send(u).expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body.errors[0].field).toBe('username');
  });

  it('answers 429 after too many failures from one address, whatever the username', async () => {
    const u = await addUser(api, { username: 'other', role: 'viewer', org: 'daxiang' });
    // Five failures from this address in all (three above, two here).
    for (let i = 0; i < 2; i++) await api.anonymous().post('/api/auth/login').send({ username: `random-${i}`, password: 'whatever-1' }).expect(401);
    await api.anonymous().post('/api/auth/login').send(u).expect(429);
  });
});
