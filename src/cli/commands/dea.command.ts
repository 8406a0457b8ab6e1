// `cbrain dea`: Data Envelopment Analysis of the units in a CSV file; prints the scores, slacks, peers and
// targets as JSON. The engine is src/lib/dea.
import { type Command, Option } from 'commander';
import { type DeaModel, type DeaOrientation, runDea } from '../../lib/dea/dea.ts';
import { DeaDataError, type DeaProblem, validateDeaData } from '../../lib/dea/dea-data.ts';
import { progressBar } from '../progress.ts';
import { columnList, numbers, printJson, readTable, texts } from './csv-input.ts';
import { type InputProblem, InputProblems } from './input-problems.ts';

interface DeaCommandOptions {
  input: string;
  id: string;
  inputs: string;
  outputs: string;
  model: DeaModel;
  orientation: DeaOrientation;
  superEfficiency?: boolean;
}

export function registerDeaCommand(program: Command) {
  program
    .command('dea')
    .description('数据包络分析（DEA）效率评价 Data Envelopment Analysis: efficiency of units from a CSV file')
    .requiredOption('--input <file>', 'CSV file, one unit per row (UTF-8, with or without BOM, header row)')
    .requiredOption('--id <column>', 'column holding the unit id')
    .requiredOption('--inputs <columns>', 'comma-separated input columns, e.g. doctors,nurses')
    .requiredOption('--outputs <columns>', 'comma-separated output columns, e.g. outpatients,inpatients')
    .addOption(
      new Option('--model <model>', 'ccr: constant returns to scale; bcc: variable')
        .choices(['ccr', 'bcc'])
        .default('ccr'),
    )
    .addOption(
      new Option('--orientation <orientation>', 'input: shrink inputs; output: expand outputs')
        .choices(['input', 'output'])
        .default('input'),
    )
    .option('--super-efficiency', 'Andersen–Petersen: leave each unit out of its own reference set')
    .action(async (opts: DeaCommandOptions) => {
      const inputs = columnList(opts.inputs, '--inputs');
      const outputs = columnList(opts.outputs, '--outputs');
      const problems = new InputProblems();
      const table = await readTable(opts.input, problems);
      const ids = texts(table, opts.id, '--id');
      const data = {
        ids,
        inputNames: inputs,
        outputNames: outputs,
        inputs: inputs.map((c) => numbers(table, c, '--inputs', problems)),
        outputs: outputs.map((c) => numbers(table, c, '--outputs', problems)),
      };
      // Column-level problems (a column named as both input and output) are about the command line.
      const inputProblem = (p: DeaProblem): InputProblem =>
        p.unit === undefined
          ? { where: p.column ?? opts.input, zh: p.messageZh, en: p.message, option: true }
          : {
              where: opts.input,
              index: p.unit,
              column: p.column,
              zh: p.messageZh,
              en: p.message,
              duplicateOf: p.duplicateOf,
            };
      // The engine's own check, over every row, joins the cells that did not parse before anything is computed.
      try {
        validateDeaData(data, Number.POSITIVE_INFINITY);
      } catch (error) {
        if (!(error instanceof DeaDataError)) throw error;
        for (const p of error.problems) problems.addFromEngine(inputProblem(p));
      }
      problems.throwIfAny();
      const progress = progressBar('DEA');
      try {
        const result = await runDea(data, {
          model: opts.model,
          orientation: opts.orientation,
          superEfficiency: opts.superEfficiency === true,
          onProgress: (done, total) => progress.update(done, total),
        });
        progress.stop();
        const { results, ...summary } = result;
        printJson({ file: opts.input, ...summary, results });
      } catch (error) {
        progress.stop();
        if (error instanceof DeaDataError) {
          const late = new InputProblems();
          for (const p of error.problems) late.add(inputProblem(p));
          late.throwIfAny();
        }
        throw error;
      }
    });
}
