// The provider registry of the viewer's area: searched by name or phone and by service category, a page at a
// time; each provider with its categories, capacity, price, rating, its qualifications (an expired one in red, one
// ending within 60 days in orange) and its service history from the delivery records.
import { Alert, Card, Flex, Input, Select, Table, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { errorText, type Page, withQuery } from '../../api.ts';
import { useApi, useServerPaging } from '../../hooks.ts';
import { useLang, useT } from '../../i18n/index.tsx';
import { CATEGORIES, categoryLabel, kindLabel } from './supply-labels.ts';

export interface Qualification {
  id: number;
  kind: string;
  number: string;
  issuedBy: string | null;
  categories: string[];
  validFrom: string;
  validUntil: string;
  valid: boolean;
  daysLeft: number;
  expiringSoon: boolean;
}

export interface Provider {
  id: number;
  name: string;
  kind: string;
  status: string;
  serviceCategories: string[];
  areaPath: string;
  capacityPerMonth: number | null;
  pricePerHour: number | null;
  rating: number | null;
  lng: number | null;
  lat: number | null;
  serviceRadiusM: number | null;
  qualifications: Qualification[];
  history: {
    deliveries: number;
    confirmed: number;
    averageResidentRating: number | null;
    last30Days: number;
  };
}

export function QualificationTag({ q }: { q: Qualification }) {
  const t = useT();
  const color = !q.valid ? 'red' : q.expiringSoon ? 'orange' : 'green';
  const state = !q.valid
    ? q.daysLeft < 0
      ? t('supplyQualExpired', { date: q.validUntil })
      : t('supplyQualNotYet', { date: q.validFrom })
    : q.expiringSoon
      ? t('supplyQualExpiring', { days: q.daysLeft, date: q.validUntil })
      : t('supplyQualValid', { date: q.validUntil });
  return (
    <Tooltip title={`${q.kind} ${q.number}${q.issuedBy ? `（${q.issuedBy}）` : ''}`}>
      <Tag color={color} style={{ whiteSpace: 'normal' }} data-testid={`supply-qual-${color}`}>
        {q.kind}：{state}
      </Tag>
    </Tooltip>
  );
}

export function ProvidersPage() {
  const t = useT();
  const lang = useLang();
  const [q, setQ] = useState('');
  const [category, setCategory] = useState<string | undefined>();
  const paging = useServerPaging({ pageSize: 10 });
  const list = useApi<Page<Provider>>(
    withQuery('/api/supply/providers', {
      q: q.trim() || undefined,
      category,
      page: paging.page,
      pageSize: paging.pageSize,
    }),
  );

  return (
    <Card title={t('supplyProvidersTitle')}>
      <Flex gap={12} wrap style={{ marginBottom: 12 }}>
        <Input.Search
          allowClear
          style={{ width: 260 }}
          placeholder={t('supplySearchProviders')}
          onSearch={(v) => {
            setQ(v);
            paging.restart();
          }}
          data-testid="supply-provider-search"
        />
        <Select
          allowClear
          style={{ width: 200 }}
          placeholder={t('supplyCategory')}
          value={category}
          onChange={(v) => {
            setCategory(v);
            paging.restart();
          }}
          options={CATEGORIES.map((c) => ({ value: c, label: categoryLabel(c, lang) }))}
        />
        <Typography.Text type="secondary" style={{ alignSelf: 'center' }}>
          {t('supplyQualLegend')}
        </Typography.Text>
      </Flex>
      {list.error ? <Alert type="error" showIcon title={errorText(list.error, lang)} /> : null}
      <Table
        size="small"
        rowKey="id"
        loading={list.loading}
        data-testid="supply-providers"
        dataSource={list.data?.items ?? []}
        pagination={paging.pagination(list.data?.total, (n) => t('supplyTotalProviders', { n }))}
        columns={[
          {
            title: t('supplyProviderName'),
            render: (_, p) => (
              <Flex vertical gap={2}>
                <Typography.Text strong>{p.name}</Typography.Text>
                <span>
                  <Tag>{kindLabel(p.kind, lang)}</Tag>
                  {p.status !== 'active' && <Tag color="default">{t('supplyInactive')}</Tag>}
                </span>
              </Flex>
            ),
          },
          {
            title: t('supplyCategories'),
            render: (_, p) => p.serviceCategories.map((c) => <Tag key={c}>{categoryLabel(c, lang)}</Tag>),
          },
          {
            title: t('supplyCapacity'),
            render: (_, p) => (p.capacityPerMonth === null ? '—' : `${p.capacityPerMonth}`),
          },
          {
            title: t('supplyPrice'),
            render: (_, p) => (p.pricePerHour === null ? '—' : `¥${p.pricePerHour.toFixed(0)}`),
          },
          {
            title: t('supplyRating'),
            render: (_, p) => (p.rating === null ? '—' : p.rating.toFixed(1)),
          },
          {
            title: t('supplyQualifications'),
            render: (_, p) =>
              p.qualifications.length === 0 ? (
                <Tag color="red">{t('supplyNoQualification')}</Tag>
              ) : (
                <Flex vertical gap={2}>
                  {p.qualifications.map((x) => (
                    <QualificationTag key={x.id} q={x} />
                  ))}
                </Flex>
              ),
          },
          {
            title: t('supplyHistory'),
            render: (_, p) =>
              t('supplyHistoryText', {
                n: p.history.deliveries,
                confirmed: p.history.confirmed,
                rating:
                  p.history.averageResidentRating === null ? '—' : p.history.averageResidentRating.toFixed(1),
                recent: p.history.last30Days,
              }),
          },
        ]}
      />
    </Card>
  );
}
