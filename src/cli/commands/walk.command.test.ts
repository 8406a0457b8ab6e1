import { describe, expect, it } from 'vitest';
import { csvDir, runCli, runJson } from './engine-cli.testing.ts';

const file = csvDir('cbrain-walk-');

// A street along the equator (0 → 0.01°, ~1,112 m) with a 600 m branch north from its middle (length given).
const NODES = file('nodes.csv', 'id,lng,lat\n1,0,0\n2,0.005,0\n3,0.01,0\n4,0.005,0.005\n');
const EDGES = file('edges.csv', 'from,to,length_m\n1,2,500\n2,3,500\n2,4,600\n');
const FACILITIES = file('facilities.csv', 'id,lng,lat\nclinic,0.005,0.005\n');

describe('cbrain walk', () => {
  it('walks round by the streets: the west end is 1,100 m from the clinic at the end of the branch', async () => {
    const demand = file('demand.csv', 'id,lng,lat,weight\nwest,0,0,10\njunction,0.005,0,5\n');
    const args = ['walk', '--nodes', NODES, '--edges', EDGES, '--demand', demand, '--facilities', FACILITIES];
    const out = (await runJson([...args, '--radius', '800'])).json;
    expect(out).toMatchObject({
      method: 'walking-network',
      totalWeight: 15,
      coveredWeight: 5,
      nodes: 4,
      edges: 3,
    });
    expect(out.points[0]).toMatchObject({
      id: 'west',
      nearestFacility: 'clinic',
      walkM: 1100,
      covered: false,
    });
    expect(out.points[0].walkMinutes).toBeCloseTo(1100 / (4000 / 60), 1);
    expect(out.points[1]).toMatchObject({ id: 'junction', walkM: 600, covered: true });
  });

  it('an edge to an unknown node exits 1 naming the file and line; a bad radius exits 2', async () => {
    const edges = file('bad-edges.csv', 'from,to\n1,2\n2,9\n');
    const demand = file('demand1.csv', 'id,lng,lat\na,0,0\n');
    const bad = await runCli([
      'walk',
      ...[
        '--nodes',
        NODES,
        '--edges',
        edges,
        '--demand',
        demand,
        '--facilities',
        FACILITIES,
        '--radius',
        '500',
      ],
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`${edges}:3: unknown node 9`);
    const radius = await runCli([
      'walk',
      ...[
        '--nodes',
        NODES,
        '--edges',
        EDGES,
        '--demand',
        demand,
        '--facilities',
        FACILITIES,
        '--radius',
        '-1',
      ],
    ]);
    expect(radius.code).toBe(2);
    expect(radius.stderr).toContain('--radius');
  });
});
