import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { workerConnection } from '@pl/jobs';
import { ReportJob } from '@pl/persistence';
import { REPORTS_QUEUE } from '@pl/reporting';
import { docxParagraphs } from '../support/docx-text';
import { repoDir, startApi, TestApi, waitForIngestion } from '../support/harness';

const binary = (r: import('superagent').Response, cb: (err: Error | null, body: unknown) => void) => {
  const chunks: Buffer[] = [];
  r.on('data', (c: Buffer) => chunks.push(c));
  r.on('end', () => cb(null, Buffer.concat(chunks)));
};

/**
 * A report over more placements than REPORT_SYNC_LIMIT is rendered by a
 * queued job: 202 with the job, then poll, then download. A report whose
 * job fails for good without rendering is shown failed, with the reason.
 */
describe('large reports are rendered by the worker', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi({ env: { REPORT_SYNC_LIMIT: '3' } });
    const res = await api
      .http()
      .post('/api/orgs/daxiang/imports')
      .attach('file', path.join(repoDir, 'test/fixtures/ledgers/valid.csv'))
      .expect(202);
    await waitForIngestion(api, res.body.ingestionId);
  });
  afterAll(async () => {
    await api.close();
  });

  it('answers 202 with a job, then serves the finished Word file', async () => {
    const queued = await api.http().get('/api/orgs/daxiang/reports/annual?year=2021&format=docx').expect(202);
    expect(queued.body).toMatchObject({ kind: 'annual', format: 'docx', state: 'queued', fileUrl: `/api/reports/${queued.body.id}/file` });

    let state = queued.body.state;
    for (let i = 0; i < 200 && state !== 'completed' && state !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      state = (await api.http().get(`/api/reports/${queued.body.id}`).expect(200)).body.state;
    }
    expect(state).toBe('completed');
    const file = await api.http().get(queued.body.fileUrl).buffer(true).parse(binary).expect(200);
    expect(file.headers['content-disposition']).toContain('daxiang-annual-2021.docx');
    const text = (await docxParagraphs(file.body as Buffer)).join('\n');
    expect(text).toContain('截止到2021年12月31日');
    expect(text).toContain('湖南日报市州头条上稿1篇');
  });

  it('still renders small reports at once', async () => {
    const res = await api.http().get('/api/orgs/daxiang/reports/annual?year=2020&format=md').expect(200);
    expect(res.text).toContain('2020年暂无重点媒体上稿记录');
  });

  it('ends a report whose job failed for good without rendering, failed with the reason, instead of leaving it queued', async () => {
    // A job its schema refuses fails at once without its handler, as a rendering killed twice (stalled past BullMQ's
    // limit) does: nothing of the report's own code records it. Stored as the API stores a queued report.
    const [{ id: organizationId }] = (await api.dataSource.query(`SELECT id FROM organizations WHERE slug = 'daxiang'`)) as { id: number }[];
    const id = randomUUID();
    await api.dataSource.getRepository(ReportJob).save({
      id, organizationId: Number(organizationId), kind: 'annual', format: 'docx', params: { kind: 'annual', format: 'docx', year: 2021 },
      state: 'queued', error: null, fileName: null, contentType: null, contentBase64: null, finishedAt: null,
    });
    const connection = workerConnection(api.config.redis.url);
    const queue = new Queue(REPORTS_QUEUE, { connection, prefix: api.config.redis.prefix });
    try {
      await queue.add('report.render', { reportJobId: 'x'.repeat(65) }, { jobId: id, attempts: 1 });
      let view: { state: string; error: string | null; finishedAt: string | null };
      for (let i = 0; ; i++) {
        view = (await api.http().get(`/api/reports/${id}`).expect(200)).body;
        if (view.state !== 'queued' && view.state !== 'running') break;
        if (i > 300) throw new Error(`report still ${view.state} after 30 s`);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(view).toMatchObject({ state: 'failed', error: expect.stringMatching(/^the report job failed: invalid payload: reportJobId/), finishedAt: expect.any(String) });
      const file = await api.http().get(`/api/reports/${id}/file`).expect(409);
      expect(file.body.message).toContain('the report job failed: invalid payload');
    } finally {
      await queue.close();
      connection.disconnect();
    }
  });

  it('names the bad id, and answers 404 for an unknown report', async () => {
    const bad = await api.http().get('/api/reports/not-a-uuid').expect(400);
    expect(bad.body.errors[0].field).toBe('id');
    await api.http().get('/api/reports/00000000-0000-4000-8000-000000000000').expect(404);
    await api.http().get('/api/reports/00000000-0000-4000-8000-000000000000/file').expect(404);
  });
});
