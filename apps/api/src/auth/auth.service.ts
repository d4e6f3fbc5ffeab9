import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { Accounts, Principal, sha256 } from '@pl/accounts';
import { APP_CONFIG, AppConfig } from '@pl/config';
import { LoginLimit } from './login-limit';

export const SESSION_COOKIE = 'pl_session';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who makes the request, once the onRequest hook has checked its credentials. */
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** Set on routes the auth hook lets through unchecked ('public'), or keeps to administrators ('admin'). */
    access?: 'public' | 'admin';
  }
}

/**
 * Credentials → principal, for every request. A checked session or token is
 * kept for AUTH_CACHE_MS (by the SHA-256 of its secret), so that a request
 * costs a hash and a map lookup, not three queries; sign-out, revocation and
 * account changes made through the API drop the cache at once.
 */
@Injectable()
export class AuthService {
  readonly accounts: Accounts;
  readonly loginLimit: LoginLimit;
  private readonly cache = new Map<string, { principal: Principal | null; at: number }>();
  private readonly reading = new Map<string, Promise<Principal | null>>();
  /** Bumped by forget(): a read that started before is not kept. */
  private generation = 0;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    @Inject(APP_CONFIG) readonly config: AppConfig,
  ) {
    this.accounts = new Accounts(dataSource);
    this.loginLimit = new LoginLimit({
      perIp: config.auth.loginLimitPerIp,
      perUser: config.auth.loginLimitPerUser,
      windowS: config.auth.loginLimitWindowS,
    });
  }

  /** The principal of the request's Bearer token or session cookie, or null. */
  async authenticate(req: FastifyRequest): Promise<Principal | null> {
    const header = req.headers.authorization;
    if (header) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      return m ? this.cached(`t:${m[1]}`, () => this.accounts.tokenPrincipal(m[1])) : null;
    }
    const secret = req.cookies?.[SESSION_COOKIE];
    return secret ? this.cached(`s:${secret}`, () => this.accounts.sessionPrincipal(secret)) : null;
  }

  /** Forgets every checked credential (after a sign-out, a revocation, an account change). */
  forget(): void {
    this.generation++;
    this.cache.clear();
  }

  private async cached(secret: string, read: () => Promise<Principal | null>): Promise<Principal | null> {
    const key = sha256(secret);
    const ttl = this.config.auth.cacheMs;
    const kept = this.cache.get(key);
    const now = Date.now();
    if (kept && now - kept.at < ttl) return kept.principal;
    const generation = this.generation;
    let pending = this.reading.get(key);
    if (!pending) {
      pending = read();
      this.reading.set(key, pending);
      const settled = () => this.reading.delete(key);
      pending.then(settled, settled);
    }
    const principal = await pending;
    if (ttl > 0 && generation === this.generation) {
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(key, { principal, at: now });
    }
    return principal;
  }
}
