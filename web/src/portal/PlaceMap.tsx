// Where the problem is: the district's grid outlines (public, no tiles needed; a base map is drawn under them when
// the server has one configured), a tap drops the pin, and "use my location" asks the phone. The community the
// pin falls in is named under the map, or the resident is told the place lies outside the district.
import { AimOutlined, CloseOutlined } from '@ant-design/icons';
import { Alert, Button, Flex } from 'antd';
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import * as maplibregl from 'maplibre-gl';
import { useEffect, useRef, useState } from 'react';
import { api } from '../api.ts';
import { useT } from '../i18n/index.tsx';
import { addAreaOutlines, boundsOfFeatures, featureAt } from '../map/area-outlines.ts';
import { createMap } from '../map/create-map.ts';

export interface PickedPlace {
  lng: number;
  lat: number;
}

type Areas = FeatureCollection<Polygon | MultiPolygon, { code: string; name: string }>;

export function PlaceMap({
  value,
  onChange,
}: {
  value: PickedPlace | null;
  onChange: (p: PickedPlace | null) => void;
}) {
  const t = useT();
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const markerRef = useRef<maplibregl.Marker | null>(null);
  const [areas, setAreas] = useState<Areas | null>(null);
  const [locating, setLocating] = useState(false);
  const [locateFailed, setLocateFailed] = useState(false);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;

  useEffect(() => {
    if (!container.current) return;
    const map = createMap(container.current, { background: '#eef2f7' });
    mapRef.current = map;
    map.on('click', (e) => onChangeRef.current({ lng: e.lngLat.lng, lat: e.lngLat.lat }));
    map.on('load', () => {
      api<Areas>('/api/public/map/areas.geojson')
        .then((data) => {
          setAreas(data);
          addAreaOutlines(map, data);
          const bounds = boundsOfFeatures(data);
          if (bounds) map.fitBounds(bounds, { padding: 16, duration: 0 });
        })
        .catch(() => {});
    });
    return () => {
      map.remove();
      mapRef.current = null;
      markerRef.current = null;
    };
  }, []);

  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    if (!value) {
      markerRef.current?.remove();
      markerRef.current = null;
      return;
    }
    if (!markerRef.current) markerRef.current = new maplibregl.Marker({ color: '#d4380d' });
    markerRef.current.setLngLat([value.lng, value.lat]).addTo(map);
  }, [value]);

  const locate = () => {
    if (!navigator.geolocation) {
      setLocateFailed(true);
      return;
    }
    setLocating(true);
    setLocateFailed(false);
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        setLocating(false);
        const p = { lng: pos.coords.longitude, lat: pos.coords.latitude };
        onChange(p);
        mapRef.current?.easeTo({ center: [p.lng, p.lat], zoom: 16 });
      },
      () => {
        setLocating(false);
        setLocateFailed(true);
      },
      { enableHighAccuracy: true, timeout: 10_000 },
    );
  };

  const community = value && areas ? (featureAt(areas, value.lng, value.lat)?.properties.name ?? null) : null;
  return (
    <div>
      <div
        className="portal-map"
        ref={container}
        data-testid="place-map"
        role="application"
        aria-label={t('portalPlaceMapHint')}
      />
      <Flex gap={8} wrap style={{ marginTop: 8 }}>
        <Button size="large" icon={<AimOutlined />} onClick={locate} loading={locating}>
          {locating ? t('portalLocating') : t('portalUseMyLocation')}
        </Button>
        {value && (
          <Button size="large" icon={<CloseOutlined />} onClick={() => onChange(null)}>
            {t('portalClearPlace')}
          </Button>
        )}
      </Flex>
      {locateFailed && (
        <Alert type="warning" showIcon title={t('portalLocationFailed')} style={{ marginTop: 8 }} />
      )}
      {value && areas && (
        <Alert
          data-testid="place-picked"
          type={community ? 'success' : 'error'}
          showIcon
          style={{ marginTop: 8 }}
          title={community ? t('portalPlacePicked', { name: community }) : t('portalPlaceOutside')}
        />
      )}
    </div>
  );
}
