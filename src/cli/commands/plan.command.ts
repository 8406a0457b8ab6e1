// `cbrain plan mclp|pmedian|lscp|pcenter`: facility siting from a demand CSV and a candidate-site CSV; prints
// the chosen sites, objective, bound, gap and whether optimality was proven, as JSON. The engine is
// src/lib/location.
import { Argument, type Command, Option } from 'commander';
import type { CsvTable } from '../../lib/csv-table.ts';
import type { Metric } from '../../lib/location/geometry.ts';
import { LOCATION_MODELS, solveLocation } from '../../lib/location/location.ts';
import {
  LocationInputError,
  type LocationInputProblem,
  type LocationModel,
  type LocationProblem,
  validateLocationProblem,
} from '../../lib/location/problem.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import {
  type CellParse,
  hasColumn,
  numberOption,
  numbers,
  parseColumn,
  printJson,
  readTable,
  texts,
} from './csv-input.ts';
import { type InputProblem, InputProblems } from './input-problems.ts';

interface PlanOptions {
  demand: string;
  sites: string;
  x?: string;
  y?: string;
  lat?: string;
  lng?: string;
  weight?: string;
  demandId: string;
  siteId: string;
  capacity?: string;
  fixed?: string;
  radius?: string;
  p?: string;
  timeLimit: string;
}

const TRUE_FLAGS = new Set(['1', 'true', 'yes', 'y', 't', '是']);
const FALSE_FLAGS = new Set(['', '0', 'false', 'no', 'n', 'f', '否']);

/** Coordinate columns and metric: explicit --x/--y or --lat/--lng, else x/y or lat/lng(lon) found in both files. */
function coordinates(opts: PlanOptions, demand: CsvTable, sites: CsvTable) {
  const planar = opts.x !== undefined || opts.y !== undefined;
  const spherical = opts.lat !== undefined || opts.lng !== undefined;
  if (planar && spherical) throw new CliError('give either --x/--y or --lat/--lng, not both', EXIT.USAGE);
  if (planar) {
    if (!opts.x || !opts.y) throw new CliError('--x and --y go together', EXIT.USAGE);
    return { metric: 'euclidean' as Metric, x: opts.x, y: opts.y, xOption: '--x', yOption: '--y' };
  }
  if (spherical) {
    if (!opts.lat || !opts.lng) throw new CliError('--lat and --lng go together', EXIT.USAGE);
    return { metric: 'haversine' as Metric, x: opts.lng, y: opts.lat, xOption: '--lng', yOption: '--lat' };
  }
  const both = (name: string) => hasColumn(demand, name) && hasColumn(sites, name);
  if (both('x') && both('y'))
    return { metric: 'euclidean' as Metric, x: 'x', y: 'y', xOption: '--x', yOption: '--y' };
  const lng = ['lng', 'lon', 'longitude'].find(both);
  const lat = ['lat', 'latitude'].find(both);
  if (lng && lat)
    return { metric: 'haversine' as Metric, x: lng, y: lat, xOption: '--lng', yOption: '--lat' };
  throw new CliError(
    'no coordinate columns: give --x/--y (metres) or --lat/--lng (degrees); neither x,y nor lat,lng is in both files',
    EXIT.USAGE,
  );
}

function flag(raw: string): CellParse<number> {
  const v = raw.toLowerCase();
  if (TRUE_FLAGS.has(v)) return { value: 1 };
  if (FALSE_FLAGS.has(v)) return { value: 0 };
  return {
    zh: `"${raw}" 不是是/否标记（1/0、true/false、是/否）`,
    en: `"${raw}" is not a yes/no flag (1/0, true/false, 是/否)`,
  };
}

function capacity(raw: string): CellParse<number> {
  if (raw === '') return { value: Number.NaN }; // no limit
  const v = Number(raw);
  if (Number.isFinite(v) && v >= 0) return { value: v };
  return {
    zh: `"${raw}" 不是 ≥ 0 的容量（不限容量请留空）`,
    en: `"${raw}" is not a capacity ≥ 0 (leave empty for none)`,
  };
}

export function registerPlanCommand(program: Command) {
  program
    .command('plan')
    .description(
      '设施选址 Facility siting: maximal covering, p-median, set covering or p-center from CSV files',
    )
    .addArgument(new Argument('<model>', 'mclp | pmedian | lscp | pcenter').choices(LOCATION_MODELS))
    .requiredOption('--demand <file>', 'demand points CSV (id, coordinates, optional weight)')
    .requiredOption(
      '--sites <file>',
      'candidate sites CSV (id, coordinates, optional capacity and fixed flag)',
    )
    .option('--x <column>', 'x coordinate column in metres (projected), in both files')
    .option('--y <column>', 'y coordinate column in metres (projected), in both files')
    .option(
      '--lat <column>',
      'latitude column in degrees (WGS 84), in both files; distances are great-circle',
    )
    .option('--lng <column>', 'longitude column in degrees, in both files')
    .option('--weight <column>', 'demand weight column (default: "weight" if present, else 1 per point)')
    .option('--demand-id <column>', 'demand id column', 'id')
    .option('--site-id <column>', 'site id column', 'id')
    .option(
      '--capacity <column>',
      'site capacity column, p-median only (default: "capacity" if present); empty = none',
    )
    .option(
      '--fixed <column>',
      'column marking existing sites that stay open, 1/0 (default: "fixed" if present)',
    )
    .option('--radius <metres>', 'service radius R in metres (mclp, lscp)')
    .option('--p <count>', 'number of open sites, fixed ones included (mclp, pmedian, pcenter)')
    .addOption(new Option('--time-limit <seconds>', 'wall-clock limit for the solve').default('60'))
    .action(async (model: LocationModel, opts: PlanOptions) => {
      const radius = numberOption(
        opts.radius,
        '--radius',
        (v) => Number.isFinite(v) && v > 0,
        'a number of metres > 0',
      );
      const p = numberOption(opts.p, '--p', (v) => Number.isInteger(v) && v >= 1, 'a whole number ≥ 1');
      const timeLimit = numberOption(
        opts.timeLimit,
        '--time-limit',
        (v) => Number.isFinite(v) && v > 0,
        'seconds > 0',
      )!;
      const notes: string[] = [];
      if (model !== 'lscp' && p === undefined) throw new CliError(`${model} needs --p`, EXIT.USAGE);
      if ((model === 'mclp' || model === 'lscp') && radius === undefined) {
        throw new CliError(`${model} needs --radius (metres)`, EXIT.USAGE);
      }
      if (model === 'lscp' && p !== undefined)
        notes.push('--p 对 LSCP 无效，已忽略 / --p is not used by lscp and was ignored');
      if ((model === 'pmedian' || model === 'pcenter') && radius !== undefined) {
        notes.push(`--radius 对 ${model} 无效，已忽略 / --radius is not used by ${model} and was ignored`);
      }
      const problems = new InputProblems();
      const demandTable = await readTable(opts.demand, problems);
      const sitesTable = await readTable(opts.sites, problems);
      const coords = coordinates(opts, demandTable, sitesTable);
      const weightColumn = opts.weight ?? (hasColumn(demandTable, 'weight') ? 'weight' : undefined);
      const capacityColumn =
        opts.capacity ?? (model === 'pmedian' && hasColumn(sitesTable, 'capacity') ? 'capacity' : undefined);
      if (capacityColumn && model !== 'pmedian') {
        throw new CliError('--capacity applies to pmedian only', EXIT.USAGE);
      }
      const fixedColumn = opts.fixed ?? (hasColumn(sitesTable, 'fixed') ? 'fixed' : undefined);
      const problem: LocationProblem = {
        metric: coords.metric,
        demand: {
          ids: texts(demandTable, opts.demandId, '--demand-id'),
          x: numbers(demandTable, coords.x, coords.xOption, problems),
          y: numbers(demandTable, coords.y, coords.yOption, problems),
          weight: weightColumn
            ? numbers(demandTable, weightColumn, '--weight', problems)
            : new Float64Array(demandTable.rows.length).fill(1),
        },
        sites: {
          ids: texts(sitesTable, opts.siteId, '--site-id'),
          x: numbers(sitesTable, coords.x, coords.xOption, problems),
          y: numbers(sitesTable, coords.y, coords.yOption, problems),
          capacity: capacityColumn
            ? Float64Array.from(
                parseColumn(sitesTable, capacityColumn, '--capacity', capacity, Number.NaN, problems),
              )
            : undefined,
          fixed: fixedColumn
            ? Uint8Array.from(parseColumn(sitesTable, fixedColumn, '--fixed', flag, 0, problems))
            : undefined,
        },
        radius: model === 'mclp' || model === 'lscp' ? radius : undefined,
        p: model === 'lscp' ? undefined : p,
        timeLimit,
      };
      const columns = { coords, weightColumn, capacityColumn, fixedColumn };
      // The engine's own check, over every row, joins the cells that did not parse before anything is solved.
      try {
        validateLocationProblem(model, problem, Number.POSITIVE_INFINITY);
      } catch (error) {
        if (!(error instanceof LocationInputError)) throw error;
        for (const p of error.problems) problems.addFromEngine(inputProblem(p, opts, columns));
      }
      problems.throwIfAny();
      let result: Awaited<ReturnType<typeof solveLocation>>;
      try {
        result = await solveLocation(model, problem);
      } catch (error) {
        if (error instanceof LocationInputError) {
          const late = new InputProblems();
          for (const p of error.problems) late.add(inputProblem(p, opts, columns));
          late.throwIfAny();
        }
        throw error;
      }
      if (result.status === 'infeasible')
        console.error(`cbrain: ${model} is infeasible: ${result.notes[0] ?? ''}`);
      printJson({
        ...result,
        notes: [...result.notes, ...notes],
        input: {
          demand: opts.demand,
          sites: opts.sites,
          demandPoints: problem.demand.ids.length,
          candidateSites: problem.sites.ids.length,
          metric: coords.metric,
          radius: problem.radius ?? null,
          p: problem.p ?? null,
          timeLimit,
          columns: {
            demandId: opts.demandId,
            siteId: opts.siteId,
            x: coords.x,
            y: coords.y,
            weight: weightColumn ?? null,
            capacity: capacityColumn ?? null,
            fixed: fixedColumn ?? null,
          },
        },
      });
    });
}

/** Maps an engine input problem back to its file, line and column, or to its option. */
function inputProblem(
  p: LocationInputProblem,
  opts: PlanOptions,
  columns: {
    coords: { x: string; y: string };
    weightColumn?: string;
    capacityColumn?: string;
    fixedColumn?: string;
  },
): InputProblem {
  if (p.set === 'options') {
    const option = p.field ? `--${p.field === 'timeLimit' ? 'time-limit' : p.field}` : 'plan';
    return { where: option, zh: p.messageZh, en: p.message, option: true };
  }
  const column = (() => {
    switch (p.field) {
      case 'id':
        return p.set === 'demand' ? opts.demandId : opts.siteId;
      case 'x':
        return columns.coords.x;
      case 'y':
        return columns.coords.y;
      case 'weight':
        return columns.weightColumn;
      case 'capacity':
        return columns.capacityColumn;
      case 'fixed':
        return columns.fixedColumn;
      default:
        return undefined;
    }
  })();
  return {
    where: p.set === 'demand' ? opts.demand : opts.sites,
    index: p.index,
    column,
    zh: p.messageZh,
    en: p.message,
    duplicateOf: p.duplicateOf,
  };
}
