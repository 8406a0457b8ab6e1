// Setting the district's composite-score weights (response / resolution / satisfaction): whole percentages that
// must add up to 100. The running sum is shown as the user types and saving stays disabled until it is 100; the
// server checks the same and audits the change.
import { Alert, Flex, InputNumber, Modal, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api, errorText } from '../../api.ts';
import { useSubmit } from '../../hooks.ts';
import { useLang, useT } from '../../i18n/index.tsx';
import type { DistrictWeights } from './types.ts';

type Parts = Pick<DistrictWeights, 'response' | 'resolution' | 'satisfaction'>;
const PARTS = [
  ['response', 'ordersEvalResponse'],
  ['resolution', 'ordersEvalResolution'],
  ['satisfaction', 'ordersEvalSatisfaction'],
] as const;

export function WeightsModal({
  open,
  current,
  onClose,
  onSaved,
}: {
  open: boolean;
  current: DistrictWeights;
  onClose: () => void;
  onSaved: (saved: DistrictWeights) => void;
}) {
  const t = useT();
  const lang = useLang();
  const [parts, setParts] = useState<Parts>(current);
  const { busy, error, setError, run } = useSubmit();
  useEffect(() => {
    if (open) {
      setParts({
        response: current.response,
        resolution: current.resolution,
        satisfaction: current.satisfaction,
      });
      setError(null);
    }
  }, [open, current, setError]);
  const sum = parts.response + parts.resolution + parts.satisfaction;

  const save = async () => {
    await run(async () => {
      onSaved(await api<DistrictWeights>('/api/requests/evaluation/weights', { method: 'PUT', body: parts }));
    });
  };

  return (
    <Modal
      open={open}
      title={t('ordersEvalWeightsTitle', { district: current.districtName })}
      okText={t('ordersEvalWeightsSave')}
      cancelText={t('cancel')}
      onOk={save}
      onCancel={onClose}
      confirmLoading={busy}
      okButtonProps={{ disabled: sum !== 100 }}
      destroyOnHidden
    >
      <Flex vertical gap={12} data-testid="weights-form">
        <Typography.Text type="secondary">{t('ordersEvalWeightsHint')}</Typography.Text>
        {PARTS.map(([key, label]) => (
          <Flex key={key} align="center" gap={12}>
            <span style={{ width: 72 }}>{t(label)}</span>
            <InputNumber
              aria-label={t(label)}
              data-testid={`weight-${key}`}
              min={0}
              max={100}
              precision={0}
              value={parts[key]}
              onChange={(v) => setParts((p) => ({ ...p, [key]: typeof v === 'number' ? v : 0 }))}
              suffix="%"
            />
          </Flex>
        ))}
        <Typography.Text type={sum === 100 ? 'success' : 'danger'} data-testid="weights-sum">
          {t('ordersEvalWeightsSum', { sum })}
        </Typography.Text>
        {error !== null && <Alert type="error" showIcon title={errorText(error, lang)} />}
      </Flex>
    </Modal>
  );
}
