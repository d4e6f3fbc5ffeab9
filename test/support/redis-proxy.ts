import net from 'node:net';

/**
 * A TCP proxy on loopback in front of a real Redis, for faults a test
 * chooses: it forwards everything until armed; then the first client
 * connection that sends bytes matching a pattern has those bytes forwarded
 * (Redis carries the command out) while Redis's answers to that connection
 * are held back, and either the connection is dropped after `ms` ('drop':
 * the answer is lost) or the answers are released after `ms` ('delay': a
 * slow Redis). `refuseNew` closes every new connection at once (Redis gone
 * for whoever reconnects).
 */
export class RedisProxy {
  readonly port: number;
  /** How many connections the armed fault hit. */
  hits = 0;
  private armed: { match: RegExp; mode: 'drop' | 'delay'; ms: number } | null = null;
  private refusing = false;
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly server: net.Server,
    private readonly target: { host: string; port: number },
  ) {
    this.port = (server.address() as net.AddressInfo).port;
  }

  static async start(redisUrl: string): Promise<RedisProxy> {
    const u = new URL(redisUrl);
    const target = { host: u.hostname || '127.0.0.1', port: Number(u.port || 6379) };
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const proxy = new RedisProxy(server, target);
    server.on('connection', (client) => proxy.pipe(client));
    return proxy;
  }

  /** The Redis URL through the proxy, with the database of `redisUrl`. */
  url(redisUrl: string): string {
    const u = new URL(redisUrl);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString();
  }

  arm(match: RegExp, mode: 'drop' | 'delay', ms: number): void {
    this.armed = { match, mode, ms };
  }

  refuseNew(on: boolean): void {
    this.refusing = on;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private pipe(client: net.Socket): void {
    if (this.refusing) {
      client.destroy();
      return;
    }
    const upstream = net.connect(this.target);
    this.sockets.add(client).add(upstream);
    let held: Buffer[] | null = null;
    const end = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    upstream.on('data', (buf: Buffer) => (held ? held.push(buf) : client.write(buf)));
    client.on('data', (buf: Buffer) => {
      const fault = this.armed;
      if (fault && fault.match.test(buf.toString('latin1'))) {
        this.armed = null;
        this.hits++;
        held = [];
        if (fault.mode === 'drop') setTimeout(end, fault.ms);
        else {
          setTimeout(() => {
            const out = held ?? [];
            held = null;
            if (out.length) client.write(Buffer.concat(out));
          }, fault.ms);
        }
      }
      upstream.write(buf);
    });
  }
}
