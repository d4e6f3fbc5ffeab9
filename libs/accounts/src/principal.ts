import { ORG_ROLES, OrgRole } from '@pl/persistence';

/** What a request acts with once its session cookie or token is checked. */
export interface Principal {
  kind: 'session' | 'token';
  /** Recorded as the actor of every event: `user:<username>` or `token:<name>`. */
  actor: string;
  userId: number;
  username: string;
  /** A global administrator (a capped token of one is not). */
  admin: boolean;
  /** The region a region-viewer reads (its Chinese name), else null. */
  region: string | null;
  /** Role by organization id (memberships), already capped for a token. */
  orgs: ReadonlyMap<number, OrgRole>;
  /** A token's ceiling (null: none). */
  cap: OrgRole | null;
  /** The session's CSRF token (sessions only). */
  csrfToken?: string;
  /** The token's name (tokens only). */
  tokenName?: string;
}

/** An organization role, or `admin` (every organization, every role). */
export type EffectiveRole = OrgRole | 'admin';

export function roleRank(role: EffectiveRole): number {
  return role === 'admin' ? ORG_ROLES.length : ORG_ROLES.indexOf(role);
}

export function lowerRole(a: OrgRole, b: OrgRole | null): OrgRole {
  return b && roleRank(b) < roleRank(a) ? b : a;
}

/**
 * The role a principal has in an organization, or null when it has none (the
 * organization is then answered as not found). Administrators act in every
 * organization; a region-viewer reads every organization of its region.
 */
export function roleIn(p: Principal, org: { id: number; region: string }): EffectiveRole | null {
  if (p.admin) return 'admin';
  const member = p.orgs.get(org.id);
  if (member) return member;
  if (p.region && p.region === org.region) return 'viewer';
  return null;
}

/** Whether `role` is at least `needed`. */
export function atLeast(role: EffectiveRole | null, needed: EffectiveRole): boolean {
  return role !== null && roleRank(role) >= roleRank(needed);
}
