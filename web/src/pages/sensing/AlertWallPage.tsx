// 告警墙: the alerts of the viewer's area, newest first, kept current by the live feed. Each shows what happened
// and where, how long ago, how far escalation has gone and the responder line-up; a worker acknowledges an
// emergency (which stops escalation) and says whether it was real or a false alarm (which closes it and tunes the
// device's threshold).
import { Alert, App, Badge, Button, Flex, Select, Space, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { type Account, api, errorText, type Page, withQuery } from '../../api.ts';
import { useApi, useDivisionTree, useIsPhone, useServerPaging } from '../../hooks.ts';
import { useFormat, useLang, useT } from '../../i18n/index.tsx';
import type { MessageKey } from '../../i18n/messages.ts';
import { type FeedEvent, useAlertStream } from './alert-stream.ts';
import { codedLabel, DISPATCH_COLOURS, placeName, SEVERITY_COLOURS, STATUS_COLOURS } from './labels.ts';
import type { Dispatch, SensingAlert } from './types.ts';

const RULE_CODES = [
  'smoke_alarm',
  'gas_alarm',
  'fall_alarm',
  'sos_alarm',
  'fire_hazard',
  'elderly_alone_low_water',
  'group_rental_water',
  'meter_silent',
];
const STATUSES = ['open', 'acknowledged', 'closed'];
/** Responders that were reached: the highest of their ranks is how far escalation went. */
const REACHED = new Set(['notified', 'escalated', 'acknowledged', 'unanswered']);

/** The current time, moving every `ms` so that "3 minutes ago" stays true. */
function useNow(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

export function elapsedText(
  t: (key: MessageKey, vars?: Record<string, string | number>) => string,
  ms: number,
) {
  const s = Math.max(0, Math.round(ms / 1000));
  const span =
    s < 60
      ? t('sensingSeconds', { n: s })
      : s < 3600
        ? t('sensingMinutes', { n: Math.floor(s / 60) })
        : s < 86_400
          ? t('sensingHours', { n: Math.floor(s / 3600) })
          : t('sensingDays', { n: Math.floor(s / 86_400) });
  return t('sensingAgo', { t: span });
}

function escalationLevel(dispatch: Dispatch[]): number | null {
  const reached = dispatch.filter((d) => REACHED.has(d.status)).map((d) => d.rank);
  return reached.length > 0 ? Math.max(...reached) : null;
}

export function AlertWallPage({ account }: { account: Account }) {
  const t = useT();
  const lang = useLang();
  const format = useFormat();
  const isPhone = useIsPhone();
  const { message, notification } = App.useApp();
  const tree = useDivisionTree();
  const now = useNow(10_000);
  const [ruleCode, setRuleCode] = useState<string | undefined>();
  const [status, setStatus] = useState<string | undefined>('open');
  const paging = useServerPaging();
  const [busy, setBusy] = useState<number | null>(null);
  const alerts = useApi<Page<SensingAlert>>(
    withQuery('/api/alerts', { ruleCode, status, page: paging.page, pageSize: paging.pageSize }),
  );
  const canHandle = account.permissions.includes('alert:handle');

  // A burst of events (an alert and its first dispatch) reloads the list once.
  const pending = useRef<ReturnType<typeof setTimeout>>(undefined);
  const { reload } = alerts;
  const onEvent = useCallback(
    (event: FeedEvent) => {
      if (event.type === 'alert' && event.ruleCode)
        notification.warning({
          title: t('sensingNewAlert', { kind: codedLabel(t, 'sensingRule_', event.ruleCode) }),
          placement: 'bottomRight',
          duration: 6,
        });
      clearTimeout(pending.current);
      pending.current = setTimeout(reload, 300);
    },
    [notification, reload, t],
  );
  useEffect(() => () => clearTimeout(pending.current), []);
  const live = useAlertStream(onEvent);

  const act = async (id: number, path: string, body: unknown, done: MessageKey) => {
    setBusy(id);
    try {
      await api(`/api/alerts/${id}/${path}`, { method: 'POST', body });
      message.success(t(done));
      reload();
    } catch (e) {
      message.error(errorText(e, lang));
    } finally {
      setBusy(null);
    }
  };

  return (
    <Flex vertical gap={16}>
      <Flex align="center" gap={12} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('sensingAlertsTitle')}
        </Typography.Title>
        <Badge
          status={live ? 'processing' : 'warning'}
          text={live ? t('sensingLive') : t('sensingOffline')}
          data-testid="alert-live"
        />
      </Flex>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('sensingAlertsIntro')}
      </Typography.Paragraph>
      <Flex gap={8} wrap>
        <Select
          style={{ minWidth: 200 }}
          allowClear
          placeholder={t('sensingAllKinds')}
          value={ruleCode}
          onChange={(v) => {
            setRuleCode(v);
            paging.restart();
          }}
          options={RULE_CODES.map((c) => ({ value: c, label: codedLabel(t, 'sensingRule_', c) }))}
          aria-label={t('sensingKind')}
          data-testid="alert-kind-filter"
        />
        <Select
          style={{ minWidth: 140 }}
          allowClear
          placeholder={t('sensingAllStatus')}
          value={status}
          onChange={(v) => {
            setStatus(v);
            paging.restart();
          }}
          options={STATUSES.map((s) => ({ value: s, label: codedLabel(t, 'sensingStatus_', s) }))}
          aria-label={t('status')}
          data-testid="alert-status-filter"
        />
      </Flex>
      {alerts.error !== undefined && alerts.error !== null && (
        <Alert type="error" showIcon title={errorText(alerts.error, lang)} />
      )}
      <Table<SensingAlert>
        data-testid="alert-table"
        rowKey="id"
        loading={alerts.loading && !alerts.data}
        dataSource={alerts.data?.items ?? []}
        locale={{ emptyText: t('sensingNoAlerts') }}
        scroll={{ x: isPhone ? 900 : undefined }}
        pagination={paging.pagination(alerts.data?.total)}
        columns={[
          {
            key: 'kind',
            title: t('sensingKind'),
            width: 180,
            render: (_, r) => (
              <Flex vertical gap={4} align="start">
                <Tag color={SEVERITY_COLOURS[r.severity]}>
                  {codedLabel(t, 'sensingSeverity_', r.severity)}
                </Tag>
                <Typography.Text strong>{codedLabel(t, 'sensingRule_', r.ruleCode)}</Typography.Text>
              </Flex>
            ),
          },
          {
            key: 'place',
            title: t('sensingPlace'),
            render: (_, r) => (
              <Flex vertical>
                <span>{placeName(tree, r.scopePath)}</span>
                <Typography.Text type="secondary">
                  {t('sensingDevice')} {r.deviceUid}
                </Typography.Text>
              </Flex>
            ),
          },
          {
            key: 'raised',
            title: t('sensingRaised'),
            width: 130,
            render: (_, r) => (
              <span title={format.dateTime(r.raisedAt)}>{elapsedText(t, now - Date.parse(r.raisedAt))}</span>
            ),
          },
          {
            key: 'status',
            title: t('status'),
            width: 110,
            render: (_, r) => (
              <Flex vertical gap={4} align="start">
                <Tag color={STATUS_COLOURS[r.status]} data-testid="alert-status">
                  {codedLabel(t, 'sensingStatus_', r.status)}
                </Tag>
                {r.feedback && (
                  <Typography.Text type="secondary">
                    {codedLabel(t, 'sensingFeedback_', r.feedback)}
                  </Typography.Text>
                )}
                {r.workOrderRef && (
                  <Typography.Text type="secondary">
                    {t('sensingWorkOrder', { ref: r.workOrderRef })}
                  </Typography.Text>
                )}
              </Flex>
            ),
          },
          {
            key: 'level',
            title: t('sensingLevel'),
            width: 110,
            render: (_, r) => {
              const level = escalationLevel(r.dispatch);
              return level === null ? '—' : t('sensingLevelN', { n: level });
            },
          },
          {
            key: 'lineup',
            title: t('sensingLineUp'),
            render: (_, r) =>
              r.dispatch.length === 0 ? (
                <Typography.Text type="secondary">{t('sensingNoLineUp')}</Typography.Text>
              ) : (
                <ol style={{ margin: 0, paddingLeft: 18 }} data-testid="alert-lineup">
                  {r.dispatch.map((d) => (
                    <li key={d.rank}>
                      {codedLabel(t, 'sensingResponder_', d.responderKind)} {d.responderName} ·{' '}
                      {d.travelM < 1000
                        ? t('sensingMetres', { n: d.travelM })
                        : t('sensingKm', { n: (d.travelM / 1000).toFixed(1) })}{' '}
                      <Tag color={DISPATCH_COLOURS[d.status]}>
                        {codedLabel(t, 'sensingDispatch_', d.status)}
                      </Tag>
                    </li>
                  ))}
                </ol>
              ),
          },
          ...(canHandle
            ? [
                {
                  key: 'actions',
                  title: t('actions'),
                  width: 150,
                  render: (_: unknown, r: SensingAlert) =>
                    r.status === 'closed' ? null : (
                      <Space orientation="vertical" size={4}>
                        {r.dispatch.some((d) => d.status === 'notified') && (
                          <Button
                            type="primary"
                            danger
                            size="small"
                            loading={busy === r.id}
                            onClick={() => act(r.id, 'acknowledge', undefined, 'sensingAcked')}
                            data-testid="alert-ack"
                          >
                            {t('sensingAck')}
                          </Button>
                        )}
                        <Space size={4}>
                          <Button
                            size="small"
                            disabled={busy === r.id}
                            onClick={() => act(r.id, 'feedback', { feedback: 'real' }, 'sensingFeedbackDone')}
                            data-testid="alert-real"
                          >
                            {t('sensingReal')}
                          </Button>
                          <Button
                            size="small"
                            disabled={busy === r.id}
                            onClick={() =>
                              act(r.id, 'feedback', { feedback: 'false_alarm' }, 'sensingFeedbackDone')
                            }
                            data-testid="alert-false"
                          >
                            {t('sensingFalse')}
                          </Button>
                        </Space>
                      </Space>
                    ),
                },
              ]
            : []),
        ]}
      />
    </Flex>
  );
}
