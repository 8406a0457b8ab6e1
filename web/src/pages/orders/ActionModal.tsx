// One workflow step on an order: the form the step needs (a reason for 退单, a unit for 改派, a rating for 回访 …),
// sent to POST /api/requests/:id/<action>. The server decides; a refusal (409 the state forbids it, 403 not yours,
// 400 a reason missing) is shown in the dialog in the user's language and nothing changes.
import { Alert, type Button, Form, Input, Modal, Radio, Rate, Select } from 'antd';
import { useEffect, useState } from 'react';
import { ApiError, api, errorText, type Page, withQuery } from '../../api.ts';
import { codedLabel } from '../../i18n/coded-label.ts';
import { useLang, useT } from '../../i18n/index.tsx';
import type { OrderDetail, OrderReference, OrderSummary, RelatedOrder } from './types.ts';

/** The server's refusal once: a workflow refusal repeats its reason as the only detail. */
function refusalText(e: unknown, lang: 'zh' | 'en'): string {
  if (e instanceof ApiError && e.details.every((d) => d.message === e.message)) {
    return lang === 'en' ? e.messageEn : e.message;
  }
  return errorText(e, lang);
}

/** The field each step asks for (besides none for accept and start). */
const REASON_ACTIONS = new Set(['return', 'reassign', 'reopen']);
const NOTE_ACTIONS = new Set(['escalate', 'supervise', 'note']);

export function ActionModal({
  order,
  action,
  reference,
  related,
  onClose,
  onDone,
  onStale,
}: {
  order: OrderDetail;
  action: string | null;
  reference: OrderReference | undefined;
  related: RelatedOrder[];
  onClose: () => void;
  onDone: (detail: OrderDetail) => void;
  /** The order changed under the viewer (409): the page reloads it so that the buttons match its state. */
  onStale: () => void;
}) {
  const t = useT();
  const lang = useLang();
  const [form] = Form.useForm();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [mergeOptions, setMergeOptions] = useState<Array<{ value: number; label: string }>>([]);

  useEffect(() => {
    if (!action) return;
    form.resetFields();
    setError(null);
    setMergeOptions(
      related
        .filter((r) => r.relation === 'similar')
        .map((r) => ({ value: r.id, label: `${r.number} ${r.description.slice(0, 30)}` })),
    );
  }, [action, form, related]);

  if (!action) return null;
  const label = codedLabel(t, 'ordersAction_', action);
  const unitOptions = (reference?.units ?? [])
    .filter((u) => u.kind !== 'centre')
    .map((u) => ({ value: u.code, label: u.name }));

  const searchMerge = async (text: string) => {
    if (text.trim().length < 2) return;
    const page = await api<Page<OrderSummary>>(withQuery('/api/requests', { q: text.trim(), pageSize: 10 }));
    setMergeOptions(
      page.items
        .filter((o) => o.id !== order.id)
        .map((o) => ({ value: o.id, label: `${o.number} ${o.description.slice(0, 30)}` })),
    );
  };

  const submit = async () => {
    let values: Record<string, unknown>;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const body: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(values)) if (v !== undefined && v !== '') body[k] = v;
      const detail = await api<OrderDetail>(`/api/requests/${order.id}/${action}`, { method: 'POST', body });
      onDone(detail);
    } catch (e) {
      setError(e);
      if (e instanceof ApiError && e.status === 409) onStale();
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={`${label} · ${order.number}`}
      okText={t('ordersSubmit')}
      cancelText={t('cancel')}
      onOk={submit}
      onCancel={onClose}
      confirmLoading={busy}
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'action-submit' } as React.ComponentProps<typeof Button>}
    >
      <Form form={form} layout="vertical" data-testid={`action-form-${action}`}>
        {(action === 'accept' || action === 'start' || action === 'close') && (
          <p>{t('ordersConfirmAction', { action: label })}</p>
        )}
        {action === 'classify' && (
          <Form.Item
            name="categoryCode"
            label={t('ordersPickCategory')}
            rules={[{ required: true, message: t('ordersPickCategoryRequired') }]}
          >
            <Select
              showSearch
              optionFilterProp="label"
              options={reference?.categories.map((c) => ({
                value: c.code,
                label: `${c.majorName} / ${lang === 'en' ? c.nameEn : c.name}（${c.unitName}）`,
              }))}
            />
          </Form.Item>
        )}
        {(action === 'dispatch' || action === 'reassign') && (
          <>
            <Form.Item
              name="unitCode"
              label={t('ordersTargetUnit')}
              rules={[{ required: true, message: t('ordersTargetUnitRequired') }]}
            >
              <Select showSearch optionFilterProp="label" options={unitOptions} data-testid="action-unit" />
            </Form.Item>
            <Form.Item name="coUnitCodes" label={t('ordersCoUnitsPick')}>
              <Select mode="multiple" showSearch optionFilterProp="label" options={unitOptions} />
            </Form.Item>
          </>
        )}
        {REASON_ACTIONS.has(action) && (
          <Form.Item
            name="reason"
            label={t('ordersReason')}
            rules={[{ required: true, whitespace: true, message: t('ordersReasonRequired') }]}
          >
            <Input.TextArea rows={3} maxLength={1000} showCount data-testid="action-field-reason" />
          </Form.Item>
        )}
        {NOTE_ACTIONS.has(action) && (
          <Form.Item
            name="note"
            label={t('ordersNote')}
            rules={[{ required: true, whitespace: true, message: t('ordersNoteRequired') }]}
          >
            <Input.TextArea rows={3} maxLength={1000} showCount data-testid="action-field-note" />
          </Form.Item>
        )}
        {action === 'resolve' && (
          <Form.Item
            name="note"
            label={t('ordersResolveNote')}
            rules={[{ required: true, whitespace: true, message: t('ordersNoteRequired') }]}
          >
            <Input.TextArea rows={3} maxLength={1000} showCount data-testid="action-field-note" />
          </Form.Item>
        )}
        {action === 'close' && (
          <Form.Item name="note" label={t('ordersNote')}>
            <Input.TextArea rows={2} maxLength={1000} />
          </Form.Item>
        )}
        {action === 'callback' && (
          <>
            <Form.Item name="solved" label={t('ordersSolvedQuestion')} rules={[{ required: true }]}>
              <Radio.Group
                options={[
                  { value: true, label: t('ordersSolved') },
                  { value: false, label: t('ordersNotSolved') },
                ]}
              />
            </Form.Item>
            <Form.Item name="satisfaction" label={t('ordersSatisfaction')} rules={[{ required: true }]}>
              <Rate />
            </Form.Item>
            <Form.Item name="reason" label={t('ordersReason')}>
              <Input.TextArea rows={2} maxLength={1000} />
            </Form.Item>
          </>
        )}
        {action === 'merge' && (
          <Form.Item
            name="intoOrderId"
            label={t('ordersMergeInto')}
            rules={[{ required: true, message: t('ordersMergeIntoRequired') }]}
          >
            <Select
              showSearch
              filterOption={false}
              onSearch={(v) => {
                searchMerge(v).catch(() => {});
              }}
              options={mergeOptions}
            />
          </Form.Item>
        )}
      </Form>
      {error !== null && (
        <Alert type="error" showIcon title={refusalText(error, lang)} data-testid="action-error" />
      )}
    </Modal>
  );
}
