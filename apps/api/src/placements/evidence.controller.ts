import { Controller, Get, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { EvidenceStore, StoredPage, safeEvidenceHtml } from '@pl/crawling';
import { DomainError } from '@pl/domain';
import { OrganizationsService, PlacementQueries } from '@pl/placements';
import { orgSlug, placementId } from '../http/params';
import { FileResponse, ZodParam } from '../http/zod-api';

/**
 * The page a placement's evidence rests on (佐证), as the outlet served it,
 * and a sanitised rendering of it to look at. Both are sandboxed (CSP
 * `sandbox`: no scripts, no same origin) and never sniffed; the original is
 * a download, never rendered by the API's origin.
 */
@ApiTags('placements')
@Controller('api/orgs/:org/placements/:id/evidence')
export class EvidenceController {
  constructor(
    private readonly orgs: OrganizationsService,
    private readonly queries: PlacementQueries,
    private readonly evidence: EvidenceStore,
  ) {}

  /** The stored page, byte for byte as the outlet served it, as a download. */
  @Get()
  @FileResponse(200, ['text/html', 'application/xml', 'application/octet-stream'], 'The page as the outlet served it (its own media type), as a download')
  async original(@ZodParam('org', orgSlug) slug: string, @ZodParam('id', placementId) id: number, @Res() res: FastifyReply): Promise<void> {
    const { page, pid } = await this.page(slug, id);
    const ext = /html/i.test(page.contentType ?? 'text/html') ? 'html' : /xml/i.test(page.contentType ?? '') ? 'xml' : 'bin';
    res
      .status(200)
      .type(page.contentType ?? 'application/octet-stream')
      .header('Content-Disposition', `attachment; filename="evidence-${pid}-${page.sha256.slice(0, 12)}.${ext}"`)
      .header('Content-Security-Policy', 'sandbox')
      .header('X-Content-Type-Options', 'nosniff')
      .header('X-Evidence-Sha256', page.sha256)
      .header('X-Evidence-Url', encodeURI(page.url))
      .send(page.body);
  }

  /** The stored page made safe to view: an allow-list sanitiser keeps its text and structure, nothing that runs or loads. */
  @Get('view')
  @FileResponse(200, ['text/html'], 'The page, sanitised')
  async view(@ZodParam('org', orgSlug) slug: string, @ZodParam('id', placementId) id: number, @Res() res: FastifyReply): Promise<void> {
    const { page } = await this.page(slug, id);
    res
      .status(200)
      .type('text/html; charset=utf-8')
      .header('Content-Security-Policy', "sandbox; default-src 'none'; style-src 'unsafe-inline'")
      .header('X-Content-Type-Options', 'nosniff')
      .send(safeEvidenceHtml(page));
  }

  private async page(slug: string, pid: number): Promise<{ page: StoredPage; pid: number }> {
    const org = await this.orgs.bySlug(slug);
    const placement = await this.queries.get(org, pid);
    const evidence = await this.evidence.ofPlacement(placement.events);
    if (!evidence) {
      throw new DomainError(
        'PLACEMENT_NO_EVIDENCE',
        'not-found',
        `Placement ${pid} has no evidence: the crawler has not confirmed or discovered it`,
        [{ field: 'id', message: 'no evidence for this placement' }],
        `稿件 ${pid} 没有佐证：抓取尚未确认或发现它`,
      );
    }
    const page = evidence.stored ? await this.evidence.read(evidence.sha256) : null;
    if (!page) {
      throw new DomainError(
        'PLACEMENT_EVIDENCE_NOT_KEPT',
        'not-found',
        `The page placement ${pid} was confirmed by is not kept${evidence.note ? `: ${evidence.note}` : ''}`,
        [{ field: 'id', message: evidence.note ?? 'the evidence page is not stored' }],
        `确认稿件 ${pid} 的网页未保存${evidence.note ? `：${evidence.note}` : ''}`,
      );
    }
    return { page, pid };
  }
}
