// The source a page shows, kept in the address (?source=) so that links from a report land on it.
import { Select } from 'antd';
import { useEffect } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useApi } from '../../hooks.ts';
import { useT } from '../../i18n/index.tsx';
import type { Source } from './types.ts';

export function useSourceParam(): [string | undefined, (s: string) => void, Source[]] {
  const [params, setParams] = useSearchParams();
  const sources = useApi<Source[]>('/api/ingest/sources');
  const list = sources.data ?? [];
  const chosen = params.get('source') ?? undefined;
  useEffect(() => {
    const first = sources.data?.[0];
    if (!chosen && first) setParams({ source: first.name }, { replace: true });
  }, [chosen, sources.data, setParams]);
  return [chosen, (s) => setParams({ source: s }), list];
}

export function SourcePicker({
  value,
  onChange,
  sources,
}: {
  value: string | undefined;
  onChange: (s: string) => void;
  sources: Source[];
}) {
  const t = useT();
  return (
    <Select
      style={{ minWidth: 220 }}
      placeholder={t('ingestChooseSource')}
      value={value}
      onChange={onChange}
      options={sources.map((s) => ({
        value: s.name,
        label: s.label && s.label !== s.name ? `${s.name}（${s.label}）` : s.name,
      }))}
      data-testid="ingest-source-picker"
    />
  );
}
