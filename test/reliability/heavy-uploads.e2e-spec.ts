import { ChildProcess, fork } from 'node:child_process';
import { loadavg } from 'node:os';
import path from 'node:path';
import { Accounts } from '@pl/accounts';
import { loadConfig } from '@pl/config';
import { openDatabase } from '@pl/persistence';
import { CATALOG, loadCatalog } from '@pl/placements';
import type { Probe, ProbeResult, ProbeSpec } from '../bench/latency-probe';
import { procMemory } from '../bench/support';
import { createTestDatabase, repoDir, TestDatabase, testEnv } from '../support/harness';
import { Children, Child, freePort } from '../support/processes';
import { honestBomb, lyingBomb, manyEntries } from '../support/zip-bombs';

/** The pause between an answer and a prober's next request. */
const PROBE_INTERVAL_MS = 100;

/** The latency prober (test/bench/latency-probe.ts, compiled to dist/ by jest's global setup) as a child process. */
class LatencyProber {
  private constructor(private readonly child: ChildProcess) {}

  static running = new Set<ChildProcess>();

  /** Starts probing once the prober's connections are open. */
  static async start(spec: ProbeSpec): Promise<LatencyProber> {
    const child = fork(path.join(repoDir, 'dist', 'test', 'bench', 'latency-probe.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    LatencyProber.running.add(child);
    child.once('exit', () => LatencyProber.running.delete(child));
    const prober = new LatencyProber(child);
    await prober.next('started', () => child.send({ type: 'start', ...spec }));
    return prober;
  }

  /** Stops probing; the probes' timings and the RSS samples. */
  async stop(): Promise<ProbeResult> {
    const result = (await this.next('result', () => this.child.send({ type: 'stop' }))) as ProbeResult;
    this.child.disconnect();
    return result;
  }

  private next(type: string, send: () => void): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const onMessage = (m: { type: string; message?: string }) => {
        if (m.type !== type && m.type !== 'failed') return;
        this.child.off('message', onMessage);
        if (m.type === 'failed') reject(new Error(`latency prober: ${m.message}`));
        else resolve(m);
      };
      this.child.on('message', onMessage);
      send();
    });
  }
}

/**
 * Issue 13, point 1: uploads never block the API. Three zip bombs and a
 * 1,000,000-row CSV are uploaded at once to the real API (its own process,
 * dist/apps/api) while /health and the single write (POST
 * /api/orgs/:org/placements, 202) are timed and the API's RSS is sampled, by
 * a prober process of their own (test/bench/latency-probe.ts). Each upload
 * is refused naming the limit it broke; the figures are printed (targets:
 * /health and a POST within 200 ms, RSS under 600 MB) — measured, not
 * asserted, as timings on a shared machine are.
 */
describe('three zip bombs and a 1,000,000-row CSV at once', () => {
  const children = new Children();
  let db: TestDatabase;
  let api: Child;
  let base: string;
  let port: number;
  /** The API requires a signed-in caller: these requests carry an administrator's API token, as a script's would. */
  let authorization: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    port = await freePort();
    api = children.app('api', [], testEnv(db, { PORT: String(port), LOG_LEVEL: 'log' }));
    await api.waitForOutput(/Placement Ledger API on/, 120_000);
    base = `http://127.0.0.1:${port}`;
    const env = testEnv(db);
    const ds = await openDatabase(loadConfig(env).database);
    try {
      // The catalog (as the in-process harness loads it): the organization daxiang, and the channels the single POSTs name.
      await loadCatalog(ds, CATALOG);
      const accounts = new Accounts(ds);
      await accounts.addUser({ username: 'uploader', password: 'uploader-password', role: 'admin' });
      authorization = `Bearer ${(await accounts.addToken({ name: 'uploads', username: 'uploader', createdBy: 'cli:test' })).token}`;
    } finally {
      await ds.destroy();
    }
  }, 180_000);
  afterAll(async () => {
    for (const child of LatencyProber.running) child.kill('SIGKILL');
    await children.killAll();
    await db?.drop();
  });

  const rssMb = () => (procMemory(api.proc.pid!)?.rss ?? 0) / (1024 * 1024);

  /** A multipart body holding the file in the field `file` (its name in UTF-8, as browsers send it), built ahead. */
  function multipart(name: string, bytes: Buffer): { body: Buffer; type: string } {
    const boundary = `----heavy-uploads-${name.length}-${bytes.length}`;
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
    return { body: Buffer.concat([Buffer.from(head, 'utf8'), bytes, Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1')]), type: `multipart/form-data; boundary=${boundary}` };
  }

  async function upload({ body, type }: { body: Buffer; type: string }): Promise<{ status: number; body: { errors?: { field: string; message: string }[] }; ms: number }> {
    const t = performance.now();
    const res = await fetch(`${base}/api/orgs/daxiang/imports`, { method: 'POST', body: new Uint8Array(body), headers: { authorization, 'content-type': type } });
    return { status: res.status, body: (await res.json()) as { errors?: { field: string; message: string }[] }, ms: performance.now() - t };
  }

  it('refuses each naming its limit, while /health and a single POST keep answering (figures printed)', async () => {
    const bombs = { honest: await honestBomb(), lying: await lyingBomb(), entries: await manyEntries() };
    const csv = Buffer.from(`刊发日期,标题,媒体\n${'2021,x,y\n'.repeat(1_000_000)}`, 'utf8'); // ~9.5 MB of bad rows, as in the issue
    const sizes = Object.entries({ ...bombs, csv }).map(([k, b]) => `${k} ${(b.length / 1024).toFixed(0)} KB`);
    // The request bodies are built before the probes start: during them this process only sends bytes.
    const bodies = [
      multipart('炸弹1.xlsx', bombs.honest),
      multipart('炸弹2.xlsx', bombs.lying),
      multipart('炸弹3.xlsx', bombs.entries),
      multipart('百万行.csv', csv),
    ];

    // The probes and the RSS sampling run in a process of their own: timed here, they would wait behind this
    // process's own work of sending the uploads, and measure that rather than the API.
    const prober = await LatencyProber.start({
      port,
      authorization,
      org: 'daxiang',
      channel: '邵阳日报',
      apiPid: api.proc.pid!,
      intervalMs: PROBE_INTERVAL_MS,
    });
    const started = performance.now();
    const [honest, lying, entries, big] = await Promise.all(bodies.map(upload));
    const elapsed = performance.now() - started;
    const probes = await prober.stop();

    expect(honest.status).toBe(413);
    expect(honest.body.errors?.[0]).toMatchObject({ field: 'file', message: expect.stringContaining('IMPORT_MAX_DECOMPRESSED_BYTES') });
    // Headers that lie about the sizes: refused when the first entry inflates past what it declared.
    expect(lying.status).toBe(400);
    expect(lying.body.errors?.[0]).toMatchObject({ field: 'file', message: expect.stringContaining('压缩内容与其声明不符') });
    expect(entries.status).toBe(413);
    expect(entries.body.errors?.[0]).toMatchObject({ field: 'file', message: expect.stringContaining('IMPORT_MAX_ZIP_ENTRIES') });
    expect(big.status).toBe(413);
    expect(big.body.errors?.[0]).toMatchObject({ field: 'file', message: expect.stringContaining('IMPORT_MAX_ROWS') });
    // Every probe was answered as it would be without the uploads: /health 200, each single POST 202 (queued).
    expect(probes.unexpected).toEqual([]);
    expect(probes.health.length).toBeGreaterThan(0);
    expect(probes.posts.length).toBeGreaterThan(0);
    expect(probes.orgs.length).toBeGreaterThan(0);

    const rssAfter = rssMb();
    const line = (what: string, xs: Probe[]) => {
      const ms = xs.map((p) => p.ms).sort((a, b) => a - b);
      const max = ms[ms.length - 1];
      const worst = xs.find((p) => p.ms === max)!;
      return (
        `  ${what} while refusing: ${ms.length} requests, p95 ${ms[Math.floor(ms.length * 0.95)].toFixed(0)} ms, ` +
        `max ${max.toFixed(0)} ms at ${(worst.at / 1000).toFixed(1)} s (target < 200 ms: ${max < 200 ? 'met' : 'not met'})`
      );
    };
    process.stdout.write(
      [
        '',
        'heavy uploads (issue 13, point 1): three zip bombs and a 1,000,000-row CSV at once',
        `  files: ${sizes.join(', ')}; all refused after ${(elapsed / 1000).toFixed(1)} s (${honest.ms.toFixed(0)} / ${lying.ms.toFixed(0)} / ${entries.ms.toFixed(0)} / ${big.ms.toFixed(0)} ms)`,
        line('GET /health', probes.health),
        line('single POST /api/orgs/:org/placements (202)', probes.posts),
        line('for comparison, POST /api/orgs (201, a database write)', probes.orgs).replace(/ \(target.*\)$/, ''),
        `  API RSS: ${probes.rssBeforeMb.toFixed(0)} MB before, peak ${probes.rssPeakMb.toFixed(0)} MB at ${(probes.rssPeakAt / 1000).toFixed(1)} s, ${rssAfter.toFixed(0)} MB after (target < 600 MB: ${probes.rssPeakMb < 600 ? 'met' : 'not met'})`,
        `  (probes timed from a process of their own, every ${PROBE_INTERVAL_MS} ms on keep-alive connections; machine load ${loadavg().map((l) => l.toFixed(2)).join(' ')})`,
        '',
      ].join('\n'),
    );
  }, 600_000);
});
