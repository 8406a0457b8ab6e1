// One resident's record as the viewer may see it: masked values as the server returned them, the household's
// members, and the unmask flow. Unmasked values live in this component's state only: they belong to this record
// and this visit, and are gone when the drawer or page closes.
import { EyeOutlined } from '@ant-design/icons';
import { Alert, Button, Descriptions, Flex, Result, Spin, Tag, Typography } from 'antd';
import { type ReactNode, useState } from 'react';
import { Link } from 'react-router-dom';
import { type Account, ApiError, errorText, type PersonDetail, type PersonSummary } from '../api.ts';
import { useApi, useCodes, useIsPhone, usePersonLabels } from '../hooks.ts';
import { type MessageKey, useFormat, useLang, useT } from '../i18n/index.tsx';
import { MESSAGES } from '../i18n/messages.ts';
import { UnmaskDialog, type UnmaskedValues } from './UnmaskDialog.tsx';

/** The grid, with its community unless the grid's name already says it. */
export function placeOf(p: PersonSummary): string {
  return p.gridName.startsWith(p.communityName) ? p.gridName : `${p.communityName} · ${p.gridName}`;
}

export function MaskedTags({ person }: { person: PersonSummary }) {
  const t = useT();
  const tags = useCodes('person_tag');
  if (person.tags)
    return <>{person.tags.length ? person.tags.map((c) => <Tag key={c}>{tags.label(c)}</Tag>) : '—'}</>;
  return person.tagCount > 0 ? <Tag>{t('maskedCount', { n: person.tagCount })}</Tag> : <>—</>;
}

function Household({ householdId }: { householdId: number }) {
  const t = useT();
  const labels = usePersonLabels();
  const { data } = useApi<{ household: { householdNo: string }; members: PersonSummary[] }>(
    `/api/households/${householdId}`,
  );
  if (!data) return <Spin size="small" />;
  return (
    <Flex vertical gap={4}>
      <Typography.Text type="secondary">
        {t('householdNo', { no: data.household.householdNo })}
      </Typography.Text>
      {data.members.map((m) => (
        <Link key={m.id} to={`/persons/${m.id}`}>
          {m.name} · {labels.sex(m)} · {m.age ?? '—'}
        </Link>
      ))}
    </Flex>
  );
}

export function PersonDetailView({ personId, account }: { personId: number; account: Account }) {
  const t = useT();
  const lang = useLang();
  const f = useFormat();
  const ethnicities = useCodes('ethnicity');
  const tagCodes = useCodes('person_tag');
  const labels = usePersonLabels();
  const phone = useIsPhone();
  const { data: person, error } = useApi<PersonDetail>(`/api/persons/${personId}`);
  const [asking, setAsking] = useState(false);
  const [revealed, setRevealed] = useState<UnmaskedValues | null>(null);
  // Known data sources have a name in the catalogue; others (a department's system code) show as they are.
  const sourceLabel = (source: string) =>
    `source_${source}` in MESSAGES ? t(`source_${source}` as MessageKey) : source;

  if (error instanceof ApiError && error.status === 404)
    return <Result status="404" title={errorText(error, lang)} data-testid="person-not-found" />;
  if (error) return <Alert type="error" showIcon title={errorText(error, lang)} />;
  if (!person) return <Spin size="large" style={{ display: 'block', margin: '48px auto' }} />;

  const unmaskable = account.permissions.includes('person:unmask')
    ? account.unmaskable.filter((x) => person.masked.includes(x) && !(revealed && x in revealed))
    : [];
  // A revealed value replaces the masked one, marked so the user sees which values are in full.
  const show = (field: string, masked: ReactNode): ReactNode => {
    if (!revealed || !(field in revealed)) return masked;
    const v = revealed[field];
    const text =
      field === 'tags'
        ? (v as string[]).map((c) => tagCodes.label(c)).join('、') || '—'
        : field === 'ethnicity' && typeof v === 'string'
          ? ethnicities.label(v)
          : ((v as string | null) ?? '—');
    return (
      <Typography.Text strong style={{ color: '#a14d00' }} data-testid={`revealed-${field}`}>
        {text}
      </Typography.Text>
    );
  };

  return (
    <Flex vertical gap={16} data-testid="person-detail">
      {revealed ? (
        <Alert type="warning" showIcon title={t('auditNotice')} data-testid="audit-notice" />
      ) : (
        unmaskable.length > 0 && <Alert type="info" title={t('maskedNote')} />
      )}
      {unmaskable.length > 0 && (
        <Button
          type="primary"
          size="large"
          icon={<EyeOutlined />}
          onClick={() => setAsking(true)}
          style={{ alignSelf: 'flex-start' }}
        >
          {t('unmask')}
        </Button>
      )}
      <Descriptions
        column={1}
        bordered
        size={phone ? 'small' : 'middle'}
        styles={{ label: { width: phone ? 88 : 140, whiteSpace: 'nowrap' } }}
      >
        <Descriptions.Item label={t('name')}>{show('name', person.name)}</Descriptions.Item>
        <Descriptions.Item label={t('sex')}>{labels.sex(person)}</Descriptions.Item>
        <Descriptions.Item label={t('age')}>{person.age ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('idNumber')}>
          {show('idNumber', person.idNumber ?? '—')}
        </Descriptions.Item>
        <Descriptions.Item label={t('phone')}>{show('phone', person.phone ?? '—')}</Descriptions.Item>
        <Descriptions.Item label={t('address')}>{show('address', person.address ?? '—')}</Descriptions.Item>
        <Descriptions.Item label={t('ethnicity')}>
          {show('ethnicity', person.ethnicity ? ethnicities.label(person.ethnicity) : '—')}
        </Descriptions.Item>
        <Descriptions.Item label={t('registrationType')}>{labels.registration(person)}</Descriptions.Item>
        <Descriptions.Item label={t('tags')}>
          {show('tags', <MaskedTags person={person} />)}
        </Descriptions.Item>
        <Descriptions.Item label={t('grid')}>{placeOf(person)}</Descriptions.Item>
        <Descriptions.Item label={t('relation')}>{labels.relation(person) ?? '—'}</Descriptions.Item>
        {person.householdId && (
          <Descriptions.Item label={t('household')}>
            <Household householdId={person.householdId} />
          </Descriptions.Item>
        )}
        <Descriptions.Item label={t('source')}>{sourceLabel(person.source)}</Descriptions.Item>
        <Descriptions.Item label={t('updatedAt')}>
          {person.updatedAt ? f.dateTime(person.updatedAt) : '—'}
        </Descriptions.Item>
      </Descriptions>
      {asking && (
        <UnmaskDialog
          personId={person.id}
          personName={person.name}
          unmaskable={unmaskable}
          onClose={() => setAsking(false)}
          onUnmasked={(values) => {
            setRevealed((r) => ({ ...r, ...values }));
            setAsking(false);
          }}
        />
      )}
    </Flex>
  );
}
