import http from 'node:http';
import { procMemory } from './support';

/**
 * Times an API's answers from a process of its own (fork), so that what is
 * measured is the API and not the event loop of whoever starts it: the
 * heavy-uploads test builds and sends 13 MB of uploads from the jest process,
 * and probes timed there waited behind that work (a probe's timer fires only
 * when the loop that set it is free). Loopback only. Protocol over IPC:
 *   parent → {type:'start', ...ProbeSpec}   child → {type:'started'}
 *   parent → {type:'stop'}                  child → {type:'result', ...ProbeResult}
 * Three loops run side by side, each on its own keep-alive connection, one
 * request in flight, `intervalMs` between an answer and the next request:
 * GET /health; the single write (POST /api/orgs/:org/placements, 202, which
 * queues the placement in Redis); and, for comparison, the creation of an
 * organization (POST /api/orgs, 201), a write the API makes in its database
 * itself (on SQLite, through the process's one write queue).
 * The API's RSS (/proc/<pid>/status) is sampled every 50 ms meanwhile.
 */
export interface ProbeSpec {
  port: number;
  /** The Authorization header's value (an administrator's token: the POSTs create organizations too). */
  authorization: string;
  org: string;
  /** A channel the catalog knows: the POSTs are valid placements, each a new title. */
  channel: string;
  /** The API's process id, whose RSS is sampled. */
  apiPid: number;
  intervalMs: number;
}

/** One probe: when it was sent (ms since 'start') and how long its answer took. */
export interface Probe {
  at: number;
  ms: number;
  status: number;
}

export interface ProbeResult {
  health: Probe[];
  posts: Probe[];
  orgs: Probe[];
  /** Bodies of the first unexpected answers (not 200 / 202), to say why. */
  unexpected: string[];
  rssBeforeMb: number;
  rssPeakMb: number;
  /** When the peak was sampled, ms since 'start'. */
  rssPeakAt: number;
}

type Message = ({ type: 'start' } & ProbeSpec) | { type: 'stop' };

/** One keep-alive connection per loop, by path. */
const agents = new Map<string, http.Agent>();
const agentFor = (path: string) => agents.get(path) ?? agents.set(path, new http.Agent({ keepAlive: true, maxSockets: 1 })).get(path)!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function send(spec: ProbeSpec, method: 'GET' | 'POST', path: string, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(body, 'utf8');
    const req = http.request(
      {
        host: '127.0.0.1',
        port: spec.port,
        method,
        path,
        agent: agentFor(path),
        headers: { authorization: spec.authorization, ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const rssMb = (pid: number) => (procMemory(pid)?.rss ?? 0) / (1024 * 1024);

async function probe(spec: ProbeSpec, stopped: () => boolean): Promise<ProbeResult> {
  const started = performance.now();
  const result: ProbeResult = { health: [], posts: [], orgs: [], unexpected: [], rssBeforeMb: rssMb(spec.apiPid), rssPeakMb: 0, rssPeakAt: 0 };
  result.rssPeakMb = result.rssBeforeMb;
  const loop = async (into: Probe[], expected: number, request: (i: number) => Promise<{ status: number; body: string }>) => {
    for (let i = 0; !stopped(); i++) {
      const t = performance.now();
      const res = await request(i).catch((err: unknown) => ({ status: 0, body: err instanceof Error ? err.message : String(err) }));
      into.push({ at: t - started, ms: performance.now() - t, status: res.status });
      if (res.status !== expected && result.unexpected.length < 5) result.unexpected.push(`HTTP ${res.status}: ${res.body.slice(0, 300)}`);
      await sleep(spec.intervalMs);
    }
  };
  const org = encodeURIComponent(spec.org);
  const sampler = (async () => {
    while (!stopped()) {
      const rss = rssMb(spec.apiPid);
      if (rss > result.rssPeakMb) [result.rssPeakMb, result.rssPeakAt] = [rss, performance.now() - started];
      await sleep(50);
    }
  })();
  await Promise.all([
    loop(result.health, 200, () => send(spec, 'GET', '/health')),
    loop(result.posts, 202, (i) =>
      send(spec, 'POST', `/api/orgs/${org}/placements`, JSON.stringify({ channel: spec.channel, title: `探测稿件${i}`, publishedOn: '2021-05-20', genre: '消息' })),
    ),
    loop(result.orgs, 201, (i) =>
      send(spec, 'POST', '/api/orgs', JSON.stringify({ slug: `probe-${i}`, name: `探测单位${i}`, region: '邵阳市', foundedOn: '2019-01-01', keywords: [] })),
    ),
    sampler,
  ]);
  return result;
}

function main(): void {
  let stop = false;
  let running: Promise<ProbeResult> | null = null;
  process.on('message', (msg: Message) => {
    if (msg.type === 'start') {
      const spec: ProbeSpec = msg;
      const org = `/api/orgs/${encodeURIComponent(spec.org)}`;
      // Connections opened (and the routes warmed) before 'started': the probes time answers, not TCP handshakes.
      void Promise.all([
        send(spec, 'GET', '/health'),
        send(spec, 'POST', `${org}/placements`, JSON.stringify({ channel: spec.channel, title: '探测预热', publishedOn: '2021-05-20', genre: '消息' })),
        send(spec, 'GET', '/api/orgs'),
      ]).then(
        () => {
          running = probe(spec, () => stop);
          process.send!({ type: 'started' });
        },
        (err: unknown) => process.send!({ type: 'failed', message: err instanceof Error ? err.message : String(err) }),
      );
    } else if (msg.type === 'stop') {
      stop = true;
      void running?.then(
        (result) => process.send!({ type: 'result', ...result }),
        (err: unknown) => process.send!({ type: 'failed', message: err instanceof Error ? err.message : String(err) }),
      );
    }
  });
  process.on('disconnect', () => process.exit(0));
}

if (require.main === module) main();
