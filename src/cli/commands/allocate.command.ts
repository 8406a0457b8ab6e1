// `cbrain allocate`: shares a budget (care hours, subsidy yuan) among the units of a CSV file by need, with an
// optional equity floor per group; prints the allocation, group shares, Gini and whether optimality was proven,
// as JSON. `--curve N` adds the efficiency–equity trade-off curve. The engine is src/lib/allocation.
import { type Command, Option } from 'commander';
import { allocate } from '../../lib/allocation/allocate.ts';
import {
  AllocationInfeasibleError,
  AllocationInputError,
  type AllocationInputProblem,
  type AllocationProblem,
  validateAllocationProblem,
} from '../../lib/allocation/problem.ts';
import { tradeOffCurve } from '../../lib/allocation/trade-off.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import {
  type CellParse,
  numberOption,
  numbers,
  parseColumn,
  printJson,
  readTable,
  texts,
} from './csv-input.ts';
import { type InputProblem, InputProblems } from './input-problems.ts';

interface AllocateOptions {
  input: string;
  id: string;
  need: string;
  group: string;
  budget: string;
  minShare?: string;
  cap?: string;
  weight?: string;
  cost?: string;
  integer?: boolean;
  curve?: string;
  timeLimit: string;
}

/** The option of an engine field: minShare is --min-share. */
const kebab = (field: string) => field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** A cap: empty means "no cap". */
function cap(raw: string): CellParse<number> {
  if (raw === '') return { value: Number.NaN };
  const v = Number(raw);
  if (Number.isFinite(v)) return { value: v };
  return { zh: `"${raw}" 不是数字（不设上限请留空）`, en: `"${raw}" is not a number (leave empty for none)` };
}

export function registerAllocateCommand(program: Command) {
  program
    .command('allocate')
    .description(
      '资源公平分配 Allocate a scarce budget by need with an equity floor per group (HiGHS LP/MIP)',
    )
    .requiredOption('--input <file>', 'CSV file, one unit (resident, household) per row')
    .requiredOption('--id <column>', 'unit id column')
    .requiredOption('--need <column>', 'need column (hours, yuan), ≥ 0')
    .requiredOption('--group <column>', 'group column (community, age band) for the equity floor')
    .requiredOption('--budget <amount>', 'total budget, in the unit of --cost × --need')
    .option('--min-share <share>', 'every group gets at least this share of its need met, 0…1')
    .option('--cap <column>', 'most one unit may receive; empty cell = no cap')
    .option('--weight <column>', 'priority per unit of need met (default 1)')
    .option('--cost <column>', 'budget used per unit of need met, > 0 (default 1)')
    .option('--integer', 'whole units only (a MIP; time-limited, reports its gap)')
    .option('--curve <points>', 'also sweep the floor from 0 to its largest feasible value in N points')
    .addOption(new Option('--time-limit <seconds>', 'wall-clock limit per solve').default('60'))
    .action(async (opts: AllocateOptions) => {
      const budget = numberOption(
        opts.budget,
        '--budget',
        (v) => Number.isFinite(v) && v >= 0,
        'a number ≥ 0',
      );
      const minShare =
        opts.minShare === undefined
          ? undefined
          : numberOption(opts.minShare, '--min-share', (v) => v >= 0 && v <= 1, 'a share between 0 and 1');
      const timeLimit = numberOption(
        opts.timeLimit,
        '--time-limit',
        (v) => Number.isFinite(v) && v > 0,
        'seconds > 0',
      );
      const curvePoints =
        opts.curve === undefined
          ? undefined
          : numberOption(
              opts.curve,
              '--curve',
              (v) => Number.isInteger(v) && v >= 2 && v <= 101,
              'a whole number 2…101',
            );
      const problems = new InputProblems();
      const table = await readTable(opts.input, problems);
      const problem: AllocationProblem = {
        ids: texts(table, opts.id, '--id'),
        group: texts(table, opts.group, '--group'),
        need: numbers(table, opts.need, '--need', problems),
        cap: opts.cap
          ? Float64Array.from(parseColumn(table, opts.cap, '--cap', cap, Number.NaN, problems))
          : undefined,
        weight: opts.weight ? numbers(table, opts.weight, '--weight', problems) : undefined,
        cost: opts.cost ? numbers(table, opts.cost, '--cost', problems) : undefined,
        budget,
        minShare,
        integer: opts.integer === true,
        timeLimit,
      };
      const columnOf: Record<string, string | undefined> = {
        id: opts.id,
        need: opts.need,
        group: opts.group,
        cap: opts.cap,
        weight: opts.weight,
        cost: opts.cost,
      };
      const inputProblem = (p: AllocationInputProblem): InputProblem =>
        p.index === undefined && columnOf[p.field] === undefined
          ? { where: `--${kebab(p.field)}`, zh: p.messageZh, en: p.message, option: true }
          : {
              where: opts.input,
              index: p.index,
              column: columnOf[p.field] ?? `--${p.field}`,
              zh: p.messageZh,
              en: p.message,
              duplicateOf: p.duplicateOf,
            };
      // The engine's own check, over every row, joins the cells that did not parse before anything is solved.
      try {
        validateAllocationProblem(problem, Number.POSITIVE_INFINITY);
      } catch (error) {
        if (!(error instanceof AllocationInputError)) throw error;
        for (const p of error.problems) problems.addFromEngine(inputProblem(p));
      }
      problems.throwIfAny();
      try {
        const result = await allocate(problem);
        const curve = curvePoints ? await tradeOffCurve(problem, curvePoints) : undefined;
        const { allocation, ...summary } = result;
        printJson({
          file: opts.input,
          ...summary,
          ...(curve ? { tradeOff: curve } : {}),
          allocations: problem.ids.map((id, i) => ({
            id,
            group: problem.group[i],
            need: problem.need[i],
            allocated: allocation[i],
          })),
        });
      } catch (error) {
        if (error instanceof AllocationInputError) {
          const late = new InputProblems();
          for (const p of error.problems) late.add(inputProblem(p));
          late.throwIfAny();
        }
        if (error instanceof AllocationInfeasibleError) {
          throw new CliError(`infeasible: ${error.message}`, EXIT.FAILURE);
        }
        throw error;
      }
    });
}
