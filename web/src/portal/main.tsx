// The resident portal (/portal): a page of its own beside the staff console, with no staff sign-in. Residents are
// often elderly and on phones: very large type and buttons, plain Chinese first.
import '../global.css';
import './portal.css';
import { App as AntApp, ConfigProvider } from 'antd';
import type { ConfigProviderProps } from 'antd/es/config-provider/index.js';
import enUS from 'antd/locale/en_US.js';
import zhCN from 'antd/locale/zh_CN.js';
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { type Lang, LangContext, storedLang, storeLang } from '../i18n/index.tsx';
import { SetLangContext } from '../shell/LanguageSwitch.tsx';
import { PortalApp } from './PortalApp.tsx';

const THEME: ConfigProviderProps['theme'] = {
  token: {
    fontSize: 20,
    fontSizeLG: 22,
    controlHeight: 52,
    controlHeightLG: 60,
    colorPrimary: '#1f6feb',
    borderRadius: 10,
    fontFamily:
      "system-ui, -apple-system, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Source Han Sans SC', sans-serif",
  },
  components: {
    Rate: { starSize: 40 },
    Timeline: { itemPaddingBottom: 24 },
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
      locale={(lang === 'zh' ? zhCN : enUS) as unknown as ConfigProviderProps['locale']}
      theme={THEME}
    >
      <AntApp>
        <LangContext.Provider value={lang}>
          <SetLangContext.Provider value={switchLang}>
            <BrowserRouter basename="/portal">
              <PortalApp />
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
