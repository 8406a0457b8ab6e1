// The quality rules as an editable table: field, dimension, threshold and (for timeliness) the maximum age, for
// all sources or one. The server checks the whole set before it replaces the stored one; its problems are shown
// per rule. Roles without 'rules:write' read only.
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Flex, InputNumber, Select, Switch, Table, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { type Account, api, errorText } from '../../api.ts';
import { useApi } from '../../hooks.ts';
import { useLang, useT } from '../../i18n/index.tsx';
import { dimensionLabel, fieldLabel } from './labels.ts';
import { DIMENSIONS, type Dimension, QUALITY_FIELDS, type QualityRule, type Source } from './types.ts';

type Row = QualityRule & { key: number };

export function QualityRulesPage({ account }: { account: Account }) {
  const t = useT();
  const lang = useLang();
  const { message } = App.useApp();
  const stored = useApi<{ rules: QualityRule[] }>('/api/ingest/quality/rules');
  const sources = useApi<Source[]>('/api/ingest/sources');
  const [rows, setRows] = useState<Row[]>([]);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const canEdit = account.permissions.includes('rules:write');

  useEffect(() => {
    if (stored.data) setRows(stored.data.rules.map((r, i) => ({ ...r, key: i })));
  }, [stored.data]);

  const change = (key: number, patch: Partial<QualityRule>) =>
    setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));

  async function save() {
    setBusy(true);
    setError(undefined);
    try {
      const body = {
        rules: rows.map(({ source, field, dimension, threshold, params, enabled }) => ({
          source,
          field,
          dimension,
          threshold,
          params,
          enabled,
        })),
      };
      const saved = await api<{ rules: QualityRule[] }>('/api/ingest/quality/rules', { method: 'PUT', body });
      setRows(saved.rules.map((r, i) => ({ ...r, key: i })));
      message.success(t('ingestRulesSaved'));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  const sourceOptions = [
    { value: '', label: t('ingestAllSources') },
    ...(sources.data ?? []).map((s) => ({ value: s.name, label: s.name })),
  ];

  return (
    <Flex vertical gap={16} data-testid="ingest-rules">
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('ingestRulesTitle')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('ingestRulesIntro')}
      </Typography.Paragraph>
      {!canEdit && <Alert type="info" showIcon title={t('ingestRulesReadOnly')} />}
      {(error ?? stored.error) !== undefined && (
        <Alert
          type="error"
          showIcon
          title={errorText(error ?? stored.error, lang)}
          data-testid="ingest-rules-error"
        />
      )}
      <Table
        size="small"
        rowKey="key"
        pagination={false}
        loading={stored.loading}
        dataSource={rows}
        scroll={{ x: true }}
        columns={[
          {
            key: 'source',
            title: t('ingestSource'),
            render: (_, r) => (
              <Select
                disabled={!canEdit}
                style={{ minWidth: 140 }}
                value={r.source ?? ''}
                options={sourceOptions}
                onChange={(v: string) => change(r.key, { source: v === '' ? null : v })}
              />
            ),
          },
          {
            key: 'field',
            title: t('ingestField'),
            render: (_, r) => (
              <Select
                disabled={!canEdit}
                style={{ minWidth: 120 }}
                value={r.field}
                options={QUALITY_FIELDS.map((f) => ({ value: f, label: fieldLabel(t, f) }))}
                onChange={(v: string) => change(r.key, { field: v })}
              />
            ),
          },
          {
            key: 'dimension',
            title: t('ingestDimension'),
            render: (_, r) => (
              <Select
                disabled={!canEdit}
                style={{ minWidth: 110 }}
                value={r.dimension}
                options={DIMENSIONS.map((d) => ({ value: d, label: dimensionLabel(t, d) }))}
                onChange={(v: Dimension) => change(r.key, { dimension: v })}
              />
            ),
          },
          {
            key: 'threshold',
            title: t('ingestThreshold'),
            render: (_, r) => (
              <InputNumber
                disabled={!canEdit}
                min={0}
                max={100}
                step={1}
                suffix="%"
                value={Math.round(r.threshold * 1000) / 10}
                onChange={(v) => change(r.key, { threshold: v === null ? 0 : Number(v) / 100 })}
                data-testid={`ingest-threshold-${r.source ?? 'all'}-${r.field}-${r.dimension}`}
              />
            ),
          },
          {
            key: 'age',
            title: t('ingestMaxAge'),
            render: (_, r) =>
              r.dimension === 'timeliness' ? (
                <InputNumber
                  disabled={!canEdit}
                  min={1}
                  max={36500}
                  precision={0}
                  value={Number(r.params['max_age_days'] ?? 365)}
                  onChange={(v) => change(r.key, { params: { ...r.params, max_age_days: v ?? undefined } })}
                />
              ) : null,
          },
          {
            key: 'enabled',
            title: t('ingestEnabled'),
            render: (_, r) => (
              <Switch
                disabled={!canEdit}
                checked={r.enabled}
                onChange={(v) => change(r.key, { enabled: v })}
              />
            ),
          },
          {
            key: 'remove',
            title: '',
            render: (_, r) =>
              canEdit ? (
                <Button
                  size="small"
                  icon={<DeleteOutlined />}
                  aria-label={t('ingestRemove')}
                  onClick={() => setRows((rs) => rs.filter((x) => x.key !== r.key))}
                />
              ) : null,
          },
        ]}
      />
      {canEdit && (
        <Flex gap={8}>
          <Button
            icon={<PlusOutlined />}
            onClick={() =>
              setRows((rs) => [
                ...rs,
                {
                  key: Math.max(0, ...rs.map((r) => r.key)) + 1,
                  source: null,
                  field: 'phone',
                  dimension: 'completeness',
                  threshold: 0.9,
                  params: {},
                  enabled: true,
                },
              ])
            }
            data-testid="ingest-add-rule"
          >
            {t('ingestAddRule')}
          </Button>
          <Button type="primary" loading={busy} onClick={() => void save()} data-testid="ingest-save-rules">
            {t('save')}
          </Button>
        </Flex>
      )}
    </Flex>
  );
}
