// 需求预测: requests per category in the viewer's area (busiest categories first), each with its forecast for
// the next periods, and in words how far off the method was when tried on the past (the backtest) and whether it
// beat simply repeating last season.
import { Alert, Card, Empty, Flex, Segmented, Select, Spin, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { type Account, errorText, withQuery } from '../../api.ts';
import { AreaPicker } from '../../components/AreaPicker.tsx';
import { useApi } from '../../hooks.ts';
import { translate, useLang, useT } from '../../i18n/index.tsx';
import { ForecastChart } from './ForecastChart.tsx';
import { codedLabel } from './labels.ts';
import type { CategoryForecast, DemandForecast } from './types.ts';

interface Reference {
  categories: Array<{ code: string; name: string; nameEn: string }>;
}

function BacktestWords({ c }: { c: CategoryForecast }) {
  const t = useT();
  const score = c.backtest?.scores.find((s) => s.method === c.method);
  if (!c.backtest || !score || !c.method) return null;
  if (c.backtest.origins === 0)
    return (
      <Typography.Paragraph style={{ margin: 0 }} data-testid="forecast-backtest">
        {t('sensingNoBacktest')}
      </Typography.Paragraph>
    );
  const rel = score.relativeMae;
  const compare =
    c.method === 'seasonal_naive'
      ? t('sensingNaiveChosen')
      : rel !== null && rel < 1
        ? t('sensingBetterThanNaive', { p: Math.round((1 - rel) * 100) })
        : t('sensingNotBetter');
  return (
    <Typography.Paragraph style={{ margin: 0 }} data-testid="forecast-backtest">
      {t('sensingBacktestWords', {
        method: codedLabel(t, 'sensingMethod_', c.method),
        origins: c.backtest.origins,
        mae: score.mae.toFixed(1),
        mape: score.mape === null ? '' : t('sensingMape', { p: Math.round(score.mape) }),
        compare,
      })}
    </Typography.Paragraph>
  );
}

export function ForecastPage({ account }: { account: Account }) {
  const t = useT();
  const lang = useLang();
  const [freq, setFreq] = useState<'week' | 'day'>('day');
  const [category, setCategory] = useState<string | undefined>();
  const [area, setArea] = useState<string | undefined>();
  const data = useApi<DemandForecast>(withQuery('/api/demand/forecast', { area, freq, top: 8 }));
  const reference = useApi<Reference>(
    account.permissions.includes('request:read') ? '/api/requests/reference' : null,
  );
  const nameOf = (code: string) => {
    const c = reference.data?.categories.find((x) => x.code === code);
    if (code === 'uncategorised') return t('sensingUncategorised');
    return c ? (lang === 'en' ? c.nameEn : c.name) : code;
  };
  const categories = data.data?.categories ?? [];
  const shown = categories.find((c) => c.category === category) ?? categories[0];
  // Stable for a language, so the chart is drawn again only when the data change.
  const names = useMemo(
    () => ({
      history: translate(lang, 'sensingHistory'),
      forecast: translate(lang, 'sensingForecastLine'),
      band: translate(lang, 'sensingForecastBand'),
    }),
    [lang],
  );

  return (
    <Flex vertical gap={16}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('sensingForecastTitle')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('sensingForecastIntro')}
      </Typography.Paragraph>
      <Flex gap={8} wrap align="center">
        <Segmented
          value={freq}
          onChange={(v) => setFreq(v as 'week' | 'day')}
          options={[
            { value: 'day', label: t('sensingByDay') },
            { value: 'week', label: t('sensingByWeek') },
          ]}
          aria-label={t('sensingFreq')}
          data-testid="forecast-freq"
        />
        <AreaPicker style={{ width: 240 }} value={area} onChange={setArea} />
        <Select
          style={{ minWidth: 240 }}
          value={shown?.category}
          onChange={setCategory}
          options={categories.map((c) => ({ value: c.category, label: nameOf(c.category) }))}
          aria-label={t('sensingCategory')}
          data-testid="forecast-category"
        />
      </Flex>
      {data.error !== undefined && data.error !== null && (
        <Alert type="error" showIcon title={errorText(data.error, lang)} />
      )}
      {data.loading && !data.data && <Spin />}
      {data.data && categories.length === 0 && <Empty description={t('sensingNoDemand')} />}
      {shown && (
        <Card
          title={nameOf(shown.category)}
          extra={t('sensingTotalRequests', { n: shown.total })}
          data-testid="forecast-card"
        >
          {shown.forecast && shown.observed ? (
            <Flex vertical gap={12}>
              <ForecastChart observed={shown.observed} forecast={shown.forecast} names={names} />
              <BacktestWords c={shown} />
            </Flex>
          ) : (
            <Alert type="warning" showIcon title={t('sensingNoForecast', { why: shown.error ?? '' })} />
          )}
        </Card>
      )}
    </Flex>
  );
}
