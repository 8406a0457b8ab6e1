import './global.css';
import { App as AntApp, ConfigProvider } from 'antd';
import type { ConfigProviderProps } from 'antd/es/config-provider/index.js';
import enUS from 'antd/locale/en_US.js';
import zhCN from 'antd/locale/zh_CN.js';
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { type Lang, LangContext, storedLang, storeLang } from './i18n/index.tsx';
import { SetLangContext } from './shell/LanguageSwitch.tsx';
import { Shell } from './shell/Shell.tsx';

// Many users are not young and many work on phones: larger type and taller controls than antd's defaults.
const THEME: ConfigProviderProps['theme'] = {
  token: {
    fontSize: 16,
    controlHeight: 40,
    colorPrimary: '#1f6feb',
    borderRadius: 6,
    fontFamily:
      "system-ui, -apple-system, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Source Han Sans SC', sans-serif",
  },
  components: {
    Menu: { itemHeight: 48, iconSize: 18 },
    Table: { cellPaddingBlock: 12 },
  },
};

function Root() {
  const [lang, setLang] = useState<Lang>(storedLang);
  const switchLang = (l: Lang) => {
    storeLang(l);
    setLang(l);
  };
  return (
    <ConfigProvider
      // antd's locale files are CommonJS: their default export is the locale object at run time.
      locale={(lang === 'zh' ? zhCN : enUS) as unknown as ConfigProviderProps['locale']}
      theme={THEME}
    >
      <AntApp>
        <LangContext.Provider value={lang}>
          <SetLangContext.Provider value={switchLang}>
            <BrowserRouter>
              <Shell />
            </BrowserRouter>
          </SetLangContext.Provider>
        </LangContext.Provider>
      </AntApp>
    </ConfigProvider>
  );
}

storeLang(storedLang());
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
