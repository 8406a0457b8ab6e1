// A building opened from the map: its facts, its homes, and per home the households and their (masked)
// residents, each a link to the resident's record. Homes load their households only when opened, and only for
// roles that may read residents.
import { Alert, Collapse, Descriptions, Drawer, Empty, Flex, Spin, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { type Account, errorText, type PersonSummary } from '../api.ts';
import { useApi, useCodes, useIsPhone, usePersonLabels } from '../hooks.ts';
import { type MessageKey, useLang, useT } from '../i18n/index.tsx';

interface BuildingDetail {
  building: {
    id: number;
    name: string;
    address: string;
    compound: string | null;
    floors: number | null;
    units: number | null;
    useType: string;
    gridName: string;
    households: number;
    residents: number;
  };
  houses: Array<{
    id: number;
    unitNo: string | null;
    floor: number | null;
    roomNo: string;
    occupancy: string;
    households: number;
    residents: number;
  }>;
}

interface HouseDetail {
  households: Array<{
    id: number;
    householdNo: string;
    registrationType: string;
    registrationTypeLabel: string;
    members: PersonSummary[];
  }>;
}

const USE_TYPES: Record<string, MessageKey> = {
  residential: 'useResidential',
  mixed: 'useMixed',
  commercial: 'useCommercial',
  public: 'usePublic',
};

function HouseHouseholds({ houseId }: { houseId: number }) {
  const t = useT();
  const lang = useLang();
  const labels = usePersonLabels();
  const { data, error } = useApi<HouseDetail>(`/api/houses/${houseId}`);
  if (error) return <Alert type="error" title={errorText(error, lang)} />;
  if (!data) return <Spin size="small" />;
  if (data.households.length === 0) return <Typography.Text type="secondary">{t('vacant')}</Typography.Text>;
  return (
    <Flex vertical gap={12}>
      {data.households.map((h) => (
        <div key={h.id}>
          <Typography.Text type="secondary">
            {t('householdNo', { no: h.householdNo })} · {labels.registration(h)}
          </Typography.Text>
          <Flex vertical gap={2} style={{ marginTop: 4 }}>
            {h.members.map((m) => (
              <Link key={m.id} to={`/persons/${m.id}`} data-testid="house-member">
                {m.name} · {labels.sex(m)} · {m.age ?? '—'}
                {m.phone ? ` · ${m.phone}` : ''}
              </Link>
            ))}
          </Flex>
        </div>
      ))}
    </Flex>
  );
}

export function BuildingDrawer({
  buildingId,
  account,
  onClose,
}: {
  buildingId: number | null;
  account: Account;
  onClose: () => void;
}) {
  const t = useT();
  const lang = useLang();
  const phone = useIsPhone();
  const occupancy = useCodes('house_occupancy');
  const { data, error } = useApi<BuildingDetail>(buildingId ? `/api/buildings/${buildingId}` : null);
  const mayReadResidents = account.permissions.includes('person:read');
  const b = data?.building.id === buildingId ? data?.building : undefined;
  const houseTitle = (h: BuildingDetail['houses'][number]) =>
    t('houseTitle', {
      unit: h.unitNo ? t('unitNo', { n: h.unitNo }) : '',
      floor: h.floor ?? '—',
      room: h.roomNo,
    });
  return (
    <Drawer
      open={buildingId !== null}
      onClose={onClose}
      size={phone ? '100%' : 520}
      title={b?.name ?? t('loading')}
      destroyOnHidden
      rootClassName="cb-building-drawer"
    >
      {error !== undefined && <Alert type="error" showIcon title={errorText(error, lang)} />}
      {!b && error === undefined && <Spin />}
      {b && data && (
        <Flex vertical gap={16}>
          <Descriptions
            column={1}
            size="small"
            bordered
            styles={{ label: { width: 96, whiteSpace: 'nowrap' } }}
          >
            <Descriptions.Item label={t('address')}>{b.address}</Descriptions.Item>
            {b.compound && <Descriptions.Item label={t('compound')}>{b.compound}</Descriptions.Item>}
            <Descriptions.Item label={t('useType')}>
              {USE_TYPES[b.useType] ? t(USE_TYPES[b.useType]!) : b.useType}
            </Descriptions.Item>
            <Descriptions.Item label={t('floors')}>{b.floors ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('grid')}>{b.gridName}</Descriptions.Item>
            <Descriptions.Item label={t('occupants')}>
              {t('houseCounts', { h: b.households, r: b.residents })}
            </Descriptions.Item>
          </Descriptions>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('houses')}
          </Typography.Title>
          {data.houses.length === 0 ? (
            <Empty description={t('noHouses')} />
          ) : (
            <Collapse
              accordion
              destroyOnHidden
              collapsible={mayReadResidents ? undefined : 'disabled'}
              items={data.houses.map((h) => ({
                key: h.id,
                label: (
                  <Flex justify="space-between" gap={8} wrap>
                    <span>{houseTitle(h)}</span>
                    <span>
                      {h.residents > 0 ? (
                        <Typography.Text type="secondary">
                          {t('houseCounts', { h: h.households, r: h.residents })}
                        </Typography.Text>
                      ) : (
                        <Tag>{occupancy.label(h.occupancy)}</Tag>
                      )}
                    </span>
                  </Flex>
                ),
                children: <HouseHouseholds houseId={h.id} />,
              }))}
              data-testid="houses"
            />
          )}
        </Flex>
      )}
    </Drawer>
  );
}
