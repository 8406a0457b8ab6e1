// The quarantine of a source: every row that failed, with the reason per field; a row is fixed in place (only
// the cells typed in change, so masked values are never sent back), then the fixed rows are re-imported
// through the same normaliser. Export as CSV or XLSX (masked, formula cells escaped).
import { Alert, App, Button, Flex, Input, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api, download, errorText, type Page, withQuery } from '../../api.ts';
import { useApi, useServerPaging } from '../../hooks.ts';
import { useLang, usePick, useT } from '../../i18n/index.tsx';
import { fieldLabel } from './labels.ts';
import { SourcePicker, useSourceParam } from './SourcePicker.tsx';
import type { QuarantineRow } from './types.ts';

export function QuarantinePage() {
  const t = useT();
  const lang = useLang();
  const pick = usePick();
  const { message } = App.useApp();
  const [source, setSource, sources] = useSourceParam();
  const paging = useServerPaging();
  const list = useApi<Page<QuarantineRow>>(
    source
      ? withQuery('/api/ingest/quarantine', { source, page: paging.page, pageSize: paging.pageSize })
      : null,
  );
  const [fixed, setFixed] = useState<Set<number>>(new Set());
  const [error, setError] = useState<unknown>();

  async function reimport(ids?: number[]) {
    setError(undefined);
    try {
      const r = await api<{ checked: number; reimported: number; stillFailing: number }>(
        '/api/ingest/quarantine/reimport',
        { method: 'POST', body: { source, ...(ids ? { ids } : {}) } },
      );
      message.success(t('ingestReimported', r));
      setFixed(new Set());
      list.reload();
    } catch (e) {
      setError(e);
    }
  }

  async function dismiss(id: number) {
    try {
      await api(`/api/ingest/quarantine/${id}/dismiss`, { method: 'POST', body: { status: 'dismissed' } });
      list.reload();
    } catch (e) {
      setError(e);
    }
  }

  return (
    <Flex vertical gap={16} data-testid="ingest-quarantine">
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('ingestQuarantineTitle')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('ingestQuarantineIntro')}
      </Typography.Paragraph>
      <Flex gap={8} wrap align="center">
        <SourcePicker
          value={source}
          onChange={(s) => {
            setSource(s);
            paging.restart();
          }}
          sources={sources}
        />
        <Button
          type="primary"
          disabled={fixed.size === 0}
          onClick={() => void reimport([...fixed])}
          data-testid="ingest-reimport"
        >
          {t('ingestReimport')}（{fixed.size}）
        </Button>
        <Button disabled={!source} onClick={() => void reimport()}>
          {t('ingestReimportAll')}
        </Button>
        <Button
          disabled={!source}
          onClick={() =>
            void download(
              withQuery('/api/ingest/quarantine/export.csv', { source }),
              `quarantine-${source}.csv`,
            )
          }
        >
          {t('ingestExportCsv')}
        </Button>
        <Button
          disabled={!source}
          onClick={() =>
            void download(
              withQuery('/api/ingest/quarantine/export.xlsx', { source }),
              `quarantine-${source}.xlsx`,
            )
          }
          data-testid="ingest-export-xlsx"
        >
          {t('ingestExportXlsx')}
        </Button>
      </Flex>
      {sources.length === 0 && <Alert type="info" showIcon title={t('ingestNoSource')} />}
      {(error ?? list.error) !== undefined && (
        <Alert type="error" showIcon title={errorText(error ?? list.error, lang)} />
      )}
      <Table
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        pagination={paging.pagination(list.data?.total)}
        expandable={{
          expandedRowRender: (row) => (
            <FixForm
              row={row}
              onFixed={(updated) => {
                setFixed((s) => new Set(s).add(updated.id));
                list.reload();
              }}
            />
          ),
        }}
        columns={[
          { key: 'row', title: t('ingestRow'), dataIndex: 'sourceRow', width: 80 },
          {
            key: 'problems',
            title: t('ingestProblems'),
            render: (_, r) => (
              <Flex vertical gap={2}>
                {r.problems.map((p) => (
                  <span key={`${p.field}-${p.code}`}>
                    <Tag color="red">{fieldLabel(t, p.field)}</Tag>
                    {pick(p.message, p.messageEn)}
                    {p.column && <Typography.Text type="secondary">（{p.column}）</Typography.Text>}
                  </span>
                ))}
                {fixed.has(r.id) && <Tag color="blue">{t('ingestFixed')}</Tag>}
              </Flex>
            ),
          },
          {
            key: 'cells',
            title: t('ingestCells'),
            render: (_, r) => (
              <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                {Object.entries(r.cells)
                  .map(([k, v]) => `${k}：${v}`)
                  .join('；')}
              </Typography.Text>
            ),
          },
          {
            key: 'actions',
            title: '',
            width: 90,
            render: (_, r) => (
              <Popconfirm title={t('ingestDismissConfirm')} onConfirm={() => void dismiss(r.id)}>
                <Button size="small" danger>
                  {t('ingestDismiss')}
                </Button>
              </Popconfirm>
            ),
          },
        ]}
        data-testid="ingest-quarantine-table"
      />
    </Flex>
  );
}

function FixForm({ row, onFixed }: { row: QuarantineRow; onFixed: (r: QuarantineRow) => void }) {
  const t = useT();
  const lang = useLang();
  const [cells, setCells] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const problemColumns = new Set(row.problems.map((p) => p.column).filter(Boolean));
  const columns = Object.keys(row.cells).sort(
    (a, b) => Number(problemColumns.has(b)) - Number(problemColumns.has(a)),
  );

  async function save() {
    const changed = Object.fromEntries(Object.entries(cells).filter(([, v]) => v.trim() !== ''));
    if (Object.keys(changed).length === 0) {
      setError(new Error(t('ingestNothingToFix')));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      onFixed(
        await api<QuarantineRow>(`/api/ingest/quarantine/${row.id}`, {
          method: 'PATCH',
          body: { cells: changed },
        }),
      );
      setCells({});
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Flex vertical gap={8} data-testid={`ingest-fix-${row.id}`}>
      <Typography.Text type="secondary">{t('ingestFixHint')}</Typography.Text>
      <Flex gap={8} wrap>
        {columns.map((c) => (
          <div key={c} style={{ display: 'flex', flexDirection: 'column', width: 220 }}>
            <span style={problemColumns.has(c) ? { color: '#cf1322', fontWeight: 600 } : undefined}>{c}</span>
            <Input
              placeholder={row.cells[c]}
              value={cells[c] ?? ''}
              onChange={(e) => setCells((s) => ({ ...s, [c]: e.target.value }))}
              aria-label={c}
            />
          </div>
        ))}
      </Flex>
      {error !== undefined && <Alert type="error" showIcon title={errorText(error, lang)} />}
      <Space>
        <Button type="primary" loading={busy} onClick={() => void save()} data-testid="ingest-save-fix">
          {t('ingestSaveFix')}
        </Button>
      </Space>
    </Flex>
  );
}
