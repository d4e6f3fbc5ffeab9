import { renderChartPng } from './charts';
import { renderDocx } from './docx';
import type { Block, ReportDocument } from '../document/report-document';
const bar = { kind: 'bar' as const, title: '2021年各级媒体刊发数量', categories: ['中央级', '省级', '市级', '区级'], series: [{ name: '篇数', values: [12, 45, 130, 7] }], unit: '篇' };
const line = { kind: 'line' as const, title: '2021年逐月刊发数量', categories: Array.from({length:12},(_,i)=>`${i+1}月`), series: [{ name: '2021年', values: [10,20,30,25,40,33,21,50,44,39,27,31] }, { name: '2020年', values: [8,15,22,25,30,31,18,40,34,29,20,21] }], unit: '篇' };
const pie = { kind: 'pie' as const, title: '基本支出构成', categories: ['人员经费', '公用经费', '资本性支出'], series: [{ name: '金额', values: [37.38, 26.69, 27.51] }], unit: '万元' };
const blocks: Block[] = [];
for (let s = 1; s <= 5; s++) { blocks.push({ type: 'heading', level: 1, text: `${s}、部分` });
  for (let p = 0; p < 6; p++) blocks.push({ type: 'paragraph', text: `第${s}部分第${p + 1}段：全年在中央、省、市级媒体刊发稿件共394篇，其中人民日报及公众号3篇，湖南日报要闻12篇，较上年同期增长12.50%。` });
  blocks.push({ type: 'table', caption: `表${s}`, columns: ['月份', '中央级', '省级', '市级', '合计'], rows: Array.from({ length: 12 }, (_, m) => [`${m + 1}月`, m, m * 2, m * 3, m * 6]) }); }
const mk = (b: Block[]): ReportDocument => ({ title: 't', fileBaseName: 'x', blocks: b, sheets: [], data: {} });
const ms = (t: bigint) => (Number(process.hrtime.bigint() - t) / 1e6).toFixed(1);
it('profiles', async () => {
  for (let k = 0; k < 4; k++) {
    let t = process.hrtime.bigint(); await renderDocx(mk(blocks)); const a = ms(t);
    t = process.hrtime.bigint(); await Promise.all([bar, line, pie].map((s) => renderChartPng(s))); const b = ms(t);
    console.log('nocharts', a, 'charts', b);
  }
});
