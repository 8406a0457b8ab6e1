// Every problem of a command's input, collected before anything is computed or printed, so that one run lists all
// the bad rows of the files (file, line, column, the reason in Chinese and English) instead of stopping at the
// first. A command collects while it reads its columns, adds what the engine's own check finds, then throws once.
import { CliError, EXIT } from '../exit-codes.ts';

export interface InputProblem {
  /** The file, or the command-line option (`--p`) for a problem with the options. */
  where: string;
  /** 0-based data row of the file (line index + 2), when the problem concerns one. */
  index?: number;
  column?: string;
  zh: string;
  en: string;
  /** For a duplicate id: the 0-based data row that used it first. */
  duplicateOf?: number;
  /** About the command line rather than a file: alone, such problems exit as a usage error. */
  option?: boolean;
}

/** File line of 0-based data row `index` (the header is line 1). */
export function lineOf(index: number): number {
  return index + 2;
}

function render(p: InputProblem): string {
  const where = `${p.where}${p.index !== undefined ? `:${lineOf(p.index)}` : ''}${p.column ? ` [${p.column}]` : ''}`;
  const first = p.duplicateOf !== undefined ? lineOf(p.duplicateOf) : undefined;
  const zh = first !== undefined ? `${p.zh}（首次出现在第 ${first} 行）` : p.zh;
  const en = first !== undefined ? `${p.en} (first on line ${first})` : p.en;
  return `${where}: ${zh} / ${en}`;
}

const cellKey = (where: string, index: number | undefined, column: string | undefined) =>
  `${where}\u0001${index ?? ''}\u0001${column ?? ''}`;

export class InputProblems {
  private readonly list: InputProblem[] = [];
  private readonly cells = new Set<string>();
  /** Rows reported as a whole (a wrong number of fields): their cells are not read, so not reported again. */
  private readonly rows = new Set<string>();

  add(p: InputProblem): void {
    this.list.push(p);
    this.cells.add(cellKey(p.where, p.index, p.column));
  }

  addRow(where: string, index: number, zh: string, en: string): void {
    this.add({ where, index, zh, en });
    this.rows.add(cellKey(where, index, undefined));
  }

  /** Whether the row was reported as a whole. */
  rowIsBad(where: string, index: number): boolean {
    return this.rows.has(cellKey(where, index, undefined));
  }

  /**
   * Adds a problem the engine found, unless reading the file already reported that cell or row: a cell that did
   * not parse reaches the engine as NaN, and its check would only say so again.
   */
  addFromEngine(p: InputProblem): void {
    if (p.index !== undefined && this.rowIsBad(p.where, p.index)) return;
    if (p.column !== undefined && this.cells.has(cellKey(p.where, p.index, p.column))) return;
    this.add(p);
  }

  get size(): number {
    return this.list.length;
  }

  /**
   * Throws one CliError listing every problem, by file and line: exit 2 when all are about the command line,
   * else 1. Nothing has been printed to stdout by then.
   */
  throwIfAny(): void {
    if (this.list.length === 0) return;
    const order = new Map<string, number>();
    for (const p of this.list) if (!order.has(p.where)) order.set(p.where, order.size);
    const sorted = [...this.list].sort(
      (a, b) => order.get(a.where)! - order.get(b.where)! || (a.index ?? -1) - (b.index ?? -1),
    );
    const n = sorted.length;
    const head =
      n === 1
        ? ''
        : `输入有 ${n} 处问题，未输出任何结果 / ${n} problems in the input; nothing was computed\n`;
    throw new CliError(
      `${head}${sorted.map(render).join('\n')}`,
      sorted.every((p) => p.option) ? EXIT.USAGE : EXIT.FAILURE,
    );
  }
}
