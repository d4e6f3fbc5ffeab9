import { addUser, signIn, startApi, TestApi, tokenFor } from '../support/harness';

/**
 * An administrator changes a user's role in its organization
 * (PATCH /api/users/:username {role}): the user's open session and its
 * tokens act with the new role from the next request, so a page opened as an
 * editor is refused (403, code AUTH_FORBIDDEN) once its user is a viewer.
 */
describe('changing a user’s role in its organization', () => {
  let api: TestApi;
  const placement = { channel: '央视', title: '角色变更后试图录入', publishedOn: '2021-03-02' };

  beforeAll(async () => {
    api = await startApi({ withWorker: false });
  });
  afterAll(async () => {
    await api.close();
  });

  it('takes effect on the user’s open session and tokens at once, both ways', async () => {
    const u = await addUser(api, { username: 'role-changes', role: 'editor', org: 'daxiang' });
    const session = await signIn(api, u.username, u.password);
    const { http: token } = await tokenFor(api, 'role-changes-token', u.username);
    await session().post('/api/orgs/daxiang/placements').send(placement).expect(202);

    const changed = await api.http().patch(`/api/users/${u.username}`).send({ role: 'viewer' }).expect(200);
    expect(changed.body.organizations).toEqual([expect.objectContaining({ slug: 'daxiang', role: 'viewer' })]);
    for (const http of [session, token]) {
      const refused = await http().post('/api/orgs/daxiang/placements').send(placement).expect(403);
      expect(refused.body).toMatchObject({ code: 'AUTH_FORBIDDEN', errors: [{ field: 'role' }] });
      await http().get('/api/orgs/daxiang/placements').expect(200);
    }
    expect((await session().get('/api/auth/me').expect(200)).body.organizations[0].role).toBe('viewer');

    await api.http().patch(`/api/users/${u.username}`).send({ role: 'editor' }).expect(200);
    await session().post('/api/orgs/daxiang/placements').send(placement).expect(202);
  });

  it('refuses a role that is not an organization’s, and a user without an organization, naming role', async () => {
    await addUser(api, { username: 'role-admin', role: 'admin' });
    const bad = await api.http().patch('/api/users/role-admin').send({ role: 'admin' }).expect(400);
    expect(bad.body.errors[0].field).toBe('role');
    const none = await api.http().patch('/api/users/role-admin').send({ role: 'viewer' }).expect(400);
    expect(none.body.errors[0].field).toBe('role');
    await api.http().patch('/api/users/no-such-user').send({ role: 'viewer' }).expect(404);
  });
});
