// `cbrain dea`: Data Envelopment Analysis of the units in a CSV file; prints the scores, slacks, peers and
// targets as JSON. The engine is src/lib/dea.
import { type Command, Option } from 'commander';
import { type DeaModel, type DeaOrientation, runDea } from '../../lib/dea/dea.ts';
import { DeaDataError } from '../../lib/dea/dea-data.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import { progressBar } from '../progress.ts';
import { cellError, numbers, printJson, readTable, texts } from './csv-input.ts';

interface DeaCommandOptions {
  input: string;
  id: string;
  inputs: string;
  outputs: string;
  model: DeaModel;
  orientation: DeaOrientation;
  superEfficiency?: boolean;
}

function columnList(value: string, option: string): string[] {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length === 0) throw new CliError(`${option} needs at least one column name`, EXIT.USAGE);
  return names;
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
      const table = await readTable(opts.input);
      const ids = texts(table, opts.id, '--id');
      const data = {
        ids,
        inputNames: inputs,
        outputNames: outputs,
        inputs: inputs.map((c) => numbers(table, c, '--inputs')),
        outputs: outputs.map((c) => numbers(table, c, '--outputs')),
      };
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
          const lines = error.problems.map((p) =>
            cellError(opts.input, p.unit, p.column, p.message, p.duplicateOf),
          );
          // Column-level problems (a column named as both input and output) are about the command line.
          const usage = error.problems.every((p) => p.unit === undefined);
          throw new CliError(lines.join('\n'), usage ? EXIT.USAGE : EXIT.FAILURE);
        }
        throw error;
      }
    });
}
