// Test helper: the streams of a PDF, inflated when Flate-compressed, to look inside fonts and text maps.
import { inflateSync } from 'node:zlib';

/** Every stream of a PDF, inflated when it is Flate-compressed. */
export function pdfStreams(pdf: Buffer): string[] {
  const text = pdf.toString('latin1');
  const out: string[] = [];
  let from = 0;
  for (;;) {
    const open = text.indexOf('>>\nstream\n', from);
    if (open < 0) break;
    const start = open + '>>\nstream\n'.length;
    const end = text.indexOf('\nendstream', start);
    if (end < 0) break;
    const raw = pdf.subarray(start, end);
    try {
      out.push(inflateSync(raw).toString('latin1'));
    } catch {
      out.push(raw.toString('latin1'));
    }
    from = end + 10;
  }
  return out;
}
