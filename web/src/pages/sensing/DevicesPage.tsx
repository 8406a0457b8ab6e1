// 设备状态: the devices registered in the viewer's area with where they are, whether they are online, when they
// last reported and how many of their messages were rejected (and why); a row opens the device's recent readings
// as a chart, with its battery.
import { Alert, Drawer, Empty, Flex, Input, Select, Table, Tag, Typography } from 'antd';
import { useCallback, useMemo, useState } from 'react';
import { errorText, type Page, withQuery } from '../../api.ts';
import { AreaPicker } from '../../components/AreaPicker.tsx';
import { useApi, useDivisionTree, useIsPhone } from '../../hooks.ts';
import { translate, useFormat, useLang, useT } from '../../i18n/index.tsx';
import { codedLabel, placeName } from './labels.ts';
import { ReadingsChart } from './ReadingsChart.tsx';
import type { Device, DeviceHealth, Readings } from './types.ts';

const KINDS = [
  'water_meter',
  'electricity_meter',
  'gas_detector',
  'smoke_detector',
  'door_sensor',
  'emergency_button',
  'environment',
  'video_box',
];
/** Battery below this share is flagged, so a worker replaces it before the device goes quiet. */
const LOW_BATTERY = 20;

function rejectedOf(h: DeviceHealth | undefined): number {
  if (!h) return 0;
  return h.malformed + h.badUnit + h.clockSkew + h.replayed + h.rateLimited;
}

function DeviceReadings({ device, onClose }: { device: Device | null; onClose: () => void }) {
  const t = useT();
  const lang = useLang();
  const readings = useApi<Readings>(
    device ? withQuery(`/api/sensing/devices/${device.id}/readings`, { limit: 500 }) : null,
  );
  // Stable for a language, so the chart is drawn again only when the readings change.
  const metricName = useCallback(
    (m: string) => codedLabel((key) => translate(lang, key), 'sensingMetric_', m),
    [lang],
  );
  const items = device && readings.data?.deviceId === device.id ? readings.data.items : [];
  const battery = items.find((r) => typeof r.values['battery'] === 'number')?.values['battery'] as
    | number
    | undefined;
  return (
    <Drawer
      open={device !== null}
      onClose={onClose}
      width={720}
      title={device ? t('sensingReadings', { uid: device.deviceUid }) : ''}
      data-testid="device-readings"
    >
      {readings.error !== undefined && readings.error !== null && (
        <Alert type="error" showIcon title={errorText(readings.error, lang)} />
      )}
      {battery !== undefined && (
        <Tag color={battery < LOW_BATTERY ? 'red' : 'green'} style={{ marginBottom: 12 }}>
          {battery < LOW_BATTERY
            ? t('sensingLowBattery', { n: battery })
            : t('sensingBattery', { n: battery })}
        </Tag>
      )}
      {items.length > 0 ? (
        <ReadingsChart readings={items} metricName={metricName} />
      ) : (
        !readings.loading && <Empty description={t('sensingNoReadings')} />
      )}
    </Drawer>
  );
}

export function DevicesPage() {
  const t = useT();
  const lang = useLang();
  const format = useFormat();
  const isPhone = useIsPhone();
  const tree = useDivisionTree();
  const [kind, setKind] = useState<string | undefined>();
  const [area, setArea] = useState<string | undefined>();
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState<Device | null>(null);
  const pageSize = 20;
  const devices = useApi<Page<Device>>(withQuery('/api/sensing/devices', { area, kind, q, page, pageSize }));
  const health = useApi<{ devices: DeviceHealth[] }>('/api/sensing/health');
  const healthOf = useMemo(
    () => new Map((health.data?.devices ?? []).map((h) => [h.deviceUid, h])),
    [health.data],
  );

  return (
    <Flex vertical gap={16}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('sensingDevicesTitle')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('sensingDevicesIntro')} {t('sensingOnlineRule')}
      </Typography.Paragraph>
      <Flex gap={8} wrap>
        <Input.Search
          style={{ maxWidth: 280 }}
          allowClear
          placeholder={t('sensingSearchDevice')}
          onSearch={(v) => {
            setQ(v.trim());
            setPage(1);
          }}
          aria-label={t('sensingSearchDevice')}
          data-testid="device-search"
        />
        <AreaPicker
          style={{ width: isPhone ? '100%' : 240 }}
          value={area}
          onChange={(path) => {
            setArea(path);
            setPage(1);
          }}
        />
        <Select
          style={{ minWidth: 200 }}
          allowClear
          placeholder={t('sensingAllDeviceKinds')}
          value={kind}
          onChange={(v) => {
            setKind(v);
            setPage(1);
          }}
          options={KINDS.map((k) => ({
            value: k,
            label: codedLabel(t, 'sensingDeviceKind_', k),
          }))}
          aria-label={t('sensingDeviceKind')}
          data-testid="device-kind-filter"
        />
      </Flex>
      {devices.error !== undefined && devices.error !== null && (
        <Alert type="error" showIcon title={errorText(devices.error, lang)} />
      )}
      <Table<Device>
        data-testid="device-table"
        rowKey="id"
        loading={devices.loading}
        dataSource={devices.data?.items ?? []}
        locale={{ emptyText: t('sensingNoDevices') }}
        scroll={{ x: isPhone ? 820 : undefined }}
        onRow={(r) => ({ onClick: () => setOpen(r), style: { cursor: 'pointer' } })}
        pagination={{
          current: page,
          pageSize,
          total: devices.data?.total ?? 0,
          onChange: setPage,
          showSizeChanger: false,
          showTotal: (n) => t('sensingTotal', { n }),
        }}
        columns={[
          { key: 'uid', title: t('sensingDevice'), dataIndex: 'deviceUid', width: 150 },
          {
            key: 'kind',
            title: t('sensingDeviceKind'),
            render: (_, r) => codedLabel(t, 'sensingDeviceKind_', r.kind),
          },
          { key: 'area', title: t('sensingArea'), render: (_, r) => placeName(tree, r.scopePath) },
          {
            key: 'state',
            title: t('sensingState'),
            width: 100,
            render: (_, r) =>
              r.lastSeenAt === null ? (
                <Tag>{t('sensingNeverSeen')}</Tag>
              ) : r.online ? (
                <Tag color="green">{t('sensingOnline')}</Tag>
              ) : (
                <Tag color="red">{t('sensingOfflineState')}</Tag>
              ),
          },
          {
            key: 'battery',
            title: t('sensingBatteryColumn'),
            width: 120,
            render: (_, r) =>
              r.battery === null ? (
                '—'
              ) : r.battery < LOW_BATTERY ? (
                <Tag color="red">{t('sensingLowBattery', { n: r.battery })}</Tag>
              ) : (
                `${r.battery}%`
              ),
          },
          {
            key: 'seen',
            title: t('sensingLastSeen'),
            width: 170,
            render: (_, r) => (r.lastSeenAt ? format.shortDateTime(r.lastSeenAt) : '—'),
          },
          {
            key: 'rejected',
            title: t('sensingRejected'),
            width: 200,
            render: (_, r) => {
              const h = healthOf.get(r.deviceUid);
              const n = rejectedOf(h);
              if (n === 0) return '0';
              const counter = h?.lastProblem?.split(':')[0] ?? '';
              return (
                <span title={h?.lastProblem ?? undefined}>
                  {n} · {t('sensingLastProblem')}：{codedLabel(t, 'sensingProblem_', counter)}
                </span>
              );
            },
          },
        ]}
      />
      <DeviceReadings device={open} onClose={() => setOpen(null)} />
    </Flex>
  );
}
