// Check progress by request number, without an account; with the access code the requester rates the result
// (stars, solved or not, a reason) or asks to reopen it. A code saved on this device is filled in.
import { Alert, Button, Card, Flex, Form, Input, Radio, Rate, Spin } from 'antd';
import { useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { api, errorText } from '../api.ts';
import { useApi, useSubmit } from '../hooks.ts';
import { useLang, useT } from '../i18n/index.tsx';
import { OrderCard } from './OrderCard.tsx';
import { PageHeading } from './PortalApp.tsx';
import { savedCodeOf } from './saved.ts';
import type { PublicOrder } from './types.ts';

const NUMBER = /^[0-9]{8,20}$/;
const CODE = /^[0-9]{6}$/;

export function LookupPage() {
  const t = useT();
  const lang = useLang();
  const navigate = useNavigate();
  const { number } = useParams();
  const valid = !!number && NUMBER.test(number);
  const loaded = useApi<PublicOrder>(valid ? `/api/public/requests/${number}` : null);
  const [order, setOrder] = useState<PublicOrder | undefined>();
  // What the requester just did: the forms disappear once the order moves on, the confirmation stays.
  const [done, setDone] = useState<'rated' | 'reopened' | null>(null);
  useEffect(() => {
    setOrder(loaded.data);
    setDone(null);
  }, [loaded.data]);
  const after = (what: 'rated' | 'reopened') => (next: PublicOrder) => {
    setOrder(next);
    setDone(what);
  };

  return (
    <>
      <PageHeading title={t('portalLookupTitle')} />
      <Form
        layout="vertical"
        requiredMark={false}
        initialValues={{ number: number ?? '' }}
        onFinish={(v: { number: string }) => navigate(`/lookup/${v.number.trim()}`)}
        key={number ?? ''}
      >
        <Flex gap={8} align="start">
          <Form.Item
            name="number"
            style={{ flex: 1, marginBottom: 16 }}
            rules={[{ required: true, pattern: NUMBER, message: t('portalNumberInvalid') }]}
            normalize={(v: string) => v.replace(/\s/g, '')}
          >
            <Input
              inputMode="numeric"
              placeholder={t('portalNumberPlaceholder')}
              size="large"
              data-testid="lookup-number"
            />
          </Form.Item>
          <Button type="primary" htmlType="submit" size="large" data-testid="lookup-go">
            {t('portalSearch')}
          </Button>
        </Flex>
      </Form>
      {number && !valid && <Alert type="error" showIcon title={t('portalNumberInvalid')} />}
      {loaded.loading && <Spin size="large" />}
      {loaded.error !== undefined && loaded.error !== null && (
        <Alert type="error" showIcon title={errorText(loaded.error, lang)} data-testid="lookup-error" />
      )}
      {order && (
        <Flex vertical gap={16}>
          {done === 'rated' && <Alert type="success" showIcon title={t('portalRated')} data-testid="rated" />}
          {done === 'reopened' && (
            <Alert type="success" showIcon title={t('portalReopened')} data-testid="reopened" />
          )}
          <OrderCard order={order} />
          {order.status === 'resolved' && <RateForm order={order} onDone={after('rated')} />}
          {['resolved', 'rated', 'closed'].includes(order.status) && (
            <ReopenForm order={order} onDone={after('reopened')} />
          )}
          {!['resolved', 'rated', 'closed', 'merged'].includes(order.status) && (
            <Alert type="info" showIcon title={t('portalRateWhenResolved')} />
          )}
        </Flex>
      )}
    </>
  );
}

function CodeField() {
  const t = useT();
  return (
    <Form.Item
      label={t('portalAccessCode')}
      name="accessCode"
      rules={[{ required: true, pattern: CODE, message: t('portalCodeInvalid') }]}
    >
      <Input
        inputMode="numeric"
        maxLength={6}
        placeholder={t('portalCodePlaceholder')}
        style={{ maxWidth: 220 }}
      />
    </Form.Item>
  );
}

function RateForm({ order, onDone }: { order: PublicOrder; onDone: (o: PublicOrder) => void }) {
  const t = useT();
  const lang = useLang();
  const [form] = Form.useForm();
  const { busy, error, run } = useSubmit();
  const solved = Form.useWatch('solved', form);
  const stars = Form.useWatch('satisfaction', form);
  const reasonNeeded = solved === false || (typeof stars === 'number' && stars < 4);
  const submit = async (v: {
    accessCode: string;
    solved: boolean;
    satisfaction: number;
    reason?: string;
  }) => {
    await run(async () => {
      const next = await api<PublicOrder>(`/api/public/requests/${order.number}/rating`, {
        method: 'POST',
        body: {
          accessCode: v.accessCode,
          solved: v.solved,
          satisfaction: v.satisfaction,
          ...(v.reason?.trim() ? { reason: v.reason.trim() } : {}),
        },
      });
      onDone(next);
    });
  };
  return (
    <Card title={t('portalRateTitle')} data-testid="rate-form">
      <Form
        form={form}
        layout="vertical"
        requiredMark={false}
        initialValues={{ accessCode: savedCodeOf(order.number) ?? '' }}
        onFinish={submit}
      >
        <Form.Item
          label={t('portalSolved')}
          name="solved"
          rules={[{ required: true, message: t('required') }]}
        >
          <Radio.Group size="large" optionType="button" buttonStyle="solid">
            <Radio.Button value={true} data-testid="solved-yes">
              {t('portalSolvedYes')}
            </Radio.Button>
            <Radio.Button value={false} data-testid="solved-no">
              {t('portalSolvedNo')}
            </Radio.Button>
          </Radio.Group>
        </Form.Item>
        <Form.Item
          label={t('portalStars')}
          name="satisfaction"
          rules={[{ required: true, message: t('required') }]}
        >
          <Rate data-testid="stars" />
        </Form.Item>
        <Form.Item
          label={t('portalReason')}
          name="reason"
          rules={[
            { required: reasonNeeded, whitespace: true, message: t('portalReasonRequired') },
            { max: 1000 },
          ]}
        >
          <Input.TextArea rows={3} placeholder={t('portalReasonPlaceholder')} data-testid="rating-reason" />
        </Form.Item>
        <CodeField />
        {error !== null && (
          <Alert
            type="error"
            showIcon
            title={errorText(error, lang)}
            style={{ marginBottom: 16 }}
            data-testid="rate-error"
          />
        )}
        <Button type="primary" htmlType="submit" size="large" block loading={busy} data-testid="send-rating">
          {t('portalSendRating')}
        </Button>
      </Form>
    </Card>
  );
}

function ReopenForm({ order, onDone }: { order: PublicOrder; onDone: (o: PublicOrder) => void }) {
  const t = useT();
  const lang = useLang();
  const { busy, error, run } = useSubmit();
  const submit = async (v: { accessCode: string; reason: string }) => {
    await run(async () => {
      const next = await api<PublicOrder>(`/api/public/requests/${order.number}/reopen`, {
        method: 'POST',
        body: { accessCode: v.accessCode, reason: v.reason.trim() },
      });
      onDone(next);
    });
  };
  return (
    <Card title={t('portalReopenTitle')} data-testid="reopen-form">
      <Form
        layout="vertical"
        requiredMark={false}
        initialValues={{ accessCode: savedCodeOf(order.number) ?? '' }}
        onFinish={submit}
      >
        <Form.Item
          label={t('portalReason')}
          name="reason"
          rules={[{ required: true, whitespace: true, message: t('portalReasonRequired') }, { max: 1000 }]}
        >
          <Input.TextArea
            rows={3}
            placeholder={t('portalReopenReasonPlaceholder')}
            data-testid="reopen-reason"
          />
        </Form.Item>
        <CodeField />
        {error !== null && (
          <Alert type="error" showIcon title={errorText(error, lang)} style={{ marginBottom: 16 }} />
        )}
        <Button danger htmlType="submit" size="large" block loading={busy} data-testid="send-reopen">
          {t('portalSendReopen')}
        </Button>
      </Form>
    </Card>
  );
}
