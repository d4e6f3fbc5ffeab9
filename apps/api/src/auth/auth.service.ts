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
    const credential = this.credentialOf(req);
    if (credential === null) return null;
    const kept = this.kept(credential.key);
    return kept !== undefined ? kept : this.read(credential.key, credential.read);
  }

  /**
   * The principal of the request's credentials when it is known without a
   * read (kept from a recent check, or no credentials at all: null); undefined
   * when authenticate() must read it. Lets the auth hook answer most requests
   * without a promise.
   */
  known(req: FastifyRequest): Principal | null | undefined {
    const credential = this.credentialOf(req);
    return credential === null ? null : this.kept(credential.key);
  }

  /** The cache key of the request's credentials (the SHA-256 of the secret) and how to check them, or null without any. */
  private credentialOf(req: FastifyRequest): { key: string; read: () => Promise<Principal | null> } | null {
    const header = req.headers.authorization;
    if (header) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      return m ? { key: sha256(`t:${m[1]}`), read: () => this.accounts.tokenPrincipal(m[1]) } : null;
    }
    const secret = req.cookies?.[SESSION_COOKIE];
    return secret ? { key: sha256(`s:${secret}`), read: () => this.accounts.sessionPrincipal(secret) } : null;
  }

  /** Forgets every checked credential (after a sign-out, a revocation, an account change). */
  forget(): void {
    this.generation++;
    this.cache.clear();
  }

  /** The principal kept for this key if still fresh (null: a credential found invalid), else undefined. */
  private kept(key: string): Principal | null | undefined {
    const kept = this.cache.get(key);
    return kept && Date.now() - kept.at < this.config.auth.cacheMs ? kept.principal : undefined;
  }

  private async read(key: string, read: () => Promise<Principal | null>): Promise<Principal | null> {
    const ttl = this.config.auth.cacheMs;
    const now = Date.now();
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
