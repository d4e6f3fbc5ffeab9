import type { Block, ReportDocument, Sheet, TableBlock } from '../document/report-document';
import { NOT_EVALUATED, SelfEvaluation } from './self-evaluation';
import { weightText } from './self-evaluation.service';

/** The 自评表 columns, as the finance bureau's form has them. */
export const SELF_EVALUATION_COLUMNS = ['一级指标', '二级指标', '三级指标', '分值', '指标值', '实际完成值', '得分', '偏差原因'];

/** 合计 and grade as a sentence: 自评得分92.50分，等级为“优”。 or why there is no grade yet. */
export function totalSentence(ev: SelfEvaluation): string {
  if (ev.complete) return `自评得分${ev.total}分，评价等级为“${ev.grade ?? NOT_EVALUATED}”。`;
  return `已评指标合计得分${ev.total}分；尚有${ev.unscored}项指标未评，自评结果不完整，暂不评定等级。`;
}

/** The table with one row per indicator and a 合计 row. */
export function selfEvaluationTable(ev: SelfEvaluation, caption: string): TableBlock {
  const weightSum = ev.indicators.reduce((s, i) => s + i.weight, 0);
  return {
    type: 'table',
    caption,
    landscape: true,
    columns: SELF_EVALUATION_COLUMNS,
    rows: [
      ...ev.indicators.map((i) => [
        i.level1,
        i.level2,
        i.level3,
        weightText(i.weight),
        i.target,
        i.actual ?? NOT_EVALUATED,
        i.score ?? NOT_EVALUATED,
        i.deviation ?? '',
      ]),
      ['合计', '', '', weightText(weightSum), '', '', ev.complete ? ev.total : `${ev.total}（不完整）`, ev.complete ? `等级：${ev.grade}` : `${ev.unscored}项未评，不评定等级`],
    ],
    totalRows: 1,
  };
}

/**
 * 目标完成情况: each indicator measured from the data, with its target and
 * score, in the table's order and with the table's figures.
 */
export function goalCompletionText(ev: SelfEvaluation): string {
  const measured = ev.indicators.filter((i) => i.source === 'data');
  const parts = measured.map((i) => {
    if (i.score === null) return `${i.level3}未评（${i.deviation ?? '数据不全'}）`;
    const target = i.target ? `，指标值${i.target}` : '';
    return `${i.level3}${i.actual}${target}，得${i.score}分`;
  });
  return `目标完成情况：${parts.length ? `${parts.join('；')}。` : ''}${totalSentence(ev)}`;
}

/** The blocks the annual report adds under 六: the narrative and the table. */
export function selfEvaluationBlocks(ev: SelfEvaluation, year: number, heading: string): Block[] {
  return [
    { type: 'heading', level: 2, text: heading },
    { type: 'paragraph', text: goalCompletionText(ev) },
    selfEvaluationTable(ev, `${year}年度部门整体支出绩效自评表`),
  ];
}

/** The 自评表 as an Excel sheet of its own. */
export function selfEvaluationSheet(ev: SelfEvaluation, year: number): Sheet {
  const table = selfEvaluationTable(ev, '');
  // 分值 and the scores given are numbers in Excel; 未评 stays text.
  const rows = table.rows.map((r) => r.map((c, i) => (i === 3 || (i === 6 && /^\d+(\.\d+)?$/.test(String(c))) ? Number(c) : c)));
  return {
    name: '绩效自评表',
    title: `${year}年度部门整体支出绩效自评表`,
    unit: '分',
    columns: [
      { header: '一级指标', width: 10 },
      { header: '二级指标', width: 14 },
      { header: '三级指标', width: 22 },
      { header: '分值', width: 8, kind: 'decimal' },
      { header: '指标值', width: 30 },
      { header: '实际完成值', width: 14 },
      { header: '得分', width: 14 },
      { header: '偏差原因', width: 32 },
    ],
    rows: rows.slice(0, -1),
    totals: rows.slice(-1),
  };
}

/** The 自评表 on its own: the narrative, the table (landscape in Word), a 落款; its own Excel sheet. */
export function selfEvaluationDocument(
  org: { slug: string; name: string },
  year: number,
  asOf: string,
  ev: SelfEvaluation,
  dateText: (iso: string) => string,
): ReportDocument {
  return {
    title: `${year}年${org.name}部门整体支出绩效自评表`,
    subtitle: `数据截至${dateText(asOf)}`,
    fileBaseName: `${org.slug}-self-evaluation-${year}`,
    blocks: [
      { type: 'paragraph', text: goalCompletionText(ev) },
      selfEvaluationTable(ev, `${year}年度部门整体支出绩效自评表`),
      { type: 'signature', lines: [org.name, dateText(asOf)] },
    ],
    sheets: [selfEvaluationSheet(ev, year)],
    data: { organization: { slug: org.slug, name: org.name }, year, asOf, selfEvaluation: ev },
  };
}
