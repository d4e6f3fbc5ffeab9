import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import { LinkPreview, LinkPreviews } from '@pl/crawling';
import { OrganizationsService } from '@pl/placements';

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
  @ApiBody({ schema: { type: 'object', required: ['url'], properties: { url: { type: 'string', example: 'https://dx.rednet.cn/content/2021/05/12/1.html' } } } })
  async preview(@Param('org') slug: string, @Body() body: unknown): Promise<LinkPreview> {
    const org = await this.orgs.bySlug(slug);
    return this.previews.preview(org, body);
  }
}
