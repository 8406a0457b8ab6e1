// One work order: what the resident asked and where, the deadlines, every step with who and when, the
// requesters (masked), photos, related orders, and the steps the viewer may take now (the server lists them;
// nothing else is offered).
import { ArrowLeftOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Flex,
  Image,
  Row,
  Skeleton,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { errorText, getToken } from '../../api.ts';
import { PlainList } from '../../components/PlainList.tsx';
import { useApi } from '../../hooks.ts';
import { codedLabel } from '../../i18n/coded-label.ts';
import { useFormat, useLang, useT } from '../../i18n/index.tsx';
import { ActionModal } from './ActionModal.tsx';
import { deadlineText, deadlineTone, TONE_COLOURS } from './deadline.ts';
import { OrdersMap } from './OrdersMap.tsx';
import { useNow } from './OrdersPage.tsx';
import {
  type OrderClassification,
  type OrderDetail,
  type OrderReference,
  type RelatedOrder,
  STATUS_COLOURS,
} from './types.ts';

/** A photo behind the session token: fetched, then shown from an object URL. */
function Photo({ orderId, attachmentId, name }: { orderId: number; attachmentId: number; name: string }) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let objectUrl: string | null = null;
    let current = true;
    fetch(`/api/requests/${orderId}/attachments/${attachmentId}`, {
      headers: { authorization: `Bearer ${getToken() ?? ''}` },
    })
      .then((r) => (r.ok ? r.blob() : null))
      .then((b) => {
        if (!b || !current) return;
        objectUrl = URL.createObjectURL(b);
        setUrl(objectUrl);
      })
      .catch(() => {});
    return () => {
      current = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [orderId, attachmentId]);
  return url ? (
    <Image src={url} alt={name} width={120} height={90} style={{ objectFit: 'cover' }} />
  ) : (
    <Skeleton.Image active style={{ width: 120, height: 90 }} />
  );
}

const ACTION_ORDER = [
  'accept',
  'start',
  'resolve',
  'note',
  'return',
  'classify',
  'dispatch',
  'reassign',
  'merge',
  'callback',
  'close',
  'supervise',
  'escalate',
  'reopen',
];

export function OrderDetailPage() {
  const t = useT();
  const lang = useLang();
  const format = useFormat();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const id = Number(useParams()['id']);
  const now = useNow();
  const loaded = useApi<OrderDetail>(Number.isInteger(id) && id > 0 ? `/api/requests/${id}` : null);
  const related = useApi<{ items: RelatedOrder[] }>(
    Number.isInteger(id) && id > 0 ? `/api/requests/${id}/related` : null,
  );
  const reference = useApi<OrderReference>('/api/requests/reference');
  // 404 when no model was active at intake: then there is simply no suggestion to show.
  const classification = useApi<OrderClassification>(
    Number.isInteger(id) && id > 0 ? `/api/requests/${id}/classification` : null,
  );
  const reloadClassification = classification.reload;
  const [order, setOrder] = useState<OrderDetail | null>(null);
  const [action, setAction] = useState<string | null>(null);
  useEffect(() => setOrder(loaded.data ?? null), [loaded.data]);
  // An operator's classify step records the final category beside the suggestion.
  const categoryCode = order?.categoryCode;
  useEffect(() => {
    if (categoryCode) reloadClassification();
  }, [categoryCode, reloadClassification]);

  if (loaded.error) return <Alert type="error" showIcon title={errorText(loaded.error, lang)} />;
  if (!order) return <Skeleton active />;

  const statusLabel = codedLabel(t, 'ordersStatus_', order.status);
  const tone = deadlineTone(order, now);
  const actions = ACTION_ORDER.filter((a) => order.availableActions.includes(a));
  const time = (iso: string | null) => (iso ? format.shortDateTime(iso) : '—');

  return (
    <Flex vertical gap={16} data-testid="order-detail">
      <Flex gap={8} align="center" wrap>
        <Button icon={<ArrowLeftOutlined />} onClick={() => navigate(-1)}>
          {t('ordersBack')}
        </Button>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('ordersDetailTitle', { number: order.number })}
        </Typography.Title>
        <Tag color={STATUS_COLOURS[order.status]} data-testid="order-status">
          {statusLabel}
        </Tag>
        <Tag color={TONE_COLOURS[tone]}>{deadlineText(order, now, t)}</Tag>
        {order.supervised && <Tag color="magenta">{t('ordersSupervisedTag')}</Tag>}
        {order.escalationLevel > 0 && (
          <Tag color="volcano">{t('ordersEscalatedTag', { n: order.escalationLevel })}</Tag>
        )}
        {order.requesterCount > 1 && <Tag>{t('ordersRequestersTag', { n: order.requesterCount })}</Tag>}
      </Flex>

      <Card size="small" title={t('ordersActions')} data-testid="order-actions">
        {actions.length === 0 ? (
          <Typography.Text type="secondary">{t('ordersNoActions')}</Typography.Text>
        ) : (
          <Flex gap={8} wrap>
            {actions.map((a) => (
              <Button
                key={a}
                type={a === 'accept' || a === 'resolve' || a === 'dispatch' ? 'primary' : 'default'}
                danger={a === 'return' || a === 'escalate'}
                onClick={() => setAction(a)}
                data-testid={`action-${a}`}
              >
                {codedLabel(t, 'ordersAction_', a)}
              </Button>
            ))}
          </Flex>
        )}
      </Card>

      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Card size="small">
            <Typography.Paragraph style={{ fontSize: 16, whiteSpace: 'pre-wrap' }} data-testid="order-text">
              {order.description}
            </Typography.Paragraph>
            <Descriptions size="small" column={{ xs: 1, sm: 2 }} bordered>
              {/* Two to a line on wider screens; a "filled" item takes the rest of its line, so the lines add up
                  on one column and on two. */}
              <Descriptions.Item label={t('ordersCategory')}>{order.categoryName ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('ordersChannel')}>
                {codedLabel(t, 'ordersChannel_', order.channel)}
              </Descriptions.Item>
              {classification.data && (
                <Descriptions.Item label={t('ordersSuggestion')} span="filled">
                  <span data-testid="order-suggestion">
                    {t('ordersSuggestionValue', {
                      name: classification.data.suggested.path || classification.data.suggested.name,
                      p: Math.round(classification.data.suggested.probability * 100),
                      v: classification.data.modelVersion,
                    })}
                  </span>{' '}
                  {classification.data.needsReview && !classification.data.finalCategory && (
                    <Tag color="orange">{t('ordersSuggestionUncertain')}</Tag>
                  )}
                  {classification.data.corrected === true && (
                    <Tag color="blue">{t('ordersSuggestionCorrected')}</Tag>
                  )}
                  {classification.data.corrected === false && (
                    <Tag color="green">{t('ordersSuggestionConfirmed')}</Tag>
                  )}
                </Descriptions.Item>
              )}
              <Descriptions.Item label={t('ordersAddress')} span="filled">
                {order.address ??
                  (order.lng !== null
                    ? `${order.lng.toFixed(5)}, ${order.lat?.toFixed(5)}`
                    : t('ordersNoPlace'))}
              </Descriptions.Item>
              <Descriptions.Item label={t('ordersLeadUnit')}>
                {order.leadUnitName ?? t('ordersUnassigned')}
              </Descriptions.Item>
              <Descriptions.Item label={t('ordersCoUnits')}>
                {order.coUnits.length > 0 ? order.coUnits.map((c) => c.name).join('、') : '—'}
              </Descriptions.Item>
              <Descriptions.Item label={t('ordersReceivedAt')}>{time(order.receivedAt)}</Descriptions.Item>
              <Descriptions.Item label={t('ordersResponseDue')}>{time(order.responseDue)}</Descriptions.Item>
              <Descriptions.Item label={t('ordersResolveDue')}>{time(order.resolveDue)}</Descriptions.Item>
              <Descriptions.Item label={t('ordersResolution')}>
                {order.resolutionNote ?? '—'}
              </Descriptions.Item>
              {order.satisfaction !== null && (
                <Descriptions.Item label={t('ordersRating')} span="filled">
                  {t('ordersRatingValue', {
                    solved: order.solved ? t('ordersSolved') : t('ordersNotSolved'),
                    n: order.satisfaction,
                  })}
                  {order.ratingReason ? `：${order.ratingReason}` : ''}
                </Descriptions.Item>
              )}
            </Descriptions>
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card size="small" title={t('ordersPlace')}>
            {order.lng !== null && order.lat !== null ? (
              <OrdersMap point={{ lng: order.lng, lat: order.lat }} height={220} testId="order-map" />
            ) : (
              <Typography.Text type="secondary">{t('ordersNoPlace')}</Typography.Text>
            )}
          </Card>
        </Col>
      </Row>

      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Card size="small" title={t('ordersTimeline')}>
            <Timeline
              data-testid="order-timeline"
              items={order.events.map((e) => ({
                color: e.action === 'return' || e.action === 'escalate' ? 'red' : e.public ? 'blue' : 'gray',
                content: (
                  <div>
                    <Flex gap={8} wrap align="baseline">
                      <Typography.Text strong>{codedLabel(t, 'ordersAction_', e.action)}</Typography.Text>
                      <Typography.Text type="secondary">{format.dateTime(e.at)}</Typography.Text>
                      <Typography.Text>
                        {e.actor}
                        {e.unitName ? `（${e.unitName}）` : ''}
                      </Typography.Text>
                      <Tag>{e.public ? t('ordersPublicStep') : t('ordersInternalStep')}</Tag>
                    </Flex>
                    {e.note && <div style={{ whiteSpace: 'pre-wrap' }}>{e.note}</div>}
                  </div>
                ),
              }))}
            />
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Flex vertical gap={16}>
            <Card size="small" title={t('ordersRequesters')}>
              <PlainList
                size="small"
                items={order.requesters}
                itemKey={(r) => r.id}
                data-testid="order-requesters"
                renderItem={(r) => (
                  <>
                    <Typography.Text>
                      {r.anonymous ? t('ordersAnonymous') : `${r.name ?? '—'}  ${r.phone ?? ''}`}
                    </Typography.Text>
                    <Typography.Text type="secondary" style={{ marginLeft: 12 }}>
                      {codedLabel(t, 'ordersChannel_', r.channel)} · {format.shortDateTime(r.joinedAt)}
                    </Typography.Text>
                  </>
                )}
              />
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('ordersMaskedNote')}
              </Typography.Text>
            </Card>
            <Card size="small" title={t('ordersAttachments')}>
              {order.attachments.length === 0 ? (
                <Typography.Text type="secondary">{t('ordersNoAttachments')}</Typography.Text>
              ) : (
                <Image.PreviewGroup>
                  <Flex gap={8} wrap data-testid="order-photos">
                    {order.attachments.map((a) => (
                      <Photo key={a.id} orderId={order.id} attachmentId={a.id} name={a.fileName} />
                    ))}
                  </Flex>
                </Image.PreviewGroup>
              )}
            </Card>
            <Card size="small" title={t('ordersRelated')}>
              {(related.data?.items.length ?? 0) === 0 ? (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('ordersNoRelated')} />
              ) : (
                <PlainList
                  size="small"
                  data-testid="order-related"
                  items={related.data?.items ?? []}
                  itemKey={(r) => r.id}
                  renderItem={(r) => (
                    <>
                      <Flex vertical style={{ width: '100%' }}>
                        <Flex gap={8} wrap>
                          <Tag>{codedLabel(t, 'ordersRelation_', r.relation)}</Tag>
                          <Link to={`/orders/${r.id}`}>{r.number}</Link>
                          <Tag color={STATUS_COLOURS[r.status]}>
                            {codedLabel(t, 'ordersStatus_', r.status)}
                          </Tag>
                          {r.distanceMetres !== null && (
                            <Typography.Text type="secondary">{r.distanceMetres} m</Typography.Text>
                          )}
                        </Flex>
                        <Typography.Text ellipsis>{r.description}</Typography.Text>
                      </Flex>
                    </>
                  )}
                />
              )}
            </Card>
          </Flex>
        </Col>
      </Row>

      <ActionModal
        order={order}
        action={action}
        reference={reference.data}
        related={related.data?.items ?? []}
        onClose={() => setAction(null)}
        onStale={loaded.reload}
        onDone={(detail) => {
          message.success(t('ordersActionDone', { action: codedLabel(t, 'ordersAction_', action ?? '') }));
          setAction(null);
          setOrder(detail);
          related.reload();
        }}
      />
    </Flex>
  );
}
