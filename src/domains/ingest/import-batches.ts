// The database-free half of an import: table rows → normalised records → batches of one record per source key, each
// record sealed and encoded as a COPY line, plus the batch's quarantined rows. Runs on the main thread for small
// files and in import-worker.ts for large ones; import-runner.ts writes the batches either way. No I/O but the file.

import { maskIdNumber, maskPhone } from '../../lib/masking.ts';
import { type ColumnMapping, createBuildingMatcher } from '../../lib/normalise/index.ts';
import type { FieldCipher } from '../../platform/crypto/field-cipher.ts';
import {
  type CopyValue,
  encodeCopyBytes,
  encodeCopyText,
  encodeCopyValue,
} from '../../platform/db/copy-format.ts';
import type { KnownBuildingRow, QuarantineInsert } from './ingest.repository.ts';
import { type NormaliseContext, normaliseRow, type StagedPerson } from './row-normaliser.ts';
import type { TableRow } from './table-reader.ts';

/** The buildings an import places addresses on, as loadBuildings reads them. */
export type KnownBuildings = readonly KnownBuildingRow[];

/** The normalising context of an import from the known buildings and the importer's scope. */
export function contextFromBuildings(
  buildings: KnownBuildings,
  cipher: FieldCipher,
  header: readonly string[],
  mapping: ColumnMapping,
  scopePath: string,
  today: Date,
): NormaliseContext {
  const places = new Map(
    buildings.map((b) => [b.id, { gridId: b.grid_id, scopePath: b.scope_path, streetCode: b.street_code }]),
  );
  const matcher = createBuildingMatcher(
    buildings.map((b) => ({
      id: b.id,
      compound: b.compound,
      road: b.road,
      roadNo: b.road_no,
      buildingNo: b.building_no,
    })),
  );
  return {
    header,
    mapping,
    matcher,
    placeOf: (id) => places.get(id),
    scopePath,
    today,
    idKey: (id) => Buffer.from(cipher.blindIndex(id)).toString('base64url').slice(0, 32),
    addressMemo: new Map(),
  };
}

/** A staged record as the values of a source_person row, in the order of STAGED_COLUMNS. */
export function copyRow(r: StagedPerson, source: string, runId: number, cipher: FieldCipher): CopyValue[] {
  return [
    source,
    r.sourceKey,
    r.rowHash,
    r.streetCode,
    r.scopePath,
    r.gridId,
    r.buildingId,
    r.buildingMatch,
    r.name,
    r.sex,
    r.birthDate,
    r.idNumber ? cipher.seal(r.idNumber) : null,
    r.idNumber ? cipher.blindIndex(r.idNumber) : null,
    r.idNumber ? maskIdNumber(r.idNumber) : null,
    r.idConvertedFrom15,
    r.phone ? cipher.seal(r.phone) : null,
    r.phone ? cipher.blindIndex(r.phone) : null,
    r.phone ? maskPhone(r.phone) : null,
    r.address ? cipher.seal(r.address) : null,
    r.parts.street,
    r.parts.community,
    r.parts.road,
    r.parts.roadNo,
    r.parts.compound,
    r.parts.building,
    r.parts.unit,
    r.parts.room,
    r.recordDate,
    r.extra,
    r.warnings,
    runId,
    r.row,
  ];
}

const NULL = '\\N';
const num = (n: number | null) => (n === null ? NULL : String(n));

/**
 * encodeCopyRow(copyRow(r, …)) without the array of 32 values and the dispatch on each one's type: an import
 * encodes one line per record, so this is a hot loop. `prefix` is the encoded source and its tab, `suffix` the tab,
 * run id and tab before the row number (the same for every record of a run).
 */
function encodeStaged(r: StagedPerson, prefix: string, suffix: string, cipher: FieldCipher): string {
  const p = r.parts;
  const id = r.idNumber;
  const phone = r.phone;
  const line =
    prefix +
    encodeCopyText(r.sourceKey) +
    '\t' +
    encodeCopyText(r.rowHash) +
    '\t' +
    encodeCopyText(r.streetCode) +
    '\t' +
    encodeCopyText(r.scopePath) +
    '\t' +
    num(r.gridId) +
    '\t' +
    num(r.buildingId) +
    '\t' +
    encodeCopyText(r.buildingMatch) +
    '\t' +
    encodeCopyText(r.name) +
    '\t' +
    encodeCopyText(r.sex) +
    '\t' +
    encodeCopyText(r.birthDate) +
    '\t' +
    (id
      ? `${encodeCopyBytes(cipher.seal(id))}\t${encodeCopyBytes(cipher.blindIndex(id))}\t${encodeCopyText(maskIdNumber(id))}`
      : '\\N\t\\N\t\\N') +
    (r.idConvertedFrom15 ? '\tt\t' : '\tf\t') +
    (phone
      ? `${encodeCopyBytes(cipher.seal(phone))}\t${encodeCopyBytes(cipher.blindIndex(phone))}\t${encodeCopyText(maskPhone(phone))}`
      : '\\N\t\\N\t\\N') +
    '\t' +
    (r.address ? encodeCopyBytes(cipher.seal(r.address)) : NULL) +
    '\t' +
    encodeCopyText(p.street) +
    '\t' +
    encodeCopyText(p.community) +
    '\t' +
    encodeCopyText(p.road) +
    '\t' +
    encodeCopyText(p.roadNo) +
    '\t' +
    encodeCopyText(p.compound) +
    '\t' +
    encodeCopyText(p.building) +
    '\t' +
    encodeCopyText(p.unit) +
    '\t' +
    encodeCopyText(p.room) +
    '\t' +
    encodeCopyText(r.recordDate) +
    '\t' +
    encodeCopyValue(r.extra) +
    '\t' +
    encodeCopyValue(r.warnings) +
    suffix +
    r.row +
    '\n';
  // Built by concatenation, the line is a tree of some sixty string pieces; reading a character flattens it into
  // one string in place, so a batch holds one object per line, not the tree.
  line.charCodeAt(0);
  return line;
}

/** Encodes the staged records of one run as COPY lines of source_person (STAGED_COLUMNS order). */
export function stagedLineEncoder(source: string, runId: number, cipher: FieldCipher) {
  const prefix = `${encodeCopyText(source)}\t`;
  const suffix = `\t${runId}\t`;
  return (r: StagedPerson) => encodeStaged(r, prefix, suffix, cipher);
}

/**
 * One batch of an import, ready to write. Accepted records are one per source key (the key's last row in the
 * batch; the earlier ones are counted as superseded), in the order their keys first appear. Their COPY lines are
 * in `lines` when the batch was encoded where it was made (a worker thread: sealing there costs the writer
 * nothing), else the records are in `records` and the writer seals and encodes only those it writes.
 */
export interface NormalisedBatch {
  keys: string[];
  rowHashes: string[];
  lines: string[] | null;
  records: StagedPerson[] | null;
  quarantined: QuarantineInsert[];
  /** Rows of the file in this batch: accepted (including superseded) plus quarantined. */
  rows: number;
  superseded: number;
  /** Accepted rows (superseded ones included) with at least one warning. */
  warnings: number;
  /** The file's row number of the batch's last row: the run's checkpoint once the batch commits. */
  lastRow: number;
  /** Rows read by the run so far (after any resumed-from row), and bytes of the file read so far. */
  rowsRead: number;
  bytesRead: number;
}

export interface BatchOptions {
  source: string;
  runId: number;
  /** The importer's scope path: quarantined rows stay there. */
  scopePath: string;
  /** Rows up to this one were committed by an earlier attempt of the run. */
  resumedAfterRow: number;
  batchSize: number;
  /** Seal and encode the accepted records into `lines` (in a worker) rather than hand over the records. */
  encode: boolean;
  bytesRead: () => number;
}

function streetCodeOf(scopePath: string): string {
  return scopePath.split('/')[2] ?? '';
}

/** Normalises the rows of a file into batches of `batchSize` rows, in file order. */
export async function* normaliseBatches(
  rows: AsyncIterable<TableRow>,
  ctx: NormaliseContext,
  cipher: FieldCipher,
  options: BatchOptions,
): AsyncGenerator<NormalisedBatch> {
  const { source, runId, scopePath, resumedAfterRow, batchSize } = options;
  const encode = options.encode ? stagedLineEncoder(source, runId, cipher) : null;
  const streetCode = streetCodeOf(scopePath);
  // One entry per source key. Encoding a record as soon as it is normalised lets the record die young: a batch
  // keeps one string per row (the collector copies fewer objects), not the record and its parts.
  let latest = new Map<string, { rowHash: string; line: string | null; record: StagedPerson | null }>();
  let quarantined: QuarantineInsert[] = [];
  let accepted = 0;
  let warnings = 0;
  let lastRow = resumedAfterRow;
  let rowsRead = 0;
  const take = (): NormalisedBatch => {
    const keys: string[] = [];
    const rowHashes: string[] = [];
    const lines: string[] = [];
    const records: StagedPerson[] = [];
    for (const [key, r] of latest) {
      keys.push(key);
      rowHashes.push(r.rowHash);
      if (r.line !== null) lines.push(r.line);
      else records.push(r.record!);
    }
    const batch: NormalisedBatch = {
      keys,
      rowHashes,
      lines: encode ? lines : null,
      records: encode ? null : records,
      quarantined,
      rows: accepted + quarantined.length,
      superseded: accepted - keys.length,
      warnings,
      lastRow,
      rowsRead,
      bytesRead: options.bytesRead(),
    };
    latest = new Map();
    quarantined = [];
    accepted = 0;
    warnings = 0;
    return batch;
  };
  for await (const row of rows) {
    if (row.row <= resumedAfterRow) continue;
    rowsRead++;
    lastRow = row.row;
    const result = normaliseRow(row, ctx);
    if (result.ok) {
      const r = result.record;
      accepted++;
      if (r.warnings.length > 0) warnings++;
      // A key seen before keeps its place (its first appearance) and takes the later row's values.
      latest.set(
        r.sourceKey,
        encode
          ? { rowHash: r.rowHash, line: encode(r), record: null }
          : { rowHash: r.rowHash, line: null, record: r },
      );
    } else {
      quarantined.push({
        source,
        runId,
        row: result.row,
        rawHash: result.rawHash,
        rawCipher: cipher.seal(JSON.stringify(result.raw)),
        problems: result.problems,
        streetCode,
        scopePath,
      });
    }
    if (accepted + quarantined.length >= batchSize) yield take();
  }
  if (accepted + quarantined.length > 0) yield take();
}
