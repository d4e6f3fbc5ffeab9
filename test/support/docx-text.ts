import JSZip from 'jszip';

/** The paragraphs of a .docx as plain text (a .docx is a zip of XML). */
export async function docxParagraphs(file: Buffer): Promise<string[]> {
  const zip = await JSZip.loadAsync(file);
  const xml = await zip.file('word/document.xml')!.async('string');
  const unescape = (s: string) =>
    s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
  return [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)]
    .map((p) => [...p[0].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((t) => unescape(t[1])).join(''))
    .filter((t) => t.length > 0);
}
