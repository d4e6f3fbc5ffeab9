import { Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { APP_CONFIG, AppConfig } from '@pl/config';
import { DomainError, unstorableText } from '@pl/domain';
import { ImportLimitError, ImportPreview, ImportReceipt, LEDGER_TEMPLATE_NAME, LedgerImports, OrganizationsService, ledgerTemplateCsv, ledgerTemplateXlsx } from '@pl/placements';
import { orgSlug } from '../http/params';
import { importAnswer, previewAnswer } from '../http/responses';
import { FileResponse, FileUpload, ZodParam, ZodQuery, ZodResponse } from '../http/zod-api';
import { Actor } from '../http/actor.decorator';
import { SignedIn } from '../auth/access';

const FIELD = 'file';
const missing = () =>
  DomainError.invalid('IMPORT_FILE_MISSING', [{ field: FIELD, message: `a ledger file is required (multipart field "${FIELD}")` }], undefined, '请上传台账文件');

/** The uploaded ledger: its name (UTF-8, as browsers send it) and its bytes, within the upload limit. */
async function uploadedFile(req: FastifyRequest, limitBytes: number): Promise<{ name: string; bytes: Buffer }> {
  if (!req.isMultipart()) throw missing();
  const part = await req.file();
  if (!part) throw missing();
  if (part.fieldname !== FIELD) {
    part.file.resume();
    throw DomainError.invalid('IMPORT_FILE_MISSING', [{ field: FIELD, message: `the ledger must be sent in the multipart field "${FIELD}", not "${part.fieldname}"` }]);
  }
  const nameProblem = unstorableText(part.filename);
  if (nameProblem) {
    part.file.resume();
    throw DomainError.invalid('IMPORT_BAD_FILE_NAME', [{ field: FIELD, message: `the file name ${nameProblem}` }]);
  }
  try {
    return { name: part.filename, bytes: await part.toBuffer() };
  } catch (err) {
    if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
      throw new DomainError('IMPORT_FILE_TOO_LARGE', 'too-large', 'The uploaded file is too large', [{ field: FIELD, message: `file must be at most ${limitBytes} bytes` }], '上传的文件过大');
    }
    throw err;
  }
}

/** A file over one of the import's caps: 413 (400 for a row of too many cells) naming the limit. */
async function withinLimits<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    if (!(e instanceof ImportLimitError)) throw e;
    throw new DomainError(e.tooLarge ? 'IMPORT_TOO_LARGE' : 'IMPORT_TOO_MANY_CELLS', e.tooLarge ? 'too-large' : 'invalid', e.message, [
      { field: FIELD, message: `${e.message} [limit ${e.limit}=${e.value}]` },
    ]);
  }
}

/** Any text: one that is no report's id is a 404, as for a report that expired. */
const reportId = z.string().meta({ description: 'The report’s id (reportUrl of the import or dry run)' });

/** Where the error report of an import or a dry run is downloaded. */
const reportUrl = (slug: string, id: string | null) => (id ? `/api/orgs/${encodeURIComponent(slug)}/imports/reports/${id}` : null);

export type ImportAnswer = Omit<ImportReceipt, 'report' | 'reportId'> & { reportUrl: string | null };
export type PreviewAnswer = Omit<ImportPreview, 'reportId'> & { reportUrl: string | null };

@ApiTags('imports')
@Controller('api/orgs/:org/imports')
export class ImportsController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly orgs: OrganizationsService,
    private readonly imports: LedgerImports,
  ) {}

  /**
   * Import a ledger (.xlsx or .csv, multipart field `file`): 202 with the
   * ingestion to poll and the per-row errors in Chinese.
   */
  @Post()
  @HttpCode(202)
  @FileUpload(FIELD, 'The ledger (.xlsx or .csv)')
  @ZodResponse(202, importAnswer, 'Queued: poll GET /api/ingestions/{ingestionId}')
  async upload(@ZodParam('org', orgSlug) slug: string, @Req() req: FastifyRequest, @Actor() actor: string): Promise<ImportAnswer> {
    const org = await this.orgs.bySlug(slug);
    const file = await uploadedFile(req, this.config.http.uploadLimitBytes);
    const { report: _report, reportId, ...receipt } = await withinLimits(() => this.imports.import(org, file.name, file.bytes, actor));
    return { ...receipt, reportUrl: reportUrl(slug, reportId) };
  }

  /**
   * The import's dry run (same multipart upload): how the columns map, every
   * row error (an unknown medium with the nearest catalog names), a few rows
   * as they would be written. Queues nothing.
   */
  @Post('preview')
  @HttpCode(200)
  @FileUpload(FIELD, 'The ledger (.xlsx or .csv)')
  @ZodResponse(200, previewAnswer)
  async preview(@ZodParam('org', orgSlug) slug: string, @Req() req: FastifyRequest): Promise<PreviewAnswer> {
    const org = await this.orgs.bySlug(slug);
    const file = await uploadedFile(req, this.config.http.uploadLimitBytes);
    const { reportId, ...preview } = await withinLimits(() => this.imports.preview(org, file.name, file.bytes));
    return { ...preview, reportUrl: reportUrl(slug, reportId) };
  }

  /**
   * The error report of an import or a dry run (CSV, UTF-8 with BOM: the
   * first IMPORT_MAX_ERRORS errors in full, then a count), kept a week.
   */
  @Get('reports/:id')
  @FileResponse(200, ['text/csv'], 'The error report (UTF-8 with BOM), as a download')
  async report(@ZodParam('org', orgSlug) slug: string, @ZodParam('id', reportId) id: string, @Res() res: FastifyReply): Promise<void> {
    const org = await this.orgs.bySlug(slug);
    const csv = /^[0-9a-f-]{36}$/.test(id) ? await this.imports.report(org.id, id) : null;
    if (csv === null) throw DomainError.notFound('IMPORT_REPORT_NOT_FOUND', 'import error report', '导入错误报告', 'id', id);
    res
      .status(200)
      .type('text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="import-errors.csv"; filename*=UTF-8''${encodeURIComponent('导入错误报告.csv')}`)
      .send(csv);
  }
}

const templateQuery = z.object({ format: z.enum(['xlsx', 'csv'], { error: 'format must be xlsx or csv' }).optional().default('xlsx') });

@ApiTags('imports')
@Controller('api/imports')
export class ImportTemplateController {
  /** A blank ledger with the headers the import reads (.xlsx with a sheet of notes, or .csv). */
  @Get('template')
  @SignedIn()
  @FileResponse(200, ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'text/csv'], 'The blank ledger, as a download')
  async template(@ZodQuery(templateQuery) { format }: z.output<typeof templateQuery>, @Res() res: FastifyReply): Promise<void> {
    const body = format === 'csv' ? ledgerTemplateCsv() : await ledgerTemplateXlsx();
    const name = `${LEDGER_TEMPLATE_NAME}.${format}`;
    res
      .status(200)
      .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('Content-Disposition', `attachment; filename="ledger-template.${format}"; filename*=UTF-8''${encodeURIComponent(name)}`)
      .send(body);
  }
}
