// The district on a map drawn from the platform's own GeoJSON (no tiles needed): areas coloured by population
// density; clicking an area goes one level down (street → community → grid), the breadcrumb goes back up.
import 'maplibre-gl/dist/maplibre-gl.css';
import { Breadcrumb, Button, Card, Space, Typography } from 'antd';
import type { GeoJSONSource, MapLayerMouseEvent } from 'maplibre-gl';
import * as maplibregl from 'maplibre-gl';
// MapLibre's worker is an ES module; Vite bundles it as a worker of its own and gives its URL.
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?worker&url';
import { useEffect, useRef, useState } from 'react';
import { api } from '../api.ts';
import { useT } from '../i18n.tsx';

interface AreaProps {
  id: string | number;
  name: string;
  level: string;
  path: string;
  population: number;
  density: number;
}
interface Collection {
  type: 'FeatureCollection';
  features: Array<{
    type: 'Feature';
    geometry: { type: string; coordinates: unknown };
    properties: AreaProps;
  }>;
}

maplibregl.setWorkerUrl(workerUrl);

const NEXT: Record<string, 'community' | 'grid' | null> = {
  street: 'community',
  community: 'grid',
  grid: null,
};
const STOPS = [0, 2000, 5000, 10000, 20000, 40000];
const COLORS = ['#f1eef6', '#d0d1e6', '#a6bddb', '#74a9cf', '#2b8cbe', '#045a8d'];

function bounds(c: Collection): maplibregl.LngLatBounds | null {
  const b = new maplibregl.LngLatBounds();
  let any = false;
  const walk = (x: unknown) => {
    if (Array.isArray(x) && typeof x[0] === 'number') {
      b.extend(x as [number, number]);
      any = true;
    } else if (Array.isArray(x)) x.forEach(walk);
  };
  for (const f of c.features) walk(f.geometry.coordinates);
  return any ? b : null;
}

export default function MapPage() {
  const t = useT();
  const container = useRef<HTMLDivElement>(null);
  const map = useRef<maplibregl.Map | null>(null);
  const [trail, setTrail] = useState<
    Array<{ name: string; path: string | null; level: 'street' | 'community' | 'grid' }>
  >([{ name: t('street'), path: null, level: 'street' }]);
  const [selected, setSelected] = useState<AreaProps | null>(null);
  const [ready, setReady] = useState(false);
  const current = trail[trail.length - 1]!;

  useEffect(() => {
    if (!container.current) return;
    const m = new maplibregl.Map({
      container: container.current,
      style: {
        version: 8,
        sources: {},
        layers: [{ id: 'bg', type: 'background', paint: { 'background-color': '#f7f9fc' } }],
      },
      center: [120.1, 30.28],
      zoom: 11,
      attributionControl: false,
    });
    m.addControl(new maplibregl.NavigationControl({ showCompass: false }));
    m.on('load', () => {
      m.addSource('areas', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
      const stops: unknown[] = [];
      for (const [i, s] of STOPS.entries()) stops.push(s, COLORS[i]);
      m.addLayer({
        id: 'fill',
        type: 'fill',
        source: 'areas',
        paint: {
          'fill-color': ['interpolate', ['linear'], ['get', 'density'], ...stops] as never,
          'fill-opacity': 0.8,
        },
      });
      m.addLayer({
        id: 'line',
        type: 'line',
        source: 'areas',
        paint: { 'line-color': '#334', 'line-width': 1 },
      });
      // No text labels: symbol text needs a glyph server, and the map must work without any outside service.
      map.current = m;
      setReady(true);
    });
    m.on('click', 'fill', (e: MapLayerMouseEvent) => {
      const p = e.features?.[0]?.properties as AreaProps | undefined;
      if (!p) return;
      setSelected(p);
      const next = NEXT[p.level];
      if (next) setTrail((x) => [...x, { name: p.name, path: p.path, level: next }]);
    });
    return () => m.remove();
  }, []);

  useEffect(() => {
    const m = map.current;
    if (!m || !ready) return;
    const params = new URLSearchParams({ level: current.level });
    if (current.path) params.set('within', current.path);
    api<Collection>(`/api/map/areas.geojson?${params}`).then((data) => {
      (m.getSource('areas') as GeoJSONSource | undefined)?.setData(data as never);
      const b = bounds(data);
      if (b) m.fitBounds(b, { padding: 24, duration: 300 });
    });
  }, [current, ready]);

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Breadcrumb
        items={trail.map((c, i) => ({
          title:
            i < trail.length - 1 ? (
              <Button
                type="link"
                size="small"
                style={{ padding: 0 }}
                onClick={() => setTrail(trail.slice(0, i + 1))}
              >
                {c.name}
              </Button>
            ) : (
              c.name
            ),
        }))}
      />
      <div
        ref={container}
        style={{ height: 'calc(100vh - 220px)', minHeight: 360, borderRadius: 8, overflow: 'hidden' }}
        data-testid="map"
      />
      <Space wrap>
        <Typography.Text type="secondary">{t('densityLegend')}</Typography.Text>
        {STOPS.map((s, i) => (
          <span key={s} style={{ display: 'inline-flex', alignItems: 'center', gap: 4 }}>
            <span style={{ width: 16, height: 12, background: COLORS[i], border: '1px solid #ccc' }} />
            {s.toLocaleString()}
          </span>
        ))}
      </Space>
      {selected && (
        <Card size="small" title={selected.name}>
          {t('population')}: {selected.population.toLocaleString()} · {t('densityLegend')}:{' '}
          {selected.density.toLocaleString()}
        </Card>
      )}
    </Space>
  );
}
