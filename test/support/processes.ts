import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { Client } from 'pg';
import { INGESTION_QUEUE } from '@pl/placements';
import { repoDir } from './harness';

/**
 * Child processes for the reliability tests: the real apps from dist/ (the
 * jest globalSetup compiled them) and private redis-servers, all on loopback.
 * Every process started here is registered so that a test can kill whatever
 * is left in afterEach/afterAll, also when it failed half-way.
 */

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class Child {
  stdout = '';
  stderr = '';
  exit: Exit | null = null;
  readonly exited: Promise<Exit>;

  constructor(
    readonly name: string,
    readonly proc: ChildProcess,
  ) {
    proc.stdout?.setEncoding('utf8').on('data', (s: string) => (this.stdout += s));
    proc.stderr?.setEncoding('utf8').on('data', (s: string) => (this.stderr += s));
    this.exited = new Promise((resolve) => {
      proc.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
      proc.once('error', () => {
        this.exit ??= { code: null, signal: null };
        resolve(this.exit);
      });
    });
  }

  get running(): boolean {
    return this.exit === null;
  }

  /** Resolves once stdout or stderr matches; fails when the process ends first or after `timeoutMs`. */
  async waitForOutput(pattern: RegExp, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.stdout + this.stderr)) {
      if (!this.running) throw new Error(`${this.name} exited (${JSON.stringify(this.exit)}) before ${pattern}:\n${this.output()}`);
      if (Date.now() > deadline) throw new Error(`${this.name}: no ${pattern} within ${timeoutMs} ms:\n${this.output()}`);
      await sleep(20);
    }
  }

  /** Waits for the process to end by itself; fails after `timeoutMs`. */
  async waitForExit(timeoutMs = 30_000): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.exited,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`${this.name} still running after ${timeoutMs} ms:\n${this.output()}`)), timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sends the signal and waits for the process to be gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<Exit> {
    if (this.running) this.proc.kill(signal);
    return this.exited;
  }

  output(): string {
    return `--- stdout\n${this.stdout}--- stderr\n${this.stderr}`;
  }
}

/** The processes a test file started; `killAll()` in afterEach/afterAll. */
export class Children {
  private readonly all: Child[] = [];

  /** `node dist/apps/<app>/src/main.js …args` with exactly `env` (plus PATH/HOME). */
  app(app: 'api' | 'worker' | 'crawler' | 'cli', args: string[], env: Record<string, string>): Child {
    const main = path.join(repoDir, 'dist', 'apps', app, 'src', 'main.js');
    if (!existsSync(main)) throw new Error(`${main} is missing: the jest globalSetup builds dist/`);
    const proc = spawn(process.execPath, [main, ...args], {
      cwd: repoDir,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return this.track(new Child(app, proc));
  }

  /** A private, non-persistent redis-server on 127.0.0.1:`port`, ready to answer. */
  async redis(port: number): Promise<Child> {
    const proc = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const child = this.track(new Child(`redis-server:${port}`, proc));
    await child.waitForOutput(/Ready to accept connections/i, 10_000);
    return child;
  }

  async killAll(): Promise<void> {
    await Promise.all(this.all.splice(0).map((c) => c.kill('SIGKILL')));
  }

  private track(child: Child): Child {
    this.all.push(child);
    return child;
  }
}

/** A loopback TCP port that nothing listens on (right now). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `probe` until it returns a value `done` accepts; fails after `timeoutMs`. */
export async function until<T>(probe: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 30_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms (last: ${JSON.stringify(v)})`);
    await sleep(10);
  }
}

/** The ingestion queue of a test's prefix, as an operator would inspect it. */
export function openQueue(env: Record<string, string>): { queue: Queue; close(): Promise<void> } {
  const connection = new IORedis(env.REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue(INGESTION_QUEUE, { connection, prefix: env.QUEUE_PREFIX });
  return {
    queue,
    close: async () => {
      await queue.close();
      connection.disconnect();
    },
  };
}

/**
 * Whether a process left any trace in the database `env` points at: for
 * SQLite whether the file exists, for PostgreSQL whether it has tables.
 */
export async function databaseTouched(env: Record<string, string>): Promise<boolean> {
  if (env.DATABASE_URL) {
    const client = new Client({ connectionString: env.DATABASE_URL });
    await client.connect();
    try {
      const { rows } = await client.query(
        `SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = 'public'`,
      );
      return Number(rows[0].n) > 0;
    } finally {
      await client.end();
    }
  }
  return existsSync(env.SQLITE_PATH);
}
