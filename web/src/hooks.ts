// Small hooks every page uses: load from the API with loading/error state, the shared reference data (division
// tree, code tables) loaded once per session, and whether the screen is a phone's.
import type { TablePaginationConfig } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { api, type CodeSet, type DivisionNode, getToken } from './api.ts';
import { useFormat, useLang, useT } from './i18n/index.tsx';

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** GETs `path` (null: nothing yet) and again whenever it changes; the last answer wins. */
export function useApi<T>(path: string | null): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: !!path });
  const [round, setRound] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `round` is the reload trigger
  useEffect(() => {
    if (!path) return;
    let current = true;
    setState((s) => ({ ...s, loading: true, error: undefined }));
    api<T>(path).then(
      (data) => current && setState({ data, loading: false }),
      (error) => current && setState({ error, loading: false }),
    );
    return () => {
      current = false;
    };
  }, [path, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

// Reference data changes with the signed-in account only, so one request per session token is enough.
const shared = new Map<string, Promise<unknown>>();

function useShared<T>(path: string | null): T | undefined {
  const [data, setData] = useState<T>();
  useEffect(() => {
    if (!path) return;
    const key = `${getToken()}:${path}`;
    let promise = shared.get(key) as Promise<T> | undefined;
    if (!promise) {
      promise = api<T>(path);
      promise.catch(() => shared.delete(key));
      shared.set(key, promise);
    }
    let current = true;
    promise.then((d) => current && setData(d)).catch(() => {});
    return () => {
      current = false;
    };
  }, [path]);
  return data;
}

export const useDivisionTree = (enabled = true) =>
  useShared<DivisionNode>(enabled ? '/api/divisions/tree' : null);
export const useCodeSet = (codeSet: string) => useShared<CodeSet>(`/api/codes/${codeSet}`);

/** A code table as options for a Select, and a function from code to label, in the current language. */
export function useCodes(codeSet: string) {
  const set = useCodeSet(codeSet);
  const lang = useLang();
  const labelOf = (v: { labelZh: string; labelEn: string }) => (lang === 'en' ? v.labelEn : v.labelZh);
  const values = set?.values ?? [];
  return {
    options: values.map((v) => ({ value: v.code, label: labelOf(v) })),
    /** The code's label; until the table has loaded (or for an unknown code), `fallback` or the code. */
    label: (code: string, fallback?: string) => {
      const v = values.find((x) => x.code === code);
      return v ? labelOf(v) : (fallback ?? code);
    },
  };
}

/**
 * A resident's coded fields in the current language. The server's `…Label` fields are Chinese; the code tables
 * carry both languages, so an English page shows no Chinese labels.
 */
export function usePersonLabels() {
  const sex = useCodes('sex');
  const registration = useCodes('registration_type');
  const relation = useCodes('family_relation');
  return {
    sex: (p: { sex: string; sexLabel: string }) => sex.label(p.sex, p.sexLabel),
    registration: (p: { registrationType: string; registrationTypeLabel: string }) =>
      registration.label(p.registrationType, p.registrationTypeLabel),
    relation: (p: { relationToHead: string | null; relationLabel: string | null }) =>
      p.relationToHead ? relation.label(p.relationToHead, p.relationLabel ?? undefined) : null,
  };
}

export function forgetSharedData() {
  shared.clear();
}

const PHONE = '(max-width: 767px)';

/** True on a phone-sized screen; follows rotation and window resizing. */
export function useIsPhone(): boolean {
  const [phone, setPhone] = useState(() => window.matchMedia(PHONE).matches);
  useEffect(() => {
    const query = window.matchMedia(PHONE);
    const onChange = () => setPhone(query.matches);
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  }, []);
  return phone;
}

/**
 * The page of a table whose rows the server pages: `page` and `pageSize` for the query, `restart()` for every
 * filter change (a new filter always shows its first page), and antd's pagination props with the total in the
 * current language. One place, so every list pages, counts and resets the same way.
 */
export function useServerPaging(options: { pageSize?: number; sizeChanger?: boolean } = {}) {
  const t = useT();
  const format = useFormat();
  const [state, setState] = useState({ page: 1, pageSize: options.pageSize ?? 20 });
  const restart = useCallback(() => setState((s) => (s.page === 1 ? s : { ...s, page: 1 })), []);
  const pagination = (
    total: number | undefined,
    showTotal?: (n: number) => string,
  ): TablePaginationConfig => ({
    current: state.page,
    pageSize: state.pageSize,
    total: total ?? 0,
    showSizeChanger: options.sizeChanger ?? false,
    showTotal: showTotal ?? ((n) => t('total', { n: format.number(n) })),
    onChange: (page, pageSize) => setState({ page, pageSize }),
  });
  return { page: state.page, pageSize: state.pageSize, restart, pagination };
}

/**
 * A form's send: `busy` while `run` awaits it, `error` what the last run threw (null from the start of a run), so
 * that every form shows its spinner and its refusal the same way.
 */
export function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(async (send: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await send();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}
