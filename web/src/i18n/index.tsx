// The console's language: Chinese by default, English on request, remembered in the browser. t() looks a key
// up in the one catalogue; pick() chooses between the two texts the API sends (message / messageEn, labels).
import { createContext, useContext } from 'react';
import { MESSAGES, type MessageKey } from './messages.ts';

export type { MessageKey };
export type Lang = 'zh' | 'en';

const LANG_KEY = 'cbrain.lang';

export function storedLang(): Lang {
  return localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh';
}

export function storeLang(lang: Lang) {
  localStorage.setItem(LANG_KEY, lang);
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
}

export function translate(lang: Lang, key: MessageKey, vars?: Record<string, string | number>): string {
  const text: string = MESSAGES[key][lang === 'zh' ? 0 : 1];
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

export const LangContext = createContext<Lang>('zh');

export function useLang(): Lang {
  return useContext(LangContext);
}

export function useT() {
  const lang = useContext(LangContext);
  return (key: MessageKey, vars?: Record<string, string | number>) => translate(lang, key, vars);
}

/** Chooses the Chinese or English one of two texts the server sent. */
export function usePick() {
  const lang = useContext(LangContext);
  return (zh: string, en: string | null | undefined) => (lang === 'en' && en ? en : zh);
}

/** Numbers and dates the way the current language writes them. */
export function useFormat() {
  const lang = useContext(LangContext);
  const locale = lang === 'zh' ? 'zh-CN' : 'en-GB';
  return {
    number: (n: number) => n.toLocaleString(locale),
    percent: (share: number) => `${(share * 100).toFixed(1)}%`,
    dateTime: (iso: string) =>
      new Date(iso).toLocaleString(locale, { timeZone: 'Asia/Shanghai', hour12: false }),
    /** Without seconds, for narrow columns. */
    shortDateTime: (iso: string) =>
      new Date(iso).toLocaleString(locale, {
        timeZone: 'Asia/Shanghai',
        hour12: false,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
      }),
  };
}
