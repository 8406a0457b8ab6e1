// Data quality of a source: a field × dimension grid of the latest rates against their thresholds, the trend
// of one dimension over the runs, and a drill-down from any figure to the records behind its failures.
import { Alert, Card, Drawer, Empty, Flex, Segmented, Table, Tag, Typography } from 'antd';
import { useCallback, useMemo, useState } from 'react';
import { errorText, withQuery } from '../../api.ts';
import { useApi } from '../../hooks.ts';
import { useFormat, useLang, usePick, useT } from '../../i18n/index.tsx';
import { dimensionLabel, fieldLabel } from './labels.ts';
import { SourcePicker, useSourceParam } from './SourcePicker.tsx';
import { TrendChart } from './TrendChart.tsx';
import {
  DIMENSIONS,
  type Dimension,
  type Figure,
  type Offenders,
  QUALITY_FIELDS,
  type Quality,
} from './types.ts';

export function QualityPage() {
  const t = useT();
  const lang = useLang();
  const f = useFormat();
  const [source, setSource, sources] = useSourceParam();
  const quality = useApi<Quality>(source ? withQuery('/api/ingest/quality', { source }) : null);
  const [dimension, setDimension] = useState<Dimension>('completeness');
  const [drill, setDrill] = useState<Figure>();
  const figures = quality.data?.figures ?? [];
  const byKey = new Map(figures.map((x) => [`${x.field}/${x.dimension}`, x]));
  const fields = QUALITY_FIELDS.filter((field) => figures.some((x) => x.field === field));
  const trend = useMemo(
    () =>
      figures
        .filter((x) => x.dimension === dimension)
        .map((x) => ({ name: fieldLabel(t, x.field), points: x.trend, threshold: x.threshold })),
    [figures, dimension, t],
  );
  const runLabel = useCallback((id: number) => t('ingestRun', { id }), [t]);

  return (
    <Flex vertical gap={16} data-testid="ingest-quality">
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('ingestQualityTitle')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('ingestQualityIntro')}
      </Typography.Paragraph>
      <SourcePicker value={source} onChange={setSource} sources={sources} />
      {quality.error !== undefined && <Alert type="error" showIcon title={errorText(quality.error, lang)} />}
      {quality.data && figures.length === 0 && <Empty description={t('ingestNoFigures')} />}
      {figures.length > 0 && (
        <>
          <Table
            size="small"
            rowKey="field"
            pagination={false}
            scroll={{ x: true }}
            dataSource={fields.map((field) => ({ field }))}
            columns={[
              { key: 'field', title: t('ingestField'), render: (_, r) => fieldLabel(t, r.field) },
              ...DIMENSIONS.map((d) => ({
                key: d,
                title: dimensionLabel(t, d),
                render: (_: unknown, r: { field: string }) => {
                  const x = byKey.get(`${r.field}/${d}`);
                  if (!x) return null;
                  const color = x.meetsThreshold === null ? 'default' : x.meetsThreshold ? 'green' : 'red';
                  return (
                    <button
                      type="button"
                      onClick={() => setDrill(x)}
                      style={{
                        border: 0,
                        background: 'none',
                        padding: 0,
                        cursor: 'pointer',
                        textAlign: 'left',
                      }}
                      data-testid={`ingest-figure-${r.field}-${d}`}
                      title={t('ingestCheckedPassed', {
                        passed: f.number(x.passed),
                        checked: f.number(x.checked),
                      })}
                    >
                      <Tag color={color} style={{ fontSize: 14 }}>
                        {x.rate === null ? '—' : f.percent(x.rate)}
                      </Tag>
                      {x.threshold !== null && (
                        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                          ≥ {Math.round(x.threshold * 100)}%
                        </Typography.Text>
                      )}
                    </button>
                  );
                },
              })),
            ]}
            data-testid="ingest-quality-grid"
          />
          <Card
            size="small"
            title={t('ingestTrend')}
            extra={
              <Segmented
                value={dimension}
                onChange={(v) => setDimension(v as Dimension)}
                options={DIMENSIONS.filter((d) => figures.some((x) => x.dimension === d)).map((d) => ({
                  value: d,
                  label: dimensionLabel(t, d),
                }))}
              />
            }
          >
            <TrendChart series={trend} runLabel={runLabel} />
          </Card>
        </>
      )}
      <Drawer
        open={!!drill}
        onClose={() => setDrill(undefined)}
        size="large"
        title={
          drill &&
          t('ingestOffenders', {
            field: fieldLabel(t, drill.field),
            dimension: dimensionLabel(t, drill.dimension),
          })
        }
      >
        {drill && source && <OffenderList source={source} figure={drill} runLabel={runLabel} />}
      </Drawer>
    </Flex>
  );
}

function OffenderList({
  source,
  figure,
  runLabel,
}: {
  source: string;
  figure: Figure;
  runLabel: (id: number) => string;
}) {
  const t = useT();
  const lang = useLang();
  const pick = usePick();
  const f = useFormat();
  const [page, setPage] = useState(1);
  const off = useApi<Offenders>(
    withQuery('/api/ingest/quality/offenders', {
      source,
      field: figure.field,
      dimension: figure.dimension,
      page,
      pageSize: 20,
    }),
  );
  const series = useMemo(
    () => [{ name: fieldLabel(t, figure.field), points: figure.trend, threshold: figure.threshold }],
    [figure, t],
  );
  const records = off.data?.records ?? [];
  const quarantined = off.data?.quarantined ?? [];
  return (
    <Flex vertical gap={12} data-testid="ingest-offenders">
      <Typography.Text>
        {figure.rate === null ? '—' : f.percent(figure.rate)}（
        {t('ingestCheckedPassed', { passed: f.number(figure.passed), checked: f.number(figure.checked) })}）
      </Typography.Text>
      <TrendChart series={series} runLabel={runLabel} height={200} />
      {off.error !== undefined && <Alert type="error" showIcon title={errorText(off.error, lang)} />}
      {off.data && records.length === 0 && quarantined.length === 0 && (
        <Empty description={t('ingestNoOffenders')} />
      )}
      {records.length > 0 && (
        <>
          <Typography.Title level={5}>{t('ingestOffendersRecords')}</Typography.Title>
          <Table
            size="small"
            rowKey="id"
            scroll={{ x: true }}
            dataSource={records}
            pagination={{
              current: page,
              pageSize: 20,
              onChange: setPage,
              total: page * 20 + (records.length === 20 ? 1 : 0),
            }}
            columns={[
              { key: 'key', title: t('ingestSourceKey'), dataIndex: 'sourceKey' },
              { key: 'row', title: t('ingestRow'), dataIndex: 'sourceRow' },
              { key: 'name', title: fieldLabel(t, 'name'), dataIndex: 'name' },
              { key: 'id', title: fieldLabel(t, 'id_number'), dataIndex: 'idNumber' },
              { key: 'birth', title: fieldLabel(t, 'birth_date'), dataIndex: 'birthDate' },
              { key: 'phone', title: fieldLabel(t, 'phone'), dataIndex: 'phone' },
              { key: 'addr', title: fieldLabel(t, 'address'), dataIndex: 'address' },
              { key: 'rec', title: fieldLabel(t, 'record_date'), dataIndex: 'recordDate' },
            ]}
          />
        </>
      )}
      {quarantined.length > 0 && (
        <>
          <Typography.Title level={5}>{t('ingestOffendersQuarantined')}</Typography.Title>
          <Table
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={quarantined}
            columns={[
              { key: 'row', title: t('ingestRow'), dataIndex: 'sourceRow' },
              {
                key: 'p',
                title: t('ingestProblems'),
                render: (_, r) =>
                  r.problems
                    .filter((p) => p.field === figure.field)
                    .map((p) => pick(p.message, p.messageEn))
                    .join('；'),
              },
              {
                key: 'cells',
                title: t('ingestCells'),
                render: (_, r) =>
                  Object.entries(r.cells)
                    .map(([k, v]) => `${k}：${v}`)
                    .join('；'),
              },
            ]}
          />
        </>
      )}
    </Flex>
  );
}
