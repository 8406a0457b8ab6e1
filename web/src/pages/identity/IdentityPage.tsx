// Identity runs, the review queue and golden records on one page with three tabs. Runs refresh while one is
// running, so the progress (pairs compared of the candidates) moves without a reload.
import {
  Alert,
  App,
  Button,
  Card,
  Empty,
  Flex,
  Input,
  InputNumber,
  Progress,
  Segmented,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { type Account, api, errorText } from '../../api.ts';
import { useApi } from '../../hooks.ts';
import { type MessageKey, useFormat, useLang, useT } from '../../i18n/index.tsx';

type EntityType = 'person' | 'house' | 'household' | 'organization';
const ENTITY_TYPES: EntityType[] = ['person', 'house', 'household', 'organization'];
const TABS = ['runs', 'reviews', 'golden'] as const;

interface Run {
  id: number;
  entityType: EntityType;
  status: 'running' | 'completed' | 'failed';
  stage: string;
  records: number;
  pairsTotal: number;
  pairsCompared: number;
  matches: number;
  reviews: number;
  personsCreated: number;
  personsUpdated: number;
  conflicts: number;
  startedAt: string;
  error: { message: string } | null;
}

interface RecordView {
  ref: string;
  sourceLabel: string;
  name: string | null;
  sex: string | null;
  birthDate: string | null;
  idNumber: string | null;
  phone: string | null;
  address: string | null;
  recordDate: string | null;
}

interface Evidence {
  comparison: string;
  level: string;
  weight: number;
}

interface Candidate {
  /** b:<building id>, h:<house id> or p:<person id>. */
  ref: string;
  label: string;
  why: string;
}

interface Review {
  id: number;
  /**
   * pair: an uncertain pair; conflict: two platform rows of one entity; unplaced: register records not placed;
   * household_head: a created household whose head could not be linked.
   */
  kind: 'pair' | 'conflict' | 'unplaced' | 'household_head';
  problem: string | null;
  /** The item is about one record (`left`); there is no second side. */
  single: boolean;
  candidates: Candidate[];
  matchProbability: number;
  evidence: Evidence[];
  left: RecordView | null;
  right: RecordView | null;
}

type Decision = 'confirm' | 'split' | 'dismiss' | 'choose';

/** A house's, household's or organisation's golden record: the person's shape without import runs. */
interface EntityGolden {
  entityId: number;
  fields: Golden['fields'];
  merges: Golden['merges'];
}

interface Golden {
  personId: number;
  name: string | null;
  fields: {
    field: string;
    value: string | null;
    source: string;
    sourceRow: number | null;
    importRunId?: number | null;
    rule: string;
    observedAt: string | null;
  }[];
  merges: {
    id: number;
    runId: number;
    status: string;
    changedFields: string[];
    appliedAt: string;
    undoable: boolean;
  }[];
}

function RunsTab({ canRun, entityType }: { canRun: boolean; entityType: EntityType }) {
  const t = useT();
  const f = useFormat();
  const { message } = App.useApp();
  const runs = useApi<Run[]>('/api/identity/runs?limit=20');
  const running = runs.data?.some((r) => r.status === 'running');
  // Runs of every type share one queue (one run at a time); the list shows the chosen type's.
  const shown = (runs.data ?? []).filter((r) => (r.entityType ?? 'person') === entityType);
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(runs.reload, 1000);
    return () => clearInterval(timer);
  }, [running, runs.reload]);
  const lang = useLang();
  const start = async () => {
    try {
      await api('/api/identity/runs', { method: 'POST', body: { entityType } });
      message.success(t('identityStarted'));
      runs.reload();
    } catch (e) {
      message.error(errorText(e, lang));
    }
  };
  return (
    <Flex vertical gap={12}>
      {canRun && (
        <div>
          <Button type="primary" onClick={start} disabled={running} data-testid="identity-start">
            {t('identityStart')}
          </Button>
        </div>
      )}
      <Table<Run>
        rowKey="id"
        size="small"
        loading={runs.loading && !runs.data}
        dataSource={shown}
        pagination={false}
        scroll={{ x: true }}
        columns={[
          { title: t('identityRunId'), dataIndex: 'id' },
          {
            title: t('identityStatus'),
            render: (_, r) => (
              <Tag color={r.status === 'completed' ? 'green' : r.status === 'failed' ? 'red' : 'blue'}>
                {t(`identity_${r.status}` as MessageKey)}
              </Tag>
            ),
          },
          {
            title: t('identityProgress'),
            render: (_, r) => (
              <div style={{ minWidth: 180 }} data-testid="identity-progress">
                <Progress
                  size="small"
                  percent={r.pairsTotal ? Math.floor((100 * r.pairsCompared) / r.pairsTotal) : 0}
                  status={r.status === 'failed' ? 'exception' : undefined}
                />
                <Typography.Text type="secondary">
                  {f.number(r.pairsCompared)} / {f.number(r.pairsTotal)} · {r.error?.message ?? r.stage}
                </Typography.Text>
              </div>
            ),
          },
          { title: t('identityRecords'), dataIndex: 'records', render: (n: number) => f.number(n) },
          { title: t('identityMatches'), dataIndex: 'matches', render: (n: number) => f.number(n) },
          { title: t('identityReviews'), dataIndex: 'reviews', render: (n: number) => f.number(n) },
          {
            title: t(entityType === 'person' ? 'identityPersonsUpdated' : 'identityPersonsUpdatedAll'),
            dataIndex: 'personsUpdated',
          },
          ...(entityType === 'person'
            ? [{ title: t('identityPersonsCreated'), dataIndex: 'personsCreated' }]
            : []),
          { title: t('identityConflicts'), dataIndex: 'conflicts' },
          { title: t('identityStartedAt'), dataIndex: 'startedAt', render: (d: string) => f.dateTime(d) },
        ]}
      />
    </Flex>
  );
}

const ROWS: [keyof RecordView, MessageKey][] = [
  ['sourceLabel', 'identitySource'],
  ['name', 'identityName'],
  ['sex', 'identitySex'],
  ['birthDate', 'identityBirth'],
  ['idNumber', 'identityIdNumber'],
  ['phone', 'identityPhone'],
  ['address', 'identityAddress'],
  ['recordDate', 'identityRecordDate'],
];

/**
 * A record view has the person's fields; other types fill them with their own (a house's unit and room as its
 * name, an organisation's credit code as its number), so the rows say what they hold for that type.
 */
const ROW_LABELS: Record<Exclude<EntityType, 'person'>, Partial<Record<keyof RecordView, MessageKey>>> = {
  house: { name: 'identityHouseRoom' },
  household: { name: 'identityHouseholdName', idNumber: 'identityHeadIdNumber' },
  organization: { name: 'identityOrgName', idNumber: 'identity_f_uscc', phone: 'identityOrgPhone' },
};

/** Comparisons of the linkage settings by the column they compare; a column not listed shows its own name. */
const COMPARISON_LABELS: Record<string, MessageKey> = {
  name: 'identity_f_name',
  sex: 'identity_f_sex',
  birth_date: 'identity_f_birth_date',
  id_number: 'identity_f_id_number',
  phone: 'identity_f_phone',
  address: 'identity_f_address',
  uscc: 'identity_f_uscc',
  name_core: 'identity_c_name_core',
  legal_rep_name: 'identity_f_legal_rep_name',
  contact_phone: 'identity_f_contact_phone',
  compound: 'identity_c_compound',
  building: 'identity_c_building',
  unit: 'identity_f_unit_no',
  room: 'identity_f_room_no',
  house_key: 'identity_c_house_key',
  household_no: 'identity_f_household_no',
  head_id: 'identity_c_head_id',
  head_name: 'identity_c_head_name',
  members: 'identity_c_members',
  member_count: 'identity_f_member_count',
  area_m2: 'identity_f_area_m2',
};

/** The engine's two levels that are not a kind of agreement: a value missing on a side, and disagreement. */
const LEVEL_LABELS: Record<string, MessageKey> = { null: 'identityLevelMissing', else: 'identityLevelElse' };

/** A golden field's label; an organisation's name is 名称, not a person's 姓名. */
function fieldLabel(entityType: EntityType, field: string): MessageKey {
  if (entityType === 'organization' && field === 'name') return 'identityOrgName';
  return `identity_f_${field}` as MessageKey;
}

function rowsOf(entityType: EntityType): [keyof RecordView, MessageKey][] {
  if (entityType === 'person') return ROWS;
  const labels = ROW_LABELS[entityType];
  // Sex and birth date are a person's; the other types leave them empty.
  return ROWS.filter(([key]) => key !== 'sex' && key !== 'birthDate').map(([key, label]) => [
    key,
    labels[key] ?? label,
  ]);
}

function ReviewCard({
  review,
  entityType,
  onDone,
  canReview,
}: {
  review: Review;
  entityType: EntityType;
  onDone: () => void;
  canReview: boolean;
}) {
  const t = useT();
  const lang = useLang();
  const { message } = App.useApp();
  const [reason, setReason] = useState('');
  const [head, setHead] = useState<number | null>(null);
  const decide = async (decision: Decision) => {
    if (reason.trim().length < 2) {
      message.warning(t('identityReasonRequired'));
      return;
    }
    if (decision === 'choose' && head === null) {
      message.warning(t('identityHeadRequired'));
      return;
    }
    try {
      await api(`/api/identity/reviews/${review.id}/decision`, {
        method: 'POST',
        body: { decision, reason: reason.trim(), ...(decision === 'choose' ? { personId: head } : {}) },
      });
      message.success(t('identityDecided'));
      onDone();
    } catch (e) {
      message.error(errorText(e, lang));
    }
  };
  const sexLabel = (s: string | null) => (s === '1' ? '男' : s === '2' ? '女' : (s ?? ''));
  const cell = (r: RecordView | null, key: keyof RecordView) =>
    key === 'sex' ? sexLabel(r?.sex ?? null) : (r?.[key] ?? '—');
  // A single-record item shows its one record; the fields it has no value for are left out.
  const rows = rowsOf(entityType).filter(([key]) => !review.single || review.left?.[key]);
  const persons = review.candidates.filter((c) => c.ref.startsWith('p:'));
  return (
    <Card
      size="small"
      data-testid="identity-review"
      title={
        review.kind === 'pair'
          ? t('identityProbability', { p: review.matchProbability.toFixed(3) })
          : t(
              review.kind === 'conflict'
                ? 'identityConflict'
                : review.kind === 'household_head'
                  ? 'identityHouseholdHead'
                  : 'identityUnplaced',
            )
      }
    >
      {review.problem && (
        <Alert type="warning" showIcon title={review.problem} style={{ marginBottom: 12 }} />
      )}
      <Flex gap={16} wrap>
        <Table
          size="small"
          style={{ flex: '1 1 360px' }}
          rowKey="key"
          pagination={false}
          data-testid="identity-review-records"
          dataSource={rows.map(([key, label]) => ({
            key,
            label: t(label),
            left: cell(review.left, key),
            right: cell(review.right, key),
          }))}
          columns={[
            { title: t('identityField'), dataIndex: 'label' },
            { title: t(review.single ? 'identityRecord' : 'identityLeft'), dataIndex: 'left' },
            ...(review.single ? [] : [{ title: t('identityRight'), dataIndex: 'right' }]),
          ]}
        />
        {review.single ? (
          <Flex vertical gap={4} style={{ flex: '1 1 280px' }} data-testid="identity-candidates">
            <Typography.Text strong>
              {t(review.kind === 'household_head' ? 'identityHeadCandidates' : 'identityPlaceCandidates')}
            </Typography.Text>
            {review.candidates.length === 0 ? (
              <Typography.Text type="secondary">{t('identityNoCandidates')}</Typography.Text>
            ) : (
              review.candidates.map((c) => (
                <Typography.Text key={c.ref}>
                  {c.label} <Tag>{t(`identity_why_${c.why}` as MessageKey)}</Tag>
                </Typography.Text>
              ))
            )}
          </Flex>
        ) : (
          <Table<Evidence>
            size="small"
            style={{ flex: '1 1 280px' }}
            rowKey="comparison"
            pagination={false}
            dataSource={review.evidence}
            columns={[
              {
                title: t('identityEvidence'),
                dataIndex: 'comparison',
                render: (c: string) => (COMPARISON_LABELS[c] ? t(COMPARISON_LABELS[c]) : c),
              },
              {
                title: t('identityLevel'),
                dataIndex: 'level',
                render: (l: string) => (LEVEL_LABELS[l] ? t(LEVEL_LABELS[l]) : l),
              },
              {
                title: t('identityWeight'),
                dataIndex: 'weight',
                render: (w: number) => (
                  <Typography.Text type={w > 0 ? 'success' : w < 0 ? 'danger' : undefined}>
                    {w.toFixed(2)}
                  </Typography.Text>
                ),
              },
            ]}
          />
        )}
      </Flex>
      {canReview && (
        <Space.Compact style={{ width: '100%', marginTop: 12 }}>
          {review.kind === 'household_head' && (
            <Select<number>
              placeholder={t('identityChooseHead')}
              value={head ?? undefined}
              onChange={setHead}
              style={{ minWidth: 200 }}
              data-testid="identity-head"
              options={persons.map((c) => ({ value: Number(c.ref.slice(2)), label: c.label }))}
            />
          )}
          <Input
            placeholder={t('identityReason')}
            value={reason}
            maxLength={500}
            onChange={(e) => setReason(e.target.value)}
            data-testid="identity-reason"
          />
          {review.kind === 'household_head' && (
            <Button type="primary" onClick={() => decide('choose')} data-testid="identity-choose">
              {t('identityChoose')}
            </Button>
          )}
          {!review.single && (
            <Button onClick={() => decide('confirm')} data-testid="identity-confirm">
              {t(review.kind === 'conflict' ? 'identityMergeConflict' : 'identityConfirm')}
            </Button>
          )}
          {review.single ? (
            <Button danger onClick={() => decide('dismiss')} data-testid="identity-dismiss">
              {t(review.kind === 'household_head' ? 'identityNoHead' : 'identityDismiss')}
            </Button>
          ) : (
            <Button danger onClick={() => decide('split')} data-testid="identity-split">
              {t(entityType === 'person' ? 'identitySplit' : 'identitySplitEntity')}
            </Button>
          )}
        </Space.Compact>
      )}
    </Card>
  );
}

function ReviewsTab({ canReview, entityType }: { canReview: boolean; entityType: EntityType }) {
  const t = useT();
  const reviews = useApi<{ total: number; items: Review[] }>(
    `/api/identity/reviews?limit=10&entityType=${entityType}`,
  );
  if (reviews.data && reviews.data.items.length === 0) return <Empty description={t('identityNoReviews')} />;
  return (
    <Flex vertical gap={12}>
      {reviews.data && (
        <Typography.Text type="secondary">
          {t('identityReviews')}: {reviews.data.total}
        </Typography.Text>
      )}
      {reviews.data?.items.map((r) => (
        <ReviewCard
          key={r.id}
          review={r}
          entityType={entityType}
          onDone={reviews.reload}
          canReview={canReview}
        />
      ))}
    </Flex>
  );
}

function GoldenTab({
  canUndo,
  entityType,
  shownId,
  onShow,
}: {
  canUndo: boolean;
  entityType: EntityType;
  /** The record shown (from the address); `onShow` asks for another. */
  shownId: number | null;
  onShow: (id: number | null) => void;
}) {
  const t = useT();
  const f = useFormat();
  const lang = useLang();
  const { message } = App.useApp();
  const [input, setInput] = useState<number | null>(shownId);
  // The address decides what is shown: back, forward or a link changes it, and the input follows — but not when
  // the change is the one this input asked for: navigations render as transitions, and on a slow machine the
  // user may already be typing the next id when the last one renders. Back and forward are also heard directly:
  // stepping back before the record asked for has rendered leaves the id the same for React, not the input.
  const requested = useRef(shownId);
  useEffect(() => {
    if (shownId !== requested.current) setInput(shownId);
    requested.current = shownId;
  }, [shownId]);
  useEffect(() => {
    const onPop = () => setInput(Number(new URLSearchParams(window.location.search).get('id')) || null);
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const personId = shownId;
  const [undoReason, setUndoReason] = useState('');
  const isPerson = entityType === 'person';
  // Persons and the other entity types have their own golden-record and undo routes.
  const golden = useApi<Golden | EntityGolden>(
    personId
      ? isPerson
        ? `/api/identity/persons/${personId}/golden`
        : `/api/identity/entities/${entityType}/${personId}/golden`
      : null,
  );
  const undo = async (mergeId: number) => {
    if (undoReason.trim().length < 2) {
      message.warning(t('identityReasonRequired'));
      return;
    }
    try {
      await api(
        isPerson ? `/api/identity/merges/${mergeId}/undo` : `/api/identity/entity-merges/${mergeId}/undo`,
        {
          method: 'POST',
          body: { reason: undoReason.trim() },
        },
      );
      message.success(t('identityUndone'));
      golden.reload();
    } catch (e) {
      message.error(errorText(e, lang));
    }
  };
  const g = golden.data;
  return (
    <Flex vertical gap={12}>
      <Space.Compact>
        <InputNumber
          min={1}
          placeholder={t(isPerson ? 'identityPersonId' : 'identityEntityId')}
          value={input}
          onChange={(v) => setInput(v)}
          data-testid="identity-person-id"
        />
        <Button
          onClick={() => {
            requested.current = input;
            onShow(input);
          }}
          data-testid="identity-show"
        >
          {t('identityShow')}
        </Button>
      </Space.Compact>
      {golden.error ? <Alert type="error" title={errorText(golden.error, lang)} /> : null}
      {g && g.fields.length === 0 && (
        <Empty description={t(isPerson ? 'identityNoGolden' : 'identityNoEntityGolden')} />
      )}
      {g && g.fields.length > 0 && (
        <Table
          size="small"
          rowKey="field"
          pagination={false}
          data-testid="identity-golden"
          scroll={{ x: true }}
          dataSource={g.fields}
          columns={[
            {
              title: t('identityField'),
              dataIndex: 'field',
              render: (x: string) => t(fieldLabel(entityType, x)),
            },
            { title: t('identityValue'), dataIndex: 'value' },
            { title: t('identitySource'), dataIndex: 'source' },
            { title: t('identitySourceRow'), dataIndex: 'sourceRow' },
            ...(isPerson ? [{ title: t('identityImportRun'), dataIndex: 'importRunId' }] : []),
            {
              title: t('identityRule'),
              dataIndex: 'rule',
              render: (x: string) => t(`identity_${x}` as MessageKey),
            },
            {
              title: t('identityObservedAt'),
              dataIndex: 'observedAt',
              render: (d: string | null) => (d ? d.slice(0, 10) : '—'),
            },
          ]}
        />
      )}
      {g && g.merges.length > 0 && (
        <Card size="small" title={t('identityMerges')}>
          {canUndo && (
            <Input
              placeholder={t('identityUndoReason')}
              value={undoReason}
              maxLength={500}
              onChange={(e) => setUndoReason(e.target.value)}
              style={{ marginBottom: 8 }}
              data-testid="identity-undo-reason"
            />
          )}
          <Table
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={g.merges}
            columns={[
              { title: '#', dataIndex: 'id' },
              { title: t('identityRunId'), dataIndex: 'runId' },
              {
                title: t('identityStatus'),
                dataIndex: 'status',
                render: (s: string) =>
                  s === 'applied' ? (
                    <Tag color="green">{t('identityMergeApplied')}</Tag>
                  ) : (
                    <Tag>{t('identityMergeUndone')}</Tag>
                  ),
              },
              {
                title: t('identityChanged'),
                dataIndex: 'changedFields',
                render: (x: string[]) => x.map((k) => t(fieldLabel(entityType, k))).join('、'),
              },
              { title: t('identityStartedAt'), dataIndex: 'appliedAt', render: (d: string) => f.dateTime(d) },
              {
                title: '',
                render: (_, m) =>
                  m.undoable && canUndo ? (
                    <Button size="small" danger onClick={() => undo(m.id)} data-testid="identity-undo">
                      {t('identityUndo')}
                    </Button>
                  ) : null,
              },
            ]}
          />
        </Card>
      )}
    </Flex>
  );
}

export function IdentityPage({ account }: { account: Account }) {
  const t = useT();
  // Reading is identity:read; deciding pairs identity:review; starting runs and undoing merges identity:run.
  const canRun = account.permissions.includes('identity:run');
  const canReview = account.permissions.includes('identity:review');
  // The type, the tab and the record shown live in the address: a reload, a remount or a shared link shows the
  // same view, and the back button steps through what the user looked at.
  const [params, setParams] = useSearchParams();
  const typeParam = params.get('type') as EntityType | null;
  const entityType: EntityType = typeParam && ENTITY_TYPES.includes(typeParam) ? typeParam : 'person';
  const tabParam = params.get('tab');
  const tab = tabParam && TABS.includes(tabParam as (typeof TABS)[number]) ? tabParam : 'runs';
  const shownId = Number(params.get('id')) || null;
  // A change starts from the address as it is now, not as this render saw it: navigations are transitions, so a
  // second click before the first has rendered (组织, then a tab at once) would otherwise build on the stale view
  // and drop the type — the page fell back to 居民 on a busy machine.
  const setView = (change: { type?: EntityType; tab?: string; id?: number | null }) => {
    const now = new URLSearchParams(window.location.search);
    const type = change.type ?? now.get('type') ?? 'person';
    const nextTab = change.tab ?? now.get('tab') ?? 'runs';
    const id = change.id === undefined ? now.get('id') : change.id;
    const next = new URLSearchParams();
    if (type !== 'person') next.set('type', type);
    if (nextTab !== 'runs') next.set('tab', nextTab);
    if (id) next.set('id', String(id));
    setParams(next);
  };
  return (
    <Flex vertical gap={16}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('identityTitle')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('identityIntro')}
      </Typography.Paragraph>
      <Space>
        <Typography.Text>{t('identityEntityType')}</Typography.Text>
        <Segmented<EntityType>
          value={entityType}
          onChange={(type) => setView({ type, tab: 'runs', id: null })}
          data-testid="identity-entity-type"
          options={ENTITY_TYPES.map((x) => ({ value: x, label: t(`identity_t_${x}` as MessageKey) }))}
        />
      </Space>
      {/* Keyed by the type, so a tab's input and loaded data start afresh when the type changes. */}
      <Tabs
        key={entityType}
        activeKey={tab}
        onChange={(key) => setView({ tab: key })}
        items={[
          {
            key: 'runs',
            label: t('identityTabRuns'),
            children: <RunsTab canRun={canRun} entityType={entityType} />,
          },
          {
            key: 'reviews',
            label: t('identityTabReviews'),
            children: <ReviewsTab canReview={canReview} entityType={entityType} />,
          },
          {
            key: 'golden',
            label: t('identityTabGolden'),
            children: (
              <GoldenTab
                canUndo={canRun}
                entityType={entityType}
                shownId={shownId}
                onShow={(id) => setView({ tab: 'golden', id })}
              />
            ),
          },
        ]}
      />
    </Flex>
  );
}
