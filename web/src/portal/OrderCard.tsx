// One request as the resident sees it: status, kind, responsible unit and person, the promised time, and every
// step with its time, newest last.
import { Card, ConfigProvider, Descriptions, Rate, Tag, Timeline, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useFormat, usePick, useT } from '../i18n/index.tsx';
import type { PublicOrder } from './types.ts';

const STATUS_COLOURS: Record<string, string> = {
  received: 'blue',
  classified: 'blue',
  dispatched: 'geekblue',
  accepted: 'cyan',
  in_progress: 'processing',
  returned: 'orange',
  resolved: 'green',
  rated: 'green',
  closed: 'default',
  merged: 'purple',
};

export function OrderCard({ order, footer }: { order: PublicOrder; footer?: ReactNode }) {
  const t = useT();
  const pick = usePick();
  const f = useFormat();
  const items = [
    {
      key: 'number',
      label: t('portalNumber'),
      children: (
        <span
          style={{ fontVariantNumeric: 'tabular-nums', fontWeight: 600, wordBreak: 'break-all' }}
          data-testid="order-number"
        >
          {order.number}
        </span>
      ),
    },
    {
      key: 'status',
      label: t('portalStatus'),
      children: (
        <Tag
          color={STATUS_COLOURS[order.status] ?? 'default'}
          style={{ fontSize: 20, padding: '4px 12px' }}
          data-testid="order-status"
        >
          {pick(order.statusLabel, order.statusLabelEn)}
        </Tag>
      ),
    },
    ...(order.categoryName
      ? [{ key: 'category', label: t('portalCategoryShort'), children: order.categoryName }]
      : []),
    {
      key: 'unit',
      label: t('portalUnit'),
      children: <span data-testid="order-unit">{order.responsibleUnit ?? t('portalNotYet')}</span>,
    },
    {
      key: 'handler',
      label: t('portalHandler'),
      children: <span data-testid="order-handler">{order.handler ?? t('portalNotYet')}</span>,
    },
    { key: 'received', label: t('portalReceivedAt'), children: f.shortDateTime(order.receivedAt) },
    ...(order.resolveDue && !order.resolvedAt
      ? [{ key: 'due', label: t('portalDue'), children: f.shortDateTime(order.resolveDue) }]
      : []),
    ...(order.resolvedAt
      ? [{ key: 'resolved', label: t('portalResolvedAt'), children: f.shortDateTime(order.resolvedAt) }]
      : []),
    ...(order.satisfaction !== null
      ? [
          {
            key: 'rating',
            label: t('portalYourRating'),
            children: (
              // The input's 40 px stars would wrap in the narrow column: smaller ones for showing.
              <ConfigProvider theme={{ components: { Rate: { starSize: 24 } } }}>
                <Rate disabled value={order.satisfaction} />
              </ConfigProvider>
            ),
          },
        ]
      : []),
  ];
  return (
    <Card data-testid="order-card">
      <Descriptions
        column={1}
        items={items}
        size="small"
        styles={{ label: { fontSize: 18, width: 120 }, content: { fontSize: 20 } }}
      />
      <Typography.Title level={4} style={{ marginTop: 16 }}>
        {t('portalSteps')}
      </Typography.Title>
      <Timeline
        data-testid="order-steps"
        items={order.steps.map((s, i) => ({
          key: `${s.action}-${s.at}-${i}`,
          color: i === order.steps.length - 1 ? 'blue' : 'gray',
          content: (
            <div>
              <div style={{ fontWeight: 600 }}>{pick(s.label, s.labelEn)}</div>
              <div style={{ color: '#555', fontSize: 17 }}>
                {f.shortDateTime(s.at)}
                {s.unit ? ` · ${s.unit}` : ''}
              </div>
            </div>
          ),
        }))}
      />
      {footer}
    </Card>
  );
}
