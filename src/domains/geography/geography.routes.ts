// The administrative tree and the map layers of the viewer's part of it. A grid worker's tree starts at their
// grid; nothing above or beside the viewer's scope is returned, not even as a count.
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { inScope, requirePermission, scopeLikePattern } from '../../platform/auth/viewer.ts';
import type { Geometry } from '../../platform/db/index.ts';
import { gridFigures } from './grid-figures.repository.ts';

interface TreeNode {
  code: string;
  name: string;
  level: 'district' | 'street' | 'community' | 'grid';
  path: string;
  gridId?: number;
  population: number;
  children: TreeNode[];
}

const LEVELS = { 3: 'district', 4: 'street', 5: 'community' } as const;

const TreeNodeSchema = Type.Recursive((Self) =>
  Type.Object({
    code: Type.String(),
    name: Type.String(),
    level: Type.String(),
    path: Type.String(),
    gridId: Type.Optional(Type.Integer()),
    population: Type.Integer(),
    children: Type.Array(Self),
  }),
);

const AreasQuery = Type.Object({
  level: Type.Union([Type.Literal('street'), Type.Literal('community'), Type.Literal('grid')], {
    default: 'grid',
  }),
  within: Type.Optional(Type.String({ pattern: '^/[0-9A-Za-z/]+/$', maxLength: 200 })),
});

export async function geographyRoutes(app: FastifyInstance) {
  const db = app.deps.database.db;

  async function areasInScope(scopePath: string) {
    const [divisions, grids, figures] = await Promise.all([
      db
        .selectFrom('admin_division')
        .select(['code', 'name', 'level', 'path', 'boundary'])
        .where('path', 'like', scopeLikePattern(scopePath))
        .orderBy('path')
        .execute(),
      db
        .selectFrom('grid')
        .select(['id', 'name', 'path', 'boundary', 'area_m2'])
        .where('path', 'like', scopeLikePattern(scopePath))
        .orderBy('path')
        .execute(),
      gridFigures(db, scopePath),
    ]);
    return { divisions, grids, figures };
  }

  app.get(
    '/api/divisions/tree',
    {
      schema: {
        tags: ['geography'],
        summary: '本管辖范围的区划树（区→街道→社区→网格）',
        response: { 200: TreeNodeSchema },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'geo:read');
      const { divisions, grids, figures } = await areasInScope(viewer.scopePath);
      const population = new Map(figures.map((f) => [f.gridId, f.population]));
      const nodes = new Map<string, TreeNode>();
      for (const d of divisions) {
        nodes.set(d.path, {
          code: d.code,
          name: d.name,
          level: LEVELS[d.level as 3 | 4 | 5] ?? 'district',
          path: d.path,
          population: 0,
          children: [],
        });
      }
      for (const g of grids) {
        nodes.set(g.path, {
          code: g.path,
          name: g.name,
          level: 'grid',
          path: g.path,
          gridId: g.id,
          population: population.get(g.id) ?? 0,
          children: [],
        });
      }
      let root: TreeNode | undefined;
      for (const node of nodes.values()) {
        const parentPath = node.path.slice(0, node.path.slice(0, -1).lastIndexOf('/') + 1);
        const parent = nodes.get(parentPath);
        if (parent) parent.children.push(node);
        else if (!root || node.path.length < root.path.length) root = node;
      }
      const sum = (n: TreeNode): number => {
        if (n.level !== 'grid') n.population = n.children.reduce((s, c) => s + sum(c), 0);
        return n.population;
      };
      if (!root)
        return { code: '', name: '', level: 'district', path: viewer.scopePath, population: 0, children: [] };
      sum(root);
      return root;
    },
  );

  app.get(
    '/api/map/areas.geojson',
    {
      schema: {
        tags: ['geography'],
        summary: '地图：街道/社区/网格边界及人口（GeoJSON）',
        querystring: AreasQuery,
      },
    },
    async (request, reply) => {
      const viewer = requirePermission(request, 'geo:read');
      const q = request.query as Static<typeof AreasQuery>;
      // Within the scope only: a `within` outside it narrows to nothing.
      const within = q.within === undefined ? viewer.scopePath : inScope(viewer, q.within) ? q.within : null;
      const features: unknown[] = [];
      if (within) {
        const { divisions, grids, figures } = await areasInScope(within);
        const byGrid = new Map(figures.map((f) => [f.gridId, f]));
        const area = new Map(grids.map((g) => [g.path, g.area_m2 ?? 0]));
        const aggregate = (path: string) => {
          let population = 0;
          let households = 0;
          let aged = 0;
          let m2 = 0;
          for (const f of figures) {
            if (!f.path.startsWith(path)) continue;
            population += f.population;
            households += f.households;
            aged += f.aged60Plus;
            m2 += area.get(f.path) ?? 0;
          }
          return { population, households, aged, m2 };
        };
        const properties = (
          id: string | number,
          name: string,
          level: string,
          path: string,
          agg: ReturnType<typeof aggregate>,
        ) => ({
          id,
          name,
          level,
          path,
          population: agg.population,
          households: agg.households,
          aged60Share: agg.population > 0 ? Math.round((agg.aged / agg.population) * 1000) / 1000 : 0,
          density: agg.m2 > 0 ? Math.round(agg.population / (agg.m2 / 1e6)) : 0,
        });
        if (q.level === 'grid') {
          for (const g of grids) {
            const f = byGrid.get(g.id);
            const agg = {
              population: f?.population ?? 0,
              households: f?.households ?? 0,
              aged: f?.aged60Plus ?? 0,
              m2: g.area_m2 ?? 0,
            };
            features.push({
              type: 'Feature',
              geometry: g.boundary as Geometry,
              properties: properties(g.id, g.name, 'grid', g.path, agg),
            });
          }
        } else {
          const level = q.level === 'street' ? 4 : 5;
          for (const d of divisions.filter((x) => x.level === level && x.boundary)) {
            features.push({
              type: 'Feature',
              geometry: d.boundary as Geometry,
              properties: properties(d.code, d.name, q.level, d.path, aggregate(d.path)),
            });
          }
        }
      }
      reply.type('application/geo+json');
      return { type: 'FeatureCollection', features };
    },
  );
}
