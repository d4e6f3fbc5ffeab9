import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** A role in one organization, lowest first. */
export const ORG_ROLES = ['viewer', 'reviewer', 'editor'] as const;
export type OrgRole = (typeof ORG_ROLES)[number];
/** A role beyond one organization: every organization (admin) or one region's, read only (region-viewer). */
export const GLOBAL_ROLES = ['admin', 'region-viewer'] as const;
export type GlobalRole = (typeof GLOBAL_ROLES)[number];

/**
 * Someone who signs in. Times are ISO-8601 strings (UTC), as crawl runs keep
 * theirs: the same column on SQLite and PostgreSQL, ordered as text.
 */
@Entity('users')
export class User {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 64, unique: true })
  username: string;

  /** argon2id, PHC string. */
  @Column({ name: 'password_hash', type: 'varchar', length: 200 })
  passwordHash: string;

  /** admin or region-viewer; null for a user who only has organization roles (memberships). */
  @Column({ type: 'varchar', length: 16, nullable: true })
  role: GlobalRole | null;

  /** The region (its Chinese name, as organizations hold it) a region-viewer reads. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  region: string | null;

  @Column({ name: 'disabled_at', type: 'varchar', length: 30, nullable: true })
  disabledAt: string | null;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt: string;
}

/** A user's one role in one organization. */
@Entity('memberships')
@Index('uq_memberships_user_org', ['userId', 'organizationId'], { unique: true })
export class Membership {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'user_id', type: 'integer' })
  userId: number;

  @Column({ name: 'organization_id', type: 'integer' })
  organizationId: number;

  @Column({ type: 'varchar', length: 16 })
  role: OrgRole;
}

/**
 * A signed-in browser. The cookie holds a random secret; the row is keyed by
 * its SHA-256, so a copy of the table signs nobody in. Deleting the row ends
 * the session (sign-out, a disabled user, a changed password).
 */
@Entity('sessions')
@Index('idx_sessions_user', ['userId'])
export class SessionRow {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @Column({ name: 'user_id', type: 'integer' })
  userId: number;

  /** Sent back in X-CSRF-Token by every state-changing request of this session. */
  @Column({ name: 'csrf_token', type: 'varchar', length: 64 })
  csrfToken: string;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt: string;

  @Column({ name: 'expires_at', type: 'varchar', length: 30 })
  expiresAt: string;
}

/**
 * A token for scripts (Authorization: Bearer). Stored as the SHA-256 of the
 * secret, which is shown once. It acts as its user, at most with `role`
 * (never more than the user has), and stops working when revoked.
 */
@Entity('api_tokens')
export class ApiToken {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 64, unique: true })
  name: string;

  @Column({ name: 'user_id', type: 'integer' })
  userId: number;

  @Column({ name: 'token_hash', type: 'varchar', length: 64, unique: true })
  tokenHash: string;

  /** The highest organization role the token carries (null: its user's roles as they are). */
  @Column({ type: 'varchar', length: 16, nullable: true })
  role: OrgRole | null;

  @Column({ name: 'created_by', type: 'varchar', length: 100 })
  createdBy: string;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt: string;

  @Column({ name: 'revoked_at', type: 'varchar', length: 30, nullable: true })
  revokedAt: string | null;
}
