// A small map of where orders are: one order's place as a pin (the detail), or hot spots as circles sized by the
// number of requests and red where orders are still open (the evaluation dashboard). The district's grid outlines
// come from the platform itself, so the map needs no tile server; one is drawn underneath when configured.
import type { FeatureCollection, Point } from 'geojson';
import * as maplibregl from 'maplibre-gl';
import { useEffect, useRef } from 'react';
import { api } from '../../api.ts';
import { addAreaOutlines, boundsOfFeatures } from '../../map/area-outlines.ts';
import { createMap } from '../../map/create-map.ts';

export type HotspotCollection = FeatureCollection<
  Point,
  { count: number; open: number; topCategory: string | null; topCategoryName: string | null }
>;

export function OrdersMap({
  point,
  hotspots,
  height = 240,
  testId,
}: {
  point?: { lng: number; lat: number } | null;
  hotspots?: HotspotCollection | null;
  height?: number;
  testId?: string;
}) {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const loaded = useRef<Promise<void> | null>(null);

  const lng = point?.lng;
  const lat = point?.lat;
  useEffect(() => {
    if (!container.current) return;
    const point = lng !== undefined && lat !== undefined ? { lng, lat } : null;
    const map = createMap(container.current, {
      background: '#eef2f7',
      ...(point ? { center: [point.lng, point.lat] as [number, number], zoom: 15 } : {}),
    });
    mapRef.current = map;
    loaded.current = new Promise<void>((resolve) => {
      map.on('load', () => {
        api<FeatureCollection>('/api/public/map/areas.geojson')
          .then((data) => {
            addAreaOutlines(map, data);
            const bounds = point ? null : boundsOfFeatures(data);
            if (bounds) map.fitBounds(bounds, { padding: 16, duration: 0 });
          })
          .catch(() => {})
          .finally(resolve);
      });
    });
    if (point) new maplibregl.Marker({ color: '#d4380d' }).setLngLat([point.lng, point.lat]).addTo(map);
    return () => {
      map.remove();
      mapRef.current = null;
    };
  }, [lng, lat]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !hotspots || !loaded.current) return;
    let cancelled = false;
    loaded.current.then(() => {
      if (cancelled || mapRef.current !== map) return;
      const source = map.getSource('hotspots') as maplibregl.GeoJSONSource | undefined;
      if (source) source.setData(hotspots);
      else {
        map.addSource('hotspots', { type: 'geojson', data: hotspots });
        const max = Math.max(1, ...hotspots.features.map((f) => f.properties.count));
        map.addLayer({
          id: 'hotspots',
          type: 'circle',
          source: 'hotspots',
          paint: {
            'circle-radius': ['interpolate', ['linear'], ['get', 'count'], 1, 4, max, 22],
            'circle-color': ['case', ['>', ['get', 'open'], 0], '#d4380d', '#1f6feb'],
            'circle-opacity': 0.6,
            'circle-stroke-color': '#ffffff',
            'circle-stroke-width': 1,
          },
        });
        const popup = new maplibregl.Popup({ closeButton: false, closeOnClick: false });
        map.on('mousemove', 'hotspots', (e) => {
          const f = e.features?.[0];
          if (!f) return;
          const p = f.properties as { count: number; open: number; topCategoryName: string | null };
          const text = `${p.topCategoryName ?? ''} ${p.count}（${p.open}）`;
          popup.setLngLat(e.lngLat).setText(text).addTo(map);
        });
        map.on('mouseleave', 'hotspots', () => popup.remove());
      }
    });
    return () => {
      cancelled = true;
    };
  }, [hotspots]);

  return <div ref={container} style={{ height, borderRadius: 8, overflow: 'hidden' }} data-testid={testId} />;
}
