// The data a DEA run takes, and the checks it must pass before any linear program is built. Errors name the
// unit (by its position and id) and the column, so the command line can point at the file row.

export interface DeaData {
  /** One id per decision-making unit (DMU). */
  ids: string[];
  inputNames: string[];
  outputNames: string[];
  /** inputs[i][j] is input i of unit j; one array per input column. */
  inputs: Float64Array[];
  /** outputs[r][j] is output r of unit j; one array per output column. */
  outputs: Float64Array[];
}

export interface DeaProblem {
  /** 0-based position of the unit, when the problem concerns one. */
  unit?: number;
  column?: string;
  message: string;
  /** The same in Chinese, for the console and the command line. */
  messageZh: string;
  /** For a duplicate id: the 0-based position of the unit that used it first. */
  duplicateOf?: number;
}

/** Data a DEA model cannot be run on; `problems` lists every problem found (up to a limit). */
export class DeaDataError extends Error {
  constructor(readonly problems: DeaProblem[]) {
    super(
      problems
        .map(
          (p) =>
            `${p.unit !== undefined ? `unit #${p.unit + 1} ` : ''}${p.column ? `[${p.column}] ` : ''}${p.message}` +
            (p.duplicateOf !== undefined ? ` (first used by unit #${p.duplicateOf + 1})` : ''),
        )
        .join('; '),
    );
  }
}

const MAX_PROBLEMS = 20;

/**
 * Checks DEA data and returns warnings; throws DeaDataError for data the model cannot use:
 * missing or duplicate ids, a column named twice, a value that is not a finite number or is negative,
 * a unit whose inputs are all zero or whose outputs are all zero.
 *
 * Zeros: a zero in some inputs or some outputs is allowed (the unit can then only be compared with units that
 * also use none of that input). A unit with every input zero would make any output free, and one with every
 * output zero has no radial score (θ = 0, or φ unbounded), so both are rejected.
 */
export function validateDeaData(data: DeaData, maxProblems = MAX_PROBLEMS): string[] {
  const problems: DeaProblem[] = [];
  const add = (p: DeaProblem) => {
    if (problems.length < maxProblems) problems.push(p);
  };
  const n = data.ids.length;
  const m = data.inputs.length;
  const s = data.outputs.length;
  if (m === 0) add({ message: 'at least one input column is needed', messageZh: '至少需要一个投入列' });
  if (s === 0) add({ message: 'at least one output column is needed', messageZh: '至少需要一个产出列' });
  if (n === 0) add({ message: 'there are no units', messageZh: '没有评价单元' });
  if (data.inputNames.length !== m || data.outputNames.length !== s) {
    add({
      message: 'the number of column names does not match the number of columns',
      messageZh: '列名个数与列数不一致',
    });
  }
  const names = new Set<string>();
  for (const name of [...data.inputNames, ...data.outputNames]) {
    if (names.has(name))
      add({
        column: name,
        message: 'column is named twice (a column is either an input or an output)',
        messageZh: '该列出现两次（一列只能是投入或产出之一）',
      });
    names.add(name);
  }
  for (const column of [...data.inputs, ...data.outputs]) {
    if (column.length !== n)
      add({
        message: 'every column must have one value per unit',
        messageZh: '每一列须为每个单元给出一个值',
      });
  }
  if (problems.length > 0) throw new DeaDataError(problems);

  const firstRowOf = new Map<string, number>();
  data.ids.forEach((id, j) => {
    if (id.trim() === '') add({ unit: j, message: 'the unit id is empty', messageZh: '单元编号为空' });
    const first = firstRowOf.get(id);
    if (first !== undefined)
      add({ unit: j, message: `duplicate id "${id}"`, messageZh: `编号 "${id}" 重复`, duplicateOf: first });
    else firstRowOf.set(id, j);
  });
  const checkValues = (columns: Float64Array[], columnNames: string[]) => {
    columns.forEach((column, c) => {
      for (let j = 0; j < n; j++) {
        const v = column[j]!;
        if (!Number.isFinite(v))
          add({
            unit: j,
            column: columnNames[c],
            message: `${v} is not a finite number`,
            messageZh: `${v} 不是有限数`,
          });
        else if (v < 0)
          add({
            unit: j,
            column: columnNames[c],
            message: `${v} is negative; DEA needs values ≥ 0`,
            messageZh: `${v} 为负数；DEA 需要 ≥ 0 的值`,
          });
      }
    });
  };
  checkValues(data.inputs, data.inputNames);
  checkValues(data.outputs, data.outputNames);
  for (let j = 0; j < n; j++) {
    if (m > 0 && data.inputs.every((col) => col[j] === 0)) {
      add({
        unit: j,
        message: `unit "${data.ids[j]}" has every input zero; DEA cannot rate a unit that uses nothing`,
        messageZh: `单元 "${data.ids[j]}" 的投入全为零；DEA 无法评价不消耗任何投入的单元`,
      });
    }
    if (s > 0 && data.outputs.every((col) => col[j] === 0)) {
      add({
        unit: j,
        message: `unit "${data.ids[j]}" has every output zero; its radial score is undefined`,
        messageZh: `单元 "${data.ids[j]}" 的产出全为零；其径向效率无定义`,
      });
    }
  }
  if (problems.length > 0) throw new DeaDataError(problems);

  const warnings: string[] = [];
  // Rule of thumb of Cooper, Seiford & Tone (2007, chapter 4): n ≥ max(m·s, 3(m+s)) units for the scores to discriminate.
  const needed = Math.max(m * s, 3 * (m + s));
  if (n < needed) {
    warnings.push(
      `只有 ${n} 个单元，少于经验下限 max(m·s, 3(m+s)) = ${needed}，效率值区分度可能不足 / ` +
        `only ${n} units, fewer than the rule-of-thumb max(m·s, 3(m+s)) = ${needed}; many units may score 1`,
    );
  }
  const warnZeroColumn = (columns: Float64Array[], columnNames: string[]) => {
    columns.forEach((column, c) => {
      if (column.every((v) => v === 0)) {
        warnings.push(
          `列 ${columnNames[c]} 全为 0，不影响结果 / column ${columnNames[c]} is zero for every unit and has no effect`,
        );
      }
    });
  };
  warnZeroColumn(data.inputs, data.inputNames);
  warnZeroColumn(data.outputs, data.outputNames);
  return warnings;
}
