// A resident's profile tags with their evidence (the values the rule read, the rule version, when). Tags are
// sensitive: by default only their number is shown; the list needs a stated purpose, which is audited.
import { Alert, Button, Card, Flex, Input, Typography } from 'antd';
import { useState } from 'react';
import { useParams } from 'react-router-dom';
import { api, errorText } from '../../api.ts';
import { PlainList } from '../../components/PlainList.tsx';
import { useApi, useSubmit } from '../../hooks.ts';
import { useFormat, useLang, usePick, useT } from '../../i18n/index.tsx';

interface Profile {
  personId: number;
  name: string;
  gridName: string;
  tagCount: number;
  tags: Array<{
    tag: string;
    label: string;
    ruleSetId: number;
    ruleVersion: number;
    evidence: Record<string, unknown>;
    evaluatedAt: string;
  }> | null;
  tagsMasked: boolean;
}

type Names = Record<string, { zh: string; en: string }>;

/** The evidence as "年龄：79；人群标签：低保" with field and value names in the current language. */
function evidenceText(
  e: Record<string, unknown>,
  fields: Names,
  values: Record<string, Names>,
  pick: (zh: string, en: string) => string,
) {
  const name = (field: string, v: unknown) => {
    const n = values[field]?.[String(v)];
    return n ? pick(n.zh, n.en) : String(v);
  };
  return Object.entries(e)
    .map(([k, v]) => {
      const label = fields[k] ? pick(fields[k].zh, fields[k].en) : k;
      const value = Array.isArray(v) ? v.map((x) => name(k, x)).join('、') : v === null ? '—' : name(k, v);
      return `${label}：${value}`;
    })
    .join('；');
}

export function PersonTagsPage() {
  const t = useT();
  const lang = useLang();
  const f = useFormat();
  const { id } = useParams();
  const pick = usePick();
  const loaded = useApi<Profile>(`/api/profiles/persons/${id}`);
  const vocabulary = useApi<{ fields: Names; valueLabels: Record<string, Names> }>(
    '/api/eligibility/policies',
  );
  const [revealed, setRevealed] = useState<Profile | null>(null);
  const [purpose, setPurpose] = useState('');
  const { busy, error, run } = useSubmit();
  const profile = revealed ?? loaded.data;
  const reveal = async () => {
    await run(async () => {
      setRevealed(
        await api<Profile>(`/api/profiles/persons/${id}/unmask`, {
          method: 'POST',
          body: { purpose: purpose.trim() },
        }),
      );
    });
  };
  if (loaded.error) return <Alert type="error" showIcon title={errorText(loaded.error, lang)} />;
  if (!profile) return null;
  return (
    <Flex vertical gap={16} data-testid="person-tags">
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('profilesTagsTitle')} · {profile.name}（{profile.gridName}）
      </Typography.Title>
      {profile.tagsMasked ? (
        <Card>
          <Typography.Paragraph>{t('profilesTagCount', { n: profile.tagCount })}</Typography.Paragraph>
          <Flex gap={8} wrap>
            <Input
              style={{ flex: 1, minWidth: 200 }}
              value={purpose}
              onChange={(e) => setPurpose(e.target.value)}
              placeholder={t('profilesPurposePlaceholder')}
              aria-label={t('profilesPurpose')}
              data-testid="tags-purpose"
            />
            <Button
              type="primary"
              loading={busy}
              disabled={purpose.trim().length < 4}
              onClick={reveal}
              data-testid="tags-reveal"
            >
              {t('profilesReveal')}
            </Button>
          </Flex>
          {purpose.trim().length > 0 && purpose.trim().length < 4 && (
            <Typography.Text type="secondary">{t('profilesPurposeTooShort')}</Typography.Text>
          )}
          {error !== null && (
            <Alert style={{ marginTop: 8 }} type="error" showIcon title={errorText(error, lang)} />
          )}
        </Card>
      ) : (
        <PlainList
          items={profile.tags ?? []}
          itemKey={(r) => r.tag}
          empty={t('profilesNoTags')}
          renderItem={(r) => (
            <>
              <Card size="small" title={r.label} style={{ width: '100%' }} data-testid="tag-card">
                <div>
                  <Typography.Text type="secondary">{t('profilesEvidence')}：</Typography.Text>
                  {evidenceText(
                    r.evidence,
                    vocabulary.data?.fields ?? {},
                    vocabulary.data?.valueLabels ?? {},
                    pick,
                  )}
                </div>
                <div>
                  <Typography.Text type="secondary">{t('profilesRuleVersion')}：</Typography.Text>#
                  {r.ruleSetId} v{r.ruleVersion} · {f.shortDateTime(r.evaluatedAt)}
                </div>
              </Card>
            </>
          )}
        />
      )}
    </Flex>
  );
}
