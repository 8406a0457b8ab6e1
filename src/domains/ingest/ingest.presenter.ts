// The one place where imported personal data leaves the server: staged records and quarantined cells, masked.
// Quarantined cells are masked by what their column holds (per the run's mapping) and, for unmapped columns, by
// what the value looks like, so an ID number in a 备注 column is masked too.

import type { Selectable } from 'kysely';
import { maskIdNumber, maskName, maskPhone } from '../../lib/masking.ts';
import { parsePhone } from '../../lib/normalise/index.ts';
import type { FieldCipher } from '../../platform/crypto/field-cipher.ts';
import type { IngestQuarantineTable, SourcePersonTable } from '../../platform/db/schema.ts';
import type { RowProblem } from './row-normaliser.ts';

const ID_LIKE = /\d{14,17}[\dXx]/g;

export function maskCell(field: string | undefined, value: string): string {
  if (value === '') return value;
  switch (field) {
    case 'name':
      return maskName(value.trim());
    case 'id_number':
      return maskIdNumber(value.trim());
    case 'phone':
      return maskPhone(value);
    case 'address':
      // Keep what locates the building, hide unit and room.
      return value.replace(/\d+\s*(单元|室|号房)/g, '*$1').replace(/-\d+-\d+$/, '-*-*');
    default: {
      const masked = value.replace(ID_LIKE, (m) => maskIdNumber(m));
      return masked.replace(/1[3-9]\d{9}/g, (m) => (parsePhone(m).ok ? maskPhone(m) : m));
    }
  }
}

export function presentQuarantine(
  row: Selectable<IngestQuarantineTable>,
  mapping: Record<string, string>,
  cipher: FieldCipher,
) {
  const raw = JSON.parse(cipher.open(row.raw_cipher)) as Record<string, string>;
  const fieldOf = new Map(Object.entries(mapping).map(([field, column]) => [column, field]));
  const cells: Record<string, string> = {};
  for (const [column, value] of Object.entries(raw)) cells[column] = maskCell(fieldOf.get(column), value);
  return {
    id: Number(row.id),
    source: row.source,
    runId: Number(row.run_id),
    sourceRow: row.source_row,
    status: row.status,
    problems: row.problems as RowProblem[],
    cells,
    sourcePersonId: row.source_person_id === null ? null : Number(row.source_person_id),
  };
}

export function presentStagedPerson(row: Selectable<SourcePersonTable>) {
  const building = [
    row.addr_road ? `${row.addr_road}${row.addr_road_no ?? ''}号` : '',
    row.addr_compound ?? '',
    row.addr_building ? `${row.addr_building}幢` : '',
  ].join('');
  return {
    id: Number(row.id),
    source: row.source,
    sourceKey: row.source_key.startsWith('id:') ? 'id:…' : row.source_key,
    sourceRow: row.source_row,
    name: row.name ? maskName(row.name) : null,
    sex: row.sex,
    birthDate: row.birth_date ? `${row.birth_date.slice(0, 4)}-**-**` : null,
    idNumber: row.id_number_masked,
    phone: row.phone_masked,
    address: building === '' ? null : building,
    buildingId: row.building_id,
    recordDate: row.record_date,
    warnings: row.warnings,
  };
}
