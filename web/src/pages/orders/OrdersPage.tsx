// The work-order list: what waits in the viewer's area (or at their unit), filtered by status, category, unit,
// area, overdue and dates, searched by number, words or address, with the time left to the deadline in colour.
// The filters live in the address, so a figure on the evaluation dashboard links to the orders behind it.
import { DownloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, DatePicker, Flex, Input, Select, Switch, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useEffect, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { download, errorText, type Page, withQuery } from '../../api.ts';
import { AreaPicker } from '../../components/AreaPicker.tsx';
import { useApi, useIsPhone } from '../../hooks.ts';
import { codedLabel } from '../../i18n/coded-label.ts';
import { useFormat, useLang, useT } from '../../i18n/index.tsx';
import { deadlineText, deadlineTone, TONE_COLOURS } from './deadline.ts';
import { ORDER_STATUSES, type OrderReference, type OrderSummary, STATUS_COLOURS } from './types.ts';

/** The list's filters as the API names them; each one is a search parameter of the page's address. */
const FILTERS = [
  'q',
  'status',
  'categoryCode',
  'unitCode',
  'streetCode',
  'communityCode',
  'gridId',
  'overdue',
  'supervised',
  'from',
  'to',
] as const;

export function useNow(everyMs = 60_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

export function OrdersPage() {
  const t = useT();
  const lang = useLang();
  const format = useFormat();
  const isPhone = useIsPhone();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const [area, setArea] = useState<string | undefined>();
  const [text, setText] = useState(params.get('q') ?? '');
  const now = useNow();
  const page = Number(params.get('page') ?? '1') || 1;
  const pageSize = 20;
  const filters: Record<string, string | undefined> = {};
  for (const f of FILTERS) filters[f] = params.get(f) ?? undefined;
  const reference = useApi<OrderReference>('/api/requests/reference');
  const orders = useApi<Page<OrderSummary>>(withQuery('/api/requests', { ...filters, page, pageSize }));

  /** Sets some filters (undefined removes one) and goes back to the first page. */
  const update = (patch: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || v === '') next.delete(k);
      else next.set(k, v);
    }
    next.delete('page');
    setParams(next, { replace: true });
  };

  const exportAs = (kind: 'csv' | 'xlsx') =>
    download(withQuery(`/api/requests/export.${kind}`, filters), `work-orders.${kind}`).catch((e) =>
      message.error(errorText(e, lang)),
    );

  const statusLabel = (s: string) => codedLabel(t, 'ordersStatus_', s);

  return (
    <Flex vertical gap={16}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('ordersListTitle')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('ordersListIntro')}
      </Typography.Paragraph>
      <Flex gap={8} wrap>
        <Input.Search
          allowClear
          style={{ width: isPhone ? '100%' : 280 }}
          placeholder={t('ordersSearch')}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onSearch={(v) => update({ q: v.trim() || undefined })}
          aria-label={t('ordersSearch')}
          data-testid="orders-search"
        />
        <Select
          style={{ minWidth: 140 }}
          allowClear
          placeholder={t('ordersStatus')}
          value={filters['status']}
          onChange={(v) => update({ status: v })}
          options={ORDER_STATUSES.map((s) => ({ value: s, label: statusLabel(s) }))}
          aria-label={t('ordersStatus')}
          data-testid="orders-status-filter"
        />
        <Select
          style={{ minWidth: 180 }}
          allowClear
          showSearch
          optionFilterProp="label"
          placeholder={t('ordersCategory')}
          value={filters['categoryCode']}
          onChange={(v) => update({ categoryCode: v })}
          options={reference.data?.categories.map((c) => ({
            value: c.code,
            label: `${c.majorName} / ${lang === 'en' ? c.nameEn : c.name}`,
          }))}
          aria-label={t('ordersCategory')}
        />
        <Select
          style={{ minWidth: 160 }}
          allowClear
          showSearch
          optionFilterProp="label"
          placeholder={t('ordersUnit')}
          value={filters['unitCode']}
          onChange={(v) => update({ unitCode: v })}
          options={reference.data?.units.map((u) => ({ value: u.code, label: u.name }))}
          aria-label={t('ordersUnit')}
        />
        <AreaPicker
          style={{ width: isPhone ? '100%' : 240 }}
          value={area}
          onChange={(path, node) => {
            setArea(path);
            const level = node?.level;
            update({
              streetCode: level === 'street' ? node!.code.slice(0, 9) : undefined,
              communityCode: level === 'community' ? node!.code : undefined,
              gridId: level === 'grid' && node!.gridId !== undefined ? String(node!.gridId) : undefined,
            });
          }}
        />
        <DatePicker.RangePicker
          value={
            filters['from'] && filters['to'] ? [dayjs(filters['from']), dayjs(filters['to'])] : undefined
          }
          onChange={(range) =>
            update({
              from: range?.[0]?.format('YYYY-MM-DD'),
              to: range?.[1]?.format('YYYY-MM-DD'),
            })
          }
          aria-label={t('ordersDates')}
        />
        <Flex align="center" gap={6}>
          <Switch
            checked={filters['overdue'] === 'true'}
            onChange={(on) => update({ overdue: on ? 'true' : undefined })}
            data-testid="orders-overdue"
            aria-label={t('ordersOverdueOnly')}
          />
          {t('ordersOverdueOnly')}
        </Flex>
        <Flex align="center" gap={6}>
          <Switch
            checked={filters['supervised'] === 'true'}
            onChange={(on) => update({ supervised: on ? 'true' : undefined })}
            aria-label={t('ordersSupervisedOnly')}
          />
          {t('ordersSupervisedOnly')}
        </Flex>
        <Button icon={<DownloadOutlined />} onClick={() => exportAs('csv')} data-testid="orders-export-csv">
          {t('ordersExportCsv')}
        </Button>
        <Button icon={<DownloadOutlined />} onClick={() => exportAs('xlsx')}>
          {t('ordersExportXlsx')}
        </Button>
      </Flex>
      {orders.error !== undefined && orders.error !== null && (
        <Alert type="error" showIcon title={errorText(orders.error, lang)} />
      )}
      <Table<OrderSummary>
        data-testid="orders-table"
        rowKey="id"
        size="middle"
        loading={orders.loading}
        dataSource={orders.data?.items ?? []}
        locale={{ emptyText: t('ordersNone') }}
        scroll={{ x: 1320 }}
        onRow={(r) => ({ onClick: () => navigate(`/orders/${r.id}`), style: { cursor: 'pointer' } })}
        pagination={{
          current: page,
          pageSize,
          total: orders.data?.total ?? 0,
          onChange: (p) => {
            const next = new URLSearchParams(params);
            next.set('page', String(p));
            setParams(next, { replace: true });
          },
          showSizeChanger: false,
          showTotal: (n) => t('ordersTotal', { n }),
        }}
        columns={[
          {
            key: 'number',
            title: t('ordersNumber'),
            width: 190,
            render: (_, r) => (
              <Typography.Text strong style={{ whiteSpace: 'nowrap' }}>
                {r.number}
              </Typography.Text>
            ),
          },
          {
            key: 'status',
            title: t('ordersStatus'),
            width: 150,
            render: (_, r) => (
              <Flex gap={4} wrap>
                <Tag color={STATUS_COLOURS[r.status]}>{statusLabel(r.status)}</Tag>
                {r.supervised && <Tag color="magenta">{t('ordersSupervisedTag')}</Tag>}
              </Flex>
            ),
          },
          {
            key: 'deadline',
            title: t('ordersDeadline'),
            width: 130,
            render: (_, r) => {
              const tone = deadlineTone(r, now);
              return (
                <Tag color={TONE_COLOURS[tone]} data-testid={`deadline-${tone}`}>
                  {deadlineText(r, now, t)}
                </Tag>
              );
            },
          },
          {
            key: 'category',
            title: t('ordersCategory'),
            width: 120,
            render: (_, r) => r.categoryName ?? '—',
          },
          {
            key: 'description',
            title: t('ordersDescription'),
            width: 320,
            ellipsis: true,
            render: (_, r) => r.description,
          },
          {
            key: 'address',
            title: t('ordersAddress'),
            ellipsis: true,
            render: (_, r) => r.address ?? '—',
          },
          {
            key: 'unit',
            title: t('ordersUnit'),
            width: 130,
            render: (_, r) => r.leadUnitName ?? t('ordersUnassigned'),
          },
          {
            key: 'received',
            title: t('ordersReceivedAt'),
            width: 150,
            render: (_, r) => format.shortDateTime(r.receivedAt),
          },
        ]}
      />
    </Flex>
  );
}
