// The classifier's versions: held-out accuracy and macro-F1, how often operators kept the suggestion, the weakest
// categories and the most frequent confusions; train a new version (progress while it runs), activate one, or go
// back to the previous one. Training and activation are the district administrator's (classifier:manage).
import { Alert, App, Button, Card, Flex, Popconfirm, Progress, Table, Tag, Typography } from 'antd';
import { type Key, useEffect, useState } from 'react';
import { type Account, api, errorText } from '../../api.ts';
import { useApi } from '../../hooks.ts';
import { type MessageKey, useFormat, useLang, useT } from '../../i18n/index.tsx';
import type { ModelList, ModelVersion } from './types.ts';

export function ClassifierModelsPage({ account }: { account: Account }) {
  const t = useT();
  const lang = useLang();
  const f = useFormat();
  const { message } = App.useApp();
  const models = useApi<ModelList>('/api/requests/classifier/models');
  const [busy, setBusy] = useState(false);
  // Until the user opens or closes a row, the active version's details are open.
  const [expanded, setExpanded] = useState<readonly Key[] | null>(null);
  const canManage = account.permissions.includes('classifier:manage');
  const training = models.data?.training?.status === 'training' ? models.data.training : null;

  // While a version trains, ask for progress every second.
  useEffect(() => {
    if (!training) return;
    const timer = setInterval(models.reload, 1000);
    return () => clearInterval(timer);
  }, [training, models.reload]);

  const run = async (work: () => Promise<string>) => {
    setBusy(true);
    try {
      message.success(await work());
      models.reload();
    } catch (e) {
      message.error(errorText(e, lang));
    } finally {
      setBusy(false);
    }
  };
  const train = () =>
    run(async () => {
      const { version } = await api<{ version: number }>('/api/requests/classifier/models', {
        method: 'POST',
        body: {},
      });
      return t('hotlineTrainStarted', { version });
    });
  const activate = (version: number) =>
    run(async () => {
      await api(`/api/requests/classifier/models/${version}/activate`, { method: 'POST', body: {} });
      return t('hotlineActivated', { version });
    });
  const rollback = () =>
    run(async () => {
      const m = await api<ModelVersion>('/api/requests/classifier/rollback', { method: 'POST', body: {} });
      return t('hotlineActivated', { version: m.version });
    });

  const pct = (v: number | null) => (v === null ? '—' : f.percent(v));

  return (
    <Flex vertical gap={16}>
      <div>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('hotlineModelsTitle')}
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
          {t('hotlineModelsIntro')}
        </Typography.Paragraph>
      </div>
      {canManage && (
        <Flex gap={8} wrap>
          <Button type="primary" onClick={train} loading={busy} disabled={!!training} data-testid="train-now">
            {t('hotlineTrainNow')}
          </Button>
          <Popconfirm title={t('hotlineConfirmRollback')} onConfirm={rollback}>
            <Button disabled={busy} data-testid="rollback">
              {t('hotlineRollback')}
            </Button>
          </Popconfirm>
        </Flex>
      )}
      {training && (
        <Card size="small" data-testid="training-progress">
          <Typography.Text>
            {t('hotlineTraining', {
              version: training.version,
              percent: Math.round(training.fraction * 100),
            })}
          </Typography.Text>
          <Progress percent={Math.round(training.fraction * 100)} status="active" />
        </Card>
      )}
      {models.error ? <Alert type="error" showIcon title={errorText(models.error, lang)} /> : null}
      <Table<ModelVersion>
        rowKey="version"
        loading={models.loading && !models.data}
        dataSource={models.data?.items ?? []}
        pagination={false}
        scroll={{ x: 900 }}
        locale={{ emptyText: t('hotlineNoModels') }}
        expandable={{
          rowExpandable: (m) => m.status === 'ready',
          expandedRowKeys: expanded ?? models.data?.items.filter((m) => m.active).map((m) => m.version) ?? [],
          onExpandedRowsChange: (keys) => setExpanded(keys),
          expandedRowRender: (m) => (
            <Flex gap={24} wrap data-testid={`details-${m.version}`}>
              <div style={{ minWidth: 280 }}>
                <Typography.Text strong>{t('hotlineWeakest')}</Typography.Text>
                {m.weakest.map((c) => (
                  <div key={c.code}>
                    {c.code} {c.name}：F1 {c.f1.toFixed(2)}（{c.support}）
                  </div>
                ))}
              </div>
              <div style={{ minWidth: 320 }}>
                <Typography.Text strong>{t('hotlineConfusions')}</Typography.Text>
                {m.confusions.map((c) => (
                  <div key={`${c.actual}-${c.predicted}`}>
                    {c.actualName} → <Typography.Text type="danger">{c.predictedName}</Typography.Text>
                    {'　'}
                    {t('hotlineConfusionCount', { count: c.count })}
                  </div>
                ))}
              </div>
            </Flex>
          ),
        }}
        columns={[
          {
            title: t('hotlineVersion'),
            dataIndex: 'version',
            render: (v: number, m) => (
              <Flex gap={6} align="center">
                <Typography.Text strong>v{v}</Typography.Text>
                {m.active && <Tag color="green">{t('hotlineActive')}</Tag>}
              </Flex>
            ),
          },
          {
            title: t('hotlineStatus'),
            dataIndex: 'status',
            render: (s: ModelVersion['status'], m) => (
              <span title={m.error ?? undefined}>
                <Tag color={s === 'ready' ? 'blue' : s === 'failed' ? 'red' : 'gold'}>
                  {t(`hotlineStatus_${s}` as MessageKey)}
                </Tag>
              </span>
            ),
          },
          {
            title: t('hotlineTrainedAt'),
            dataIndex: 'trainedAt',
            render: (v: string | null) => (v ? f.shortDateTime(v) : '—'),
          },
          {
            title: t('hotlineExamples'),
            render: (_: unknown, m) =>
              m.examples === null ? '—' : `${f.number(m.examples)} / ${f.number(m.heldOut ?? 0)}`,
          },
          { title: t('hotlineAccuracy'), dataIndex: 'accuracy', render: pct },
          { title: t('hotlineMacroF1'), dataIndex: 'macroF1', render: pct },
          {
            title: t('hotlineAgreement'),
            render: (_: unknown, m) =>
              m.agreement.rate === null
                ? '—'
                : `${f.percent(m.agreement.rate)}（${m.agreement.agreed}/${m.agreement.confirmed}）`,
          },
          ...(canManage
            ? [
                {
                  title: '',
                  render: (_: unknown, m: ModelVersion) =>
                    m.status === 'ready' && !m.active ? (
                      <Popconfirm
                        title={t('hotlineConfirmActivate', { version: m.version })}
                        onConfirm={() => activate(m.version)}
                      >
                        <Button size="small" disabled={busy} data-testid={`activate-${m.version}`}>
                          {t('hotlineActivate')}
                        </Button>
                      </Popconfirm>
                    ) : null,
                },
              ]
            : []),
        ]}
      />
    </Flex>
  );
}
