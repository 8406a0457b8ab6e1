// The id column of an engine's input rows (demand points, candidate sites, allocation units): every id must be
// non-empty and unique. Shared so that the engines report the same problem in the same words.

export interface IdProblem {
  /** 0-based row. */
  index: number;
  field: 'id';
  message: string;
  messageZh: string;
  /** For a duplicate id: the 0-based row that used it first. */
  duplicateOf?: number;
}

/** The empty and the repeated ids, in row order (a repeat names the row that used the id first). */
export function idProblems(ids: readonly string[]): IdProblem[] {
  const problems: IdProblem[] = [];
  const first = new Map<string, number>();
  ids.forEach((id, i) => {
    if (id.trim() === '')
      problems.push({ index: i, field: 'id', message: 'the id is empty', messageZh: '编号为空' });
    const seen = first.get(id);
    if (seen !== undefined)
      problems.push({
        index: i,
        field: 'id',
        message: `duplicate id "${id}"`,
        messageZh: `编号 "${id}" 重复`,
        duplicateOf: seen,
      });
    else first.set(id, i);
  });
  return problems;
}
