// 设备状态: every device registered in the viewer's area (from the health API, so one that never reported or fell
// silent is listed as 从未上报 / 离线) with where it is, its state, when it last reported and how many of its
// messages were rejected (and why); a row opens the device's recent readings as a chart, with its battery.
import { Alert, Drawer, Empty, Flex, Input, Select, Table, Tag, Typography } from 'antd';
import { useCallback, useState } from 'react';
import { errorText, withQuery } from '../../api.ts';
import { AreaPicker } from '../../components/AreaPicker.tsx';
import { useApi, useDivisionTree, useIsPhone, useServerPaging } from '../../hooks.ts';
import { translate, useFormat, useLang, useT } from '../../i18n/index.tsx';
import type { MessageKey } from '../../i18n/messages.ts';
import { codedLabel, placeName } from './labels.ts';
import { ReadingsChart } from './ReadingsChart.tsx';
import type { Device, DeviceHealth, DeviceState, HealthPage, Readings } from './types.ts';

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
const STATES: DeviceState[] = ['online', 'offline', 'never'];
const STATE_TAGS: Record<DeviceState, { key: MessageKey; color?: string }> = {
  online: { key: 'sensingOnline', color: 'green' },
  offline: { key: 'sensingOfflineState', color: 'red' },
  never: { key: 'sensingNeverSeen' },
};
/** Battery below this share is flagged, so a worker replaces it before the device goes quiet. */
const LOW_BATTERY = 20;

function rejectedOf(h: DeviceHealth): number {
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
      size={720}
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
  const [state, setState] = useState<DeviceState | undefined>();
  const [area, setArea] = useState<string | undefined>();
  const [q, setQ] = useState('');
  const paging = useServerPaging();
  const [open, setOpen] = useState<Device | null>(null);
  const devices = useApi<HealthPage>(
    withQuery('/api/sensing/health', { area, kind, q, state, page: paging.page, pageSize: paging.pageSize }),
  );
  const counts = devices.data?.states;

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
            paging.restart();
          }}
          aria-label={t('sensingSearchDevice')}
          data-testid="device-search"
        />
        <AreaPicker
          style={{ width: isPhone ? '100%' : 240 }}
          value={area}
          onChange={(path) => {
            setArea(path);
            paging.restart();
          }}
        />
        <Select
          style={{ minWidth: 200 }}
          allowClear
          placeholder={t('sensingAllDeviceKinds')}
          value={kind}
          onChange={(v) => {
            setKind(v);
            paging.restart();
          }}
          options={KINDS.map((k) => ({
            value: k,
            label: codedLabel(t, 'sensingDeviceKind_', k),
          }))}
          aria-label={t('sensingDeviceKind')}
          data-testid="device-kind-filter"
        />
        <Select
          style={{ minWidth: 140 }}
          allowClear
          placeholder={t('sensingAllStates')}
          value={state}
          onChange={(v) => {
            setState(v);
            paging.restart();
          }}
          options={STATES.map((s) => ({ value: s, label: t(STATE_TAGS[s].key) }))}
          aria-label={t('sensingState')}
          data-testid="device-state-filter"
        />
      </Flex>
      {counts && (
        <Typography.Text type="secondary" data-testid="device-state-counts">
          {t('sensingStateCounts', counts)}
        </Typography.Text>
      )}
      {devices.error !== undefined && devices.error !== null && (
        <Alert type="error" showIcon title={errorText(devices.error, lang)} />
      )}
      <Table<DeviceHealth>
        data-testid="device-table"
        rowKey="id"
        loading={devices.loading}
        dataSource={devices.data?.items ?? []}
        locale={{ emptyText: t('sensingNoDevices') }}
        scroll={{ x: isPhone ? 820 : undefined }}
        onRow={(r) => ({ onClick: () => setOpen(r), style: { cursor: 'pointer' } })}
        pagination={paging.pagination(devices.data?.total)}
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
            render: (_, r) => <Tag color={STATE_TAGS[r.state].color}>{t(STATE_TAGS[r.state].key)}</Tag>,
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
              const n = rejectedOf(r);
              if (n === 0) return '0';
              const counter = r.lastProblem?.split(':')[0] ?? '';
              return (
                <span title={r.lastProblem ?? undefined}>
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
