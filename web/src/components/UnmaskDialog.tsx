// Asking to see a resident's masked fields: the user picks fields among those their role may unmask, states a
// purpose (at least 4 characters; common ones offered), and the server records the access with that purpose.
import { Alert, Checkbox, Flex, Form, Input, Modal, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api, errorText } from '../api.ts';
import { useSubmit } from '../hooks.ts';
import { type MessageKey, useLang, useT } from '../i18n/index.tsx';

export type UnmaskedValues = Partial<Record<string, string | string[] | null>>;

export const FIELD_LABELS: Record<string, MessageKey> = {
  name: 'name',
  idNumber: 'idNumber',
  phone: 'phone',
  address: 'address',
  tags: 'tags',
  ethnicity: 'ethnicity',
};

const PURPOSES: MessageKey[] = [
  'purposeVisit',
  'purposePolicy',
  'purposeEmergency',
  'purposeMediation',
  'purposeService',
];
const MIN_PURPOSE = 4;

export function UnmaskDialog({
  personId,
  personName,
  unmaskable,
  onClose,
  onUnmasked,
}: {
  personId: number;
  personName: string;
  unmaskable: string[];
  onClose: () => void;
  onUnmasked: (values: UnmaskedValues, purpose: string) => void;
}) {
  const t = useT();
  const lang = useLang();
  const [fields, setFields] = useState<string[]>([]);
  const [purpose, setPurpose] = useState('');
  const { busy, error, run } = useSubmit();
  const purposeOk = purpose.trim().length >= MIN_PURPOSE;
  const submit = async () => {
    await run(async () => {
      const res = await api<{ values: UnmaskedValues; purpose: string }>(`/api/persons/${personId}/unmask`, {
        method: 'POST',
        body: { fields, purpose: purpose.trim() },
      });
      onUnmasked(res.values, res.purpose);
    });
  };
  return (
    <Modal
      open
      title={t('unmaskTitle', { name: personName })}
      onCancel={onClose}
      onOk={submit}
      okText={t('unmask')}
      cancelText={t('cancel')}
      confirmLoading={busy}
      okButtonProps={{ disabled: fields.length === 0 || !purposeOk, size: 'large' }}
      cancelButtonProps={{ size: 'large' }}
      destroyOnHidden
    >
      <Form layout="vertical" data-testid="unmask-form">
        <Form.Item label={t('unmaskFields')} required>
          <Checkbox.Group
            value={fields}
            onChange={(v) => setFields(v as string[])}
            options={unmaskable.map((f) => ({ label: t(FIELD_LABELS[f] ?? 'details'), value: f }))}
            style={{ rowGap: 8 }}
          />
        </Form.Item>
        <Form.Item
          label={t('purpose')}
          required
          extra={t('purposeHint')}
          validateStatus={purpose && !purposeOk ? 'warning' : undefined}
          help={purpose && !purposeOk ? t('purposeTooShort') : undefined}
        >
          <Input
            size="large"
            value={purpose}
            maxLength={200}
            onChange={(e) => setPurpose(e.target.value)}
            data-testid="purpose"
          />
        </Form.Item>
        <Typography.Text type="secondary">{t('commonPurposes')}</Typography.Text>
        <Flex wrap gap={8} style={{ marginTop: 8 }}>
          {PURPOSES.map((p) => (
            <Tag.CheckableTag
              key={p}
              checked={purpose === t(p)}
              onChange={() => setPurpose(t(p))}
              style={{ fontSize: 15, padding: '4px 12px', border: '1px solid #d0d7e2' }}
            >
              {t(p)}
            </Tag.CheckableTag>
          ))}
        </Flex>
        {error !== null && (
          <Alert type="error" showIcon title={errorText(error, lang)} style={{ marginTop: 16 }} />
        )}
      </Form>
    </Modal>
  );
}
