// `cbrain plan mclp|pmedian|lscp|pcenter`: facility siting from a demand CSV and a candidate-site CSV; prints
// the chosen sites, objective, bound, gap and whether optimality was proven, as JSON. The engine is
// src/lib/location.
import { Argument, type Command, Option } from 'commander';
import type { CsvTable } from '../../lib/csv-table.ts';
import type { Metric } from '../../lib/location/geometry.ts';
import { LOCATION_MODELS, solveLocation } from '../../lib/location/location.ts';
import { LocationInputError, type LocationModel, type LocationProblem } from '../../lib/location/problem.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import { cellError, hasColumn, numbers, printJson, readTable, requireColumn, texts } from './csv-input.ts';

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

function numberOption(
  value: string | undefined,
  option: string,
  check: (v: number) => boolean,
  rule: string,
) {
  if (value === undefined) return undefined;
  const v = Number(value);
  if (value.trim() === '' || !check(v))
    throw new CliError(`${option} must be ${rule}, got "${value}"`, EXIT.USAGE);
  return v;
}

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

function flags(table: CsvTable, column: string): Uint8Array {
  const i = requireColumn(table, column, '--fixed');
  return Uint8Array.from(table.rows, (row, r) => {
    const v = (row[i] ?? '').trim().toLowerCase();
    if (TRUE_FLAGS.has(v)) return 1;
    if (FALSE_FLAGS.has(v)) return 0;
    throw new CliError(
      cellError(table.file, r, column, `"${v}" is not a yes/no flag (1/0, true/false, 是/否)`),
      EXIT.FAILURE,
    );
  });
}

function capacities(table: CsvTable, column: string): Float64Array {
  const i = requireColumn(table, column, '--capacity');
  return Float64Array.from(table.rows, (row, r) => {
    const raw = (row[i] ?? '').trim();
    if (raw === '') return Number.NaN; // no limit
    const v = Number(raw);
    if (!Number.isFinite(v) || v < 0) {
      throw new CliError(
        cellError(table.file, r, column, `"${raw}" is not a capacity ≥ 0 (leave empty for none)`),
        EXIT.FAILURE,
      );
    }
    return v;
  });
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
      const demandTable = await readTable(opts.demand);
      const sitesTable = await readTable(opts.sites);
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
          x: numbers(demandTable, coords.x, coords.xOption),
          y: numbers(demandTable, coords.y, coords.yOption),
          weight: weightColumn
            ? numbers(demandTable, weightColumn, '--weight')
            : new Float64Array(demandTable.rows.length).fill(1),
        },
        sites: {
          ids: texts(sitesTable, opts.siteId, '--site-id'),
          x: numbers(sitesTable, coords.x, coords.xOption),
          y: numbers(sitesTable, coords.y, coords.yOption),
          capacity: capacityColumn ? capacities(sitesTable, capacityColumn) : undefined,
          fixed: fixedColumn ? flags(sitesTable, fixedColumn) : undefined,
        },
        radius: model === 'mclp' || model === 'lscp' ? radius : undefined,
        p: model === 'lscp' ? undefined : p,
        timeLimit,
      };
      let result: Awaited<ReturnType<typeof solveLocation>>;
      try {
        result = await solveLocation(model, problem);
      } catch (error) {
        if (error instanceof LocationInputError)
          throw inputError(error, opts, coords, weightColumn, capacityColumn, fixedColumn);
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

/** Maps the engine's input problems back to files, lines and columns (exit 1), or to options (exit 2). */
function inputError(
  error: LocationInputError,
  opts: PlanOptions,
  coords: { x: string; y: string },
  weight: string | undefined,
  capacity: string | undefined,
  fixed: string | undefined,
): CliError {
  const columnOf = (set: 'demand' | 'sites', field: string | undefined) => {
    switch (field) {
      case 'id':
        return set === 'demand' ? opts.demandId : opts.siteId;
      case 'x':
        return coords.x;
      case 'y':
        return coords.y;
      case 'weight':
        return weight;
      case 'capacity':
        return capacity;
      case 'fixed':
        return fixed;
      default:
        return undefined;
    }
  };
  const lines = error.problems.map((p) =>
    p.set === 'options'
      ? `${p.field ? `--${p.field === 'timeLimit' ? 'time-limit' : p.field}: ` : ''}${p.message}`
      : cellError(
          p.set === 'demand' ? opts.demand : opts.sites,
          p.index,
          columnOf(p.set, p.field),
          p.message,
          p.duplicateOf,
        ),
  );
  const usage = error.problems.every((p) => p.set === 'options');
  return new CliError(lines.join('\n'), usage ? EXIT.USAGE : EXIT.FAILURE);
}
