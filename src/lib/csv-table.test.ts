import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CsvError, columnIndex, escapeFormula, numericColumn, readCsvTable } from './csv-table.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'csv-'));
function file(name: string, text: string) {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('readCsvTable', () => {
  it('reads a header and rows, dropping a UTF-8 BOM', async () => {
    const t = await readCsvTable(file('a.csv', '\uFEFFid,x\n1,2.5\n2,"3"\n'));
    expect(t.header).toEqual(['id', 'x']);
    expect(t.rows).toEqual([
      ['1', '2.5'],
      ['2', '3'],
    ]);
    expect(Array.from(numericColumn(t, 'x'))).toEqual([2.5, 3]);
  });

  it('names the line and column of a non-numeric cell', async () => {
    const t = await readCsvTable(file('b.csv', 'id,x\n1,2\n2,abc\n'));
    expect(() => numericColumn(t, 'x')).toThrow(/b\.csv:3 \[x\]: "abc" is not a number/);
  });

  it('rejects a negative value where a minimum is set', async () => {
    const t = await readCsvTable(file('neg.csv', 'id,x\n1,-2\n'));
    expect(() => numericColumn(t, 'x', { min: 0 })).toThrow(/below the minimum 0/);
  });

  it('lists the columns there are when a named column is missing', async () => {
    const t = await readCsvTable(file('c.csv', 'id,x\n1,2\n'));
    expect(() => columnIndex(t, 'y')).toThrow(/no column "y"; columns are: id, x/);
  });

  it('reports a ragged row, an empty file and a missing file as CsvError', async () => {
    await expect(readCsvTable(file('d.csv', 'id,x\n1,2,3\n'))).rejects.toBeInstanceOf(CsvError);
    await expect(readCsvTable(file('e.csv', ''))).rejects.toThrow(/empty/);
    await expect(readCsvTable(path.join(dir, 'missing.csv'))).rejects.toThrow(/file not found/);
  });

  it('rejects duplicate header names', async () => {
    await expect(readCsvTable(file('f.csv', 'id,id\n1,2\n'))).rejects.toThrow(/twice/);
  });
});

describe('escapeFormula', () => {
  it('prefixes cells that a spreadsheet would run as formulas', () => {
    expect(escapeFormula('=HYPERLINK("x")')).toBe(`'=HYPERLINK("x")`);
    expect(escapeFormula('-1+2')).toBe(`'-1+2`);
    expect(escapeFormula('@SUM(A1)')).toBe(`'@SUM(A1)`);
    expect(escapeFormula('张三')).toBe('张三');
    expect(escapeFormula('\t=1')).toBe(`'\t=1`);
  });

  it('leaves plain signed numbers as they are, so exported ids equal the ids that came in', () => {
    expect(escapeFormula('-2')).toBe('-2');
    expect(escapeFormula('+3.5')).toBe('+3.5');
    expect(escapeFormula('-2-3')).toBe(`'-2-3`);
    expect(escapeFormula('-1e5')).toBe(`'-1e5`);
    expect(escapeFormula('+86 138')).toBe(`'+86 138`);
  });
});
