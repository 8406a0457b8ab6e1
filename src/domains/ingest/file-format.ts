// Recognises what a department sent: XLSX (a zip), an encrypted or legacy Excel file (an OLE container, which we
// cannot read without a password or the old format), JSON Lines, or CSV; and for text, the encoding (UTF-8,
// UTF-8 with BOM, UTF-16 with BOM, otherwise GB18030, the superset of GBK and GB2312). A declared encoding that
// the bytes contradict is refused rather than decoded into mojibake.
import { open } from 'node:fs/promises';
import { IngestFileError } from './ingest-errors.ts';

export type FileFormat = 'csv' | 'xlsx' | 'jsonl';
export type TextEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'gb18030';

const SAMPLE_BYTES = 64 * 1024;
/** Wider tables are exports gone wrong (or an attack), not department data. */
export const MAX_COLUMNS = 512;

/**
 * Delimiters outside quotes on the first line of the sample: a header of a million columns is refused before
 * the CSV parser spends seconds splitting it. Comma and quote bytes never occur inside a GBK or UTF-8 character.
 */
function headerCommas(bytes: Uint8Array): number {
  let commas = 0;
  let quoted = false;
  for (const b of bytes) {
    if (b === 0x22) quoted = !quoted;
    else if (!quoted && b === 0x2c) commas++;
    else if (!quoted && b === 0x0a) break;
  }
  return commas;
}

export interface DetectedFile {
  format: FileFormat;
  encoding: TextEncoding | null;
  size: number;
}

function isValidUtf8(bytes: Uint8Array): boolean {
  // A sample may end inside a multi-byte character: drop up to three trailing bytes of an unfinished sequence.
  let end = bytes.length;
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const b = bytes[end - back]!;
    if ((b & 0xc0) === 0xc0) {
      end -= back;
      break;
    }
    if ((b & 0x80) === 0) break;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, end));
    return true;
  } catch {
    return false;
  }
}

function hasNonAscii(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b >= 0x80) return true;
  return false;
}

export function normaliseEncodingName(name: string): TextEncoding {
  const n = name.trim().toLowerCase().replace(/[_\s]/g, '-');
  if (n === 'utf8' || n === 'utf-8') return 'utf-8';
  if (n === 'utf-8-bom' || n === 'utf8-bom') return 'utf-8-bom';
  if (n === 'utf-16le' || n === 'utf16le' || n === 'utf-16') return 'utf-16le';
  if (['gbk', 'gb2312', 'gb18030', 'cp936', 'euc-cn'].includes(n)) return 'gb18030';
  throw new IngestFileError(
    'INGEST_ENCODING_UNSUPPORTED',
    `不支持的编码 ${name}（支持 UTF-8、GBK/GB18030、UTF-16）`,
    `Unsupported encoding ${name} (UTF-8, GBK/GB18030 and UTF-16 are supported)`,
  );
}

export async function detectFile(
  file: string,
  fileName: string,
  declared?: { format?: FileFormat | undefined; encoding?: string | undefined },
): Promise<DetectedFile> {
  const handle = await open(file).catch((error: NodeJS.ErrnoException) => {
    throw new IngestFileError(
      'INGEST_FILE_UNREADABLE',
      `无法打开文件（${error.code}）`,
      `Cannot open the file (${error.code})`,
    );
  });
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.alloc(Math.min(SAMPLE_BYTES, size));
    await handle.read(buffer, 0, buffer.length, 0);
    if (size === 0 || buffer.every((b) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09))
      throw new IngestFileError('INGEST_FILE_EMPTY', '文件为空', 'The file is empty');
    if (buffer.subarray(0, 4).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0])))
      throw new IngestFileError(
        'INGEST_FILE_ENCRYPTED',
        '文件已加密或为旧版 Excel（.xls）：请去除密码并另存为 .xlsx 或 CSV',
        'The file is password-protected or a legacy .xls: remove the password and save as .xlsx or CSV',
      );
    const isZip = buffer.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    const lower = fileName.toLowerCase();
    let format: FileFormat =
      declared?.format ??
      (isZip || lower.endsWith('.xlsx')
        ? 'xlsx'
        : lower.endsWith('.jsonl') || lower.endsWith('.ndjson')
          ? 'jsonl'
          : 'csv');
    if (format === 'xlsx') {
      if (!isZip)
        throw new IngestFileError(
          'INGEST_FILE_UNREADABLE',
          '文件不是有效的 .xlsx 工作簿',
          'The file is not a valid .xlsx workbook',
        );
      return { format, encoding: null, size };
    }
    if (isZip) format = 'xlsx';
    if (format === 'xlsx') return { format, encoding: null, size };
    if (format === 'csv' && headerCommas(buffer) >= MAX_COLUMNS)
      throw new IngestFileError(
        'INGEST_TOO_MANY_COLUMNS',
        `表头超过 ${MAX_COLUMNS} 列`,
        `The header has more than ${MAX_COLUMNS} columns`,
      );
    let sniffed: TextEncoding;
    if (buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) sniffed = 'utf-8-bom';
    else if (buffer[0] === 0xff && buffer[1] === 0xfe) sniffed = 'utf-16le';
    else sniffed = isValidUtf8(buffer) ? 'utf-8' : 'gb18030';
    let encoding = sniffed;
    if (declared?.encoding) {
      const wanted = normaliseEncodingName(declared.encoding);
      const utf8Family = (e: TextEncoding) => e === 'utf-8' || e === 'utf-8-bom';
      if (utf8Family(wanted) && sniffed === 'gb18030')
        throw new IngestFileError(
          'INGEST_ENCODING_MISMATCH',
          '声明的编码为 UTF-8，但文件不是有效的 UTF-8（看起来是 GBK/GB18030）',
          'Declared UTF-8, but the file is not valid UTF-8 (it looks like GBK/GB18030)',
        );
      if (wanted === 'gb18030' && utf8Family(sniffed) && hasNonAscii(buffer))
        throw new IngestFileError(
          'INGEST_ENCODING_MISMATCH',
          '声明的编码为 GBK，但文件是 UTF-8 编码',
          'Declared GBK, but the file is encoded in UTF-8',
        );
      if (!(utf8Family(wanted) && utf8Family(sniffed))) encoding = wanted;
    }
    return { format, encoding, size };
  } finally {
    await handle.close();
  }
}
