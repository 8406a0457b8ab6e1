// Buildings (楼栋) and their houses (房屋), and the building points of a grid's map. No resident is named here:
// a building shows counts, and addresses stop at the building.
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { requirePermission } from '../../platform/auth/viewer.ts';
import { AppError } from '../../platform/http/errors.ts';
import { offsetOf, PageQuery, pageOf } from '../../platform/http/pagination.ts';
import { IdParams } from '../../platform/http/params.ts';
import { findGridInScope } from './area-detail.repository.ts';
import {
  type BuildingRow,
  findBuildingInScope,
  findBuildings,
  findBuildingsOfGrid,
  findHousesOfBuilding,
} from './buildings.repository.ts';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

const BuildingQuery = Type.Intersect([
  PageQuery,
  Type.Object({
    gridId: Type.Optional(Type.Integer({ minimum: 1 })),
    q: Type.Optional(Type.String({ maxLength: 64, description: '楼栋名称或地址包含的文字' })),
  }),
]);
type BuildingQuery = Static<typeof BuildingQuery>;

const MapQuery = Type.Object({ gridId: Type.Integer({ minimum: 1 }) });

const BuildingOut = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  address: Type.String({ description: '地址（到楼栋）' }),
  compound: Nullable(Type.String()),
  floors: Nullable(Type.Integer()),
  units: Nullable(Type.Integer()),
  useType: Type.String(),
  lng: Type.Number(),
  lat: Type.Number(),
  gridId: Type.Integer(),
  gridName: Type.String(),
  households: Type.Integer(),
  residents: Type.Integer(),
});

const HouseOut = Type.Object({
  id: Type.Integer(),
  unitNo: Nullable(Type.String()),
  floor: Nullable(Type.Integer()),
  roomNo: Type.String(),
  occupancy: Type.String(),
  areaM2: Nullable(Type.Number()),
  households: Type.Integer(),
  residents: Type.Integer(),
});

const BuildingFeatureCollection = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(
    Type.Object({
      type: Type.Literal('Feature'),
      geometry: Type.Object({ type: Type.Literal('Point'), coordinates: Type.Array(Type.Number()) }),
      properties: Type.Object({
        id: Type.Integer(),
        name: Type.String(),
        address: Type.String(),
        residents: Type.Integer(),
        households: Type.Integer(),
        floors: Nullable(Type.Integer()),
      }),
    }),
  ),
});

function presentBuilding(b: BuildingRow) {
  return {
    id: b.id,
    name: b.name,
    address: b.address,
    compound: b.compound,
    floors: b.floors,
    units: b.units,
    useType: b.use_type,
    lng: b.lng,
    lat: b.lat,
    gridId: b.grid_id,
    gridName: b.grid_name,
    households: Number(b.households),
    residents: Number(b.residents),
  };
}

export async function buildingsRoutes(app: FastifyInstance) {
  const db = app.deps.database.db;

  app.get(
    '/api/buildings',
    {
      schema: {
        tags: ['geography'],
        summary: '辖区内的楼栋（含户数、人数）',
        querystring: BuildingQuery,
        response: { 200: pageOf(BuildingOut) },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'geo:read');
      const q = request.query as BuildingQuery;
      const { rows, total } = await findBuildings(db, {
        scopePath: viewer.scopePath,
        gridId: q.gridId,
        q: q.q?.trim() || undefined,
        limit: q.pageSize,
        offset: offsetOf(q),
      });
      return { items: rows.map(presentBuilding), total, page: q.page, pageSize: q.pageSize };
    },
  );

  app.get(
    '/api/buildings/:id',
    {
      schema: {
        tags: ['geography'],
        summary: '楼栋详情与房屋清单（范围外一律 404）',
        params: IdParams,
        response: { 200: Type.Object({ building: BuildingOut, houses: Type.Array(HouseOut) }) },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'geo:read');
      const { id } = request.params as IdParams;
      const building = await findBuildingInScope(db, viewer.scopePath, id);
      if (!building) throw new AppError('BUILDING_NOT_FOUND');
      const houses = await findHousesOfBuilding(db, id);
      return {
        building: presentBuilding(building),
        houses: houses.map((h) => ({
          id: h.id,
          unitNo: h.unit_no,
          floor: h.floor,
          roomNo: h.room_no,
          occupancy: h.occupancy,
          areaM2: h.area_m2 === null ? null : Number(h.area_m2),
          households: Number(h.households),
          residents: Number(h.residents),
        })),
      };
    },
  );

  app.get(
    '/api/map/buildings.geojson',
    {
      schema: {
        tags: ['geography'],
        summary: '网格内楼栋点位（GeoJSON，地址到楼栋）',
        querystring: MapQuery,
        response: { 200: BuildingFeatureCollection },
      },
    },
    async (request, reply) => {
      const viewer = requirePermission(request, 'geo:read');
      const { gridId } = request.query as Static<typeof MapQuery>;
      // A grid outside the scope is not found, as its detail page is: an empty map would say it has no buildings.
      if (!(await findGridInScope(db, viewer.scopePath, gridId))) throw new AppError('DIVISION_NOT_FOUND');
      const rows = await findBuildingsOfGrid(db, viewer.scopePath, gridId);
      reply.type('application/geo+json');
      return {
        type: 'FeatureCollection' as const,
        features: rows.map((b) => ({
          type: 'Feature' as const,
          geometry: { type: 'Point' as const, coordinates: [b.lng, b.lat] },
          properties: {
            id: b.id,
            name: b.name,
            address: b.address,
            residents: Number(b.residents),
            households: Number(b.households),
            floors: b.floors,
          },
        })),
      };
    },
  );
}
