// Sends a file as the raw request body (the import API takes no multipart), with the session token, and turns
// the platform's error format into ApiError like every other call.
import { ApiError, getToken } from '../../api.ts';
import { translate } from '../../i18n/index.tsx';

export async function uploadFile<T>(path: string, file: Blob): Promise<T> {
  const token = getToken();
  let res: Response;
  try {
    res = await fetch(path, {
      method: 'POST',
      headers: {
        'content-type': 'application/octet-stream',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: file,
    });
  } catch {
    throw new ApiError(0, 'NETWORK', translate('zh', 'networkError'), translate('en', 'networkError'));
  }
  const body = (await res.json().catch(() => null)) as
    | (T & { error?: { code: string; message: string; messageEn?: string; details?: never[] } })
    | null;
  if (res.ok && body) return body;
  const e = body?.error;
  if (e) throw new ApiError(res.status, e.code, e.message, e.messageEn ?? e.message, e.details ?? []);
  throw new ApiError(
    res.status,
    'HTTP_ERROR',
    translate('zh', 'requestFailed', { status: res.status }),
    translate('en', 'requestFailed', { status: res.status }),
  );
}
