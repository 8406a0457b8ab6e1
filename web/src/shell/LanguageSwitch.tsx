import { Segmented } from 'antd';
import { createContext, useContext } from 'react';
import { type Lang, useLang, useT } from '../i18n/index.tsx';

/** Set by the root: changes the console's language. */
export const SetLangContext = createContext<(lang: Lang) => void>(() => {});

export function LanguageSwitch() {
  const lang = useLang();
  const t = useT();
  const setLang = useContext(SetLangContext);
  return (
    <Segmented
      aria-label={t('language')}
      value={lang}
      onChange={(v) => setLang(v as Lang)}
      options={[
        { label: '中文', value: 'zh' },
        { label: 'English', value: 'en' },
      ]}
    />
  );
}
