import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { CjkFontMissingError, findCjkFont, reportToPdf } from './pdf.ts';
import { pdfStreams } from './pdf-streams.testing.ts';
import type { TableReport } from './table-report.ts';
import { reportToXlsx } from './xlsx.ts';

const REPORT: TableReport = {
  title: '社区服务效率评价',
  subtitle: ['范围：云溪区', '年度：2026'],
  tables: [
    {
      title: 'DEA 效率',
      columns: ['社区', '效率', '备注'],
      rows: [
        ['幸福社区', 1, '=HYPERLINK("http://x")'],
        ['和平社区', 0.8125, '+1 电话'],
        ['-2 组', null, '@SUM(A1)'],
      ],
    },
  ],
};

describe('XLSX report', () => {
  it('writes one sheet per table and escapes cells that would run as formulas', async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await reportToXlsx(REPORT)) as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('DEA 效率')!;
    expect(sheet.getCell('A1').value).toBe('社区服务效率评价');
    const values = sheet
      .getSheetValues()
      .flat()
      .filter((v) => v !== undefined && v !== null);
    expect(values).toContain('\'=HYPERLINK("http://x")');
    expect(values).toContain("'+1 电话");
    expect(values).toContain("'-2 组");
    expect(values).toContain("'@SUM(A1)");
    expect(values).toContain(0.8125);
    // No cell became a formula.
    sheet.eachRow((row) => row.eachCell((c) => expect(c.type).not.toBe(ExcelJS.ValueType.Formula)));
  });
});

describe('PDF report', () => {
  it('embeds the CJK font and carries the Chinese text (ToUnicode map)', async () => {
    const pdf = await reportToPdf(REPORT, findCjkFont());
    const text = pdf.toString('latin1');
    expect(text.startsWith('%PDF-')).toBe(true);
    expect(text.trimEnd().endsWith('%%EOF')).toBe(true);
    expect(text).toMatch(/\/FontFile[23]? \d+ 0 R/);
    expect(text).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansCJKsc-Regular/);
    const cmap = pdfStreams(pdf).find((s) => s.includes('begincmap'));
    expect(cmap).toBeDefined();
    // 社 U+793E, 区 U+533A, 效 U+6548, 率 U+7387 appear as Unicode targets of the glyphs used.
    for (const code of ['793e', '533a', '6548', '7387']) expect(cmap!.toLowerCase()).toContain(`<${code}>`);
  }, 60_000);

  it('fails with a clear message when the configured font does not exist', () => {
    expect(() => findCjkFont('/nonexistent/font.ttc#X')).toThrow(CjkFontMissingError);
    expect(() => findCjkFont('/nonexistent/font.ttc#X')).toThrow(
      /install fonts-noto-cjk or set CBRAIN_CJK_FONT/,
    );
  });
});
