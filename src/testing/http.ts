// Small helpers for API tests: sign in and call routes with the token.
import type { App } from '../app.ts';

export async function login(app: App, username: string, password: string): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login of ${username} failed: ${res.statusCode} ${res.body}`);
  return res.json().token as string;
}

export function authed(token: string) {
  return { authorization: `Bearer ${token}` };
}
