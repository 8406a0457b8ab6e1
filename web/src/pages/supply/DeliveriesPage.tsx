// Service delivery records of the viewer's area, traced by their cause: pick the kind (request, policy, project,
// plan) and the id (a work order number, a policy code…) to see every service it caused, with the total minutes
// and cost. Residents' names arrive masked from the server.
import { Alert, Card, Flex, Input, Select, Statistic, Table, Tag } from 'antd';
import { useState } from 'react';
import { errorText, withQuery } from '../../api.ts';
import { useApi, useServerPaging } from '../../hooks.ts';
import { type MessageKey, useLang, useT } from '../../i18n/index.tsx';
import { categoryLabel } from './supply-labels.ts';

interface Delivery {
  id: number;
  providerName: string;
  workerName: string;
  residentName: string;
  category: string;
  description: string;
  startedAt: string;
  minutes: number;
  cost: number;
  source: { kind: string; id: string } | null;
  confirmedAt: string | null;
  residentRating: number | null;
}

interface DeliveryPage {
  items: Delivery[];
  total: number;
  totals: { deliveries: number; minutes: number; cost: number };
}

const SOURCE_KINDS: Record<string, MessageKey> = {
  request: 'supplySourceRequest',
  policy: 'supplySourcePolicy',
  project: 'supplySourceProject',
  plan: 'supplySourcePlan',
};

export function DeliveriesPage() {
  const t = useT();
  const lang = useLang();
  const [sourceKind, setSourceKind] = useState<string | undefined>();
  const [sourceId, setSourceId] = useState('');
  const paging = useServerPaging();
  const list = useApi<DeliveryPage>(
    withQuery('/api/supply/deliveries', {
      sourceKind,
      sourceId: sourceKind ? sourceId.trim() || undefined : undefined,
      page: paging.page,
      pageSize: paging.pageSize,
    }),
  );
  const kindLabel = (kind: string) => (SOURCE_KINDS[kind] ? t(SOURCE_KINDS[kind]) : kind);
  return (
    <Card title={t('supplyDeliveriesTitle')}>
      <Flex gap={12} wrap style={{ marginBottom: 12 }}>
        <Select
          allowClear
          style={{ width: 160 }}
          placeholder={t('supplySourceKind')}
          value={sourceKind}
          onChange={(v) => {
            setSourceKind(v);
            paging.restart();
          }}
          options={Object.keys(SOURCE_KINDS).map((k) => ({ value: k, label: kindLabel(k) }))}
          data-testid="supply-source-kind"
        />
        <Input.Search
          allowClear
          disabled={!sourceKind}
          style={{ width: 260 }}
          placeholder={t('supplySourceId')}
          onSearch={(v) => {
            setSourceId(v);
            paging.restart();
          }}
          data-testid="supply-source-id"
        />
      </Flex>
      {list.error ? <Alert type="error" showIcon title={errorText(list.error, lang)} /> : null}
      {list.data && (
        <Flex gap={32} style={{ marginBottom: 12 }} data-testid="supply-delivery-totals">
          <Statistic title={t('supplyDeliveryCount')} value={list.data.totals.deliveries} />
          <Statistic title={t('supplyDeliveryHours')} value={(list.data.totals.minutes / 60).toFixed(1)} />
          <Statistic title={t('supplyDeliveryCost')} value={`¥${list.data.totals.cost.toLocaleString()}`} />
        </Flex>
      )}
      <Table
        size="small"
        rowKey="id"
        loading={list.loading}
        data-testid="supply-deliveries"
        dataSource={list.data?.items ?? []}
        pagination={paging.pagination(list.data?.total)}
        columns={[
          { title: t('supplyDeliveryWhen'), render: (_, d) => d.startedAt.slice(0, 10) },
          { title: t('supplyProviderName'), dataIndex: 'providerName' },
          { title: t('supplyDeliveryResident'), dataIndex: 'residentName' },
          { title: t('supplyCategory'), render: (_, d) => categoryLabel(d.category, lang) },
          { title: t('supplyDeliveryMinutes'), dataIndex: 'minutes' },
          { title: t('supplyDeliveryCost'), render: (_, d) => `¥${d.cost.toFixed(2)}` },
          {
            title: t('supplySource'),
            render: (_, d) => (d.source ? `${kindLabel(d.source.kind)} ${d.source.id}` : '—'),
          },
          {
            title: t('supplyDeliveryConfirmed'),
            render: (_, d) =>
              d.confirmedAt ? (
                <Tag color="green">{d.residentRating === null ? '✓' : `${d.residentRating} / 5`}</Tag>
              ) : (
                <Tag>{t('supplyDeliveryUnconfirmed')}</Tag>
              ),
          },
        ]}
      />
    </Card>
  );
}
