import { Controller, HttpCode, Param, Post, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { ImportReceipt, LedgerError, LedgerImports, OrganizationsService } from '../../../../libs/ledger/src';
import { Actor } from '../http/actor.decorator';

@ApiTags('imports')
@Controller('api/orgs/:org/imports')
export class ImportsController {
  constructor(
    private readonly orgs: OrganizationsService,
    private readonly imports: LedgerImports,
  ) {}

  /**
   * Import a ledger (.xlsx or .csv, multipart field `file`): 202 with the
   * ingestion to poll and the per-row errors in Chinese.
   */
  @Post()
  @HttpCode(202)
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } } })
  @UseInterceptors(FileInterceptor('file'))
  async upload(
    @Param('org') slug: string,
    @UploadedFile() file: Express.Multer.File | undefined,
    @Actor() actor: string,
  ): Promise<ImportReceipt> {
    if (!file) throw LedgerError.invalid([{ field: 'file', message: 'a ledger file is required (multipart field "file")' }]);
    const org = await this.orgs.bySlug(slug);
    // Multer decodes the client's file name as latin1; Chinese names arrive as UTF-8 bytes.
    const name = Buffer.from(file.originalname, 'latin1').toString('utf8');
    return this.imports.import(org, name, file.buffer, actor.replace(/^editor:/, 'import:'));
  }
}
