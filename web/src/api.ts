// The console's one way to the server: adds the session token, turns the platform's error format into
// ApiError, and sends the user back to sign-in when the session is gone (401 on any call but the sign-in).
import { type Lang, translate } from './i18n/index.tsx';

export interface ErrorDetail {
  field?: string;
  message: string;
  messageEn?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly messageEn: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
  }
}

/** The message to show for a failed call, in the user's language, with the server's field details. */
export function errorText(e: unknown, lang: Lang): string {
  if (!(e instanceof ApiError)) return e instanceof Error ? e.message : String(e);
  const head = lang === 'en' && e.messageEn ? e.messageEn : e.message;
  const details = e.details.map((d) => (lang === 'en' && d.messageEn ? d.messageEn : d.message));
  return details.length > 0 ? `${head}：${details.join('；')}` : head;
}

const TOKEN_KEY = 'cbrain.token';
let onSignedOut: (error: ApiError) => void = () => {};

export function setSignedOutHandler(handler: (error: ApiError) => void) {
  onSignedOut = handler;
}
export const getToken = () => sessionStorage.getItem(TOKEN_KEY);
export const setToken = (token: string | null) =>
  token ? sessionStorage.setItem(TOKEN_KEY, token) : sessionStorage.removeItem(TOKEN_KEY);

/** A query string of the given values, leaving out the empty ones. */
export function withQuery(path: string, params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

interface RequestInit {
  method?: string;
  body?: unknown;
  /** Extra headers, e.g. an Idempotency-Key so that a double tap sends once. */
  headers?: Record<string, string>;
}

async function request(path: string, init: RequestInit = {}): Promise<Response> {
  const token = getToken();
  let res: Response;
  try {
    res = await fetch(path, {
      method: init.method ?? 'GET',
      headers: {
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...init.headers,
      },
      body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
    });
  } catch {
    // No answer at all (offline, server down): the browser's own message would be English and technical.
    throw new ApiError(0, 'NETWORK', translate('zh', 'networkError'), translate('en', 'networkError'));
  }
  if (res.ok) return res;
  let error = new ApiError(
    res.status,
    'HTTP_ERROR',
    translate('zh', 'requestFailed', { status: res.status }),
    translate('en', 'requestFailed', { status: res.status }),
  );
  try {
    const body = (await res.json()) as {
      error?: { code: string; message: string; messageEn?: string; details?: ErrorDetail[] };
    };
    if (body.error) {
      const { code, message, messageEn, details } = body.error;
      error = new ApiError(res.status, code, message, messageEn ?? message, details ?? []);
    }
  } catch {
    // not JSON: keep the generic message
  }
  if (res.status === 401 && token && path !== '/api/auth/login') {
    setToken(null);
    onSignedOut(error);
  }
  throw error;
}

export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  return (await (await request(path, init)).json()) as T;
}

/** Downloads a file the API produces (the token cannot ride on a plain link, so the file comes via fetch). */
export async function download(path: string, fileName: string): Promise<void> {
  const blob = await (await request(path)).blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The signed-in account as the server presents it. */
export type { AccountView as Account } from '../../src/platform/auth/account.presenter.ts';

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
  /** Resident search only: false when `total` is a lower bound. */
  totalExact?: boolean;
}

export interface PersonSummary {
  id: number;
  name: string;
  sex: string;
  sexLabel: string;
  age: number | null;
  birthYear: number | null;
  idNumber: string | null;
  phone: string | null;
  address: string | null;
  registrationType: string;
  registrationTypeLabel: string;
  tags: string[] | null;
  tagsMasked: boolean;
  tagCount: number;
  gridId: number;
  gridName: string;
  communityName: string;
  masked: string[];
}

export interface PersonDetail extends PersonSummary {
  ethnicity: string | null;
  relationToHead: string | null;
  relationLabel: string | null;
  householdId: number | null;
  houseId: number | null;
  buildingId: number | null;
  source: string;
  sourceUpdatedAt: string | null;
  updatedAt: string;
}

export type DivisionLevel = 'district' | 'street' | 'community' | 'grid';

export interface DivisionNode {
  code: string;
  name: string;
  level: DivisionLevel;
  path: string;
  gridId?: number;
  population: number;
  children: DivisionNode[];
}

export interface CodeSet {
  codeSet: string;
  nameZh: string;
  nameEn: string;
  values: Array<{ code: string; labelZh: string; labelEn: string; sortOrder: number }>;
}
