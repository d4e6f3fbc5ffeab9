/**
 * Failed sign-ins counted per client address and per username in a fixed
 * window; over either limit, sign-in answers 429 before any password is
 * checked. Kept in the API process's memory (one API process serves a
 * deployment; a restart forgets the counts, which only favours users).
 * A library (@fastify/rate-limit) limits requests by one key per route; this
 * needs two keys, counts failures only and reads the username from the body.
 */
export class LoginLimit {
  private readonly counts = new Map<string, { n: number; resetAt: number }>();

  constructor(private readonly limits: { perIp: number; perUser: number; windowS: number }) {}

  /** Seconds to wait when `ip` or `username` is over its limit, else 0. */
  retryAfter(ip: string, username: string): number {
    const now = Date.now();
    let wait = 0;
    for (const [key, max] of [[`ip:${ip}`, this.limits.perIp], [`user:${username.toLowerCase()}`, this.limits.perUser]] as const) {
      const c = this.counts.get(key);
      if (c && c.resetAt > now && c.n >= max) wait = Math.max(wait, Math.ceil((c.resetAt - now) / 1000));
    }
    return wait;
  }

  failed(ip: string, username: string): void {
    const now = Date.now();
    if (this.counts.size > 100_000) for (const [k, c] of this.counts) if (c.resetAt <= now) this.counts.delete(k);
    for (const key of [`ip:${ip}`, `user:${username.toLowerCase()}`]) {
      const c = this.counts.get(key);
      if (!c || c.resetAt <= now) this.counts.set(key, { n: 1, resetAt: now + this.limits.windowS * 1000 });
      else c.n++;
    }
  }

  /** A successful sign-in clears the username's failures (not the address's). */
  succeeded(username: string): void {
    this.counts.delete(`user:${username.toLowerCase()}`);
  }
}
