import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { LinkPreview, LinkPreviews, linkPreviewInputSchema } from '@pl/crawling';
import { OrganizationsService } from '@pl/placements';
import { orgSlug } from '../http/params';
import { linkPreview } from '../http/responses';
import { ZodBody, ZodParam, ZodResponse } from '../http/zod-api';

@ApiTags('placements')
@Controller('api/orgs/:org/placements')
export class PlacementPreviewController {
  constructor(
    private readonly orgs: OrganizationsService,
    private readonly previews: LinkPreviews,
  ) {}

  /**
   * What a link tells before it is logged: the page's title and date (read
   * by the crawler's guarded fetcher), the channel its URL belongs to, and
   * the placement it would duplicate. Writes nothing.
   */
  @Post('preview')
  @HttpCode(200)
  @ZodResponse(200, linkPreview)
  async preview(
    @ZodParam('org', orgSlug) slug: string,
    // The previews service validates it with this schema.
    @ZodBody(linkPreviewInputSchema, { validate: false, examples: { link: { value: { url: 'https://dx.rednet.cn/content/2021/05/12/1.html' } } } }) body: unknown,
  ): Promise<LinkPreview> {
    const org = await this.orgs.bySlug(slug);
    return this.previews.preview(org, body);
  }
}
