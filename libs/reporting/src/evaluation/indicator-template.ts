import Decimal from 'decimal.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { repoRoot } from '@pl/config';
import { TemplateIssue, parseTemplateText } from '../template/template-source';
import { RULE_KINDS } from './self-evaluation-view';

/**
 * The self-evaluation table's indicators (自评表), as data: three levels of
 * names, a weight (分值) each summing to 100, a target (指标值), where the
 * actual value comes from, and how it is scored. The default follows the
 * finance ministry's common framework for whole-department spending
 * evaluation (决策 / 过程 / 产出 / 效益); an organization or region may
 * store its own (YAML or JSON).
 */

/** Actual values the platform computes from its data. `manual`: an editor enters the value. */
export const ACTUAL_SOURCES = [
  'placements.central',
  'placements.provincial',
  'placements.municipal',
  'placements.district',
  'placements.total',
  'highlights',
  'budget.executionRate',
  'budget.adjustmentRate',
  'budget.carryoverRate',
  'budget.threePublicRate',
  'manual',
] as const;
export type ActualSource = (typeof ACTUAL_SOURCES)[number];

/** Targets taken from the year's profile (`targets`) instead of the template. */
export const TARGET_SOURCES = [
  'targets.central',
  'targets.provincial',
  'targets.municipal',
  'targets.district',
  'targets.total',
  'targets.highlights',
] as const;
export type TargetSource = (typeof TARGET_SOURCES)[number];

const score = z.number().min(0).max(100);

const band = z
  .object({ atLeast: z.number().optional(), atMost: z.number().optional(), score })
  .strict()
  .refine((b) => (b.atLeast === undefined) !== (b.atMost === undefined), 'a band has exactly one of atLeast or atMost');

const rule = z.discriminatedUnion(
  'kind',
  [
    /** Score = weight × actual ÷ target, at most the weight. */
    z.object({ kind: z.literal('ratio'), target: z.number().positive().optional(), targetFrom: z.enum(TARGET_SOURCES).optional() }).strict(),
    /** The first band the actual value falls in gives the score; none: 0. */
    z.object({ kind: z.literal('bands'), bands: z.array(band).min(1) }).strict(),
    /** 是 → the weight, 否 → 0. */
    z.object({ kind: z.literal('yesno') }).strict(),
    /** A reviewer enters the score (and the reason where it falls short). */
    z.object({ kind: z.literal('manual') }).strict(),
  ],
  { error: `rule.kind must be one of ${RULE_KINDS.join(', ')}` },
);

const indicator = z
  .object({
    /** Stable key of the indicator: manual entries refer to it. */
    id: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'must be lower-case letters, digits and hyphens, starting with a letter'),
    level1: z.string().min(1).max(50),
    level2: z.string().min(1).max(50),
    level3: z.string().min(1).max(100),
    weight: z.number().positive().max(100),
    /** 指标值 as printed; may be left out when the rule takes its target from the profile. */
    target: z.string().max(200).optional(),
    unit: z.string().max(10).optional(),
    actual: z.enum(ACTUAL_SOURCES).optional().default('manual'),
    rule,
  })
  .strict();

export const indicatorTemplateSchema = z
  .object({
    name: z.string().min(1).max(200),
    description: z.string().optional(),
    /** Grades by lower bound (inclusive), best first; the last one takes everything below. */
    grades: z
      .array(z.object({ grade: z.string().min(1).max(10), min: z.number().min(0).max(100) }).strict())
      .min(1)
      .optional()
      .default([
        { grade: '优', min: 90 },
        { grade: '良', min: 80 },
        { grade: '中', min: 60 },
        { grade: '差', min: 0 },
      ]),
    indicators: z.array(indicator).min(1).max(200),
  })
  .strict();

export type IndicatorTemplate = z.output<typeof indicatorTemplateSchema>;
export type Indicator = IndicatorTemplate['indicators'][number];
export type IndicatorRule = Indicator['rule'];

const hundredths = (n: number) => new Decimal(n).decimalPlaces() <= 2;

/** What the schema cannot say: weights sum to 100, ids are unique, scores fit their weight. */
function checkIndicators(t: IndicatorTemplate): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  const weights = t.indicators.map((i) => new Decimal(i.weight));
  const sum = weights.reduce((s, w) => s.plus(w), new Decimal(0));
  if (!sum.equals(100)) {
    issues.push({
      message: `the weights sum to ${sum.toString()}, not 100 (${t.indicators.map((i) => `${i.id} ${i.weight}`).join(' + ')})`,
      paths: t.indicators.map((_, i) => ['indicators', i, 'weight']),
    });
  }
  const seen = new Map<string, number>();
  t.indicators.forEach((ind, i) => {
    const at = (...rest: (string | number)[]) => ['indicators', i, ...rest];
    if (!hundredths(ind.weight)) issues.push({ message: `${ind.id}: the weight has more than two decimals`, paths: [at('weight')] });
    if (seen.has(ind.id)) issues.push({ message: `indicator id "${ind.id}" appears twice`, paths: [['indicators', seen.get(ind.id)!, 'id'], at('id')] });
    seen.set(ind.id, i);
    const r = ind.rule;
    if (r.kind === 'ratio' && (r.target === undefined) === (r.targetFrom === undefined)) {
      issues.push({ message: `${ind.id}: a ratio rule has exactly one of target or targetFrom`, paths: [at('rule')] });
    }
    if (r.kind !== 'ratio' && ind.target === undefined) {
      // A ratio's target text can be written from its number; other rules need the words.
      issues.push({ message: `${ind.id}: target (指标值) is required`, paths: [at()] });
    }
    if (r.kind === 'bands') {
      r.bands.forEach((b, j) => {
        if (b.score > ind.weight) issues.push({ message: `${ind.id}: band score ${b.score} is above the weight ${ind.weight}`, paths: [at('rule', 'bands', j, 'score')] });
        if (!hundredths(b.score)) issues.push({ message: `${ind.id}: band score has more than two decimals`, paths: [at('rule', 'bands', j, 'score')] });
      });
    }
    if (r.kind === 'manual' && ind.actual !== 'manual') {
      issues.push({ message: `${ind.id}: a manual rule takes its score from a reviewer; actual must be manual`, paths: [at('actual')] });
    }
    if (r.kind === 'yesno' && ind.actual !== 'manual') {
      issues.push({ message: `${ind.id}: a yes/no rule needs a manual actual value (是/否)`, paths: [at('actual')] });
    }
  });
  const grades = t.grades;
  grades.forEach((g, i) => {
    if (i > 0 && g.min >= grades[i - 1]!.min) issues.push({ message: 'grades go from the best (highest min) down', paths: [['grades', i, 'min']] });
  });
  if (grades[grades.length - 1]!.min !== 0) issues.push({ message: 'the last grade starts at 0', paths: [['grades', grades.length - 1, 'min']] });
  return issues;
}

/** Parses and checks an indicator template (YAML or JSON); throws a TemplateError naming the lines. */
export function parseIndicatorTemplate(text: string, source = 'indicator template'): IndicatorTemplate {
  return parseTemplateText(indicatorTemplateSchema, text, source, checkIndicators);
}

export const DEFAULT_INDICATORS_FILE = path.join(repoRoot(), 'libs', 'reporting', 'src', 'template', 'default-indicators.yaml');

let defaultIndicators: IndicatorTemplate | undefined;

/** The shipped default (read once). */
export function defaultIndicatorTemplate(): IndicatorTemplate {
  defaultIndicators ??= parseIndicatorTemplate(readFileSync(DEFAULT_INDICATORS_FILE, 'utf8'), DEFAULT_INDICATORS_FILE);
  return defaultIndicators;
}
