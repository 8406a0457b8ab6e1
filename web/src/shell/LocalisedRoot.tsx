// What the staff console and the resident portal share at their root: the chosen language (kept across visits),
// antd in that language, the theme of the entry, and a router. Only the theme and the router's base differ.
import { App as AntApp, ConfigProvider } from 'antd';
import type { ConfigProviderProps } from 'antd/es/config-provider/index.js';
import enUS from 'antd/locale/en_US.js';
import zhCN from 'antd/locale/zh_CN.js';
import { type ReactNode, StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { type Lang, LangContext, storedLang, storeLang } from '../i18n/index.tsx';
import { SetLangContext } from './LanguageSwitch.tsx';

export type Theme = NonNullable<ConfigProviderProps['theme']>;

/** Chinese first, then the system fonts that carry CJK on each platform. */
export const CJK_FONT_FAMILY =
  "system-ui, -apple-system, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Source Han Sans SC', sans-serif";

interface LocalisedRootProps {
  readonly theme: Theme;
  /** The path the entry is served under, e.g. "/portal"; the console lives at the root. */
  readonly basename?: string;
  readonly children: ReactNode;
}

export function LocalisedRoot({ theme, basename, children }: LocalisedRootProps) {
  const [lang, setLang] = useState<Lang>(storedLang);
  const switchLang = (l: Lang) => {
    storeLang(l);
    setLang(l);
  };
  return (
    <ConfigProvider
      // antd's locale files are CommonJS: their default export is the locale object at run time.
      locale={(lang === 'zh' ? zhCN : enUS) as unknown as ConfigProviderProps['locale']}
      theme={theme}
    >
      <AntApp>
        <LangContext.Provider value={lang}>
          <SetLangContext.Provider value={switchLang}>
            <BrowserRouter basename={basename}>{children}</BrowserRouter>
          </SetLangContext.Provider>
        </LangContext.Provider>
      </AntApp>
    </ConfigProvider>
  );
}

/** Mounts an entry on the page's #root element. */
export function mountLocalised(props: Omit<LocalisedRootProps, 'children'>, app: ReactNode): void {
  storeLang(storedLang());
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <LocalisedRoot {...props}>{app}</LocalisedRoot>
    </StrictMode>,
  );
}
