// The viewer's area on a map drawn from the platform's own GeoJSON (no tiles or glyph server needed; a raster base
// map is added when one is configured): areas coloured by population density, click to go down a level
// (district → street → community → grid), the breadcrumb to go back; in a grid its buildings, and a click on a
// building opens its homes and residents.
import '../map/map.css';
import { Alert, Breadcrumb, Flex, Select, Spin, Typography } from 'antd';
import type { FeatureCollection, Geometry } from 'geojson';
import type { GeoJSONSource, MapMouseEvent } from 'maplibre-gl';
import * as maplibregl from 'maplibre-gl';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { type Account, api, type DivisionNode, errorText } from '../api.ts';
import { useApi, useDivisionTree, useIsPhone } from '../hooks.ts';
import { type MessageKey, useFormat, useLang, useT } from '../i18n/index.tsx';
import { boundsOfFeatures } from '../map/area-outlines.ts';
import { BuildingDrawer } from '../map/BuildingDrawer.tsx';
import { createMap, hasBaseTiles } from '../map/create-map.ts';
import { classColours, densityBreaks, densityColourExpression } from '../map/density-classes.ts';
import { labelPoint } from '../map/label-point.ts';

type AreaLevel = 'street' | 'community' | 'grid';

interface AreaProps {
  id: string | number;
  name: string;
  level: AreaLevel;
  path: string;
  population: number;
  density: number;
}

interface Collection {
  type: 'FeatureCollection';
  features: Array<{ type: 'Feature'; geometry: Geometry; properties: AreaProps }>;
}

/** One step of the drill-down: the area shown and the level of the areas drawn inside it. */
interface Stop {
  name: string;
  path: string;
  inner: AreaLevel;
  divisionCode?: string;
  gridId?: number;
}

interface AreaStats {
  stats: {
    population: number;
    households: number;
    buildings: number;
    aged60Plus: number;
    elderlyAlone: number;
  };
}

const INNER: Record<DivisionNode['level'], AreaLevel> = {
  district: 'street',
  street: 'community',
  community: 'grid',
  grid: 'grid',
};

function rootStop(node: DivisionNode): Stop {
  return node.gridId !== undefined
    ? { name: node.name, path: node.path, inner: 'grid', gridId: node.gridId }
    : { name: node.name, path: node.path, inner: INNER[node.level], divisionCode: node.code };
}

function stopOf(p: AreaProps): Stop {
  return p.level === 'grid'
    ? { name: p.name, path: p.path, inner: 'grid', gridId: Number(p.id) }
    : { name: p.name, path: p.path, inner: INNER[p.level], divisionCode: String(p.id) };
}

const EMPTY: Collection = { type: 'FeatureCollection', features: [] };

function Legend({
  breaks,
  densities,
  showBuildings,
}: {
  breaks: number[];
  densities: number[];
  showBuildings: boolean;
}) {
  const t = useT();
  const f = useFormat();
  const colours = classColours(breaks.length + 1);
  // One class (one area, or areas alike): name the densities themselves.
  const low = Math.min(...densities);
  const high = Math.max(...densities);
  const only =
    densities.length === 0 ? '—' : low === high ? f.number(low) : `${f.number(low)} – ${f.number(high)}`;
  const range = (i: number) =>
    i === 0
      ? `< ${f.number(breaks[0] ?? 0)}`
      : i === breaks.length
        ? `≥ ${f.number(breaks[i - 1]!)}`
        : `${f.number(breaks[i - 1]!)} – ${f.number(breaks[i]!)}`;
  return (
    <div className="cb-map-panel cb-map-legend" data-testid="map-legend">
      <div className="cb-map-panel-title">{t('mapLegend')}</div>
      {colours.map((c, i) => (
        <Flex key={c + String(i)} align="center" gap={8}>
          <span className="cb-swatch" style={{ background: c }} />
          <span>{breaks.length === 0 ? only : range(i)}</span>
        </Flex>
      ))}
      {showBuildings && (
        <Flex align="center" gap={8} style={{ marginTop: 4 }}>
          <span className="cb-swatch cb-swatch-building" />
          <span>{t('buildingLegend')}</span>
        </Flex>
      )}
    </div>
  );
}

interface BuildingPoint {
  id: number;
  name: string;
  residents: number;
}

function BuildingPicker({ buildings, onPick }: { buildings: BuildingPoint[]; onPick: (id: number) => void }) {
  const t = useT();
  if (buildings.length === 0) return null;
  return (
    <Select
      showSearch={{ optionFilterProp: 'label' }}
      placeholder={t('pickBuilding')}
      value={null}
      onChange={(id: number) => onPick(id)}
      options={buildings.map((b) => ({ value: b.id, label: b.name }))}
      style={{ width: '100%', marginTop: 8 }}
      data-testid="building-picker"
    />
  );
}

function AreaPanel({ stop, compact, picker }: { stop: Stop; compact: boolean; picker: ReactNode }) {
  const t = useT();
  const f = useFormat();
  const path =
    stop.gridId !== undefined ? `/api/grids/${stop.gridId}` : `/api/divisions/${stop.divisionCode}`;
  const { data } = useApi<AreaStats>(stop.gridId !== undefined || stop.divisionCode ? path : null);
  const s = data?.stats;
  const rows: Array<[MessageKey, number]> = s
    ? [
        ['population', s.population],
        ['households', s.households],
        ['buildings', s.buildings],
        ['aged60ShareShort', s.aged60Plus],
        ['elderlyAlone', s.elderlyAlone],
      ]
    : [];
  if (compact)
    return (
      <div data-testid="area-panel">
        <Typography.Text type="secondary">
          {rows
            .slice(0, 2)
            .map(([k, v]) => `${t(k)} ${f.number(v)}`)
            .join(' · ')}
        </Typography.Text>
        {picker}
      </div>
    );
  return (
    <div className="cb-map-panel cb-map-info" data-testid="area-panel">
      <div className="cb-map-panel-title">{stop.name}</div>
      {rows.map(([k, v]) => (
        <Flex key={k} justify="space-between" gap={16}>
          <span>{t(k)}</span>
          <strong>{f.number(v)}</strong>
        </Flex>
      ))}
      {picker}
      <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0', fontSize: 14 }}>
        {t('mapHint')}
      </Typography.Paragraph>
    </div>
  );
}

export function MapPage({ account }: { account: Account }) {
  const phone = useIsPhone();
  const lang = useLang();
  // Areas or buildings being fetched for the current stop, and why the last fetch failed.
  const [fetching, setFetching] = useState(0);
  const [problem, setProblem] = useState<unknown>(null);
  const tree = useDivisionTree();
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const labels = useRef<maplibregl.Marker[]>([]);
  const [ready, setReady] = useState(false);
  const [trail, setTrail] = useState<Stop[]>([]);
  const [densities, setDensities] = useState<number[]>([]);
  const breaks = densityBreaks(densities);
  const [buildingId, setBuildingId] = useState<number | null>(null);
  const [buildings, setBuildings] = useState<BuildingPoint[]>([]);
  const current = trail[trail.length - 1];
  const currentRef = useRef<Stop | undefined>(current);
  currentRef.current = current;

  useEffect(() => {
    if (tree && trail.length === 0) setTrail([rootStop(tree)]);
  }, [tree, trail.length]);

  useEffect(() => {
    if (!container.current) return;
    const map = createMap(container.current);
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'bottom-right');
    map.on('load', () => {
      map.addSource('areas', { type: 'geojson', data: EMPTY });
      map.addSource('buildings', { type: 'geojson', data: EMPTY });
      const tiles = hasBaseTiles();
      map.addLayer({
        id: 'area-fill',
        type: 'fill',
        source: 'areas',
        paint: { 'fill-color': '#bdd7e7', 'fill-opacity': tiles ? 0.5 : 0.85 },
      });
      map.addLayer({
        id: 'area-line',
        type: 'line',
        source: 'areas',
        paint: { 'line-color': '#1d3557', 'line-width': 1.5 },
      });
      map.addLayer({
        id: 'buildings',
        type: 'circle',
        source: 'buildings',
        paint: {
          'circle-color': '#e8590c',
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': 1.5,
          'circle-radius': ['interpolate', ['linear'], ['get', 'residents'], 0, 5, 40, 9, 150, 14],
        },
      });
      mapRef.current = map;
      setReady(true);
    });
    map.on('click', (e: MapMouseEvent) => {
      const building = map.queryRenderedFeatures(e.point, { layers: ['buildings'] })[0];
      if (building) {
        setBuildingId(Number(building.properties['id']));
        return;
      }
      const area = map.queryRenderedFeatures(e.point, { layers: ['area-fill'] })[0];
      if (!area) return;
      const next = stopOf(area.properties as AreaProps);
      if (next.path === currentRef.current?.path) return;
      setTrail((x) => [...x, next]);
    });
    for (const layer of ['area-fill', 'buildings']) {
      map.on('mouseenter', layer, () => {
        map.getCanvas().style.cursor = 'pointer';
      });
      map.on('mouseleave', layer, () => {
        map.getCanvas().style.cursor = '';
      });
    }
    return () => {
      mapRef.current = null;
      map.remove();
    };
  }, []);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready || !current) return;
    let live = true;
    setProblem(null);
    const failed = (e: unknown) => live && setProblem(e);
    const done = () => live && setFetching((n) => Math.max(0, n - 1));
    setFetching(current.gridId !== undefined ? 2 : 1);
    const areasPath = `/api/map/areas.geojson?level=${current.inner}&within=${encodeURIComponent(current.path)}`;
    api<Collection>(areasPath)
      .then((areas) => {
        if (!live) return;
        (map.getSource('areas') as GeoJSONSource).setData(areas as FeatureCollection);
        const shown = areas.features.map((f) => Math.round(f.properties.density));
        setDensities(shown);
        map.setPaintProperty(
          'area-fill',
          'fill-color',
          densityColourExpression(densityBreaks(shown)) as never,
        );
        for (const m of labels.current) m.remove();
        labels.current = areas.features.flatMap((f) => {
          const at = labelPoint(f.geometry);
          if (!at) return [];
          const el = document.createElement('div');
          el.className = 'cb-map-label';
          el.textContent = f.properties.name;
          return [new maplibregl.Marker({ element: el }).setLngLat(at).addTo(map)];
        });
        const bounds = boundsOfFeatures(areas as FeatureCollection);
        // Keep the areas clear of the panels floating over the map.
        const padding = phone
          ? { top: 100, bottom: 150, left: 16, right: 16 }
          : { top: 72, bottom: 130, left: 32, right: 340 };
        if (bounds) map.fitBounds(bounds, { padding, duration: 300 });
      })
      .catch(failed)
      .finally(done);
    const buildingSource = map.getSource('buildings') as GeoJSONSource;
    if (current.gridId !== undefined)
      api<FeatureCollection>(`/api/map/buildings.geojson?gridId=${current.gridId}`)
        .then((data) => {
          if (!live) return;
          buildingSource.setData(data);
          setBuildings(data.features.map((f) => f.properties as BuildingPoint));
        })
        .catch(failed)
        .finally(done);
    else {
      buildingSource.setData(EMPTY);
      setBuildings([]);
    }
    return () => {
      live = false;
    };
  }, [current, ready, phone]);

  const picker = <BuildingPicker buildings={buildings} onPick={setBuildingId} />;
  const crumbs = (
    <Breadcrumb
      data-testid="map-trail"
      items={trail.map((stop, i) => ({
        title:
          i < trail.length - 1 ? (
            <Typography.Link onClick={() => setTrail(trail.slice(0, i + 1))} style={{ fontSize: 16 }}>
              {stop.name}
            </Typography.Link>
          ) : (
            <strong style={{ fontSize: 16 }}>{stop.name}</strong>
          ),
      }))}
    />
  );

  return (
    <div
      className="cb-map"
      style={{ height: phone ? 'calc(100dvh - 56px)' : 'calc(100vh - 112px)' }}
      data-testid="map-page"
    >
      <div ref={container} className="cb-map-canvas" data-testid="map" />
      {(!ready || fetching > 0) && <Spin size="large" className="cb-map-spinner" />}
      {problem !== null && (
        <Alert
          type="error"
          showIcon
          className="cb-map-error"
          title={errorText(problem, lang)}
          data-testid="map-error"
        />
      )}
      <div className={phone ? 'cb-map-panel cb-map-trail cb-map-trail-phone' : 'cb-map-panel cb-map-trail'}>
        {crumbs}
        {phone && current && <AreaPanel stop={current} compact picker={picker} />}
      </div>
      {!phone && current && <AreaPanel stop={current} compact={false} picker={picker} />}
      <Legend breaks={breaks} densities={densities} showBuildings={current?.gridId !== undefined} />
      <BuildingDrawer buildingId={buildingId} account={account} onClose={() => setBuildingId(null)} />
    </div>
  );
}
