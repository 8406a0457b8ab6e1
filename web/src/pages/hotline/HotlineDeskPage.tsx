// The 12345 operator's desk: the caller's words typed or pasted while listening, the classifier's suggestion
// (category, department, the words that decided it) and similar open orders following live, a masked look-up of
// the caller with their earlier requests, and the order created with the category the operator confirms.
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Col,
  Empty,
  Flex,
  Input,
  Progress,
  Row,
  Select,
  Space,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { ApiError, api, errorText, withQuery } from '../../api.ts';
import { PlainList } from '../../components/PlainList.tsx';
import { useApi } from '../../hooks.ts';
import { useFormat, useLang, useT } from '../../i18n/index.tsx';
import type {
  CallerInfo,
  CategoryGuess,
  OpenService,
  SimilarOrder,
  SubmitResult,
  Suggestion,
} from './types.ts';

/** Wait this long after the last keystroke before asking the server: the operator types fast. */
const TYPING_PAUSE_MS = 300;

function newKey(): string {
  return `desk-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

export function HotlineDeskPage() {
  const t = useT();
  const lang = useLang();
  const f = useFormat();
  const { message } = App.useApp();
  const services = useApi<OpenService[]>('/open311/v2/services.json');
  const [text, setText] = useState('');
  const [address, setAddress] = useState('');
  const [phone, setPhone] = useState('');
  const [name, setName] = useState('');
  const [anonymous, setAnonymous] = useState(false);
  const [personId, setPersonId] = useState<number | null>(null);
  const [category, setCategory] = useState<string | null>(null);
  const [suggestion, setSuggestion] = useState<Suggestion | null>(null);
  const [suggestError, setSuggestError] = useState<unknown>(null);
  const [similar, setSimilar] = useState<SimilarOrder[]>([]);
  const [caller, setCaller] = useState<CallerInfo | null>(null);
  const [lookingUp, setLookingUp] = useState(false);
  const [sending, setSending] = useState(false);
  const [created, setCreated] = useState<SubmitResult | null>(null);
  const key = useRef(newKey());
  const round = useRef(0);

  // Live suggestion and similar orders, for the latest text only (an older answer arriving late is dropped).
  useEffect(() => {
    const words = text.trim();
    if (words.length < 2) {
      setSuggestion(null);
      setSimilar([]);
      setSuggestError(null);
      return;
    }
    const mine = ++round.current;
    const timer = setTimeout(() => {
      api<Suggestion>('/api/requests/classify', { method: 'POST', body: { text: words, top: 3 } }).then(
        (s) => {
          if (mine !== round.current) return;
          setSuggestion(s);
          setSuggestError(null);
        },
        (e) => {
          if (mine !== round.current) return;
          setSuggestion(null);
          setSuggestError(e);
        },
      );
      api<{ items: SimilarOrder[] }>(
        withQuery('/api/requests/similar', { text: words.slice(0, 2000), address, limit: 5 }),
      ).then(
        (r) => mine === round.current && setSimilar(r.items),
        () => mine === round.current && setSimilar([]),
      );
    }, TYPING_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [text, address]);

  const categoryOptions = useMemo(() => {
    const groups = new Map<string, Array<{ value: string; label: string }>>();
    for (const s of services.data ?? []) {
      const [zh, en] = s.keywords.split(',');
      const label = `${s.service_code} ${lang === 'en' && en ? en : (zh ?? s.service_name)}`;
      const group = s.group ?? '';
      if (!groups.has(group)) groups.set(group, []);
      groups.get(group)!.push({ value: s.service_code, label });
    }
    return [...groups].map(([label, options]) => ({ label, title: label, options }));
  }, [services.data, lang]);

  const lookUp = async () => {
    setLookingUp(true);
    try {
      setCaller(await api<CallerInfo>(withQuery('/api/requests/callers', { phone })));
    } catch (e) {
      setCaller(null);
      message.error(errorText(e, lang));
    } finally {
      setLookingUp(false);
    }
  };

  const create = async () => {
    setSending(true);
    try {
      const result = await api<SubmitResult>('/api/requests/hotline', {
        method: 'POST',
        headers: { 'idempotency-key': key.current },
        body: {
          description: text,
          ...(category ? { categoryCode: category } : {}),
          ...(address.trim() ? { address: address.trim() } : {}),
          anonymous,
          ...(!anonymous && name.trim() ? { callerName: name.trim() } : {}),
          ...(!anonymous && phone.trim() ? { callerPhone: phone.trim() } : {}),
          ...(!anonymous && personId ? { personId } : {}),
        },
      });
      setCreated(result);
    } catch (e) {
      message.error(errorText(e, lang));
    } finally {
      setSending(false);
    }
  };

  const nextCall = () => {
    key.current = newKey();
    setText('');
    setAddress('');
    setPhone('');
    setName('');
    setAnonymous(false);
    setPersonId(null);
    setCategory(null);
    setCaller(null);
    setCreated(null);
  };

  const noModel = suggestError instanceof ApiError && suggestError.code === 'CLASSIFIER_NOT_READY';

  return (
    <Flex vertical gap={16}>
      <div>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('hotlineDeskTitle')}
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
          {t('hotlineDeskIntro')}
        </Typography.Paragraph>
      </div>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={13}>
          <Card>
            <Flex vertical gap={12}>
              <Space.Compact style={{ width: '100%' }}>
                <Input
                  aria-label={t('hotlineCallerPhone')}
                  placeholder={t('hotlineCallerPhone')}
                  value={phone}
                  onChange={(e) => setPhone(e.target.value)}
                  onPressEnter={lookUp}
                  disabled={anonymous}
                  data-testid="caller-phone"
                />
                <Button onClick={lookUp} loading={lookingUp} disabled={anonymous || phone.trim().length < 7}>
                  {t('hotlineLookup')}
                </Button>
              </Space.Compact>
              {caller && (
                <Card size="small" data-testid="caller-result">
                  <Typography.Text strong>{t('hotlineCallerResidents')}</Typography.Text>
                  {caller.residents.length === 0 ? (
                    <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
                      {t('hotlineCallerNone')}
                    </Typography.Paragraph>
                  ) : (
                    <PlainList
                      size="small"
                      items={caller.residents}
                      itemKey={(r) => r.personId}
                      renderItem={(r) => (
                        <>
                          {r.name} · {r.phone ?? ''} · {r.address ?? ''} · {r.gridName ?? ''}
                        </>
                      )}
                      actions={(r) =>
                        personId === r.personId ? (
                          <Tag color="green">{t('hotlineLinked')}</Tag>
                        ) : (
                          <Button
                            size="small"
                            onClick={() => {
                              setPersonId(r.personId);
                              if (!name) setName(r.name);
                            }}
                          >
                            {t('hotlineUseResident')}
                          </Button>
                        )
                      }
                    />
                  )}
                  {caller.previousOrders.length > 0 && (
                    <>
                      <Typography.Text strong>{t('hotlinePreviousOrders')}</Typography.Text>
                      <PlainList
                        size="small"
                        items={caller.previousOrders}
                        itemKey={(o) => o.number}
                        renderItem={(o) => (
                          <>
                            <Typography.Text type="secondary">
                              {o.number} · {f.shortDateTime(o.receivedAt)}
                            </Typography.Text>{' '}
                            {o.description}
                          </>
                        )}
                      />
                    </>
                  )}
                </Card>
              )}
              <Flex gap={12} wrap>
                <Input
                  style={{ flex: 1, minWidth: 160 }}
                  placeholder={t('hotlineCallerName')}
                  aria-label={t('hotlineCallerName')}
                  value={name}
                  onChange={(e) => setName(e.target.value)}
                  disabled={anonymous}
                />
                <Checkbox checked={anonymous} onChange={(e) => setAnonymous(e.target.checked)}>
                  {t('hotlineAnonymous')}
                </Checkbox>
              </Flex>
              {/* Room below for the character count, which antd places under the box. */}
              <div style={{ paddingBottom: 18 }}>
                <Typography.Text strong>{t('hotlineWords')}</Typography.Text>
                <Input.TextArea
                  aria-label={t('hotlineWords')}
                  placeholder={t('hotlineWordsPlaceholder')}
                  value={text}
                  onChange={(e) => setText(e.target.value)}
                  autoSize={{ minRows: 5, maxRows: 12 }}
                  maxLength={2000}
                  showCount
                  data-testid="caller-words"
                />
              </div>
              <Input
                placeholder={t('hotlineAddress')}
                aria-label={t('hotlineAddress')}
                value={address}
                onChange={(e) => setAddress(e.target.value)}
              />
              <div>
                <Typography.Text strong>{t('hotlineCategory')}</Typography.Text>
                <Select
                  showSearch
                  allowClear
                  style={{ width: '100%' }}
                  placeholder={t('hotlineCategoryPick')}
                  options={categoryOptions}
                  value={category}
                  onChange={(v) => setCategory(v ?? null)}
                  optionFilterProp="label"
                  data-testid="category-select"
                />
              </div>
              {created ? (
                <Alert
                  type="success"
                  showIcon
                  data-testid="created"
                  title={
                    created.merged
                      ? t('hotlineJoined', { number: created.order.number })
                      : t('hotlineCreated', {
                          number: created.order.number,
                          status: created.order.statusLabel ?? created.order.status,
                        })
                  }
                  action={<Button onClick={nextCall}>{t('hotlineNewCall')}</Button>}
                />
              ) : (
                <Button
                  type="primary"
                  size="large"
                  onClick={create}
                  loading={sending}
                  disabled={text.trim().length < 2}
                  data-testid="create-order"
                >
                  {t('hotlineCreate')}
                </Button>
              )}
            </Flex>
          </Card>
        </Col>
        <Col xs={24} lg={11}>
          <Flex vertical gap={16}>
            <Card
              title={t('hotlineSuggestion')}
              extra={
                suggestion ? (
                  <Typography.Text type="secondary">
                    {t('hotlineModelVersion', { version: suggestion.modelVersion })}
                  </Typography.Text>
                ) : null
              }
              data-testid="suggestion"
            >
              {noModel ? (
                <Alert type="info" showIcon title={t('hotlineNoModel')} />
              ) : suggestError ? (
                <Alert type="error" showIcon title={errorText(suggestError, lang)} />
              ) : !suggestion ? (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('hotlineSuggestionEmpty')} />
              ) : (
                <Flex vertical gap={12}>
                  {suggestion.needsReview && (
                    <Alert
                      type="warning"
                      showIcon
                      title={t('hotlineNeedsReview', { threshold: f.percent(suggestion.threshold) })}
                    />
                  )}
                  {suggestion.urgent && (
                    <Alert
                      type="error"
                      showIcon
                      title={`${t('hotlineUrgent')}：${suggestion.urgencyReasons.join('、')}`}
                    />
                  )}
                  {suggestion.alternatives.map((a, i) => (
                    <Card
                      key={a.code}
                      size="small"
                      style={category === a.code ? { borderColor: '#1677ff' } : undefined}
                      data-testid={`alternative-${i}`}
                    >
                      <Flex justify="space-between" align="center" gap={8}>
                        <div style={{ minWidth: 0 }}>
                          <Typography.Text strong={i === 0}>{a.path}</Typography.Text>
                          <div>
                            <Typography.Text type="secondary">
                              {t('hotlineDepartment')}：{a.department}
                            </Typography.Text>
                          </div>
                        </div>
                        {category === a.code ? (
                          <Tag color="blue">{t('hotlineChosen')}</Tag>
                        ) : (
                          <Button size="small" onClick={() => setCategory(a.code)}>
                            {t('hotlineUseThis')}
                          </Button>
                        )}
                      </Flex>
                      <Progress
                        percent={Math.round(a.probability * 1000) / 10}
                        size="small"
                        format={(p) => `${p}%`}
                        strokeColor={i === 0 && !suggestion.needsReview ? '#52c41a' : undefined}
                      />
                    </Card>
                  ))}
                  {suggestion.keywords.length > 0 && (
                    <div>
                      <Typography.Text type="secondary">{t('hotlineKeywords')}：</Typography.Text>
                      {suggestion.keywords.map((k) => (
                        <Tag key={k.text} color="geekblue">
                          {k.text}
                        </Tag>
                      ))}
                    </div>
                  )}
                </Flex>
              )}
            </Card>
            <Card title={t('hotlineSimilar')} data-testid="similar">
              {similar.length === 0 ? (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('hotlineSimilarEmpty')} />
              ) : (
                <PlainList
                  size="small"
                  items={similar}
                  itemKey={(o) => o.number}
                  renderItem={(o) => (
                    <>
                      <Flex vertical style={{ width: '100%' }}>
                        <Flex justify="space-between" gap={8}>
                          <Typography.Text strong>{o.number}</Typography.Text>
                          <span>
                            {o.sameIncident && <Tag color="orange">{t('hotlineSameIncident')}</Tag>}
                            <Tag>{o.statusLabel}</Tag>
                          </span>
                        </Flex>
                        <Typography.Text ellipsis>{o.description}</Typography.Text>
                        <Typography.Text type="secondary">
                          {f.shortDateTime(o.receivedAt)}
                          {o.address ? ` · ${o.address}` : ''}
                        </Typography.Text>
                      </Flex>
                    </>
                  )}
                />
              )}
            </Card>
            <ReviewQueue />
          </Flex>
        </Col>
      </Row>
    </Flex>
  );
}

interface ReviewItem {
  orderId: number;
  number: string;
  description: string;
  receivedAt: string;
  suggested: CategoryGuess;
  alternatives: CategoryGuess[];
}

/** Orders whose suggestion was uncertain and that nobody has classified yet: one click confirms a category. */
function ReviewQueue() {
  const t = useT();
  const lang = useLang();
  const f = useFormat();
  const { message } = App.useApp();
  const queue = useApi<{ items: ReviewItem[] }>('/api/requests/classifier/review?limit=10');
  const [busy, setBusy] = useState<number | null>(null);
  const confirm = async (orderId: number, categoryCode: string) => {
    setBusy(orderId);
    try {
      await api(`/api/requests/${orderId}/classify`, { method: 'POST', body: { categoryCode } });
      queue.reload();
    } catch (e) {
      message.error(errorText(e, lang));
    } finally {
      setBusy(null);
    }
  };
  if (queue.error) return null;
  return (
    <Card title={t('hotlineReview')} data-testid="review-queue">
      {(queue.data?.items.length ?? 0) === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('hotlineReviewEmpty')} />
      ) : (
        <PlainList
          size="small"
          items={queue.data?.items ?? []}
          itemKey={(o) => o.orderId}
          renderItem={(o) => (
            <>
              <Flex vertical gap={4} style={{ width: '100%' }}>
                <Typography.Text type="secondary">
                  {o.number} · {f.shortDateTime(o.receivedAt)}
                </Typography.Text>
                <Typography.Text ellipsis>{o.description}</Typography.Text>
                <Flex gap={6} wrap>
                  {o.alternatives.map((a) => (
                    <Button
                      key={a.code}
                      size="small"
                      loading={busy === o.orderId}
                      onClick={() => confirm(o.orderId, a.code)}
                    >
                      {a.name} {f.percent(a.probability)}
                    </Button>
                  ))}
                </Flex>
              </Flex>
            </>
          )}
        />
      )}
    </Card>
  );
}
