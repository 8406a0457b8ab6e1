// Whether this process still holds a file open, for tests that a reader releases its file on every way out.
// Linux only (/proc/self/fd), like the machines the tests run on.
import { readdirSync, readlinkSync } from 'node:fs';

export function isFileOpen(file: string): boolean {
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === file) return true;
    } catch {
      // The descriptor closed while we looked.
    }
  }
  return false;
}

/** Waits up to a second for `file` to be closed (streams close asynchronously); true once it is. */
export async function fileReleased(file: string): Promise<boolean> {
  for (let i = 0; i < 100 && isFileOpen(file); i++) await new Promise((r) => setTimeout(r, 10));
  return !isFileOpen(file);
}
