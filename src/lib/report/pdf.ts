// A report as a PDF (pdfkit) with a Chinese font embedded: PDF viewers have no CJK glyphs of their own, so the
// font (subset to the characters used) travels inside the file. The font is a TTC/OTF/TTF path; a collection
// (.ttc) needs the PostScript name of the face, e.g. NotoSansCJKsc-Regular. Without a usable font the writer
// fails with a clear message rather than producing boxes.
import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import type { TableReport } from './table-report.ts';

export interface CjkFont {
  path: string;
  /** PostScript name of the face inside a .ttc collection. */
  family?: string;
}

/** Where Debian's fonts-noto-cjk and similar packages put a Simplified Chinese face. */
export const CJK_FONT_CANDIDATES: readonly CjkFont[] = [
  { path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', family: 'NotoSansCJKsc-Regular' },
  { path: '/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc', family: 'NotoSansCJKsc-Regular' },
  { path: '/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc', family: 'NotoSerifCJKsc-Regular' },
  { path: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', family: 'WenQuanYiMicroHei' },
];

export class CjkFontMissingError extends Error {
  constructor(tried: string[]) {
    super(
      `no CJK font found (tried ${tried.join(', ')}); install fonts-noto-cjk or set CBRAIN_CJK_FONT to a .ttc/.otf/.ttf path ` +
        '(for a .ttc add #PostScriptName, e.g. /path/NotoSansCJK-Regular.ttc#NotoSansCJKsc-Regular)',
    );
  }
}

/** The configured font ("path" or "path#PostScriptName"), else the first candidate that exists. */
export function findCjkFont(configured?: string): CjkFont {
  if (configured) {
    const [path, family] = configured.split('#');
    if (!path || !existsSync(path)) throw new CjkFontMissingError([configured]);
    return { path, ...(family ? { family } : {}) };
  }
  const found = CJK_FONT_CANDIDATES.find((f) => existsSync(f.path));
  if (!found) throw new CjkFontMissingError(CJK_FONT_CANDIDATES.map((f) => f.path));
  return found;
}

function cell(v: string | number | null): string {
  if (v === null) return '—';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(3);
  return v;
}

export function reportToPdf(report: TableReport, font: CjkFont): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'A4',
      margin: 40,
      info: { Title: report.title, Creator: 'Community Brain' },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    try {
      doc.registerFont('cjk', font.path, font.family);
      doc.font('cjk');
    } catch (error) {
      reject(
        new Error(
          `cannot load the CJK font ${font.path}${font.family ? `#${font.family}` : ''}: ${(error as Error).message}`,
        ),
      );
      return;
    }
    doc.fontSize(16).text(report.title);
    doc.fontSize(9);
    for (const line of report.subtitle) doc.text(line);
    const width = doc.page.width - 80;
    for (const table of report.tables) {
      doc.moveDown().fontSize(12).text(table.title).fontSize(8);
      const colWidth = width / table.columns.length;
      const drawRow = (values: string[]) => {
        if (doc.y > doc.page.height - 60) doc.addPage();
        const y = doc.y;
        let height = 0;
        values.forEach((v, i) => {
          const h = doc.heightOfString(v, { width: colWidth - 4 });
          height = Math.max(height, h);
          doc.text(v, 40 + i * colWidth, y, { width: colWidth - 4 });
        });
        doc.x = 40;
        doc.y = y + height + 3;
      };
      drawRow(table.columns);
      for (const row of table.rows) drawRow(row.map(cell));
    }
    doc.end();
  });
}
