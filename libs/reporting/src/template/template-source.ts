import { LineCounter, isNode, parseDocument } from 'yaml';
import type { z } from 'zod';
import { DomainError, type FieldError } from '@pl/domain';
import { inputErrorMap } from '../input-errors';

/**
 * Templates (report, indicators, points) are written as YAML or JSON (JSON is
 * YAML too). Their errors name the line, so that the person editing the file
 * finds the place: `line 12 (indicators.3.weight): must be at most 100`.
 */

export class TemplateError extends DomainError<'TEMPLATE_INVALID'> {
  constructor(
    readonly source: string,
    errors: FieldError[],
  ) {
    const detail = errors.map((e) => e.message);
    super('TEMPLATE_INVALID', 'invalid', `invalid ${source}: ${detail.join('; ')}`, errors, `模板 ${source} 有误：${detail.join('；')}`);
  }
}

/** What a template's own checks (beyond the schema) report: a message and the paths it is about. */
export interface TemplateIssue {
  message: string;
  paths: (string | number)[][];
}

export type TemplateCheck<T> = (value: T) => TemplateIssue[];

/**
 * Parses YAML or JSON text and validates it with `schema`, then with
 * `check`. Throws a {@link TemplateError} whose messages start with the
 * line (or lines) concerned.
 */
export function parseTemplateText<S extends z.ZodType>(
  schema: S,
  text: string,
  source: string,
  check?: TemplateCheck<z.output<S>>,
): z.output<S> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const line = lineCounter.linePos(e.pos[0]).line;
    throw new TemplateError(source, [{ field: 'template', message: `line ${line}: ${e.message.split('\n')[0]}` }]);
  }
  const lineOf = (path: (string | number)[]): number | null => {
    for (let p = path; ; p = p.slice(0, -1)) {
      const node = p.length === 0 ? doc.contents : doc.getIn(p, true);
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
      if (p.length === 0) return null;
    }
  };
  const located = (path: (string | number)[], message: string): FieldError => {
    const field = path.map(String).join('.') || 'template';
    const line = lineOf(path);
    return { field, message: `${line ? `line ${line} ` : ''}(${field}): ${message}` };
  };
  const r = schema.safeParse(doc.toJS({ maxAliasCount: 100 }), { error: inputErrorMap });
  if (!r.success) {
    throw new TemplateError(
      source,
      r.error.issues.flatMap((issue) =>
        issue.code === 'unrecognized_keys'
          ? issue.keys.map((k) => located([...issue.path.map((s) => s as string | number), k], 'unknown field'))
          : [located(issue.path.map((s) => s as string | number), issue.message)],
      ),
    );
  }
  const issues = check?.(r.data) ?? [];
  if (issues.length > 0) {
    throw new TemplateError(
      source,
      issues.map((issue) => {
        const lines = issue.paths.map(lineOf).filter((l): l is number => l !== null);
        const field = issue.paths[0]?.map(String).join('.') ?? 'template';
        return { field, message: `${lines.length ? `line${lines.length > 1 ? 's' : ''} ${lines.join(', ')}: ` : ''}${issue.message}` };
      }),
    );
  }
  return r.data;
}
