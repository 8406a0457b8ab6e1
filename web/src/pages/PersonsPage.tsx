// Resident search: one box for a name, ID number or phone, filters by area, group, age and registration; results
// masked as the server returns them, a table on a desk and cards on a phone; a record opens in a drawer.
import { SearchOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  Collapse,
  Drawer,
  Empty,
  Flex,
  Form,
  Input,
  InputNumber,
  Pagination,
  Row,
  Select,
  Space,
  Spin,
  Table,
  Typography,
} from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import {
  type Account,
  type DivisionNode,
  errorText,
  type Page,
  type PersonSummary,
  withQuery,
} from '../api.ts';
import { AreaPicker } from '../components/AreaPicker.tsx';
import { MaskedTags, PersonDetailView, placeOf } from '../components/PersonDetailView.tsx';
import { useApi, useCodes, useIsPhone, usePersonLabels, useServerPaging } from '../hooks.ts';
import { useFormat, useLang, useT } from '../i18n/index.tsx';

interface Filters {
  q?: string;
  areaPath?: string;
  gridId?: number;
  within?: string;
  tag?: string;
  ageMin?: number | null;
  ageMax?: number | null;
  sex?: string;
  registrationType?: string;
}

function FilterFields({ filters, onChange }: { filters: Filters; onChange: (f: Filters) => void }) {
  const t = useT();
  const tags = useCodes('person_tag');
  const registration = useCodes('registration_type');
  const sexes = useCodes('sex');
  const setArea = (path: string | undefined, node: DivisionNode | undefined) =>
    onChange({
      ...filters,
      areaPath: path,
      gridId: node?.gridId,
      within: node && node.gridId === undefined ? node.path : undefined,
    });
  return (
    <Form layout="vertical" component="div">
      <Row gutter={12}>
        <Col xs={24} md={12} xl={6}>
          <Form.Item label={t('area')}>
            <AreaPicker value={filters.areaPath} onChange={setArea} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12} xl={5}>
          <Form.Item label={t('tag')}>
            <Select
              allowClear
              placeholder={t('all')}
              value={filters.tag}
              options={tags.options}
              onChange={(tag) => onChange({ ...filters, tag })}
              data-testid="tag-filter"
            />
          </Form.Item>
        </Col>
        <Col xs={24} md={12} xl={5}>
          <Form.Item label={t('ageRange')}>
            <Space.Compact style={{ width: '100%' }}>
              <InputNumber
                min={0}
                max={130}
                placeholder={t('ageFrom')}
                value={filters.ageMin}
                onChange={(ageMin) => onChange({ ...filters, ageMin })}
                style={{ width: '50%' }}
                aria-label={t('ageFrom')}
              />
              <InputNumber
                min={0}
                max={130}
                placeholder={t('ageTo')}
                value={filters.ageMax}
                onChange={(ageMax) => onChange({ ...filters, ageMax })}
                style={{ width: '50%' }}
                aria-label={t('ageTo')}
              />
            </Space.Compact>
          </Form.Item>
        </Col>
        <Col xs={12} md={6} xl={4}>
          <Form.Item label={t('registrationType')}>
            <Select
              allowClear
              placeholder={t('all')}
              value={filters.registrationType}
              options={registration.options}
              onChange={(registrationType) => onChange({ ...filters, registrationType })}
            />
          </Form.Item>
        </Col>
        <Col xs={12} md={6} xl={4}>
          <Form.Item label={t('sex')}>
            <Select
              allowClear
              placeholder={t('all')}
              value={filters.sex}
              options={sexes.options.filter((o) => o.value === '1' || o.value === '2')}
              onChange={(sex) => onChange({ ...filters, sex })}
            />
          </Form.Item>
        </Col>
      </Row>
    </Form>
  );
}

const nowrap = () => ({ style: { whiteSpace: 'nowrap' as const } });

function PersonCard({ person, onOpen }: { person: PersonSummary; onOpen: () => void }) {
  const t = useT();
  const labels = usePersonLabels();
  return (
    <Card size="small" onClick={onOpen} hoverable data-testid="person-card">
      <Flex justify="space-between" align="baseline">
        <Typography.Text strong style={{ fontSize: 18 }}>
          {person.name}
        </Typography.Text>
        <Typography.Text type="secondary">
          {labels.sex(person)} · {person.age ?? '—'} · {labels.registration(person)}
        </Typography.Text>
      </Flex>
      <div>
        {t('idNumber')}：{person.idNumber ?? '—'}
      </div>
      <div>
        {t('phone')}：{person.phone ?? '—'}
      </div>
      <Typography.Text type="secondary">{placeOf(person)}</Typography.Text>
      {person.tagCount > 0 && (
        <div style={{ marginTop: 4 }}>
          <MaskedTags person={person} />
        </div>
      )}
    </Card>
  );
}

export function PersonsPage({ account }: { account: Account }) {
  const t = useT();
  const lang = useLang();
  const f = useFormat();
  const phone = useIsPhone();
  const labels = usePersonLabels();
  const [typed, setTyped] = useState('');
  const [filters, setFilters] = useState<Filters>({});
  const paging = useServerPaging({ sizeChanger: !phone });
  const [open, setOpen] = useState<PersonSummary | null>(null);

  const path = withQuery('/api/persons', {
    q: filters.q,
    gridId: filters.gridId,
    within: filters.within,
    tag: filters.tag,
    ageMin: filters.ageMin,
    ageMax: filters.ageMax,
    sex: filters.sex,
    registrationType: filters.registrationType,
    page: paging.page,
    pageSize: paging.pageSize,
  });
  const { data, error, loading } = useApi<Page<PersonSummary>>(path);
  const applyFilters = (next: Filters) => {
    setFilters(next);
    paging.restart();
  };
  const showTotal = (n: number) =>
    data?.totalExact === false ? t('totalAtLeast', { n: f.number(n) }) : t('total', { n: f.number(n) });
  const pagination = paging.pagination(data?.total, showTotal);
  const filterFields = <FilterFields filters={filters} onChange={applyFilters} />;

  return (
    <Flex vertical gap={12}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        {t('residents')}
      </Typography.Title>
      <Input.Search
        size="large"
        placeholder={t('searchPlaceholder')}
        enterButton={
          <>
            <SearchOutlined /> {t('search')}
          </>
        }
        allowClear
        value={typed}
        onChange={(e) => setTyped(e.target.value)}
        onSearch={(v) => applyFilters({ ...filters, q: v.trim() || undefined })}
        style={{ maxWidth: 640 }}
        data-testid="person-search"
      />
      <Typography.Text type="secondary">{t('searchHint')}</Typography.Text>
      {phone ? (
        <Collapse items={[{ key: 'f', label: t('filters'), children: filterFields }]} />
      ) : (
        <Card size="small" styles={{ body: { paddingBottom: 0 } }}>
          {filterFields}
        </Card>
      )}
      <Flex justify="flex-end">
        <Button
          onClick={() => {
            setTyped('');
            applyFilters({});
          }}
        >
          {t('reset')}
        </Button>
      </Flex>
      {error !== undefined && <Alert type="error" showIcon title={errorText(error, lang)} />}
      {phone ? (
        <Flex vertical gap={8} data-testid="person-results">
          {loading && <Spin size="large" style={{ alignSelf: 'center', margin: 16 }} />}
          {!loading && data?.items.length === 0 && <Empty description={t('noResults')} />}
          {data?.items.map((p) => (
            <PersonCard key={p.id} person={p} onOpen={() => setOpen(p)} />
          ))}
          {data && data.total > 0 && <Pagination {...pagination} simple style={{ alignSelf: 'center' }} />}
        </Flex>
      ) : (
        <Table<PersonSummary>
          rowKey="id"
          loading={loading}
          dataSource={data?.items ?? []}
          // The address (long, and in the record anyway) shows only on wide screens, so the rest fits unscrolled.
          scroll={{ x: 'max-content' }}
          pagination={pagination}
          locale={{ emptyText: <Empty description={t('noResults')} /> }}
          data-testid="person-results"
          onRow={(p) => ({ onClick: () => setOpen(p), style: { cursor: 'pointer' } })}
          columns={[
            {
              title: t('name'),
              dataIndex: 'name',
              width: 100,
              render: (name: string) => <Typography.Link strong>{name}</Typography.Link>,
            },
            { title: t('sex'), width: 64, render: (_, p) => labels.sex(p) },
            { title: t('age'), dataIndex: 'age', width: 64 },
            { title: t('idNumber'), dataIndex: 'idNumber', width: 210, onCell: nowrap },
            { title: t('phone'), dataIndex: 'phone', width: 150, onCell: nowrap },
            {
              title: t('address'),
              dataIndex: 'address',
              ellipsis: { showTitle: true },
              width: 300,
              responsive: ['xxl'],
            },
            { title: t('grid'), width: 170, render: (_, p) => placeOf(p) },
            {
              title: t('registrationType'),
              width: 110,
              onCell: nowrap,
              render: (_, p) => labels.registration(p),
            },
            { title: t('tags'), width: 140, render: (_, p) => <MaskedTags person={p} /> },
          ]}
        />
      )}
      <Drawer
        open={open !== null}
        onClose={() => setOpen(null)}
        size={phone ? '100%' : 640}
        title={open ? `${t('residentDetail')} · ${open.name}` : ''}
        extra={open && <Link to={`/persons/${open.id}`}>{t('openPage')}</Link>}
        destroyOnHidden
        rootClassName="cb-person-drawer"
      >
        {open && <PersonDetailView personId={open.id} account={account} />}
      </Drawer>
    </Flex>
  );
}
