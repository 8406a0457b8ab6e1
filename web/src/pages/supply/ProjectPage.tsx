// One procurement project: its requirements, the bids (a new one from a form while the project is open), the
// explained ranking of the bidders, and the award with its reason; an override of the top-ranked bidder needs a
// reason, which the server records in the audit trail.
import {
  Alert,
  Button,
  Card,
  Descriptions,
  Flex,
  InputNumber,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, errorText, type Page } from '../../api.ts';
import { useApi } from '../../hooks.ts';
import { useFormat, useLang, useT } from '../../i18n/index.tsx';
import { type Project, ProjectStatus } from './ProcurementPage.tsx';
import type { Provider } from './ProvidersPage.tsx';
import { type Ranking, RankingView } from './RankingView.tsx';
import { categoryLabel } from './supply-labels.ts';

interface ProjectDetail extends Project {
  bids: {
    id: number;
    providerId: number;
    providerName: string;
    price: number;
    capacity: number;
    note: string;
  }[];
  choices: {
    id: number;
    providerId: number;
    providerName: string;
    topProviderId: number | null;
    override: boolean;
    reason: string;
    chosenAt: string;
  }[];
}

function BidForm({ project, onPlaced }: { project: ProjectDetail; onPlaced: () => void }) {
  const t = useT();
  const lang = useLang();
  const providers = useApi<Page<Provider>>(`/api/supply/providers?pageSize=200&category=${project.category}`);
  const [providerId, setProviderId] = useState<number>();
  const [price, setPrice] = useState<number | null>(null);
  const [capacity, setCapacity] = useState<number | null>(project.requiredCapacity);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const bidders = new Set(project.bids.map((b) => b.providerId));
  const place = async () => {
    setBusy(true);
    setProblem(null);
    try {
      await api('/api/supply/projects/' + project.id + '/bids', {
        method: 'POST',
        body: { providerId, price, capacity },
      });
      setProviderId(undefined);
      setPrice(null);
      onPlaced();
    } catch (e) {
      setProblem(errorText(e, lang));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Flex vertical gap={8}>
      <Space wrap>
        <Select
          style={{ width: 260 }}
          showSearch
          optionFilterProp="label"
          placeholder={t('supplyBidProvider')}
          value={providerId}
          onChange={(v: number) => {
            setProviderId(v);
            const chosen = providers.data?.items.find((x) => x.id === v);
            if (chosen?.capacityPerMonth != null) setCapacity(chosen.capacityPerMonth);
          }}
          data-testid="supply-bid-provider"
          options={(providers.data?.items ?? [])
            .filter((p) => !bidders.has(p.id))
            .map((p) => ({ value: p.id, label: p.name }))}
        />
        <InputNumber
          min={0}
          placeholder={t('supplyBidPrice')}
          value={price}
          onChange={setPrice}
          style={{ width: 140 }}
          data-testid="supply-bid-price"
        />
        <InputNumber
          min={0}
          placeholder={t('supplyCapacity')}
          value={capacity}
          onChange={setCapacity}
          style={{ width: 120 }}
        />
        <Button
          onClick={place}
          loading={busy}
          disabled={!providerId || price === null || capacity === null}
          data-testid="supply-place-bid"
        >
          {t('supplyPlaceBid')}
        </Button>
      </Space>
      {problem && <Alert type="error" showIcon title={problem} />}
    </Flex>
  );
}

export function ProjectPage() {
  const t = useT();
  const fmt = useFormat();
  const lang = useLang();
  const id = Number(useParams()['id']);
  const project = useApi<ProjectDetail>(`/api/supply/projects/${id}`);
  const ranking = useApi<Ranking>(`/api/supply/projects/${id}/ranking`);
  const p = project.data;
  const reload = () => {
    project.reload();
    ranking.reload();
  };
  const award = async (providerId: number, reason: string | undefined) => {
    await api(`/api/supply/projects/${id}/award`, {
      method: 'POST',
      body: { providerId, ...(reason ? { reason } : {}) },
    });
    reload();
  };

  if (project.error) return <Alert type="error" showIcon title={errorText(project.error, lang)} />;
  if (!p) return <Card loading />;
  const choice = p.choices[0];
  return (
    <Flex vertical gap={16}>
      <Card
        title={
          <Space>
            <Link to="/supply/procurement">{t('supplyMenuProcurement')}</Link>
            <span>/</span>
            <span data-testid="supply-project-name">{p.title}</span>
            <ProjectStatus status={p.status} />
          </Space>
        }
      >
        <Descriptions size="small" column={{ xs: 1, md: 3 }}>
          <Descriptions.Item label={t('supplyCategory')}>{categoryLabel(p.category, lang)}</Descriptions.Item>
          <Descriptions.Item label={t('supplyBudgetYuan')}>¥{p.budget.toLocaleString()}</Descriptions.Item>
          <Descriptions.Item label={t('supplyRequiredCapacity')}>{p.requiredCapacity}</Descriptions.Item>
          <Descriptions.Item label={t('supplyLocation')}>
            {p.lng.toFixed(4)}, {p.lat.toFixed(4)}
          </Descriptions.Item>
          <Descriptions.Item label={t('supplyArea')}>{p.areaPath}</Descriptions.Item>
          <Descriptions.Item label={t('supplyCreatedAt')}>{p.createdAt.slice(0, 10)}</Descriptions.Item>
          <Descriptions.Item label={t('supplyRequirements')} span="filled">
            {p.description || '—'}
          </Descriptions.Item>
        </Descriptions>
        {choice && (
          <Alert
            type={choice.override ? 'warning' : 'success'}
            showIcon
            data-testid="supply-award"
            title={
              <Space wrap>
                <span>{t('supplyAwardedTo', { name: choice.providerName })}</span>
                {choice.override && <Tag color="orange">{t('supplyOverride')}</Tag>}
              </Space>
            }
            description={`${t('supplyReason')}：${choice.reason}（${fmt.shortDateTime(choice.chosenAt)}）`}
          />
        )}
      </Card>
      <Card title={t('supplyBids', { n: p.bids.length })}>
        <Table
          size="small"
          rowKey="id"
          pagination={false}
          data-testid="supply-bids"
          dataSource={p.bids}
          locale={{ emptyText: t('supplyNoBids') }}
          columns={[
            { title: t('supplyProviderName'), dataIndex: 'providerName' },
            { title: t('supplyBidPrice'), render: (_, b) => `¥${b.price.toLocaleString()}` },
            { title: t('supplyCapacity'), dataIndex: 'capacity' },
            { title: t('supplyNote'), render: (_, b) => b.note || '—' },
          ]}
        />
        {p.status === 'open' && (
          <div style={{ marginTop: 12 }}>
            <BidForm project={p} onPlaced={reload} />
          </div>
        )}
      </Card>
      <Card title={t('supplyRankingTitle')}>
        <Typography.Paragraph type="secondary">{t('supplyRankingHint')}</Typography.Paragraph>
        {ranking.error ? <Alert type="error" showIcon title={errorText(ranking.error, lang)} /> : null}
        {ranking.data && (
          <RankingView
            data={ranking.data}
            chooseLabel={t('supplyAward')}
            onChoose={p.status === 'open' ? award : null}
          />
        )}
      </Card>
    </Flex>
  );
}
