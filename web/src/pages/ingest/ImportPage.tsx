// The import wizard: choose the source and upload a file; check the masked preview and map its columns to the
// unified model (the server suggests from column names and values, or gives the source's saved mapping); start
// the import in the background and follow its progress to the report (read = accepted + quarantined).
import { InboxOutlined } from '@ant-design/icons';
import {
  Alert,
  AutoComplete,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Flex,
  Form,
  Progress,
  Select,
  Space,
  Steps,
  Table,
  Tag,
  Typography,
  Upload,
} from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { api, errorText, type Page, withQuery } from '../../api.ts';
import { useApi } from '../../hooks.ts';
import { useFormat, useLang, useT } from '../../i18n/index.tsx';
import { fieldLabel, reasonLabel, SOURCE_PATTERN, statusLabel } from './labels.ts';
import { type Mapping, type Preview, type Run, type Source, TARGET_FIELDS } from './types.ts';
import { uploadFile } from './upload-file.ts';

const POLL_MS = 500;

export function ImportPage() {
  const t = useT();
  const lang = useLang();
  const f = useFormat();
  const sources = useApi<Source[]>('/api/ingest/sources');
  const runs = useApi<Page<Run>>('/api/ingest/runs?pageSize=5');
  const [source, setSource] = useState('');
  const [preview, setPreview] = useState<Preview>();
  const [mapping, setMapping] = useState<Mapping>({});
  const [saveMapping, setSaveMapping] = useState(true);
  const [run, setRun] = useState<Run>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const step = run ? 2 : preview ? 1 : 0;
  const sourceOk = SOURCE_PATTERN.test(source);

  // Follow a running import until it finishes.
  const runId = run?.id;
  const running = run?.status === 'running';
  const reloadRuns = runs.reload;
  useEffect(() => {
    if (!runId || !running) return;
    let current = true;
    const timer = setInterval(() => {
      api<Run>(`/api/ingest/runs/${runId}`).then(
        (r) => {
          if (!current) return;
          setRun(r);
          if (r.status !== 'running') reloadRuns();
        },
        (e) => current && setError(e),
      );
    }, POLL_MS);
    return () => {
      current = false;
      clearInterval(timer);
    };
  }, [runId, running, reloadRuns]);

  async function onFile(file: File) {
    setBusy(true);
    setError(undefined);
    try {
      const p = await uploadFile<Preview>(
        withQuery('/api/ingest/uploads', { fileName: file.name, source }),
        file,
      );
      setPreview(p);
      setMapping(p.savedMapping ?? p.suggestion.mapping);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  async function start() {
    if (!preview) return;
    setBusy(true);
    setError(undefined);
    try {
      const clean = Object.fromEntries(Object.entries(mapping).filter(([, c]) => c)) as Mapping;
      setRun(
        await api<Run>('/api/ingest/runs', {
          method: 'POST',
          body: { uploadId: preview.uploadId, source, mapping: clean, saveMapping, background: true },
        }),
      );
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  function restart() {
    setPreview(undefined);
    setRun(undefined);
    setError(undefined);
    sources.reload();
  }

  const reasonOf = new Map(preview?.suggestion.columns.map((c) => [c.column, c]) ?? []);

  return (
    <Flex vertical gap={16} data-testid="ingest-import">
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('ingestImportTitle')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('ingestImportIntro')}
      </Typography.Paragraph>
      <Steps
        current={step}
        items={[
          { title: t('ingestStepUpload') },
          { title: t('ingestStepMap') },
          { title: t('ingestStepRun') },
        ]}
      />
      {error !== undefined && (
        <Alert type="error" showIcon title={errorText(error, lang)} data-testid="ingest-error" />
      )}

      {step === 0 && (
        <Card>
          <Form layout="vertical">
            <Form.Item
              label={t('ingestSource')}
              help={source && !sourceOk ? t('ingestSourceInvalid') : t('ingestSourceHint')}
              validateStatus={source && !sourceOk ? 'error' : undefined}
            >
              <AutoComplete
                value={source}
                onChange={(v) => setSource(String(v).trim())}
                options={(sources.data ?? []).map((s) => ({
                  value: s.name,
                  label: s.label && s.label !== s.name ? `${s.name}（${s.label}）` : s.name,
                }))}
                style={{ maxWidth: 360 }}
                data-testid="ingest-source"
              />
            </Form.Item>
          </Form>
          <Upload.Dragger
            accept=".csv,.txt,.xlsx,.jsonl,.ndjson"
            showUploadList={false}
            disabled={!sourceOk || busy}
            beforeUpload={(file) => {
              void onFile(file);
              return false;
            }}
            data-testid="ingest-upload"
          >
            <p className="ant-upload-drag-icon">
              <InboxOutlined />
            </p>
            <p>{busy ? t('ingestUploading') : t('ingestDrop')}</p>
          </Upload.Dragger>
        </Card>
      )}

      {step === 1 && preview && (
        <>
          <Card
            title={t('ingestFileInfo', {
              file: preview.fileName,
              format: preview.format.toUpperCase(),
              encoding: preview.encoding ?? '—',
              size: `${f.number(Math.ceil(preview.size / 1024))} KB`,
            })}
            size="small"
          >
            <Typography.Text type="secondary">
              {t('ingestPreviewRows', { n: preview.rows.length })}
            </Typography.Text>
            <Table
              size="small"
              scroll={{ x: true }}
              pagination={false}
              rowKey="row"
              dataSource={preview.rows.map((cells, row) => ({ row, cells }))}
              columns={preview.header.map((h, i) => ({
                key: `${i}`,
                title: h,
                render: (_: unknown, r: { row: number; cells: string[] }) => r.cells[i] ?? '',
              }))}
              data-testid="ingest-preview"
            />
          </Card>
          <Card title={t('ingestMappingTitle')} size="small" data-testid="ingest-mapping">
            <Alert
              type="info"
              showIcon
              style={{ marginBottom: 12 }}
              title={preview.savedMapping ? t('ingestMappingSaved') : t('ingestMappingSuggested')}
            />
            <Table
              size="small"
              pagination={false}
              rowKey="field"
              dataSource={TARGET_FIELDS.map((field) => ({ field }))}
              columns={[
                { key: 'field', title: t('ingestTargetField'), render: (_, r) => fieldLabel(t, r.field) },
                {
                  key: 'column',
                  title: t('ingestColumn'),
                  render: (_, r) => (
                    <Select
                      allowClear
                      style={{ minWidth: 220 }}
                      placeholder={t('ingestNotMapped')}
                      value={mapping[r.field]}
                      onChange={(v?: string) => setMapping((m) => ({ ...m, [r.field]: v }))}
                      options={preview.header.map((h) => ({ value: h, label: h }))}
                      data-testid={`ingest-map-${r.field}`}
                    />
                  ),
                },
                {
                  key: 'reason',
                  title: t('ingestSuggestion'),
                  render: (_, r) => {
                    const col = mapping[r.field];
                    const s = col ? reasonOf.get(col) : undefined;
                    return s && s.field === r.field ? (
                      <Typography.Text type="secondary">
                        {reasonLabel(t, s.reason)}（{Math.round(s.confidence * 100)}%）
                      </Typography.Text>
                    ) : null;
                  },
                },
              ]}
            />
            {!mapping.name && <Alert type="warning" showIcon title={t('ingestNameRequired')} />}
            <Flex gap={12} align="center" wrap style={{ marginTop: 12 }}>
              <Checkbox checked={saveMapping} onChange={(e) => setSaveMapping(e.target.checked)}>
                {t('ingestSaveMapping')}
              </Checkbox>
              <Button
                type="primary"
                disabled={!mapping.name}
                loading={busy}
                onClick={() => void start()}
                data-testid="ingest-start"
              >
                {t('ingestStart')}
              </Button>
              <Button onClick={restart}>{t('cancel')}</Button>
            </Flex>
          </Card>
        </>
      )}

      {step === 2 && run && <RunReport run={run} onAgain={restart} />}

      <Card title={t('ingestRecentRuns')} size="small">
        <Table
          size="small"
          rowKey="id"
          pagination={false}
          loading={runs.loading}
          dataSource={runs.data?.items ?? []}
          columns={[
            { key: 'id', title: '#', dataIndex: 'id' },
            { key: 'source', title: t('ingestSource'), dataIndex: 'source' },
            { key: 'file', title: t('ingestFile'), dataIndex: 'fileName' },
            {
              key: 'status',
              title: t('ingestRunStatus'),
              render: (_, r) => <Tag color={statusColor(r.status)}>{statusLabel(t, r.status)}</Tag>,
            },
            { key: 'read', title: t('ingestRowsRead'), render: (_, r) => f.number(r.rowsRead) },
            { key: 'acc', title: t('ingestAccepted'), render: (_, r) => f.number(r.accepted) },
            { key: 'q', title: t('ingestQuarantined'), render: (_, r) => f.number(r.quarantined) },
            { key: 'at', title: t('ingestStartedAt'), render: (_, r) => f.shortDateTime(r.startedAt) },
            { key: 'by', title: t('ingestStartedBy'), dataIndex: 'startedBy' },
          ]}
        />
      </Card>
    </Flex>
  );
}

function statusColor(status: string) {
  return status === 'completed' ? 'green' : status === 'failed' ? 'red' : 'blue';
}

function RunReport({ run, onAgain }: { run: Run; onAgain: () => void }) {
  const t = useT();
  const f = useFormat();
  const lang = useLang();
  const percent = Math.round((run.progress ?? 0) * 100);
  return (
    <Card data-testid="ingest-report">
      <Flex vertical gap={12}>
        {run.status === 'running' && (
          <>
            <Typography.Text>{t('ingestRunning')}</Typography.Text>
            <Progress percent={percent} status="active" data-testid="ingest-progress" />
            <Typography.Text type="secondary">
              {t('ingestRowsRead')}：{f.number(run.rowsRead)}
            </Typography.Text>
          </>
        )}
        {run.status === 'failed' && (
          <Alert
            type="error"
            showIcon
            title={t('ingestRunFailed')}
            description={lang === 'en' ? (run.error?.messageEn ?? run.error?.message) : run.error?.message}
          />
        )}
        {run.status === 'completed' && (
          <>
            <Progress percent={100} data-testid="ingest-progress" />
            <Alert
              type={run.quarantined > 0 ? 'warning' : 'success'}
              showIcon
              title={t('ingestRunDone')}
              description={t('ingestReportEquation', {
                read: f.number(run.rowsRead),
                accepted: f.number(run.accepted),
                quarantined: f.number(run.quarantined),
              })}
              data-testid="ingest-equation"
            />
            <Descriptions size="small" bordered column={{ xs: 1, sm: 2, md: 4 }}>
              <Descriptions.Item label={t('ingestRowsRead')}>{f.number(run.rowsRead)}</Descriptions.Item>
              <Descriptions.Item label={t('ingestAccepted')}>{f.number(run.accepted)}</Descriptions.Item>
              <Descriptions.Item label={t('ingestQuarantined')}>
                {f.number(run.quarantined)}
              </Descriptions.Item>
              <Descriptions.Item label={t('ingestWarnings')}>{f.number(run.warnings)}</Descriptions.Item>
              <Descriptions.Item label={t('ingestInserted')}>{f.number(run.inserted)}</Descriptions.Item>
              <Descriptions.Item label={t('ingestUpdated')}>{f.number(run.updated)}</Descriptions.Item>
              <Descriptions.Item label={t('ingestUnchanged')}>{f.number(run.unchanged)}</Descriptions.Item>
              <Descriptions.Item label={t('ingestSuperseded')}>{f.number(run.superseded)}</Descriptions.Item>
            </Descriptions>
          </>
        )}
        <Space wrap>
          {run.status !== 'running' && <Button onClick={onAgain}>{t('ingestAnother')}</Button>}
          {run.quarantined > 0 && (
            <Link to={`/ingest/quarantine?source=${run.source}`} data-testid="ingest-to-quarantine">
              {t('ingestToQuarantine')}
            </Link>
          )}
          {run.status === 'completed' && (
            <Link to={`/ingest/quality?source=${run.source}`}>{t('ingestToQuality')}</Link>
          )}
        </Space>
      </Flex>
    </Card>
  );
}
