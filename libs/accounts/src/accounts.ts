import * as crypto from 'node:crypto';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource, IsNull } from 'typeorm';
import { DomainError } from '@pl/domain';
import { ApiToken, GLOBAL_ROLES, GlobalRole, Membership, ORG_ROLES, Organization, OrgRole, Region, SessionRow, User, write, writeTransaction } from '@pl/persistence';
import { DUMMY_HASH, hashPassword, PASSWORD_MIN_LENGTH, verifyPassword } from './passwords';
import { lowerRole, Principal, roleRank } from './principal';

export const ROLES = [...ORG_ROLES, ...GLOBAL_ROLES] as const;
export type Role = (typeof ROLES)[number];

export type AccountsErrorCode =
  | 'ACCOUNTS_INVALID'
  | 'ACCOUNTS_USER_NOT_FOUND'
  | 'ACCOUNTS_USER_EXISTS'
  | 'ACCOUNTS_ORG_NOT_FOUND'
  | 'ACCOUNTS_TOKEN_NOT_FOUND'
  | 'ACCOUNTS_TOKEN_EXISTS'
  | 'ACCOUNTS_ROLE_TOO_HIGH';

const USERNAME = /^[\p{L}\p{N}._@-]{1,64}$/u;
const TOKEN_NAME = /^[A-Za-z0-9._-]{1,64}$/;
/** Tokens start with this, so that a leaked one is recognisable (secret scanners, logs). */
export const TOKEN_PREFIX = 'plt_';

export interface NewUser {
  username: string;
  password: string;
  role: Role;
  /** The organization (slug) of an editor, reviewer or viewer. */
  org?: string;
  /** The region (name or slug) of a region-viewer. */
  region?: string;
}

/** A user as the API and the CLI show it (never the hash). */
export interface UserView {
  id: number;
  username: string;
  /** admin or region-viewer, else null. */
  role: GlobalRole | null;
  region: string | null;
  disabled: boolean;
  organizations: { slug: string; name: string; role: OrgRole }[];
  createdAt: string;
}

export interface TokenView {
  id: number;
  name: string;
  user: string;
  role: OrgRole | null;
  createdBy: string;
  createdAt: string;
  revokedAt: string | null;
}

export interface NewSession {
  /** The cookie's value: shown to the browser only. */
  secret: string;
  csrfToken: string;
  expiresAt: string;
  user: UserView;
}

/**
 * crypto.hash, the one-shot digest (Node >= 20.12): no Hash object per call. The auth hook hashes
 * the request's token or session secret on every request to find it among the recently checked
 * ones (issue 14). Older Node (engines allow 20.11) takes createHash.
 */
const oneShotHash = typeof crypto.hash === 'function' ? crypto.hash : null;

export function sha256(secret: string): string {
  return oneShotHash ? oneShotHash('sha256', secret, 'hex') : createHash('sha256').update(secret).digest('hex');
}

const now = () => new Date().toISOString();

function invalid(field: string, message: string, messageZh: string): DomainError<AccountsErrorCode> {
  return DomainError.invalid('ACCOUNTS_INVALID', [{ field, message }], undefined, messageZh);
}

/**
 * Users, their roles, sessions and API tokens, on the database (no Nest: the
 * CLI uses it on a bare DataSource, the API through AccountsModule). Secrets
 * (session cookies, tokens) are 32 random bytes; only their SHA-256 is
 * stored — a slow hash is for guessable passwords, not for random secrets.
 */
export class Accounts {
  constructor(private readonly ds: DataSource) {}

  async addUser(input: NewUser): Promise<UserView> {
    const username = String(input.username ?? '').trim();
    if (!USERNAME.test(username)) throw invalid('username', 'username must be 1–64 letters, digits, . _ @ or -', '用户名须为 1–64 个字母、数字或 . _ @ -');
    this.checkPassword(input.password);
    if (!(ROLES as readonly string[]).includes(input.role)) {
      throw invalid('role', `role must be one of ${ROLES.join(', ')}`, `角色须为 ${ROLES.join('、')} 之一`);
    }
    let organization: Organization | null = null;
    let region: string | null = null;
    if ((ORG_ROLES as readonly string[]).includes(input.role)) {
      if (!input.org) throw invalid('org', `an ${input.role} belongs to an organization: give org`, '编辑、审核员和查看者须指定单位（--org）');
      organization = await this.organization(input.org);
    } else if (input.org) {
      throw invalid('org', `an ${input.role} has no organization`, '该角色不属于某个单位，不能指定 --org');
    }
    if (input.role === 'region-viewer') {
      if (!input.region) throw invalid('region', 'a region-viewer needs region', '地区查看者须指定地区（--region）');
      region = await this.regionName(input.region);
    } else if (input.region) {
      throw invalid('region', 'only a region-viewer has a region', '只有地区查看者可以指定地区');
    }
    if (await this.ds.getRepository(User).existsBy({ username })) {
      throw DomainError.conflict('ACCOUNTS_USER_EXISTS', 'username', `user "${username}" already exists`, `用户 ${username} 已存在`);
    }
    const passwordHash = await hashPassword(input.password);
    await writeTransaction(this.ds, async (em) => {
      const user = await em.getRepository(User).save(
        em.getRepository(User).create({
          username,
          passwordHash,
          role: organization ? null : (input.role as GlobalRole),
          region,
          disabledAt: null,
          createdAt: now(),
        }),
      );
      if (organization) {
        await em.getRepository(Membership).save(em.getRepository(Membership).create({ userId: user.id, organizationId: organization.id, role: input.role as OrgRole }));
      }
    });
    return this.user(username);
  }

  async listUsers(): Promise<UserView[]> {
    const users = await this.ds.getRepository(User).find({ order: { id: 'ASC' } });
    return Promise.all(users.map((u) => this.view(u)));
  }

  async user(username: string): Promise<UserView> {
    return this.view(await this.userRow(username));
  }

  /** A new password; the user's sessions end. */
  async setPassword(username: string, password: string): Promise<void> {
    this.checkPassword(password);
    const user = await this.userRow(username);
    user.passwordHash = await hashPassword(password);
    await writeTransaction(this.ds, async (em) => {
      await em.getRepository(User).save(user);
      await em.getRepository(SessionRow).delete({ userId: user.id });
    });
  }

  /** Disables (or enables again) a user: a disabled user's sessions end and its tokens stop working. */
  async setDisabled(username: string, disabled: boolean): Promise<UserView> {
    const user = await this.userRow(username);
    user.disabledAt = disabled ? (user.disabledAt ?? now()) : null;
    await writeTransaction(this.ds, async (em) => {
      await em.getRepository(User).save(user);
      if (disabled) await em.getRepository(SessionRow).delete({ userId: user.id });
    });
    return this.view(user);
  }

  /**
   * A new role in the user's organization (editor, reviewer or viewer): its sessions and tokens act
   * with it from the next request (a token stays capped at its own role). Only for a user of an
   * organization: an administrator or a region-viewer has no role there.
   */
  async setOrgRole(username: string, role: OrgRole): Promise<UserView> {
    if (!(ORG_ROLES as readonly string[]).includes(role)) {
      throw invalid('role', `role must be one of ${ORG_ROLES.join(', ')}`, `单位内的角色须为 ${ORG_ROLES.join('、')} 之一`);
    }
    const user = await this.userRow(username);
    await writeTransaction(this.ds, async (em) => {
      const memberships = await em.getRepository(Membership).findBy({ userId: user.id });
      if (memberships.length === 0) {
        throw invalid('role', `user "${username}" belongs to no organization: its role is not an organization's`, `用户 ${username} 不属于任何单位，不能设置单位内的角色`);
      }
      for (const m of memberships) m.role = role;
      await em.getRepository(Membership).save(memberships);
    });
    return this.view(user);
  }

  /** Checks the password; a new session for the user, or null (unknown user, wrong password, disabled). */
  async login(username: string, password: string, ttlMs: number): Promise<NewSession | null> {
    const user = await this.ds.getRepository(User).findOneBy({ username: String(username ?? '') });
    const ok = await verifyPassword(user?.passwordHash ?? DUMMY_HASH, String(password ?? ''));
    if (!user || !ok || user.disabledAt) return null;
    const secret = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const created = new Date();
    const expiresAt = new Date(created.getTime() + ttlMs).toISOString();
    await write(this.ds, (em) => em.getRepository(SessionRow).insert({ id: sha256(secret), userId: user.id, csrfToken, createdAt: created.toISOString(), expiresAt }));
    return { secret, csrfToken, expiresAt, user: await this.view(user) };
  }

  /** Ends a session (sign-out). */
  async endSession(secret: string): Promise<void> {
    await write(this.ds, (em) => em.getRepository(SessionRow).delete({ id: sha256(secret) }));
  }

  /** The principal of a session cookie, or null (unknown, expired, its user disabled). */
  async sessionPrincipal(secret: string): Promise<Principal | null> {
    const row = await this.ds.getRepository(SessionRow).findOneBy({ id: sha256(secret) });
    if (!row) return null;
    if (row.expiresAt <= now()) {
      await write(this.ds, (em) => em.getRepository(SessionRow).delete({ id: row.id }));
      return null;
    }
    const user = await this.ds.getRepository(User).findOneBy({ id: row.userId });
    if (!user || user.disabledAt) return null;
    return { ...(await this.principalOf(user, null)), kind: 'session', actor: `user:${user.username}`, csrfToken: row.csrfToken };
  }

  /**
   * A token for `username`, created by `createdBy` (`user:<name>` or `cli:<name>`), carrying at most
   * `role`. Returns the secret, which is not kept.
   */
  async addToken(input: { name: string; username: string; createdBy: string; role?: OrgRole | null }): Promise<{ token: string; view: TokenView }> {
    const name = String(input.name ?? '').trim();
    if (!TOKEN_NAME.test(name)) throw invalid('name', 'name must be 1–64 letters, digits, . _ or -', '令牌名称须为 1–64 个字母、数字或 . _ -');
    if (input.role != null && !(ORG_ROLES as readonly string[]).includes(input.role)) {
      throw invalid('role', `role must be one of ${ORG_ROLES.join(', ')}`, `令牌角色须为 ${ORG_ROLES.join('、')} 之一`);
    }
    const user = await this.userRow(input.username);
    if (input.role && !user.role) {
      // A token carries at most its user's role: a cap above every role the user has is refused.
      const memberships = await this.ds.getRepository(Membership).findBy({ userId: user.id });
      if (!memberships.some((m) => roleRank(m.role) >= roleRank(input.role!))) {
        throw DomainError.invalid('ACCOUNTS_ROLE_TOO_HIGH', [{ field: 'role', message: `user "${user.username}" has no role as high as ${input.role}` }], undefined, `用户 ${user.username} 没有${input.role}这么高的角色`);
      }
    }
    if (await this.ds.getRepository(ApiToken).existsBy({ name })) {
      throw DomainError.conflict('ACCOUNTS_TOKEN_EXISTS', 'name', `token "${name}" already exists`, `令牌 ${name} 已存在`);
    }
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const row = await write(this.ds, (em) =>
      em.getRepository(ApiToken).save(
      em.getRepository(ApiToken).create({
        name,
        userId: user.id,
        tokenHash: sha256(token),
        role: input.role ?? null,
        createdBy: input.createdBy,
        createdAt: now(),
        revokedAt: null,
      }),
    ),
    );
    return { token, view: this.tokenView(row, user.username) };
  }

  async revokeToken(name: string, ownerId?: number): Promise<TokenView> {
    const row = await this.ds.getRepository(ApiToken).findOneBy({ name: String(name), ...(ownerId !== undefined ? { userId: ownerId } : {}) });
    if (!row) throw DomainError.notFound('ACCOUNTS_TOKEN_NOT_FOUND', 'token', '令牌', 'name', name);
    if (!row.revokedAt) {
      row.revokedAt = now();
      await write(this.ds, (em) => em.getRepository(ApiToken).save(row));
    }
    const user = await this.ds.getRepository(User).findOneBy({ id: row.userId });
    return this.tokenView(row, user?.username ?? '');
  }

  /** Every token (or those of one user), newest first; never the secrets. */
  async listTokens(userId?: number): Promise<TokenView[]> {
    const rows = await this.ds.getRepository(ApiToken).find({ where: userId !== undefined ? { userId } : {}, order: { id: 'DESC' } });
    const users = new Map((await this.ds.getRepository(User).find()).map((u) => [u.id, u.username]));
    return rows.map((r) => this.tokenView(r, users.get(r.userId) ?? ''));
  }

  /** The principal of a Bearer token, or null (unknown, revoked, its user disabled). */
  async tokenPrincipal(token: string): Promise<Principal | null> {
    const row = await this.ds.getRepository(ApiToken).findOneBy({ tokenHash: sha256(token), revokedAt: IsNull() });
    if (!row) return null;
    const user = await this.ds.getRepository(User).findOneBy({ id: row.userId });
    if (!user || user.disabledAt) return null;
    return { ...(await this.principalOf(user, row.role)), kind: 'token', actor: `token:${row.name}`, tokenName: row.name };
  }

  private async principalOf(user: User, cap: OrgRole | null): Promise<Omit<Principal, 'kind' | 'actor'>> {
    const memberships = await this.ds.getRepository(Membership).findBy({ userId: user.id });
    return {
      userId: user.id,
      username: user.username,
      admin: user.role === 'admin' && !cap,
      region: user.role === 'region-viewer' ? user.region : null,
      orgs: new Map(memberships.map((m) => [m.organizationId, lowerRole(m.role, cap)])),
      cap,
    };
  }

  private checkPassword(password: unknown): void {
    if (typeof password !== 'string' || [...password].length < PASSWORD_MIN_LENGTH) {
      throw invalid('password', `password must be at least ${PASSWORD_MIN_LENGTH} characters`, `密码至少 ${PASSWORD_MIN_LENGTH} 个字符`);
    }
  }

  private async userRow(username: string): Promise<User> {
    const user = await this.ds.getRepository(User).findOneBy({ username: String(username ?? '') });
    if (!user) throw DomainError.notFound('ACCOUNTS_USER_NOT_FOUND', 'user', '用户', 'username', username);
    return user;
  }

  private async organization(slug: string): Promise<Organization> {
    const org = await this.ds.getRepository(Organization).findOneBy({ slug });
    if (!org) throw DomainError.notFound('ACCOUNTS_ORG_NOT_FOUND', 'organization', '单位', 'org', slug);
    return org;
  }

  /** A region by slug or name (a regions row, or a name organizations hold); its name. */
  private async regionName(region: string): Promise<string> {
    const row = await this.ds.getRepository(Region).findOne({ where: [{ slug: region }, { name: region }] });
    if (row) return row.name as string;
    if (await this.ds.getRepository(Organization).existsBy({ region })) return region;
    throw DomainError.notFound('ACCOUNTS_ORG_NOT_FOUND', 'region', '地区', 'region', region);
  }

  private async view(user: User): Promise<UserView> {
    const rows: { slug: string; name: string; role: OrgRole }[] = await this.ds
      .getRepository(Membership)
      .createQueryBuilder('m')
      .innerJoin(Organization, 'o', 'o.id = m.organizationId')
      .select(['o.slug AS slug', 'o.name AS name', 'm.role AS role'])
      .where('m.userId = :id', { id: user.id })
      .orderBy('o.id')
      .getRawMany();
    return {
      id: user.id,
      username: user.username,
      role: user.role,
      region: user.region,
      disabled: !!user.disabledAt,
      organizations: rows.map((r) => ({ slug: r.slug, name: r.name, role: r.role })),
      createdAt: user.createdAt,
    };
  }

  private tokenView(row: ApiToken, username: string): TokenView {
    return { id: row.id, name: row.name, user: username, role: row.role, createdBy: row.createdBy, createdAt: row.createdAt, revokedAt: row.revokedAt };
  }
}
