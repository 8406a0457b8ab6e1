// `cbrain walk`: walking coverage on a street network given as CSV (nodes with lng/lat, edges with optional
// lengths). Each demand point gets the walking metres and minutes to its nearest facility and whether that is
// within the radius; the totals are weighted. The engine is src/lib/network/walk-network.ts.
import type { Command } from 'commander';
import {
  buildWalkGraph,
  NetworkInputError,
  nearestWalk,
  snapToNetwork,
  WALK_METRES_PER_MINUTE,
} from '../../lib/network/walk-network.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import { cellError, hasColumn, numbers, printJson, readTable, texts } from './csv-input.ts';

interface WalkOptions {
  nodes: string;
  edges: string;
  demand: string;
  facilities: string;
  radius: string;
  weight?: string;
  lat: string;
  lng: string;
}

export function registerWalkCommand(program: Command) {
  program
    .command('walk')
    .description(
      '步行覆盖 Walking coverage on a street network: nearest facility by walking, per demand point',
    )
    .requiredOption('--nodes <file>', 'network nodes CSV: id, lng, lat')
    .requiredOption('--edges <file>', 'network edges CSV: from, to, optional length_m (else great-circle)')
    .requiredOption('--demand <file>', 'demand points CSV: id, lng, lat, optional weight')
    .requiredOption('--facilities <file>', 'facilities CSV: id, lng, lat')
    .requiredOption('--radius <metres>', 'walking distance that counts as covered, in metres')
    .option('--weight <column>', 'demand weight column (default: "weight" if present, else 1 per point)')
    .option('--lat <column>', 'latitude column in the nodes, demand and facilities files', 'lat')
    .option('--lng <column>', 'longitude column in the nodes, demand and facilities files', 'lng')
    .action(async (opts: WalkOptions) => {
      const radius = Number(opts.radius);
      if (opts.radius.trim() === '' || !Number.isFinite(radius) || radius <= 0)
        throw new CliError(`--radius must be a number of metres > 0, got "${opts.radius}"`, EXIT.USAGE);
      const [nodes, edges, demand, facilities] = await Promise.all(
        [opts.nodes, opts.edges, opts.demand, opts.facilities].map((file) => readTable(file)),
      );
      const nodeIds = numbers(nodes!, 'id', '--nodes');
      let graph: ReturnType<typeof buildWalkGraph>;
      try {
        graph = buildWalkGraph({
          nodeIds,
          lng: numbers(nodes!, opts.lng, '--lng'),
          lat: numbers(nodes!, opts.lat, '--lat'),
          edgeFrom: numbers(edges!, 'from', '--edges'),
          edgeTo: numbers(edges!, 'to', '--edges'),
          edgeLength: hasColumn(edges!, 'length_m') ? numbers(edges!, 'length_m', '--edges') : undefined,
        });
      } catch (error) {
        if (error instanceof NetworkInputError) {
          throw new CliError(
            error.problems
              .map((p) =>
                cellError(p.set === 'nodes' ? opts.nodes : opts.edges, p.index, undefined, p.message),
              )
              .join('\n'),
            EXIT.FAILURE,
          );
        }
        throw error;
      }
      const ids = texts(demand!, 'id', '--demand');
      const facilityIds = texts(facilities!, 'id', '--facilities');
      const weightColumn = opts.weight ?? (hasColumn(demand!, 'weight') ? 'weight' : undefined);
      const weight = weightColumn
        ? numbers(demand!, weightColumn, '--weight')
        : new Float64Array(ids.length).fill(1);
      weight.forEach((w, i) => {
        if (w < 0)
          throw new CliError(cellError(opts.demand, i, weightColumn, 'weight must be ≥ 0'), EXIT.FAILURE);
      });
      const target = snapToNetwork(
        graph,
        numbers(demand!, opts.lng, '--lng'),
        numbers(demand!, opts.lat, '--lat'),
      );
      const source = snapToNetwork(
        graph,
        numbers(facilities!, opts.lng, '--lng'),
        numbers(facilities!, opts.lat, '--lat'),
      );
      const walk = nearestWalk(graph, source, target);
      let total = 0;
      let covered = 0;
      const points = ids.map((id, i) => {
        const d = walk.distanceM[i]!;
        const isCovered = d <= radius + 1e-6;
        total += weight[i]!;
        if (isCovered) covered += weight[i]!;
        return {
          id,
          nearestFacility: walk.source[i]! >= 0 ? facilityIds[walk.source[i]!]! : null,
          walkM: Number.isFinite(d) ? Math.round(d * 10) / 10 : null,
          walkMinutes: Number.isFinite(d) ? Math.round((d / WALK_METRES_PER_MINUTE) * 10) / 10 : null,
          accessM: Math.round(target.accessM[i]! * 10) / 10,
          covered: isCovered,
        };
      });
      printJson({
        method: 'walking-network',
        radiusM: radius,
        metresPerMinute: Math.round(WALK_METRES_PER_MINUTE * 100) / 100,
        nodes: graph.nodes,
        edges: graph.edgeA.length,
        totalWeight: total,
        coveredWeight: covered,
        coveredShare: total > 0 ? covered / total : 1,
        points,
      });
    });
}
