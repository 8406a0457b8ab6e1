import { Alert } from 'antd';
import { useT } from '../i18n/index.tsx';

export interface Verdict {
  ok: boolean;
  checked: number;
  firstProblem?: { seq: number; kind: string; message: string };
}

/** The outcome of GET /api/audit/verify: intact with the count checked, or the first broken entry. */
export function ChainVerdict({ verdict }: { verdict: Verdict }) {
  const t = useT();
  const p = verdict.firstProblem;
  return (
    <Alert
      data-testid="verdict"
      type={verdict.ok ? 'success' : 'error'}
      showIcon
      title={
        verdict.ok || !p
          ? t('chainOk', { n: verdict.checked })
          : t('chainBroken', { seq: p.seq, kind: p.kind, message: p.message })
      }
    />
  );
}
