// Procurement projects of the viewer's area (open ones first, a new one from a form), and matching a single
// service request to the providers available for it: the same explained ranking as a project's, and the choice
// recorded against the request's number (an override needs a reason).
import {
  Alert,
  Button,
  Card,
  Flex,
  Form,
  Input,
  InputNumber,
  Modal,
  Select,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { api, errorText, type Page } from '../../api.ts';
import { useApi } from '../../hooks.ts';
import { useLang, useT } from '../../i18n/index.tsx';
import type { Provider } from './ProvidersPage.tsx';
import { type Ranking, RankingView } from './RankingView.tsx';
import { CATEGORIES, categoryLabel } from './supply-labels.ts';

export interface Project {
  id: number;
  title: string;
  category: string;
  description: string;
  budget: number;
  requiredCapacity: number;
  lng: number;
  lat: number;
  areaPath: string;
  status: string;
  awardedProviderId: number | null;
  createdAt: string;
}

export function ProjectStatus({ status }: { status: string }) {
  const t = useT();
  if (status === 'open') return <Tag color="blue">{t('supplyProjectOpen')}</Tag>;
  if (status === 'awarded') return <Tag color="green">{t('supplyProjectAwarded')}</Tag>;
  return <Tag>{t('supplyProjectCancelled')}</Tag>;
}

/** Where the registry's providers are, on average: a sensible default point for a new project or a request. */
export function useDefaultPoint(): { lng: number; lat: number } | null {
  const providers = useApi<Page<Provider>>('/api/supply/providers?pageSize=200');
  const located = (providers.data?.items ?? []).filter((p) => p.lng !== null && p.lat !== null);
  if (located.length === 0) return null;
  const mean = (xs: number[]) => Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 1e5) / 1e5;
  return { lng: mean(located.map((p) => p.lng!)), lat: mean(located.map((p) => p.lat!)) };
}

interface NewProject {
  title: string;
  category: string;
  description?: string;
  budget: number;
  requiredCapacity: number;
  lng: number;
  lat: number;
}

function NewProjectButton({ onCreated }: { onCreated: (id: number) => void }) {
  const t = useT();
  const lang = useLang();
  const point = useDefaultPoint();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [form] = Form.useForm<NewProject>();
  const submit = async (values: NewProject) => {
    setBusy(true);
    setProblem(null);
    try {
      const created = await api<Project>('/api/supply/projects', { method: 'POST', body: values });
      setOpen(false);
      form.resetFields();
      onCreated(created.id);
    } catch (e) {
      setProblem(errorText(e, lang));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button type="primary" onClick={() => setOpen(true)} data-testid="supply-new-project">
        {t('supplyNewProject')}
      </Button>
      <Modal
        open={open}
        title={t('supplyNewProject')}
        okText={t('supplyCreate')}
        cancelText={t('supplyCancel')}
        confirmLoading={busy}
        onOk={() => form.submit()}
        onCancel={() => setOpen(false)}
        destroyOnHidden
      >
        <Form
          form={form}
          layout="vertical"
          onFinish={submit}
          initialValues={{ category: 'elderly_care', requiredCapacity: 0, ...(point ?? {}) }}
        >
          <Form.Item name="title" label={t('supplyProjectTitle')} rules={[{ required: true, min: 2 }]}>
            <Input data-testid="supply-project-title" />
          </Form.Item>
          <Form.Item name="category" label={t('supplyCategory')} rules={[{ required: true }]}>
            <Select options={CATEGORIES.map((c) => ({ value: c, label: categoryLabel(c, lang) }))} />
          </Form.Item>
          <Form.Item name="description" label={t('supplyRequirements')}>
            <Input.TextArea rows={3} maxLength={4000} />
          </Form.Item>
          <Flex gap={12} wrap>
            <Form.Item name="budget" label={t('supplyBudgetYuan')} rules={[{ required: true }]}>
              <InputNumber min={0} style={{ width: 160 }} data-testid="supply-project-budget" />
            </Form.Item>
            <Form.Item
              name="requiredCapacity"
              label={t('supplyRequiredCapacity')}
              rules={[{ required: true }]}
            >
              <InputNumber min={0} style={{ width: 160 }} />
            </Form.Item>
          </Flex>
          <Flex gap={12} wrap>
            <Form.Item name="lng" label={t('supplyLng')} rules={[{ required: true }]}>
              <InputNumber min={-180} max={180} step={0.001} style={{ width: 160 }} />
            </Form.Item>
            <Form.Item name="lat" label={t('supplyLat')} rules={[{ required: true }]}>
              <InputNumber min={-90} max={90} step={0.001} style={{ width: 160 }} />
            </Form.Item>
          </Flex>
          {problem && <Alert type="error" showIcon title={problem} />}
        </Form>
      </Modal>
    </>
  );
}

interface MatchForm {
  category: string;
  lng: number;
  lat: number;
  hours: number;
}

function RequestMatch() {
  const t = useT();
  const lang = useLang();
  const point = useDefaultPoint();
  const [form] = Form.useForm<MatchForm & { requestRef: string }>();
  const [result, setResult] = useState<{ query: MatchForm; ranking: Ranking } | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // The default point arrives after the first render: it fills in the place where none is set yet, instead of the
  // form being remounted, which wiped a request number already typed.
  const defaultLng = point?.lng;
  const defaultLat = point?.lat;
  useEffect(() => {
    if (defaultLng === undefined || defaultLat === undefined) return;
    if (form.getFieldValue('lng') == null && form.getFieldValue('lat') == null)
      form.setFieldsValue({ lng: defaultLng, lat: defaultLat });
  }, [form, defaultLng, defaultLat]);

  const run = async (values: MatchForm) => {
    setBusy(true);
    setProblem(null);
    setChosen(null);
    try {
      const query = { category: values.category, lng: values.lng, lat: values.lat, hours: values.hours };
      setResult({ query, ranking: await api<Ranking>('/api/supply/match', { method: 'POST', body: query }) });
    } catch (e) {
      setResult(null);
      setProblem(errorText(e, lang));
    } finally {
      setBusy(false);
    }
  };

  const choose = async (providerId: number, reason: string | undefined) => {
    const requestRef = (form.getFieldValue('requestRef') as string | undefined)?.trim();
    if (!requestRef) throw new Error(t('supplyRequestRefNeeded'));
    if (!result) return;
    const choice = await api<{ providerId: number; override: boolean; reason: string }>(
      '/api/supply/match/choose',
      { method: 'POST', body: { ...result.query, requestRef, providerId, ...(reason ? { reason } : {}) } },
    );
    const name = result.ranking.ranking.find((r) => r.providerId === choice.providerId)?.name ?? '';
    setChosen(
      t(choice.override ? 'supplyChosenOverride' : 'supplyChosen', {
        ref: requestRef,
        name,
        reason: choice.reason,
      }),
    );
  };

  return (
    <Card title={t('supplyMatchTitle')} data-testid="supply-match">
      <Form
        form={form}
        layout="inline"
        onFinish={run}
        initialValues={{ category: 'elderly_care', hours: 2, ...(point ?? {}) }}
        style={{ rowGap: 8, marginBottom: 12 }}
      >
        <Form.Item name="requestRef" label={t('supplyRequestRef')}>
          <Input style={{ width: 180 }} placeholder="GD-…" data-testid="supply-request-ref" />
        </Form.Item>
        <Form.Item name="category" label={t('supplyCategory')} rules={[{ required: true }]}>
          <Select
            style={{ width: 150 }}
            options={CATEGORIES.map((c) => ({ value: c, label: categoryLabel(c, lang) }))}
            data-testid="supply-match-category"
          />
        </Form.Item>
        <Form.Item name="lng" label={t('supplyLng')} rules={[{ required: true }]}>
          <InputNumber
            min={-180}
            max={180}
            step={0.001}
            style={{ width: 120 }}
            data-testid="supply-match-lng"
          />
        </Form.Item>
        <Form.Item name="lat" label={t('supplyLat')} rules={[{ required: true }]}>
          <InputNumber min={-90} max={90} step={0.001} style={{ width: 110 }} />
        </Form.Item>
        <Form.Item name="hours" label={t('supplyHours')} rules={[{ required: true }]}>
          <InputNumber min={0.5} max={1000} step={0.5} style={{ width: 90 }} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy} data-testid="supply-run-match">
          {t('supplyRunMatch')}
        </Button>
      </Form>
      {problem && <Alert type="error" showIcon title={problem} />}
      {chosen && <Alert type="success" showIcon title={chosen} data-testid="supply-match-chosen" />}
      {result && <RankingView data={result.ranking} chooseLabel={t('supplyChoose')} onChoose={choose} />}
    </Card>
  );
}

export function ProcurementPage() {
  const t = useT();
  const lang = useLang();
  const navigate = useNavigate();
  const projects = useApi<{ items: Project[] }>('/api/supply/projects');
  return (
    <Flex vertical gap={16}>
      <Card
        title={t('supplyProjectsTitle')}
        extra={<NewProjectButton onCreated={(id) => navigate(`/supply/projects/${id}`)} />}
      >
        {projects.error ? <Alert type="error" showIcon title={errorText(projects.error, lang)} /> : null}
        <Table
          size="small"
          rowKey="id"
          data-testid="supply-projects"
          loading={projects.loading}
          pagination={{ pageSize: 10 }}
          dataSource={[...(projects.data?.items ?? [])].sort(
            (a, b) => Number(b.status === 'open') - Number(a.status === 'open') || b.id - a.id,
          )}
          locale={{ emptyText: t('supplyNoProjects') }}
          columns={[
            {
              title: t('supplyProjectTitle'),
              render: (_, p) => <Link to={`/supply/projects/${p.id}`}>{p.title}</Link>,
            },
            { title: t('supplyCategory'), render: (_, p) => categoryLabel(p.category, lang) },
            { title: t('supplyBudgetYuan'), render: (_, p) => `¥${p.budget.toLocaleString()}` },
            { title: t('supplyRequiredCapacity'), dataIndex: 'requiredCapacity' },
            { title: t('supplyStatus'), render: (_, p) => <ProjectStatus status={p.status} /> },
            { title: t('supplyCreatedAt'), render: (_, p) => p.createdAt.slice(0, 10) },
          ]}
        />
        <Typography.Text type="secondary">{t('supplyProjectsHint')}</Typography.Text>
      </Card>
      <RequestMatch />
    </Flex>
  );
}
