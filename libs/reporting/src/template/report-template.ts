import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { repoRoot } from '@pl/config';
import { GENRES, PROMINENCES, TIERS } from '@pl/domain';
import { parseTemplateText } from './template-source';
import defaultTemplateJson from './default-template.json';

const lineFilter = z
  .object({
    /** A channel name or alias, or several. */
    channel: z.union([z.string(), z.array(z.string())]).optional(),
    /** An outlet name: all its channels. */
    outlet: z.string().optional(),
    section: z.string().optional(),
    prominence: z.enum(PROMINENCES).optional(),
    genre: z.enum(GENRES).optional(),
  })
  .strict();

const tierSpec = z
  .object({
    /** Outlets to name for this tier (those with placements); absent: every outlet with placements, in catalog order. */
    outlets: z.array(z.string()).optional(),
    label: z.string(),
    /** List the tier's channels one by one (其中…篇). */
    channelBreakdown: z.boolean().optional(),
  })
  .strict();

/**
 * A report template: data, not code. It says which highlight lines to list,
 * in which order and under which names, and how the cumulative paragraph
 * names each tier's outlets.
 */
export const reportTemplateSchema = z
  .object({
    name: z.string(),
    description: z.string().optional(),
    annual: z
      .object({
        title: z.string(),
        highlightsClosing: z.string(),
        tiers: z.object(Object.fromEntries(TIERS.map((t) => [t, tierSpec])) as Record<(typeof TIERS)[number], typeof tierSpec>).strict(),
      })
      .strict(),
    /** The monthly bulletin as an official document (通报): 发文字号, 主送, 落款, 下步要求. */
    bulletin: z
      .object({
        /** 发文字号, with {organization}, {year}, {month}: e.g. {organization}通〔{year}〕{month}号. */
        docNumber: z.string().max(100),
        /** 主送 (who it is addressed to). */
        recipients: z.string().max(200),
        /** 落款 (who issues it), with {organization}. */
        issuer: z.string().max(100),
        /** 下步要求, one paragraph each. */
        requirements: z.array(z.string().min(1).max(2000)).max(20),
        /** The region bulletin's 发文字号, 主送 and 落款, with {region}, {year}, {month}. */
        regionDocNumber: z.string().max(100).optional(),
        regionRecipients: z.string().max(200).optional(),
        regionIssuer: z.string().max(100).optional(),
        /** How many reporters the praise names (表扬). */
        praiseReporters: z.number().int().min(0).max(20).optional().default(3),
      })
      .strict()
      .optional(),
    highlights: z.array(
      z
        .object({
          label: z.string().min(1),
          filter: lineFilter,
          of: z.object({ label: z.string().min(1), filter: lineFilter }).strict().optional(),
        })
        .strict(),
    ),
  })
  .strict();

export type ReportTemplate = z.output<typeof reportTemplateSchema>;
export type HighlightFilter = z.output<typeof lineFilter>;

export const DEFAULT_TEMPLATE: ReportTemplate = reportTemplateSchema.parse(defaultTemplateJson);

export const DEFAULT_TEMPLATE_FILE = path.join(repoRoot(), 'libs', 'reporting', 'src', 'template', 'default-template.json');

/** Parses and checks a report template (YAML or JSON); throws a TemplateError naming the line. */
export function parseReportTemplate(text: string, source = 'report template'): ReportTemplate {
  return parseTemplateText(reportTemplateSchema, text, source);
}

/** Reads and validates a template file (YAML or JSON); throws naming the line and the path. */
export function loadTemplate(file: string): ReportTemplate {
  return parseReportTemplate(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''), `report template ${file}`);
}
