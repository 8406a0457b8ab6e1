// `cbrain forecast`: forecast of a daily or weekly count series from a CSV file (e.g. requests of one category),
// with the rolling-origin backtest of Holt–Winters against the seasonal naive baseline, as JSON. The engine is
// src/lib/forecast.
import { type Command, Option } from 'commander';
import {
  ForecastInputError,
  type Frequency,
  forecastSeries,
  regularise,
  SeriesError,
} from '../../lib/forecast/index.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import { cellError, numbers, printJson, readTable, texts } from './csv-input.ts';

interface ForecastOptions {
  input: string;
  date: string;
  value: string;
  horizon: string;
  freq: Frequency;
  season?: string;
  folds: string;
}

function wholeNumber(raw: string, option: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new CliError(`${option} "${raw}" is not a positive whole number`, EXIT.USAGE);
  return n;
}

export function registerForecastCommand(program: Command) {
  program
    .command('forecast')
    .description('需求预测 Forecast a daily/weekly count series from a CSV file, with an honest backtest')
    .requiredOption('--input <file>', 'CSV file, one period per row (missing periods count as 0)')
    .requiredOption('--date <column>', 'column holding the date (yyyy-mm-dd)')
    .requiredOption('--value <column>', 'column holding the count')
    .requiredOption('--horizon <n>', 'periods to forecast')
    .addOption(new Option('--freq <freq>', 'period of the series').choices(['day', 'week']).default('day'))
    .option('--season <n>', 'season length in periods (default 7 for days, 52 for weeks)')
    .option('--folds <n>', 'rolling-origin backtest folds', '8')
    .action(async (opts: ForecastOptions) => {
      const horizon = wholeNumber(opts.horizon, '--horizon');
      const season = opts.season === undefined ? undefined : wholeNumber(opts.season, '--season');
      const folds = wholeNumber(opts.folds, '--folds');
      const table = await readTable(opts.input);
      const dates = texts(table, opts.date, '--date');
      const values = numbers(table, opts.value, '--value');
      try {
        const series = regularise(dates, values, opts.freq);
        const result = forecastSeries(series, { horizon, ...(season ? { season } : {}), folds });
        printJson({ file: opts.input, ...result });
      } catch (error) {
        if (error instanceof SeriesError)
          throw new CliError(
            cellError(opts.input, error.row, error.row === undefined ? undefined : opts.date, error.message),
            EXIT.FAILURE,
          );
        if (error instanceof ForecastInputError) throw new CliError(error.message, EXIT.USAGE);
        throw error;
      }
    });
}
