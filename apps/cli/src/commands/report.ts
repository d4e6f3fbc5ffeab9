import { INestApplicationContext } from '@nestjs/common';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { OrganizationsService } from '@pl/placements';
import { REPORT_FORMATS, ReportFormat, ReportRequest, ReportTemplate, ReportsService, loadTemplate } from '@pl/reporting';
import { CliError } from '../cli-error';

/** Renders a report in the given formats into `outDir`; returns the written paths. */
export async function writeReports(
  app: INestApplicationContext,
  orgSlug: string,
  request: (
    | { kind: 'annual'; year: number; asOf?: string }
    | { kind: 'monthly'; month: string }
    | { kind: 'self-evaluation'; year: number; asOf?: string }
  ) & { template?: ReportTemplate },
  formats: ReportFormat[],
  outDir: string,
): Promise<string[]> {
  const org = await app.get(OrganizationsService).bySlug(orgSlug).catch(() => {
    throw new CliError(`unknown organization "${orgSlug}" (--org)`);
  });
  const reports = app.get(ReportsService);
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  for (const format of formats) {
    const r = await reports.render(org, { ...request, format } as ReportRequest);
    const file = path.join(outDir, r.fileName);
    writeFileSync(file, r.body);
    written.push(file);
  }
  return written;
}

/** Renders the region bulletin in the given formats into `outDir`; returns the written paths. */
export async function writeRegionReports(app: INestApplicationContext, region: string, month: string, formats: ReportFormat[], outDir: string): Promise<string[]> {
  const reports = app.get(ReportsService);
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  for (const format of formats) {
    const r = await reports.renderRegionMonthly(region, month, format);
    const file = path.join(outDir, r.fileName);
    writeFileSync(file, r.body);
    written.push(file);
  }
  return written;
}

/** Parses --format: one format, a comma list, or `all`. */
export function parseFormats(value: string | undefined): ReportFormat[] {
  if (!value || value === 'all') return [...REPORT_FORMATS];
  const list = value.split(',').map((s) => s.trim());
  for (const f of list) {
    if (!(REPORT_FORMATS as readonly string[]).includes(f)) {
      throw new CliError(`--format must be one of ${REPORT_FORMATS.join(', ')} or all (got "${f}")`);
    }
  }
  return list as ReportFormat[];
}

/** Reads --template: a report template file (YAML or JSON, the shape of libs/reporting/src/template/default-template.json). */
export function readTemplate(file: string | undefined): ReportTemplate | undefined {
  if (file === undefined) return undefined;
  try {
    return loadTemplate(file);
  } catch (err) {
    throw new CliError(`--template: ${err instanceof Error ? err.message : String(err)}`);
  }
}
