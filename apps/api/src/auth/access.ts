import { applyDecorators, SetMetadata } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import type { EffectiveRole } from '@pl/accounts';

/**
 * Who may call a route. Every route is guarded: a route with no marker needs
 * a signed-in caller, and then
 * - with `:org` in its path: a role in that organization (viewer to read,
 *   editor to change; another organization is a 404),
 * - without: an administrator.
 * The markers below say otherwise, explicitly.
 */
export type Access =
  | { kind: 'public' }
  | { kind: 'signed-in' }
  | { kind: 'admin' }
  | { kind: 'org'; role: EffectiveRole | ((req: FastifyRequest) => EffectiveRole) }
  /** A thing without the organization in its path: it belongs to the organization that created it. */
  | { kind: 'owned'; by: OwnedKind }
  /** A region's shared things: `members` — its region-viewers and its centres' users (the ranking, the region's templates); `viewers` — its region-viewers (the bulletin). */
  | { kind: 'region'; who: 'members' | 'viewers' };

export type OwnedKind = 'ingestion' | 'report' | 'crawl-run';

export const ACCESS = 'pl:access';
/** The Fastify route config key the onRequest hook reads (Nest copies @RouteConfig there). */
export const ROUTE_ACCESS = 'access' as const;

/** Anyone, signed in or not: /health, sign-in, the API documents, the UI's files. */
export const Public = () => applyDecorators(SetMetadata(ACCESS, { kind: 'public' } satisfies Access), RouteConfig({ [ROUTE_ACCESS]: 'public' }));
/** Anyone signed in (what the route answers is their own, or the shared catalog). */
export const SignedIn = () => SetMetadata(ACCESS, { kind: 'signed-in' } satisfies Access);
/** Administrators only. */
export const AdminOnly = () => SetMetadata(ACCESS, { kind: 'admin' } satisfies Access);
/** A role in the path's organization other than the default (viewer for GET, editor otherwise). */
export const OrgRole = (role: Extract<Access, { kind: 'org' }>['role']) => SetMetadata(ACCESS, { kind: 'org', role } satisfies Access);
export const OwnedBy = (by: OwnedKind) => SetMetadata(ACCESS, { kind: 'owned', by } satisfies Access);
export const RegionAccess = (who: 'members' | 'viewers') => SetMetadata(ACCESS, { kind: 'region', who } satisfies Access);
