import net from 'node:net';
import { placementInput } from './support';

/**
 * The bench's HTTP load generator, run as a child process (fork) so that it
 * does not share the API's event loop. Protocol over IPC:
 *   parent → {type:'prepare', ...LoadSpec}   child → {type:'ready'}
 *   parent → {type:'go'}                     child → {type:'done', ...LoadResult}
 * and again (a warm-up, then the measured run, in the same process) until the
 * parent disconnects. Bodies are built before 'go', so the timed part is only
 * the HTTP traffic.
 * The client is a minimal HTTP/1.1 client on raw sockets (keep-alive, one
 * request in flight per connection, as browsers and API clients send them):
 * requests are written as prepared bytes and only the status line, the
 * content length and the body of each response are read. The load generator
 * shares the machine's two cores with the server under test, so every
 * microsecond it spends is one the server does not get: undici cost ~45 µs
 * of CPU per request here, node:http's client about twice that.
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
  /** The Authorization header's value (a Bearer token), when the API wants one. */
  authorization?: string;
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

/** A response as the client reads it. */
interface Response {
  status: number;
  body: string;
}

const HEADER_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /\r\ncontent-length:[ \t]*(\d+)/i;

/**
 * One keep-alive HTTP/1.1 connection with one request in flight. Responses
 * must carry a Content-Length (Fastify's JSON replies do); anything else is
 * an error of the request, reported, never guessed at.
 */
class Connection {
  private socket: net.Socket | null = null;
  private buffer: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (r: Response) => void; reject: (e: Error) => void } | null = null;

  constructor(private readonly port: number) {}

  request(bytes: Buffer): Promise<Response> {
    return new Promise<Response>((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.connected().write(bytes);
    });
  }

  close(): void {
    this.socket?.destroy();
    this.socket = null;
  }

  private connected(): net.Socket {
    if (this.socket) return this.socket;
    const socket = net.connect({ port: this.port, host: '127.0.0.1', noDelay: true });
    this.buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => this.received(chunk));
    const lost = (err?: Error) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.fail(err ?? new Error('connection closed by the server'));
    };
    socket.on('error', lost);
    socket.on('close', () => lost());
    this.socket = socket;
    return socket;
  }

  private received(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const end = this.buffer.indexOf(HEADER_END);
    if (end < 0) return;
    const head = this.buffer.toString('latin1', 0, end);
    const length = CONTENT_LENGTH.exec(head);
    if (!length) {
      this.close();
      this.fail(new Error(`response without Content-Length: ${head.split('\r\n')[0]}`));
      return;
    }
    const bodyEnd = end + HEADER_END.length + Number(length[1]);
    if (this.buffer.length < bodyEnd) return;
    const response = { status: Number(head.slice(9, 12)), body: this.buffer.toString('utf8', end + HEADER_END.length, bodyEnd) };
    this.buffer = this.buffer.subarray(bodyEnd);
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.resolve(response);
  }

  private fail(err: Error): void {
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.reject(err);
  }
}

/** The connections to each server, kept from the warm-up to the run (they stay open). */
const pools = new Map<number, Connection[]>();
function connectionsFor(spec: LoadSpec): Connection[] {
  const pool = pools.get(spec.port) ?? [];
  while (pool.length < spec.connections) pool.push(new Connection(spec.port));
  pools.set(spec.port, pool);
  return pool.slice(0, spec.connections);
}

/** The bytes of a POST of `body` (JSON) to `urlPath`. */
function postRequest(spec: LoadSpec, urlPath: string, body: string): Buffer {
  const payload = Buffer.from(body, 'utf8');
  const head =
    `POST ${urlPath} HTTP/1.1\r\nHost: 127.0.0.1:${spec.port}\r\nContent-Type: application/json\r\n` +
    (spec.authorization ? `Authorization: ${spec.authorization}\r\n` : '') +
    `Content-Length: ${payload.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), payload]);
}

async function run(spec: LoadSpec, requests: Buffer[]): Promise<LoadResult> {
  const connections = connectionsFor(spec);
  const statuses: Record<string, number> = {};
  const errors: string[] = [];
  let accepted = 0;
  let next = 0;
  const latencies: number[] = [];
  const perSecond: number[] = [];
  const started = performance.now();
  const cpu = process.cpuUsage();
  const lane = async (connection: Connection) => {
    for (;;) {
      const i = next++;
      if (i >= requests.length) return;
      try {
        const sent = performance.now();
        const res = await connection.request(requests[i]);
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
  await Promise.all(connections.slice(0, requests.length).map(lane));
  const elapsedMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  latencies.sort((a, b) => a - b);
  const pct = (q: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] : 0);
  const latency = { p50: pct(0.5), p90: pct(0.9), p99: pct(0.99), max: latencies[latencies.length - 1] ?? 0 };
  return { elapsedMs, requests: requests.length, statuses, accepted, errors, latency, perSecond, cpuUs: used.user + used.system };
}

function main(): void {
  let spec: LoadSpec | null = null;
  let requests: Buffer[] = [];
  process.on('message', (msg: Message) => {
    if (msg.type === 'prepare') {
      spec = msg;
      const org = encodeURIComponent(spec.org);
      const urlPath = spec.mode === 'single' ? `/api/orgs/${org}/placements` : `/api/orgs/${org}/placements/bulk`;
      let bodies: string[] = [];
      if (spec.mode === 'single') {
        bodies = Array.from({ length: spec.count }, (_, i) => JSON.stringify(placementInput(msg.tag, i, msg.channels)));
      } else {
        for (let start = 0; start < spec.count; start += spec.bulkSize) {
          const n = Math.min(spec.bulkSize, spec.count - start);
          bodies.push(
            JSON.stringify({ placements: Array.from({ length: n }, (_, k) => placementInput(msg.tag, start + k, msg.channels)) }),
          );
        }
      }
      requests = bodies.map((body) => postRequest(msg, urlPath, body));
      process.send?.({ type: 'ready' });
    } else if (msg.type === 'go' && spec) {
      run(spec, requests).then(
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
