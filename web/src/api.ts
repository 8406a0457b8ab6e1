// The console's one way to the server: adds the session token, turns the platform's error format into
// ApiError, and sends the user back to sign-in when the session is gone.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'cbrain.token';
let onSignedOut: (reason: string) => void = () => {};

export function setSignedOutHandler(handler: (reason: string) => void) {
  onSignedOut = handler;
}
export const getToken = () => sessionStorage.getItem(TOKEN_KEY);
export const setToken = (token: string | null) =>
  token ? sessionStorage.setItem(TOKEN_KEY, token) : sessionStorage.removeItem(TOKEN_KEY);

export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const token = getToken();
  const res = await fetch(path, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
  });
  if (res.ok) return (await res.json()) as T;
  let code = 'HTTP_ERROR';
  let message = `请求失败 (${res.status})`;
  try {
    const body = (await res.json()) as { error?: { code: string; message: string } };
    if (body.error) ({ code, message } = body.error);
  } catch {
    // not JSON: keep the generic message
  }
  if (res.status === 401 && token && path !== '/api/auth/login') {
    setToken(null);
    onSignedOut(message);
  }
  throw new ApiError(res.status, code, message);
}

export interface Account {
  id: number;
  username: string;
  displayName: string;
  role: string;
  roleLabel: string;
  roleLabelEn: string;
  scopePath: string;
  scopeName: string;
  permissions: string[];
  unmaskable: string[];
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface PersonSummary {
  id: number;
  name: string;
  sexLabel: string;
  age: number | null;
  idNumber: string | null;
  phone: string | null;
  address: string | null;
  registrationTypeLabel: string;
  tags: string[] | null;
  tagsMasked: boolean;
  tagCount: number;
  gridName: string;
  communityName: string;
}
