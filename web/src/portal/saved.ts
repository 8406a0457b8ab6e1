// Requests sent from this device, kept in the browser (number, access code, time, first words), so that a
// resident without an account finds them again and need not type the code. Nothing leaves the device.
export interface SavedRequest {
  number: string;
  accessCode: string | null;
  at: string;
  summary: string;
}

const KEY = 'cbrain.portal.requests';

export function savedRequests(): SavedRequest[] {
  try {
    const list = JSON.parse(localStorage.getItem(KEY) ?? '[]') as SavedRequest[];
    return Array.isArray(list) ? list.filter((r) => typeof r.number === 'string') : [];
  } catch {
    return [];
  }
}

export function saveRequest(r: SavedRequest) {
  const others = savedRequests().filter((x) => x.number !== r.number);
  // A repeated submission answers without a code: keep the one saved the first time.
  const before = savedRequests().find((x) => x.number === r.number);
  const entry = { ...r, accessCode: r.accessCode ?? before?.accessCode ?? null };
  localStorage.setItem(KEY, JSON.stringify([entry, ...others].slice(0, 20)));
}

export function forgetRequest(number: string) {
  localStorage.setItem(KEY, JSON.stringify(savedRequests().filter((x) => x.number !== number)));
}

export function savedCodeOf(number: string): string | null {
  return savedRequests().find((x) => x.number === number)?.accessCode ?? null;
}
