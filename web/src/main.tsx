import { App as AntApp, ConfigProvider } from 'antd';
import type { ConfigProviderProps } from 'antd/es/config-provider/index.js';
import enUS from 'antd/locale/en_US.js';
import zhCN from 'antd/locale/zh_CN.js';
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { type Lang, LangContext } from './i18n.tsx';
import { Shell } from './Shell.tsx';

function Root() {
  const [lang, setLang] = useState<Lang>(() => (localStorage.getItem('cbrain.lang') as Lang) || 'zh');
  const switchLang = (l: Lang) => {
    localStorage.setItem('cbrain.lang', l);
    document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
    setLang(l);
  };
  return (
    <ConfigProvider
      // antd's locale files are CommonJS: their default export is the locale object at run time.
      locale={(lang === 'zh' ? zhCN : enUS) as unknown as ConfigProviderProps['locale']}
      theme={{ token: { fontSize: 16, colorPrimary: '#1f6feb' } }}
    >
      <AntApp>
        <LangContext.Provider value={lang}>
          <BrowserRouter>
            <Shell lang={lang} onLang={switchLang} />
          </BrowserRouter>
        </LangContext.Provider>
      </AntApp>
    </ConfigProvider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
