import { describe, expect, it } from 'vitest';
import { csvDir, runCli, runJson } from './engine-cli.testing.ts';

const file = csvDir('cbrain-plan-');

// Four neighbourhoods on a 1 km grid (x/y in metres) and three candidate sites. Within R = 200 m:
// s1 covers d1 and d2 (weight 15), s2 covers d3 (8), s3 covers d4 (3).
const DEMAND = file('demand.csv', 'id,x,y,weight\nd1,0,0,10\nd2,100,0,5\nd3,0,900,8\nd4,1000,1000,3\n');
const SITES = file('sites.csv', 'id,x,y\ns1,50,0\ns2,0,800\ns3,900,900\n');
const FILES = ['--demand', DEMAND, '--sites', SITES];

describe('cbrain plan', () => {
  it('mclp: picks the two sites that reach the most weight and says it is proven optimal', async () => {
    const out = (await runJson(['plan', 'mclp', ...FILES, '--radius', '200', '--p', '2'])).json;
    expect(out).toMatchObject({
      model: 'mclp',
      status: 'optimal',
      optimal: true,
      sites: ['s1', 's2'],
      objective: 23,
      coveredWeight: 23,
      totalWeight: 26,
      bound: 23,
      gap: 0,
      input: { metric: 'euclidean', radius: 200, p: 2, columns: { x: 'x', y: 'y', weight: 'weight' } },
    });
    expect(out.coveredShare).toBeCloseTo(23 / 26, 12);
    expect(out.seconds).toBeGreaterThanOrEqual(0);
  });

  it('pmedian: honours a fixed site, and a capacity read from the sites file changes the plan', async () => {
    // s3 exists already (fixed). Without capacities s1 serves d1 and d2: 10·50 + 5·50 + 8·900 + 3·√20000.
    const open = file('sites-fixed.csv', 'id,x,y,fixed\ns1,50,0,0\ns2,0,800,0\ns3,900,900,1\n');
    const free = (await runJson(['plan', 'pmedian', '--demand', DEMAND, '--sites', open, '--p', '2'])).json;
    expect(free).toMatchObject({ optimal: true, sites: ['s1', 's3'], fixedSites: ['s3'] });
    expect(free.objective).toBeCloseTo(500 + 250 + 7200 + 3 * Math.sqrt(20000), 6);
    // With s1 limited to 12, d1 and d2 no longer fit together; {s2, s3} becomes cheaper than splitting them.
    const capped = file('sites-cap.csv', 'id,x,y,capacity,fixed\ns1,50,0,12,0\ns2,0,800,,0\ns3,900,900,,1\n');
    const out = (await runJson(['plan', 'pmedian', '--demand', DEMAND, '--sites', capped, '--p', '2'])).json;
    expect(out).toMatchObject({
      optimal: true,
      sites: ['s2', 's3'],
      input: { columns: { capacity: 'capacity', fixed: 'fixed' } },
    });
    expect(out.objective).toBeCloseTo(8000 + 5 * Math.sqrt(650000) + 800 + 3 * Math.sqrt(20000), 6);
    for (const load of out.siteLoads)
      if (load.capacity !== null) expect(load.weight).toBeLessThanOrEqual(load.capacity);
  });

  it('lscp: an uncoverable point makes the model infeasible, naming the point', async () => {
    const { json: out, stderr } = await runJson(['plan', 'lscp', ...FILES, '--radius', '120']);
    expect(out.status).toBe('infeasible');
    expect(out.optimal).toBe(false);
    expect(out.uncoverableDemand).toEqual(['d4']); // 141 m from s3
    expect(stderr).toMatch(/lscp is infeasible.*d4/);
  });

  it('pcenter on longitude/latitude: minimises the largest great-circle distance', async () => {
    const demand = file('ll-demand.csv', 'id,lng,lat\na,116.30,39.90\nb,116.31,39.90\nc,116.40,39.95\n');
    const sites = file('ll-sites.csv', 'id,lng,lat\nx,116.305,39.90\ny,116.40,39.949\nz,116.35,39.92\n');
    const out = (
      await runJson([
        'plan',
        'pcenter',
        '--demand',
        demand,
        '--sites',
        sites,
        '--lat',
        'lat',
        '--lng',
        'lng',
        '--p',
        '2',
      ])
    ).json;
    expect(out.input.metric).toBe('haversine');
    expect(out.sites).toEqual(['x', 'y']);
    // a and b are 0.005° of longitude from x at 39.9° N: 2πR·0.005/360·cos(39.9°) ≈ 426.6 m.
    expect(out.objective).toBeCloseTo(
      ((2 * Math.PI * 6371008.8 * 0.005) / 360) * Math.cos((39.9 * Math.PI) / 180),
      0,
    );
    expect(out.criticalDemand).toEqual(['a', 'b']);
  });

  it('exits 2 for a missing --p or --radius, and 1 naming file, line and column for a bad cell', async () => {
    const noP = await runCli(['plan', 'mclp', ...FILES, '--radius', '200']);
    expect(noP.code).toBe(2);
    expect(noP.stderr).toMatch(/mclp needs --p/);
    const noR = await runCli(['plan', 'lscp', ...FILES]);
    expect(noR.code).toBe(2);
    const bad = file('bad.csv', 'id,x,y,weight\nd1,0,0,10\nd2,0,x,5\n');
    const r = await runCli([
      'plan',
      'mclp',
      '--demand',
      bad,
      '--sites',
      SITES,
      '--radius',
      '200',
      '--p',
      '1',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bad}:3 [y]: "x" 不是数字 / "x" is not a number`);
    const flag = file('flag.csv', 'id,x,y,fixed\ns1,0,0,maybe\n');
    const r2 = await runCli([
      'plan',
      'mclp',
      '--demand',
      DEMAND,
      '--sites',
      flag,
      '--radius',
      '200',
      '--p',
      '1',
    ]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain(
      `${flag}:2 [fixed]: "maybe" 不是是/否标记（1/0、true/false、是/否） / "maybe" is not a yes/no flag`,
    );
  });

  it('reports every bad row of both files at once, and prints nothing', async () => {
    const demand = file(
      'many-demand.csv',
      ['id,x,y,weight', 'd1,0,0,10', 'd2,0,x,5', 'd3,1,1,-2', 'd1,2,2,1', ',3,3,1'].join('\n'),
    );
    const sites = file(
      'many-sites.csv',
      ['id,x,y,capacity,fixed', 's1,0,0,10,1', 's2,5,5,-1,maybe'].join('\n'),
    );
    const r = await runCli(['plan', 'pmedian', '--demand', demand, '--sites', sites, '--p', '1']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toBe(
      'cbrain: 输入有 6 处问题，未输出任何结果 / 6 problems in the input; nothing was computed',
    );
    expect(lines.slice(1)).toEqual([
      `${demand}:3 [y]: "x" 不是数字 / "x" is not a number`,
      `${demand}:4 [weight]: 权重 -2 不是 ≥ 0 的数 / -2 is not a weight ≥ 0`,
      `${demand}:5 [id]: 编号 "d1" 重复（首次出现在第 2 行） / duplicate id "d1" (first on line 2)`,
      `${demand}:6 [id]: 编号为空 / the id is empty`,
      `${sites}:3 [capacity]: "-1" 不是 ≥ 0 的容量（不限容量请留空） / "-1" is not a capacity ≥ 0 (leave empty for none)`,
      `${sites}:3 [fixed]: "maybe" 不是是/否标记（1/0、true/false、是/否） / "maybe" is not a yes/no flag (1/0, true/false, 是/否)`,
    ]);
  });
});
