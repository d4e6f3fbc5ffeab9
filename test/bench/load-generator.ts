import { Pool } from 'undici';
import { placementInput } from './support';

/**
 * The bench's HTTP load generator, run as a child process (fork) so that it
 * does not share the API's event loop. Protocol over IPC:
 *   parent → {type:'prepare', ...LoadSpec}   child → {type:'ready'}
 *   parent → {type:'go'}                     child → {type:'done', ...LoadResult}
 * and again (a warm-up, then the measured run, in the same process) until the
 * parent disconnects. Bodies are built before 'go', so the timed part is only
 * the HTTP traffic.
 * The client is undici (keep-alive, one request in flight per connection): it
 * costs about half the CPU per request of node:http's client, CPU the server
 * under test shares on a small machine.
 */
export interface LoadSpec {
  mode: 'single' | 'bulk';
  port: number;
  org: string;
  tag: string;
  /** Placements in all. */
  count: number;
  /** Concurrent keep-alive connections (requests in flight). */
  connections: number;
  /** Placements per bulk request. */
  bulkSize: number;
  channels: string[];
}

export interface LoadResult {
  elapsedMs: number;
  requests: number;
  statuses: Record<string, number>;
  /** Placements the API accepted (202s; for bulk, the sum of `accepted`). */
  accepted: number;
  errors: string[];
  /** Response latency percentiles, ms. */
  latency: { p50: number; p90: number; p99: number; max: number };
  /** Responses completed in each second since 'go'. */
  perSecond: number[];
  /** CPU time (user + system) the load generator spent, µs. */
  cpuUs: number;
}

type Message = ({ type: 'prepare' } & LoadSpec) | { type: 'go' };

/** One pool per server, kept from the warm-up to the run (its connections stay open). */
const pools = new Map<string, Pool>();
function poolFor(spec: LoadSpec): Pool {
  const key = `${spec.port}/${spec.connections}`;
  let pool = pools.get(key);
  if (!pool) {
    pool = new Pool(`http://127.0.0.1:${spec.port}`, { connections: spec.connections, pipelining: 1 });
    pools.set(key, pool);
  }
  return pool;
}

async function run(spec: LoadSpec, bodies: string[], urlPath: string): Promise<LoadResult> {
  const pool = poolFor(spec);
  const headers = { 'content-type': 'application/json', 'x-actor': 'bench' };
  const statuses: Record<string, number> = {};
  const errors: string[] = [];
  let accepted = 0;
  let next = 0;
  const latencies: number[] = [];
  const perSecond: number[] = [];
  const started = performance.now();
  const cpu = process.cpuUsage();
  const lane = async () => {
    for (;;) {
      const i = next++;
      if (i >= bodies.length) return;
      try {
        const sent = performance.now();
        const { statusCode, body: stream } = await pool.request({ path: urlPath, method: 'POST', headers, body: bodies[i] });
        const res = { status: statusCode, body: await stream.text() };
        const now = performance.now();
        latencies.push(now - sent);
        const second = Math.floor((now - started) / 1000);
        while (perSecond.length <= second) perSecond.push(0);
        perSecond[second]++;
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        if (res.status === 202) {
          accepted += spec.mode === 'bulk' ? (JSON.parse(res.body) as { accepted: number }).accepted : 1;
        } else if (errors.length < 5) {
          errors.push(`HTTP ${res.status}: ${res.body.slice(0, 300)}`);
        }
      } catch (err) {
        statuses.network = (statuses.network ?? 0) + 1;
        if (errors.length < 5) errors.push(err instanceof Error ? err.message : String(err));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(spec.connections, bodies.length) }, lane));
  const elapsedMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  latencies.sort((a, b) => a - b);
  const pct = (q: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] : 0);
  const latency = { p50: pct(0.5), p90: pct(0.9), p99: pct(0.99), max: latencies[latencies.length - 1] ?? 0 };
  return { elapsedMs, requests: bodies.length, statuses, accepted, errors, latency, perSecond, cpuUs: used.user + used.system };
}

function main(): void {
  let spec: LoadSpec | null = null;
  let bodies: string[] = [];
  let urlPath = '';
  process.on('message', (msg: Message) => {
    if (msg.type === 'prepare') {
      spec = msg;
      const org = encodeURIComponent(spec.org);
      if (spec.mode === 'single') {
        bodies = Array.from({ length: spec.count }, (_, i) => JSON.stringify(placementInput(msg.tag, i, msg.channels)));
      } else {
        bodies = [];
        for (let start = 0; start < spec.count; start += spec.bulkSize) {
          const n = Math.min(spec.bulkSize, spec.count - start);
          bodies.push(
            JSON.stringify({ placements: Array.from({ length: n }, (_, k) => placementInput(msg.tag, start + k, msg.channels)) }),
          );
        }
      }
      urlPath = spec.mode === 'single' ? `/api/orgs/${org}/placements` : `/api/orgs/${org}/placements/bulk`;
      process.send?.({ type: 'ready' });
    } else if (msg.type === 'go' && spec) {
      run(spec, bodies, urlPath).then(
        (result) => process.send?.({ type: 'done', ...result }),
        (err: unknown) => {
          process.send?.({ type: 'failed', message: err instanceof Error ? err.stack : String(err) }, () => process.exit(1));
        },
      );
    }
  });
  process.on('disconnect', () => process.exit(0));
}


main();
