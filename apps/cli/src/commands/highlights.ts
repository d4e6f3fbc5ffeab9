import { readFileSync } from 'node:fs';
import { Genre, Prominence } from '../../../../libs/domain/src';
import { PlacementFilter, PlacementQueries } from '../../../../libs/ledger/src';
import { Organization, Outlet } from '../../../../libs/persistence/src';
import { DataSource } from 'typeorm';

interface LineFilter {
  channel?: string;
  outlet?: string;
  section?: string;
  prominence?: Prominence;
  genre?: Genre;
}

interface HighlightSpec {
  from: string;
  to: string;
  lines: { label: string; filter: LineFilter; of?: { label: string; filter: LineFilter } }[];
}

export interface HighlightLine {
  label: string;
  count: number;
  of?: { label: string; count: number };
}

/** Counts each highlight line of a spec file (e.g. the seed's 2021 lines) from the ledger. */
export async function countHighlights(
  dataSource: DataSource,
  queries: PlacementQueries,
  org: Organization,
  specFile: string,
): Promise<{ from: string; to: string; lines: HighlightLine[] }> {
  const spec = JSON.parse(readFileSync(specFile, 'utf8')) as HighlightSpec;
  const outlets = await dataSource.getRepository(Outlet).find();
  const toFilter = (f: LineFilter): PlacementFilter => {
    const outletId = f.outlet === undefined ? undefined : outlets.find((o) => o.name === f.outlet)?.id;
    if (f.outlet !== undefined && outletId === undefined) throw new Error(`unknown outlet "${f.outlet}" in ${specFile}`);
    return { from: spec.from, to: spec.to, channel: f.channel, outletId, section: f.section, prominence: f.prominence, genre: f.genre };
  };
  const lines: HighlightLine[] = [];
  for (const line of spec.lines) {
    const base = toFilter(line.filter);
    const { total } = await queries.summary(org, base, 'year');
    const out: HighlightLine = { label: line.label, count: total };
    if (line.of) {
      const sub = await queries.summary(org, { ...base, ...stripUndefined(toFilter(line.of.filter)) }, 'year');
      out.of = { label: line.of.label, count: sub.total };
    }
    lines.push(out);
  }
  return { from: spec.from, to: spec.to, lines };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
