import Decimal from 'decimal.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { repoRoot } from '@pl/config';
import { PROMINENCES, Prominence, TIERS, Tier } from '@pl/domain';
import { TemplateIssue, parseTemplateText } from '../template/template-source';

/**
 * The points table (积分): what a placement is worth by its channel's tier
 * and its prominence, as a city or county propaganda department scores
 * them, and how authors share it. Data (YAML or JSON), one per region, with
 * a default shipped.
 */

const points = z.number().min(0).max(10_000);
const tierPoints = z.object(Object.fromEntries(PROMINENCES.map((p) => [p, points])) as Record<Prominence, typeof points>).strict();

export const pointsTableSchema = z
  .object({
    name: z.string().min(1).max(200),
    description: z.string().optional(),
    points: z.object(Object.fromEntries(TIERS.map((t) => [t, tierPoints])) as Record<Tier, typeof tierPoints>).strict(),
    authorCredit: z.enum(['full', 'split']).optional().default('full'),
  })
  .strict();

export type PointsTable = z.output<typeof pointsTableSchema>;

function checkPoints(t: PointsTable): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  for (const tier of TIERS) {
    for (const p of PROMINENCES) {
      if (new Decimal(t.points[tier][p]).decimalPlaces() > 2) issues.push({ message: `points.${tier}.${p} has more than two decimals`, paths: [['points', tier, p]] });
    }
  }
  return issues;
}

/** Parses and checks a points table (YAML or JSON); throws a TemplateError naming the line. */
export function parsePointsTable(text: string, source = 'points table'): PointsTable {
  return parseTemplateText(pointsTableSchema, text, source, checkPoints);
}

export const DEFAULT_POINTS_FILE = path.join(repoRoot(), 'libs', 'reporting', 'src', 'template', 'default-points.yaml');

let defaultPoints: PointsTable | undefined;

/** The shipped default (read once). */
export function defaultPointsTable(): PointsTable {
  defaultPoints ??= parsePointsTable(readFileSync(DEFAULT_POINTS_FILE, 'utf8'), DEFAULT_POINTS_FILE);
  return defaultPoints;
}

/** Points of one placement in hundredths (exact integers, so sums never drift). */
export function pointsHundredths(table: PointsTable, tier: Tier, prominence: Prominence): number {
  return new Decimal(table.points[tier][prominence]).times(100).toNumber();
}
