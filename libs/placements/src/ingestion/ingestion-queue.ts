import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { JobsConnections, QueueProducer, QueueUnavailableError } from '@pl/jobs';
import { INGESTION_CONTRACT, INGESTION_QUEUE, INGESTION_RECEIPT_TTL_SECONDS, IngestionJob, IngestionReceipt, RecordPlacementsInput } from './contract';

/** Most placements one packed 'placements.record-batch' job carries (a bulk chunk's size). */
const PACK_MAX_PLACEMENTS = 500;

/** Sets each KEYS[i] to ARGV[i + 1] for ARGV[1] seconds: all receipts of a flush in one command. */
const SET_RECEIPTS = `for i = 1, #KEYS do redis.call('SET', KEYS[i], ARGV[i + 1], 'EX', ARGV[1]) end return #KEYS`;

/**
 * How long an enqueue whose outcome is unknown (its commands went out, no
 * answer came: a dropped connection, a reply later than the fail-fast
 * budget) is sent again, with the same job ids, before the caller is told
 * the queue is unavailable.
 */
export const ENQUEUE_SETTLE_MS = 5000;

/**
 * A job's id in the queue, fixed by what it carries: adding the same job
 * again (sent again after an answer was lost) adds nothing, and the worker
 * writes an (ingestion, chunk) once in any case.
 */
export function ingestionJobId(job: IngestionJob): string {
  switch (job.name) {
    case 'placements.record':
      return `${job.data.ingestionId}.${job.data.chunk}`;
    case 'placements.record-batch':
      return `${job.data.records[0].ingestionId}.${job.data.records[0].chunk}.pack`;
    default:
      return job.data.ingestionId;
  }
}

interface PendingEnqueue {
  jobs: IngestionJob[];
  receipt?: IngestionReceipt;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * The jobs to add for what several callers asked for at once. A call that is
 * one small record job (a single submission) may share a queue job with other
 * such calls: they are packed, up to PACK_MAX_PLACEMENTS placements, into
 * 'placements.record-batch' jobs, and one alone stays as it is. Calls of
 * several jobs (a bulk or an import, already split into chunks) go unchanged.
 */
export function packJobs(calls: IngestionJob[][]): IngestionJob[] {
  const out: IngestionJob[] = [];
  let pack: RecordPlacementsInput[] = [];
  let size = 0;
  const close = () => {
    if (pack.length === 1) out.push({ name: 'placements.record', data: pack[0] });
    else if (pack.length > 1) out.push({ name: 'placements.record-batch', data: { records: pack } });
    pack = [];
    size = 0;
  };
  for (const jobs of calls) {
    const [job] = jobs;
    if (
      jobs.length !== 1 ||
      job.name !== 'placements.record' ||
      !Array.isArray(job.data.placements) ||
      job.data.placements.length >= PACK_MAX_PLACEMENTS
    ) {
      out.push(...jobs);
      continue;
    }
    if (size + job.data.placements.length > PACK_MAX_PLACEMENTS) close();
    pack.push(job.data);
    size += job.data.placements.length;
  }
  close();
  return out;
}

/** The producer side of the ingestion queue. The only way to ask for a placement write. */
@Injectable()
export class IngestionQueue {
  private readonly producer: QueueProducer<typeof INGESTION_CONTRACT>;
  /** Calls waiting for the next flush. */
  private pending: PendingEnqueue[] = [];
  /** The flushes in progress: one enqueue in flight at a time, so that calls arriving meanwhile share the next. */
  private flushing: Promise<void> | null = null;
  private readonly receiptPrefix: string;
  private readonly reportPrefix: string;

  constructor(connections: JobsConnections) {
    this.producer = connections.producerOf(INGESTION_CONTRACT);
    this.receiptPrefix = `${connections.prefix}:${INGESTION_QUEUE}:receipt:`;
    this.reportPrefix = `${connections.prefix}:${INGESTION_QUEUE}:import-report:`;
  }

  get queue(): Queue {
    return this.producer.queue;
  }

  /**
   * Enqueues all jobs at once, or throws QueueUnavailableError within a
   * second. Concurrent calls share round trips: one enqueue is in flight at a
   * time, and the calls that arrive meanwhile (or in the same event-loop
   * turn) go together in the next, single submissions packed together (see
   * packJobs); the calls of one enqueue succeed or fail together. Under load
   * batches grow with the round trip; a call alone is sent after one turn.
   * A `receipt` is kept in Redis, written with the jobs, until the worker's
   * ingestion row exists (see pendingReceipt).
   */
  enqueue(jobs: IngestionJob[], receipt?: IngestionReceipt): Promise<void> {
    if (jobs.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ jobs, receipt, resolve, reject });
      if (!this.flushing) this.flushing = this.drain();
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        await new Promise((r) => setImmediate(r)); // let the calls of this turn join
        const calls = this.pending;
        this.pending = [];
        try {
          const jobs = packJobs(calls.map((c) => c.jobs));
          // Each receipt names the queue job that carries its submission: a receipt without its job
          // (the job's command lost) is not reported as queued (see jobExists).
          const jobOf = new Map<string, string>();
          for (const job of jobs) {
            const id = ingestionJobId(job);
            if (job.name === 'placements.record-batch') for (const r of job.data.records) jobOf.set(r.ingestionId, id);
            else jobOf.set(job.data.ingestionId, id);
          }
          await this.send(
            jobs,
            calls.flatMap((c) => (c.receipt ? [{ ...c.receipt, jobId: jobOf.get(c.receipt.id) }] : [])),
          );
          for (const c of calls) c.resolve();
        } catch (err) {
          for (const c of calls) {
            c.reject(
              err instanceof QueueUnavailableError && err.outcome === 'unknown'
                ? new QueueUnavailableError(err.queue, err.errors[0]?.message, 'unknown', { ingestionId: ingestionJobId(c.jobs[0]).split('.')[0] })
                : err,
            );
          }
        }
      }
    } finally {
      this.flushing = null;
    }
  }

  /**
   * Adds the jobs and writes the receipts in one round trip. When the
   * commands went out but no answer came (the connection dropped after
   * sending, or Redis answered after the fail-fast budget) they may have
   * been carried out: the caller must not be told "nothing was recorded".
   * Everything is sent again, as it is idempotent (the same job ids, the
   * same receipts), until Redis answers or ENQUEUE_SETTLE_MS have passed;
   * a QueueUnavailableError leaves here only when nothing went out, or when
   * Redis stayed unreachable for that long (then its message says the
   * outcome is unknown).
   */
  private async send(jobs: IngestionJob[], receipts: IngestionReceipt[]): Promise<void> {
    let sent = false;
    const op = async () => {
      sent = true;
      // One round trip: the receipts' command and the jobs' go out together on one connection.
      const written = receipts.length
        ? this.producer.connection.eval(
            SET_RECEIPTS,
            receipts.length,
            ...receipts.map((r) => this.receiptPrefix + r.id),
            INGESTION_RECEIPT_TTL_SECONDS,
            ...receipts.map((r) => JSON.stringify(r)),
          )
        : null;
      // Awaited after the jobs' command: marked handled now, so that when the connection closes and that command
      // fails first, this one's rejection ("Connection is closed.") is not left unhandled (await below still throws it).
      written?.catch(() => undefined);
      // One job (the usual case under load: the single POSTs of a flush packed into one) goes
      // without addBulk's MULTI, whose ioredis pipeline costs more to build than the job to add.
      if (jobs.length === 1) await this.producer.queue.add(jobs[0].name, jobs[0].data, { jobId: ingestionJobId(jobs[0]) });
      else await this.producer.queue.addBulk(jobs.map((j) => ({ name: j.name, data: j.data, opts: { jobId: ingestionJobId(j) } })));
      await written;
    };
    try {
      await this.producer.failFast(op);
      return;
    } catch (err) {
      if (!sent) throw err; // the connection was down: nothing went out
    }
    const deadline = Date.now() + ENQUEUE_SETTLE_MS;
    for (;;) {
      try {
        await this.producer.failFast(op);
        return;
      } catch (err) {
        if (Date.now() >= deadline) throw new QueueUnavailableError(this.producer.contract.name, err, 'unknown');
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  /**
   * Keeps an import's error report (a few hundred KB at most: the errors
   * kept in full) beside the receipts, for as long, so that it is
   * downloaded from GET …/imports/reports/:id instead of being inlined whole
   * in the import's answer.
   */
  async keepImportReport(id: string, csv: string): Promise<void> {
    await this.producer.failFast(() => this.producer.connection.set(`${this.reportPrefix}${id}`, csv, 'EX', INGESTION_RECEIPT_TTL_SECONDS));
  }

  /** An import's error report, or null when unknown or expired. */
  async importReport(id: string): Promise<string | null> {
    return this.producer.failFast(() => this.producer.connection.get(`${this.reportPrefix}${id}`));
  }

  /** Whether the queue holds the job (waiting, active, completed or failed). */
  async jobExists(jobId: string): Promise<boolean> {
    return (await this.producer.failFast(() => this.producer.queue.getJob(jobId))) != null;
  }

  /** The receipt of a queued submission, or null when there is none (unknown, or long processed). */
  async pendingReceipt(id: string): Promise<IngestionReceipt | null> {
    const raw = await this.producer.failFast(() => this.producer.connection.get(this.receiptPrefix + id));
    return raw ? (JSON.parse(raw) as IngestionReceipt) : null;
  }
}
