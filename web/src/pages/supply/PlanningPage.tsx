// Life-circle coverage of a facility type for an age band on the map: uncovered buildings in red, the sites the
// solver chooses in green, the walking (or straight-line) method named, coverage per community in a table, and
// saved scenarios compared side by side.
import '../../map/map.css';
import {
  Alert,
  Button,
  Card,
  Flex,
  InputNumber,
  Select,
  Space,
  Statistic,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { FeatureCollection } from 'geojson';
import type { GeoJSONSource } from 'maplibre-gl';
import * as maplibregl from 'maplibre-gl';
import { useEffect, useRef, useState } from 'react';
import { api, errorText, withQuery } from '../../api.ts';
import { useApi } from '../../hooks.ts';
import { useLang, useT } from '../../i18n/index.tsx';
import { createMap } from '../../map/create-map.ts';

interface Coverage {
  walkRadiusM: number;
  walkMinutes: number;
  method: string;
  residents: number;
  coveredResidents: number;
  uncoveredResidents: number;
  coveredShare: number;
  areas: { path: string; name: string; residents: number; coveredResidents: number; coveredShare: number }[];
}

interface Siting {
  status: string;
  optimal: boolean;
  gap: number | null;
  before: { coveredShare: number };
  after: { coveredShare: number };
  newSites: { id: string; lng: number; lat: number }[];
}

interface Scenario {
  id: number;
  name: string;
  k: number;
  optimal: boolean;
  gap: number | null;
  coveredShareBefore: number;
  coveredShareAfter: number;
}

const TYPES = ['ELDER_DAY_CARE', 'KINDERGARTEN', 'HEALTH_STATION'] as const;
const TYPE_LABEL: Record<(typeof TYPES)[number], [string, string]> = {
  ELDER_DAY_CARE: ['老年人日间照料中心', 'Elderly day care'],
  KINDERGARTEN: ['幼儿园', 'Kindergarten'],
  HEALTH_STATION: ['社区卫生服务站', 'Health station'],
};
const BANDS = { all: {}, '60': { ageMin: 60 }, '0-6': { ageMin: 0, ageMax: 6 } } as const;
const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function PlanningPage() {
  const t = useT();
  const lang = useLang();
  const [type, setType] = useState<(typeof TYPES)[number]>('ELDER_DAY_CARE');
  const [band, setBand] = useState<keyof typeof BANDS>('60');
  const [k, setK] = useState(2);
  const [siting, setSiting] = useState<Siting | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const query = { type, ...BANDS[band] };
  const coverage = useApi<Coverage>(withQuery('/api/planning/coverage', query));
  const uncovered = useApi<FeatureCollection>(withQuery('/api/planning/coverage/uncovered', query));
  const scenarios = useApi<{ items: Scenario[] }>('/api/planning/scenarios');
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const [ready, setReady] = useState(false);

  useEffect(() => {
    if (!container.current) return;
    const map = createMap(container.current, { zoom: 13 });
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'bottom-right');
    map.on('load', () => {
      map.addSource('uncovered', { type: 'geojson', data: EMPTY });
      map.addSource('sites', { type: 'geojson', data: EMPTY });
      map.addLayer({
        id: 'uncovered',
        type: 'circle',
        source: 'uncovered',
        paint: {
          'circle-color': '#d9480f',
          'circle-opacity': 0.8,
          'circle-radius': ['interpolate', ['linear'], ['get', 'residents'], 0, 3, 30, 7, 100, 11],
        },
      });
      map.addLayer({
        id: 'sites',
        type: 'circle',
        source: 'sites',
        paint: {
          'circle-color': '#2b8a3e',
          'circle-radius': 10,
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': 2,
        },
      });
      mapRef.current = map;
      setReady(true);
    });
    return () => map.remove();
  }, []);

  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map || !uncovered.data) return;
    (map.getSource('uncovered') as GeoJSONSource).setData(uncovered.data);
    const bounds = new maplibregl.LngLatBounds();
    for (const f of uncovered.data.features)
      if (f.geometry.type === 'Point') bounds.extend(f.geometry.coordinates as [number, number]);
    if (!bounds.isEmpty()) map.fitBounds(bounds, { padding: 40, duration: 0, maxZoom: 15 });
  }, [ready, uncovered.data]);

  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map) return;
    (map.getSource('sites') as GeoJSONSource).setData({
      type: 'FeatureCollection',
      features: (siting?.newSites ?? []).map((s) => ({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [s.lng, s.lat] },
        properties: { id: s.id },
      })),
    });
  }, [ready, siting]);

  const body = { ...query, k, candidates: 'buildings' as const };
  const run = async (save: boolean) => {
    setBusy(true);
    setProblem(null);
    try {
      if (save) {
        const name = `${TYPE_LABEL[type][lang === 'zh' ? 0 : 1]} k=${k} · ${new Date().toLocaleTimeString()}`;
        await api('/api/planning/scenarios', { method: 'POST', body: { ...body, name } });
        scenarios.reload();
      } else {
        setSiting(await api<Siting>('/api/planning/siting', { method: 'POST', body: body }));
      }
    } catch (e) {
      setProblem(errorText(e, lang));
    } finally {
      setBusy(false);
    }
  };

  const c = coverage.data;
  return (
    <Flex vertical gap={16}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('supplyPlanningTitle')}
      </Typography.Title>
      <Space wrap>
        <span>{t('supplyFacilityType')}</span>
        <Select
          value={type}
          onChange={(v) => {
            setType(v);
            setSiting(null);
          }}
          style={{ width: 220 }}
          options={TYPES.map((code) => ({ value: code, label: TYPE_LABEL[code][lang === 'zh' ? 0 : 1] }))}
        />
        <span>{t('supplyAgeBand')}</span>
        <Select
          value={band}
          onChange={(v) => {
            setBand(v);
            setSiting(null);
          }}
          style={{ width: 160 }}
          options={[
            { value: 'all', label: t('supplyAllAges') },
            { value: '60', label: t('supplyAge60') },
            { value: '0-6', label: t('supplyAge0to6') },
          ]}
        />
        <span>{t('supplyNewSites')}</span>
        <InputNumber min={1} max={20} value={k} onChange={(v) => setK(v ?? 1)} />
        <Button type="primary" loading={busy} onClick={() => run(false)} data-testid="supply-run-siting">
          {t('supplyRunSiting')}
        </Button>
        <Button loading={busy} onClick={() => run(true)}>
          {t('supplySaveScenario')}
        </Button>
      </Space>
      {problem && <Alert type="error" showIcon title={problem} />}
      {coverage.error ? <Alert type="error" showIcon title={errorText(coverage.error, lang)} /> : null}
      {c && (
        <Flex gap={24} wrap align="center">
          <Statistic title={t('supplyCovered')} value={pct(c.coveredShare)} />
          <Statistic title={t('supplyUncovered')} value={c.uncoveredResidents} />
          <Typography.Text>
            {t('supplyWithin', { m: c.walkRadiusM, min: c.walkMinutes })}{' '}
            <Tag color={c.method === 'walking-network' ? 'green' : 'orange'} data-testid="supply-method">
              {c.method === 'walking-network' ? t('supplyMethodNetwork') : t('supplyMethodStraight')}
            </Tag>
          </Typography.Text>
          {siting && (
            <Typography.Text data-testid="supply-siting-result">
              {t('supplyBefore')} {pct(siting.before.coveredShare)} → {t('supplyAfter')}{' '}
              {pct(siting.after.coveredShare)}{' '}
              <Tag color={siting.optimal ? 'green' : 'gold'}>
                {siting.optimal ? t('supplyOptimal') : t('supplyGap', { gap: pct(siting.gap ?? 0) })}
              </Tag>
            </Typography.Text>
          )}
        </Flex>
      )}
      <Flex gap={16} wrap>
        <Card style={{ flex: '2 1 480px' }} styles={{ body: { padding: 0 } }}>
          <div ref={container} style={{ height: 460 }} data-testid="supply-map" />
          <Flex gap={16} style={{ padding: 8 }}>
            <span>
              <span className="cb-swatch" style={{ background: '#d9480f' }} /> {t('supplyLegendUncovered')}
            </span>
            <span>
              <span className="cb-swatch" style={{ background: '#2b8a3e' }} /> {t('supplyLegendSite')}
            </span>
          </Flex>
        </Card>
        <Card style={{ flex: '1 1 320px' }}>
          <Table
            size="small"
            rowKey="path"
            pagination={{ pageSize: 8 }}
            dataSource={c?.areas ?? []}
            columns={[
              { title: t('supplyArea'), dataIndex: 'name' },
              { title: t('supplyCovered'), render: (_, a) => `${a.coveredResidents} / ${a.residents}` },
              { title: t('supplyShare'), render: (_, a) => pct(a.coveredShare) },
            ]}
          />
        </Card>
      </Flex>
      <Card title={t('supplyScenarios')}>
        <Table
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={scenarios.data?.items ?? []}
          columns={[
            { title: t('supplyScenarioName'), dataIndex: 'name' },
            { title: t('supplyNewSites'), dataIndex: 'k' },
            { title: t('supplyBefore'), render: (_, s) => pct(s.coveredShareBefore) },
            { title: t('supplyAfter'), render: (_, s) => pct(s.coveredShareAfter) },
            {
              title: t('supplyStatus'),
              render: (_, s) => (s.optimal ? t('supplyOptimal') : t('supplyGap', { gap: pct(s.gap ?? 0) })),
            },
          ]}
        />
      </Card>
    </Flex>
  );
}
