import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { atLeast, EffectiveRole, Principal, roleIn } from '@pl/accounts';
import { IngestionQueue, OrganizationsService } from '@pl/placements';
import { DomainError } from '@pl/domain';
import { SqlDialect } from '@pl/persistence';
import { Access, ACCESS, OwnedKind } from './access';

const ROLE_ZH: Record<EffectiveRole, string> = { viewer: '查看者', reviewer: '审核员', editor: '编辑', admin: '管理员' };

function forbidden(message: string): DomainError {
  return new DomainError('AUTH_FORBIDDEN', 'forbidden', message, [{ field: 'role', message }]);
}

/** What each owned thing is called in its own 404, so that another organization's answers the same as a missing one. */
const OWNED_NAMES: Record<OwnedKind, string> = { ingestion: 'ingestion', report: 'report', 'crawl-run': 'crawl run' };

/**
 * What a signed-in caller may do (the onRequest hook has already refused
 * anonymous callers). Global: every route is checked by its marker in
 * access.ts, and a route without one by the defaults there. An organization
 * the caller has no role in is answered as not found (404), exactly as an
 * organization that does not exist; a role too low is a 403.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly sql: SqlDialect;
  /**
   * Each route's marker, read once: the metadata is fixed once the app is built, and reading it
   * through the Reflector walked reflect-metadata's provider lookups on every request (issue 14).
   * By class, then handler: an inherited handler may be marked differently in each subclass.
   */
  private readonly markers = new WeakMap<object, WeakMap<object, { access: Access | undefined }>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly orgs: OrganizationsService,
    private readonly ingestions: IngestionQueue,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    this.sql = new SqlDialect(dataSource);
  }

  /** A boolean when it can tell at once (an organization read moments ago), so that Nest need not wait for a promise. */
  canActivate(ctx: ExecutionContext): boolean | Promise<boolean> {
    const access = this.markerOf(ctx);
    if (access?.kind === 'public') return true;
    const req = ctx.switchToHttp().getRequest<FastifyRequest>();
    const p = req.principal;
    if (!p) throw new DomainError('AUTH_REQUIRED', 'unauthenticated', 'Sign in first', [{ field: 'authorization', message: 'Sign in first' }], '请先登录');
    const params = (req.params ?? {}) as Record<string, string>;
    const kind = access?.kind ?? (params.org !== undefined ? 'org' : 'admin');
    switch (kind) {
      case 'signed-in':
        return true;
      case 'admin':
        if (!p.admin) throw forbidden('Administrators only');
        return true;
      case 'org': {
        const declared = access?.kind === 'org' ? access.role : undefined;
        const needed = typeof declared === 'function' ? declared(req) : (declared ?? (req.method === 'GET' || req.method === 'HEAD' ? 'viewer' : 'editor'));
        const recent = this.orgs.recentBySlug(params.org);
        if (recent) {
          this.requireRole(p, recent, params.org, needed);
          return true;
        }
        return this.orgs.bySlug(params.org).then((org) => {
          this.requireRole(p, org, params.org, needed);
          return true;
        });
      }
      case 'owned':
        return this.requireOwner(p, (access as Extract<Access, { kind: 'owned' }>).by, params.id, req.method).then(() => true);
      case 'region':
        return this.requireRegion(p, params.region, (access as Extract<Access, { kind: 'region' }>).who).then(() => true);
    }
    return false;
  }

  /** The route's access marker (its handler's, else its controller's), read from the metadata once. */
  private markerOf(ctx: ExecutionContext): Access | undefined {
    const handler = ctx.getHandler();
    const cls = ctx.getClass();
    let byHandler = this.markers.get(cls);
    if (!byHandler) this.markers.set(cls, (byHandler = new WeakMap()));
    let marker = byHandler.get(handler);
    if (!marker) {
      marker = { access: this.reflector.getAllAndOverride<Access | undefined>(ACCESS, [handler, cls]) };
      byHandler.set(handler, marker);
    }
    return marker.access;
  }

  /** The caller's role in the organization: at least `needed`, or 404 (no role) / 403 (too low). */
  private requireRole(p: Principal, org: { id: number; region: string }, slug: string, needed: EffectiveRole): void {
    const role = roleIn(p, org);
    if (!role) throw DomainError.notFound('ORG_NOT_FOUND', 'organization', '机构', 'org', slug);
    if (!atLeast(role, needed)) throw forbidden(`This needs the ${needed} role in ${slug}; yours is ${role} (需要${ROLE_ZH[needed]}权限)`);
  }

  private async requireOwner(p: Principal, kind: OwnedKind, id: string, method: string): Promise<void> {
    const owner = await this.ownerOf(kind, id);
    // Unknown: the route answers its own 404.
    if (owner === undefined) return;
    if (owner === null) {
      // A crawl run of a source (no organization): the administrators'.
      if (!p.admin) throw DomainError.notFound('AUTH_NOT_FOUND', OWNED_NAMES[kind], OWNED_NAMES[kind], 'id', id);
      return;
    }
    const [org] = await this.dataSource.query(`SELECT id, region FROM organizations WHERE id = ${this.sql.param(1)}`, [owner]);
    const role = org ? roleIn(p, { id: Number(org.id), region: String(org.region) }) : null;
    if (!role) throw DomainError.notFound('AUTH_NOT_FOUND', OWNED_NAMES[kind], OWNED_NAMES[kind], 'id', id);
    if (!atLeast(role, method === 'GET' || method === 'HEAD' ? 'viewer' : 'editor')) throw forbidden('Your role does not allow this');
  }

  /** The organization id that created the thing; null for one of no organization; undefined when there is none. */
  private async ownerOf(kind: OwnedKind, id: string): Promise<number | null | undefined> {
    if (!id) return undefined;
    const one = async (sql: string): Promise<Record<string, unknown> | undefined> => {
      try {
        return (await this.dataSource.query(sql, [id]))[0];
      } catch {
        // Not an id the column can hold (PostgreSQL's uuid type): the route's own check answers it.
        return undefined;
      }
    };
    if (kind === 'ingestion') {
      const row = await one(`SELECT organization_id AS org FROM ingestions WHERE id = ${this.sql.param(1)}`);
      if (row) return Number(row.org);
      const receipt = await this.ingestions.pendingReceipt(id).catch(() => null);
      return receipt ? receipt.organizationId : undefined;
    }
    if (kind === 'report') {
      const row = await one(`SELECT organization_id AS org FROM report_jobs WHERE id = ${this.sql.param(1)}`);
      return row ? Number(row.org) : undefined;
    }
    const row = await one(`SELECT organization_id AS org FROM crawl_runs WHERE id = ${this.sql.param(1)}`);
    return row ? (row.org === null ? null : Number(row.org)) : undefined;
  }

  /**
   * A region's members: administrators, the region's region-viewers and the users of its centres (the
   * ranking shows them names and totals only). Its viewers: administrators and the region's
   * region-viewers (the bulletin; the centres' users get 403). Another region: 404.
   */
  private async requireRegion(p: Principal, param: string, who: 'members' | 'viewers'): Promise<void> {
    if (p.admin) return;
    const p1 = this.sql.param(1);
    const [row] = await this.dataSource.query(
      `SELECT name FROM regions WHERE slug = ${p1} OR name = ${p1} UNION SELECT region AS name FROM organizations WHERE region = ${p1}`,
      this.sql.isPostgres ? [param] : [param, param, param],
    );
    const name = row ? String(row.name) : null;
    const notFound = () => DomainError.notFound('REGION_NOT_FOUND', 'region', '地区', 'region', param);
    if (!name) throw notFound();
    if (p.region === name) return;
    if (who === 'members' && p.orgs.size > 0) {
      const ids = [...p.orgs.keys()];
      const rows: { region: string }[] = await this.dataSource.query(
        `SELECT DISTINCT region FROM organizations WHERE id IN (${ids.map((_, i) => this.sql.param(i + 1)).join(', ')})`,
        ids,
      );
      if (rows.some((r) => r.region === name)) return;
    }
    if (who === 'viewers' && p.orgs.size > 0) {
      const ids = [...p.orgs.keys()];
      const rows: { region: string }[] = await this.dataSource.query(
        `SELECT DISTINCT region FROM organizations WHERE id IN (${ids.map((_, i) => this.sql.param(i + 1)).join(', ')})`,
        ids,
      );
      if (rows.some((r) => r.region === name)) throw forbidden("The region's bulletin is for its region-viewers");
    }
    throw notFound();
  }
}
