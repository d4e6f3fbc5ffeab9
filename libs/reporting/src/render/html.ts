import type { Block, ChartSpec, ReportDocument, TableBlock } from '../document/report-document';
import { renderChartSvg } from './charts';
import { formatCell, itemsCarryMarkers, splitLines } from './text';

/**
 * One self-contained HTML5 file: inline CSS, charts as inline SVG, no
 * scripts and no external resources (a Content-Security-Policy says so to the
 * browser as well). All text is escaped here; chart text is escaped by ECharts
 * when it writes the SVG.
 */

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function textWithBreaks(text: string): string {
  return splitLines(text).map(escapeHtml).join('<br>');
}

const CSS = `
*{box-sizing:border-box}
html{background:#f4f4f1}
body{margin:0;color:#1f1f1f;font-family:"PingFang SC","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Zen Hei",sans-serif;font-size:16px;line-height:1.8}
main{max-width:860px;margin:24px auto;padding:48px 56px;background:#fff;box-shadow:0 1px 3px rgba(0,0,0,.12)}
h1{font-family:"FZXiaoBiaoSong-B05S","方正小标宋简体","STZhongsong","华文中宋","Songti SC","SimSun",serif;font-size:28px;font-weight:bold;line-height:1.4;text-align:center;margin:0 0 12px}
.doc-number{text-align:center;text-indent:0;margin:0 0 24px}
.subtitle{text-align:center;color:#555;margin:0 0 32px;text-indent:0}
h2{font-family:"SimHei","黑体","Heiti SC","Noto Sans CJK SC",sans-serif;font-size:20px;margin:32px 0 8px}
h3{font-family:"KaiTi","楷体","STKaiti","Kaiti SC",serif;font-size:18px;margin:24px 0 8px}
h4{font-size:16px;margin:16px 0 4px}
p{margin:0 0 8px;text-indent:2em}
ol,ul{margin:0 0 12px;padding-left:2em}
ul.marked{list-style:none;padding-left:2em}
figure{margin:20px 0;text-align:center}
figure svg{max-width:100%;height:auto}
.table-wrap{overflow-x:auto;margin:12px 0 20px}
table{border-collapse:collapse;width:100%;font-size:14px;line-height:1.5;font-variant-numeric:tabular-nums}
caption{caption-side:top;font-weight:bold;padding:0 0 6px;text-align:center}
th,td{border:1px solid #9a9a9a;padding:4px 8px;vertical-align:top}
th{background:#eef0f3;font-weight:bold;text-align:center}
td.num{text-align:right;white-space:nowrap}
tbody tr:nth-child(even) td{background:#fafafa}
td.empty{color:#777;text-align:center}
tr.total td{font-weight:bold;border-top:2px solid #555}
p.signature{text-indent:0;text-align:right;margin:48px 4em 0 0;line-height:2}
@page{size:A4;margin:37mm 26mm 35mm 28mm}
@media print{
html{background:#fff}
main{max-width:none;margin:0;padding:0;box-shadow:none}
h2,h3,h4,caption{break-after:avoid;page-break-after:avoid}
figure,tr{break-inside:avoid;page-break-inside:avoid}
thead{display:table-header-group}
tbody tr:nth-child(even) td{background:none}
}
`;

/** Content-Security-Policy for the file: inline styles and data: images only, nothing fetched, nothing run. */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:";

function table(b: TableBlock): string {
  const numeric = b.columns.map((_, i) => b.rows.length > 0 && b.rows.every((row) => typeof row[i] === 'number'));
  const head = `<thead><tr>${b.columns.map((c) => `<th scope="col">${textWithBreaks(c)}</th>`).join('')}</tr></thead>`;
  const rows =
    b.rows.length === 0
      ? `<tr><td class="empty" colspan="${Math.max(1, b.columns.length)}">（无数据）</td></tr>`
      : b.rows
          .map(
            (row, r) =>
              `<tr${r >= b.rows.length - (b.totalRows ?? 0) ? ' class="total"' : ''}>${b.columns
                .map((_, i) => `<td${numeric[i] ? ' class="num"' : ''}>${textWithBreaks(formatCell(row[i]))}</td>`)
                .join('')}</tr>`,
          )
          .join('\n');
  const caption = b.caption ? `<caption>${textWithBreaks(b.caption)}</caption>` : '';
  return `<div class="table-wrap"><table>${caption}${head}<tbody>\n${rows}\n</tbody></table></div>`;
}

/**
 * Makes ECharts' SVG fit for inlining: drops the XML namespaces an HTML parser
 * does not need (no http references left in the file), the renderer's
 * bookkeeping attributes and its hover-only stylesheet, and makes it scale.
 */
export function inlineSvg(svg: string, spec: ChartSpec): string {
  const label = escapeHtml(spec.title);
  return svg
    .replace(/\s+xmlns(:xlink)?="[^"]*"/g, '')
    .replace(/\s+ecmeta_[a-z_]+="[^"]*"/g, '')
    .replace(/<style\b[^>]*>[\s\S]*?<\/style>/g, '')
    .replace(/^<svg\b/, `<svg role="img" aria-label="${label}" preserveAspectRatio="xMidYMid meet"`)
    .trim();
}

function chart(spec: ChartSpec): string {
  return `<figure class="chart">${inlineSvg(renderChartSvg(spec), spec)}</figure>`;
}

function block(b: Block): string {
  switch (b.type) {
    case 'heading':
      return `<h${b.level + 1}>${textWithBreaks(b.text)}</h${b.level + 1}>`;
    case 'paragraph':
      return `<p>${textWithBreaks(b.text)}</p>`;
    case 'list': {
      if (b.items.length === 0) return '';
      const items = b.items.map((item) => `<li>${textWithBreaks(item)}</li>`).join('');
      return itemsCarryMarkers(b) ? `<ul class="marked">${items}</ul>` : `<ol>${items}</ol>`;
    }
    case 'table':
      return table(b);
    case 'chart':
      return chart(b.chart);
    case 'signature':
      return `<p class="signature">${b.lines.map(escapeHtml).join('<br>')}</p>`;
  }
}

export function renderHtml(doc: ReportDocument): string {
  const body = doc.blocks.map(block).filter(Boolean).join('\n');
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(doc.title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<header>
${doc.docNumber ? `<p class="doc-number">${textWithBreaks(doc.docNumber)}</p>` : ''}
<h1>${textWithBreaks(doc.title)}</h1>
${doc.subtitle ? `<p class="subtitle">${textWithBreaks(doc.subtitle)}</p>` : ''}
</header>
${body}
</main>
</body>
</html>
`;
}
