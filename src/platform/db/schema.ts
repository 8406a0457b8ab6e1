// Kysely's view of the tables created by migrations/. Keep in step with the SQL: a column added there is added here.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T = unknown> = ColumnType<T, string | T, string | T>;
type Bytes = Uint8Array;

/** GeoJSON geometry as stored in jsonb columns (WGS-84 longitude/latitude). */
export interface Geometry {
  type: 'Polygon' | 'MultiPolygon' | 'Point' | 'LineString';
  coordinates: unknown;
}

interface Provenance {
  source: string;
  source_updated_at: Timestamp | null;
  updated_at: Generated<Date>;
}

export interface CodeSetTable {
  code_set: string;
  name_zh: string;
  name_en: string;
  source_std: string;
}

export interface CodeValueTable {
  code_set: string;
  code: string;
  label_zh: string;
  label_en: string;
  sort_order: Generated<number>;
  sensitive: Generated<boolean>;
}

export interface AdminDivisionTable extends Provenance {
  code: string;
  edition: number;
  level: number;
  kind: string;
  name: string;
  parent_code: string | null;
  path: string;
  ur_class: string | null;
  boundary: Json<Geometry> | null;
  center_lng: number | null;
  center_lat: number | null;
}

export interface GridTable extends Provenance {
  id: Generated<number>;
  community_code: string;
  street_code: string;
  local_code: string;
  name: string;
  path: string;
  boundary: Json<Geometry>;
  center_lng: number;
  center_lat: number;
  area_m2: number | null;
}

interface Scoped {
  street_code: string;
  grid_id: number;
  scope_path: string;
}

export interface BuildingTable extends Provenance, Scoped {
  id: Generated<number>;
  name: string;
  compound: string | null;
  road: string | null;
  road_no: string | null;
  building_no: string;
  address: string;
  use_type: 'residential' | 'mixed' | 'commercial' | 'public';
  floors: number | null;
  units: number | null;
  built_year: number | null;
  lng: number;
  lat: number;
  footprint: Json<Geometry> | null;
}

export interface HouseTable extends Provenance, Scoped {
  id: Generated<number>;
  building_id: number;
  unit_no: string | null;
  floor: number | null;
  room_no: string;
  address: string;
  area_m2: number | null;
  use_type: 'residential' | 'commercial' | 'office' | 'other';
  occupancy: 'owner' | 'rented' | 'vacant' | 'other';
}

export interface HouseholdTable extends Provenance, Scoped {
  id: Generated<number>;
  house_id: number | null;
  household_no: string;
  registration_type: string;
  head_person_id: number | null;
  member_count: Generated<number>;
}

export type RegistrationType = 'household' | 'floating' | 'foreign' | 'unsettled';

export interface PersonTable extends Provenance, Scoped {
  id: Generated<number>;
  household_id: number | null;
  house_id: number | null;
  name: string;
  sex: '0' | '1' | '2' | '9';
  birth_date: string | null;
  id_type: Generated<string>;
  id_number_cipher: Bytes | null;
  id_number_hash: Bytes | null;
  id_number_masked: string | null;
  phone_cipher: Bytes | null;
  phone_hash: Bytes | null;
  phone_masked: string | null;
  ethnicity: string | null;
  registration_type: RegistrationType;
  relation_to_head: string | null;
  tags: Generated<string[]>;
}

export type OrganizationKind =
  | 'enterprise'
  | 'individual_business'
  | 'social_org'
  | 'public_institution'
  | 'government'
  | 'self_governing';

export interface OrganizationTable extends Provenance, Scoped {
  id: Generated<number>;
  uscc: string | null;
  name: string;
  kind: OrganizationKind;
  industry: string | null;
  legal_rep_name: string | null;
  contact_phone: string | null;
  address: string;
  lng: number | null;
  lat: number | null;
  employees: number | null;
}

export type LifeCircle = 'LC15' | 'LC10' | 'LC5' | 'BLOCK';

export interface FacilityTypeTable {
  code: string;
  name_zh: string;
  name_en: string;
  life_circle: LifeCircle;
  mandatory: boolean;
  max_radius_m: number | null;
  capacity_unit: string | null;
  source_clause: string;
}

export interface FacilityTable extends Provenance, Scoped {
  id: Generated<number>;
  type: string;
  name: string;
  address: string;
  lng: number;
  lat: number;
  capacity: number | null;
  floor_m2: number | null;
  opening_hours: string | null;
  operator_org_id: number | null;
}

export interface ServiceProviderTable extends Provenance {
  id: Generated<number>;
  street_code: string;
  scope_path: string;
  organization_id: number | null;
  name: string;
  kind: 'company' | 'social_org' | 'volunteer_team' | 'public_institution';
  service_categories: Generated<string[]>;
  capacity_per_month: number | null;
  rating: number | null;
  contact_phone: string | null;
}

export type Role =
  | 'district_admin'
  | 'street_officer'
  | 'community_worker'
  | 'grid_worker'
  | 'hotline_operator'
  | 'service_provider'
  | 'resident'
  | 'auditor';

export interface AccountTable {
  id: Generated<number>;
  username: string;
  display_name: string;
  password_hash: string;
  role: Role;
  scope_path: string;
  person_id: number | null;
  provider_id: number | null;
  failed_logins: Generated<number>;
  locked_until: Timestamp | null;
  disabled: Generated<boolean>;
  last_login_at: Timestamp | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface LoginSessionTable {
  token_hash: string;
  account_id: number;
  created_at: Generated<Date>;
  last_seen_at: Generated<Date>;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  ip: string | null;
  user_agent: string | null;
}

export interface AuditLogTable {
  seq: number;
  occurred_at: Timestamp;
  request_id: string | null;
  account_id: number | null;
  username: string | null;
  role: string | null;
  scope_path: string | null;
  action: string;
  entity_type: string | null;
  entity_ids: string[];
  purpose: string | null;
  outcome: 'ok' | 'denied' | 'failed';
  ip: string | null;
  details: Json<Record<string, unknown>>;
  prev_hash: string;
  hash: string;
}

export interface AuditChainHeadTable {
  id: number;
  seq: number;
  hash: string;
}

export interface SchemaMigrationsTable {
  version: string;
  name: string;
  checksum: string;
  applied_at: Generated<Date>;
}

// ── ingest (department data import, migration 0009) ──────────────────────────────────────────────────────────
export interface IngestSourceTable {
  name: string;
  label: string;
  mapping: Json<Record<string, string>>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface IngestRunTable {
  id: Generated<number>;
  source: string;
  file_name: string;
  file_sha256: string;
  format: string;
  encoding: string | null;
  mapping: Json<Record<string, string>>;
  status: 'running' | 'completed' | 'failed';
  scope_path: string;
  rows_read: Generated<number>;
  inserted: Generated<number>;
  updated: Generated<number>;
  unchanged: Generated<number>;
  superseded: Generated<number>;
  quarantined: Generated<number>;
  warnings: Generated<number>;
  checkpoint_row: Generated<number>;
  error: Json<Record<string, unknown>> | null;
  started_by: string;
  started_at: Generated<Date>;
  finished_at: Date | null;
}

export interface SourcePersonTable {
  id: Generated<number>;
  source: string;
  source_key: string;
  row_hash: string;
  street_code: string;
  scope_path: string;
  grid_id: number | null;
  building_id: number | null;
  building_match: string;
  name: string | null;
  sex: string | null;
  birth_date: string | null;
  id_number_cipher: Uint8Array | null;
  id_number_hash: Uint8Array | null;
  id_number_masked: string | null;
  id_converted_from15: Generated<boolean>;
  phone_cipher: Uint8Array | null;
  phone_hash: Uint8Array | null;
  phone_masked: string | null;
  address_cipher: Uint8Array | null;
  addr_street: string | null;
  addr_community: string | null;
  addr_road: string | null;
  addr_road_no: string | null;
  addr_compound: string | null;
  addr_building: string | null;
  addr_unit: string | null;
  addr_room: string | null;
  record_date: string | null;
  extra: Json<Record<string, string>>;
  warnings: Generated<string[]>;
  run_id: number;
  source_row: number;
  source_updated_at: Date | null;
  imported_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface IngestQuarantineTable {
  id: Generated<number>;
  source: string;
  run_id: number;
  source_row: number;
  raw_hash: string;
  raw_cipher: Uint8Array;
  problems: Json<unknown[]>;
  status: Generated<'open' | 'reimported' | 'dismissed'>;
  street_code: string;
  scope_path: string;
  source_person_id: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface IngestQualityRuleTable {
  id: Generated<number>;
  source: string | null;
  field: string;
  dimension: 'completeness' | 'validity' | 'uniqueness' | 'consistency' | 'timeliness';
  threshold: number;
  params: Json<Record<string, unknown>>;
  enabled: Generated<boolean>;
}

export interface IngestQualityFigureTable {
  run_id: number;
  source: string;
  field: string;
  dimension: string;
  checked: number;
  passed: number;
  threshold: number | null;
  computed_at: Generated<Date>;
}
// ── end ingest ──

export interface DB {
  code_set: CodeSetTable;
  code_value: CodeValueTable;
  admin_division: AdminDivisionTable;
  grid: GridTable;
  building: BuildingTable;
  house: HouseTable;
  household: HouseholdTable;
  person: PersonTable;
  organization: OrganizationTable;
  facility_type: FacilityTypeTable;
  facility: FacilityTable;
  service_provider: ServiceProviderTable;
  account: AccountTable;
  login_session: LoginSessionTable;
  audit_log: AuditLogTable;
  audit_chain_head: AuditChainHeadTable;
  schema_migrations: SchemaMigrationsTable;
  // ingest
  ingest_source: IngestSourceTable;
  ingest_run: IngestRunTable;
  source_person: SourcePersonTable;
  ingest_quarantine: IngestQuarantineTable;
  ingest_quality_rule: IngestQualityRuleTable;
  ingest_quality_figure: IngestQualityFigureTable;
}

export type PersonRow = Selectable<PersonTable>;
export type NewPerson = Insertable<PersonTable>;
export type PersonUpdate = Updateable<PersonTable>;
export type AccountRow = Selectable<AccountTable>;
export type GridRow = Selectable<GridTable>;
export type BuildingRow = Selectable<BuildingTable>;
export type HouseRow = Selectable<HouseTable>;
export type HouseholdRow = Selectable<HouseholdTable>;
export type OrganizationRow = Selectable<OrganizationTable>;
export type FacilityRow = Selectable<FacilityTable>;
export type ServiceProviderRow = Selectable<ServiceProviderTable>;
export type AdminDivisionRow = Selectable<AdminDivisionTable>;
export type AuditLogRow = Selectable<AuditLogTable>;
