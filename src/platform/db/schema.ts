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
  // supply (migration 0014)
  lng: ColumnType<number | null, number | null | undefined, number | null>;
  lat: ColumnType<number | null, number | null | undefined, number | null>;
  service_radius_m: ColumnType<number | null, number | null | undefined, number | null>;
  price_per_hour: ColumnType<string | null, number | string | null | undefined, number | string | null>;
  status: ColumnType<
    'active' | 'suspended' | 'blacklisted',
    'active' | 'suspended' | 'blacklisted' | undefined
  >;
}

export type Role =
  | 'district_admin'
  | 'street_officer'
  | 'community_worker'
  | 'grid_worker'
  | 'hotline_operator'
  | 'service_provider'
  | 'resident'
  | 'auditor'
  // requests: staff of a department or utility that handles work orders (migration 0011)
  | 'unit_handler';

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

// --- profiles (resident profiles, proactive services) ---
export interface ProfileRuleSetTable {
  id: Generated<number>;
  version: string;
  document: Json<unknown>;
  reason: string;
  created_by: string;
  created_at: Generated<Date>;
}

export interface ProfileFactTable {
  person_id: number;
  key: string;
  street_code: string;
  scope_path: string;
  value_num: number | null;
  value_text: string | null;
  source: string;
  updated_at: Generated<Date>;
}

export interface ProfileTagTable {
  person_id: number;
  tag: string;
  street_code: string;
  scope_path: string;
  rule_set_id: number;
  rule_version: number;
  evidence: Json<Record<string, unknown>>;
  evaluated_at: Timestamp;
}

export interface ProfileRunTable {
  id: Generated<number>;
  kind: 'tags' | 'eligibility';
  scope_path: string;
  rule_set_id: number;
  as_of: string;
  mode: 'full' | 'changed';
  persons: Generated<number>;
  counts: Json<Record<string, unknown>>;
  started_at: Timestamp;
  finished_at: Timestamp | null;
  created_by: string;
}

export interface BenefitGrantTable {
  id: Generated<number>;
  person_id: number;
  street_code: string;
  scope_path: string;
  policy_id: string;
  amount: ColumnType<string | null, number | string | null, number | string | null>;
  start_date: string;
  end_date: string | null;
  source: string;
  updated_at: Generated<Date>;
}

export interface EligibilityCaseTable {
  id: Generated<number>;
  person_id: number;
  street_code: string;
  scope_path: string;
  grid_id: number;
  policy_id: string;
  policy_version: number;
  rule_set_id: number;
  run_id: number | null;
  status: 'eligible' | 'near_miss' | 'excluded' | 'not_eligible';
  amount: ColumnType<string | null, number | string | null, number | string | null>;
  tier: string | null;
  reasons: Json<string[]>;
  missing_data: boolean;
  explanation: Json<unknown>;
  review_state: Generated<'pending' | 'approved' | 'rejected'>;
  review_reason: string | null;
  reviewed_by: string | null;
  reviewed_at: Timestamp | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ContactTaskTable {
  id: Generated<number>;
  case_id: number;
  person_id: number;
  street_code: string;
  scope_path: string;
  state: Generated<'open' | 'done'>;
  created_by: string;
  created_at: Generated<Date>;
}

export interface EligibilityAppealTable {
  id: Generated<number>;
  case_id: number;
  person_id: number;
  street_code: string;
  scope_path: string;
  policy_id: string;
  filed_by: string;
  filed_role: string;
  reason: string;
  explanation: Json<unknown>;
  state: Generated<'open' | 'resolved'>;
  outcome: 'upheld' | 'overturned' | null;
  action: 'none' | 'data_corrected' | 'rule_changed' | null;
  resolution_note: string | null;
  resolved_by: string | null;
  resolved_at: Timestamp | null;
  created_at: Generated<Date>;
}
// --- end profiles ---

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

export interface DB extends SensingTables {
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
  // supply (migration 0014)
  planning_scenario: PlanningScenarioTable;
  provider_qualification: ProviderQualificationTable;
  match_weight: MatchWeightTable;
  procurement_project: ProcurementProjectTable;
  procurement_bid: ProcurementBidTable;
  provider_choice: ProviderChoiceTable;
  service_delivery: ServiceDeliveryTable;
  community_resource: CommunityResourceTable;
  // profiles
  profile_rule_set: ProfileRuleSetTable;
  profile_fact: ProfileFactTable;
  profile_tag: ProfileTagTable;
  profile_run: ProfileRunTable;
  benefit_grant: BenefitGrantTable;
  eligibility_case: EligibilityCaseTable;
  contact_task: ContactTaskTable;
  eligibility_appeal: EligibilityAppealTable;
  // requests (接诉即办, migration 0011)
  handling_unit: HandlingUnitTable;
  handling_unit_member: HandlingUnitMemberTable;
  work_order: WorkOrderTable;
  order_requester: OrderRequesterTable;
  order_assignment: OrderAssignmentTable;
  order_event: OrderEventTable;
  order_attachment: OrderAttachmentTable;
  notification_outbox: NotificationOutboxTable;
  order_daily_rollup: OrderDailyRollupTable;
  evaluation_weight: EvaluationWeightTable; // migration 0026
  order_monthly_rollup: OrderMonthlyRollupTable; // migration 0026
  order_hotspot_daily_rollup: OrderHotspotDailyRollupTable; // migration 0034
  order_hotspot_monthly_rollup: OrderHotspotMonthlyRollupTable; // migration 0034
  order_rollup_mark: OrderRollupMarkTable; // migration 0034
  open311_client: Open311ClientTable;
  // ingest
  ingest_source: IngestSourceTable;
  ingest_run: IngestRunTable;
  source_person: SourcePersonTable;
  ingest_quarantine: IngestQuarantineTable;
  ingest_quality_rule: IngestQualityRuleTable;
  ingest_quality_figure: IngestQualityFigureTable;
  // request classifier in service (migration 0020)
  classifier_model: ClassifierModelTable;
  order_classification: OrderClassificationTable;
  // walking network (migration 0018)
  walk_node: WalkNodeTable;
  walk_edge: WalkEdgeTable;
  // identity (migration 0015)
  identity_run: IdentityRunTable;
  identity_pair: IdentityPairTable;
  identity_cluster_member: IdentityClusterMemberTable;
  identity_review: IdentityReviewTable;
  identity_survivorship_rule: IdentitySurvivorshipRuleTable;
  identity_merge: IdentityMergeTable;
  identity_field_provenance: IdentityFieldProvenanceTable;
  identity_link: IdentityLinkTable;
  source_entity: SourceEntityTable;
  identity_entity_rule: IdentityEntityRuleTable;
  identity_entity_merge: IdentityEntityMergeTable;
  identity_entity_provenance: IdentityEntityProvenanceTable;
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

// ---- supply: planning scenarios, providers, procurement, deliveries, evaluation inputs (migration 0014) ----
type Numeric = ColumnType<string, number | string, number | string>;
type DateOnly = ColumnType<string, string, string>;

export interface PlanningScenarioTable {
  id: Generated<number>;
  scope_path: string;
  name: string;
  facility_type: string;
  params: Json<Record<string, unknown>>;
  result: Json<Record<string, unknown>>;
  created_by: number;
  created_at: Generated<Date>;
}

export interface ProviderQualificationTable {
  id: Generated<number>;
  provider_id: number;
  kind: string;
  number: string;
  issued_by: string | null;
  categories: Generated<string[]>;
  valid_from: DateOnly;
  valid_until: DateOnly;
  created_at: Generated<Date>;
}

export type MatchComponent =
  | 'qualification'
  | 'category'
  | 'distance'
  | 'capacity'
  | 'price'
  | 'rating'
  | 'performance';

export interface MatchWeightTable {
  weight_set: string;
  component: MatchComponent;
  weight: number;
}

export interface ProcurementProjectTable {
  id: Generated<number>;
  street_code: string;
  scope_path: string;
  title: string;
  category: string;
  description: Generated<string>;
  budget: Numeric;
  required_capacity: number;
  lng: number;
  lat: number;
  weight_set: Generated<string>;
  status: Generated<'open' | 'awarded' | 'cancelled'>;
  awarded_provider_id: number | null;
  created_by: number;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ProcurementBidTable {
  id: Generated<number>;
  project_id: number;
  provider_id: number;
  price: Numeric;
  capacity: number;
  note: Generated<string>;
  submitted_at: Generated<Date>;
}

export interface ProviderChoiceTable {
  id: Generated<number>;
  street_code: string;
  scope_path: string;
  subject_kind: 'project' | 'request';
  subject_id: string;
  chosen_provider_id: number;
  top_provider_id: number | null;
  override: boolean;
  reason: string;
  ranking: Json<unknown[]>;
  chosen_by: number;
  chosen_at: Generated<Date>;
}

export interface ServiceDeliveryTable {
  id: Generated<number>;
  street_code: string;
  grid_id: number;
  scope_path: string;
  provider_id: number;
  person_id: number;
  worker_name: string;
  category: string;
  description: Generated<string>;
  started_at: Timestamp;
  minutes: number;
  cost: Numeric;
  source_kind: 'request' | 'policy' | 'project' | 'plan' | null;
  source_id: string | null;
  confirmed_at: Timestamp | null;
  resident_rating: number | null;
  recorded_by: number;
  recorded_at: Generated<Date>;
}

export interface CommunityResourceTable {
  community_code: string;
  street_code: string;
  year: number;
  budget: Numeric;
  staff: number;
}
// --- sensing (migrations/0012_sensing.sql) ---
export interface SensorDeviceTable {
  id: Generated<number>;
  device_uid: string;
  kind: string;
  district_code: string;
  street_code: string;
  scope_path: string;
  house_id: number | null;
  facility_id: number | null;
  person_id: number | null;
  household_id: number | null;
  label: Generated<string>;
  lng: number;
  lat: number;
  active: Generated<boolean>;
  installed_at: Generated<Date>;
  last_seen_at: Timestamp | null;
  updated_at: Generated<Date>;
}

export interface SensorReadingTable {
  device_id: number;
  ts: Timestamp;
  msg_id: string;
  street_code: string;
  received_at: Generated<Date>;
  vals: Json<Record<string, number | boolean | string>>;
}

export interface SensorDeviceHealthTable {
  device_uid: string;
  accepted: Generated<number>;
  duplicate: Generated<number>;
  malformed: Generated<number>;
  unknown_device: Generated<number>;
  bad_unit: Generated<number>;
  clock_skew: Generated<number>;
  replayed: Generated<number>;
  rate_limited: Generated<number>;
  last_problem: string | null;
  last_problem_at: Timestamp | null;
  updated_at: Generated<Date>;
}

export interface AnomalyRuleTable {
  code: string;
  kind: 'low_flat_usage' | 'over_capacity' | 'silent_device' | 'alarm';
  params: Json<Record<string, unknown>>;
  enabled: Generated<boolean>;
  updated_at: Generated<Date>;
  updated_by: string | null;
}

export interface DeviceBaselineTable {
  device_id: number;
  state: Json<{ median: number[]; mad: number[]; count: number[] }>;
  threshold_scale: Generated<number>;
  updated_at: Generated<Date>;
}

export interface SensingUsageDayTable {
  device_id: number;
  day: number;
  total: number;
  hourly: Json<number[]>;
  readings: number;
  closed_by: 'reading' | 'clock';
  closed_at: Generated<Date>;
}

export interface SensingAlertTable {
  id: Generated<number>;
  device_id: number;
  rule_code: string;
  severity: 'emergency' | 'warning' | 'info';
  street_code: string;
  scope_path: string;
  lng: number;
  lat: number;
  status: Generated<'open' | 'acknowledged' | 'closed'>;
  raised_at: Generated<Date>;
  observed_at: Timestamp;
  details: Json<Record<string, unknown>>;
  feedback: 'real' | 'false_alarm' | null;
  feedback_note: string | null;
  feedback_at: Timestamp | null;
  feedback_by: string | null;
  work_order_ref: string | null;
}

export type ResponderKind = 'micro_fire_station' | 'community_police' | 'grid_worker' | 'family_contact';

export interface ResponderTable {
  id: Generated<number>;
  kind: ResponderKind;
  name: string;
  phone_masked: string | null;
  street_code: string;
  scope_path: string;
  for_person_id: number | null;
  account_id: number | null;
  lng: number;
  lat: number;
  available: Generated<boolean>;
}

export interface AlertDispatchTable {
  id: Generated<number>;
  alert_id: number;
  responder_id: number;
  street_code: string;
  rank: number;
  travel_m: number;
  status: Generated<'pending' | 'notified' | 'acknowledged' | 'escalated' | 'cancelled'>;
  notified_at: Timestamp | null;
  ack_due_at: Timestamp | null;
  acknowledged_at: Timestamp | null;
  acknowledged_by: string | null;
}

export interface SensingTables {
  sensor_device: SensorDeviceTable;
  sensor_reading: SensorReadingTable;
  sensor_device_health: SensorDeviceHealthTable;
  anomaly_rule: AnomalyRuleTable;
  device_baseline: DeviceBaselineTable;
  sensing_usage_day: SensingUsageDayTable;
  sensing_alert: SensingAlertTable;
  responder: ResponderTable;
  alert_dispatch: AlertDispatchTable;
}
export type SensorDeviceRow = Selectable<SensorDeviceTable>;
export type SensingAlertRow = Selectable<SensingAlertTable>;
export type ResponderRow = Selectable<ResponderTable>;
export type AlertDispatchRow = Selectable<AlertDispatchTable>;
// --- end sensing ---
// ---- requests (接诉即办, migration 0011) ----
export interface HandlingUnitTable {
  code: string;
  name: string;
  kind: 'centre' | 'department' | 'utility' | 'street' | 'community';
  scope_path: string | null;
  active: Generated<boolean>;
  updated_at: Generated<Date>;
}

export interface HandlingUnitMemberTable {
  account_id: number;
  unit_code: string;
}

export interface WorkOrderTable {
  id: Generated<number>;
  number: string;
  street_code: string | null;
  community_code: string | null;
  grid_id: number | null;
  scope_path: string;
  channel: 'portal' | 'hotline' | 'patrol' | 'open311' | 'proactive';
  status: string;
  category_code: string | null;
  category_confidence: number | null;
  event_code: string | null;
  description: string;
  address: string | null;
  lng: number | null;
  lat: number | null;
  lead_unit_code: string | null;
  co_unit_codes: Generated<string[]>;
  received_at: Timestamp;
  dispatched_at: Timestamp | null;
  accepted_at: Timestamp | null;
  resolved_at: Timestamp | null;
  closed_at: Timestamp | null;
  response_due: Timestamp | null;
  resolve_due: Timestamp | null;
  warn_at: Timestamp | null;
  warned: Generated<boolean>;
  escalated: Generated<boolean>;
  escalation_level: Generated<number>;
  supervised: Generated<boolean>;
  reopen_count: Generated<number>;
  return_count: Generated<number>;
  solved: boolean | null;
  satisfaction: number | null;
  rating_reason: string | null;
  resolution_note: string | null;
  merged_into: number | null;
  requester_count: Generated<number>;
  idempotency_key: string | null;
  created_by: number | null;
  updated_at: Generated<Date>;
}

export interface OrderRequesterTable {
  id: Generated<number>;
  order_id: number;
  street_code: string | null;
  anonymous: boolean;
  name: string | null;
  phone_cipher: Bytes | null;
  phone_hash: Bytes | null;
  phone_masked: string | null;
  person_id: number | null;
  account_id: number | null;
  channel: string;
  description: string;
  access_code_hash: string | null;
  joined_at: Timestamp;
}

export interface OrderAssignmentTable {
  id: Generated<number>;
  order_id: number;
  street_code: string | null;
  unit_code: string;
  role: 'lead' | 'co';
  assigned_at: Timestamp;
  accepted_at: Timestamp | null;
  ended_at: Timestamp | null;
  end_reason: 'completed' | 'returned' | 'reassigned' | null;
}

export interface OrderEventTable {
  id: Generated<number>;
  order_id: number;
  street_code: string | null;
  action: string;
  from_status: string | null;
  to_status: string;
  actor_account_id: number | null;
  actor_name: string;
  unit_code: string | null;
  occurred_at: Timestamp;
  note: string | null;
  public: boolean;
  details: Generated<unknown>;
}

export interface OrderAttachmentTable {
  id: Generated<number>;
  order_id: number;
  street_code: string | null;
  file_name: string;
  content_type: string;
  byte_size: number;
  sha256: string;
  content: Bytes;
  created_at: Timestamp;
}

export interface NotificationOutboxTable {
  id: Generated<number>;
  order_id: number;
  street_code: string | null;
  requester_id: number | null;
  event_id: number | null;
  kind: string;
  message: string;
  created_at: Timestamp;
  sent_at: Timestamp | null;
}

export interface OrderDailyRollupTable {
  day: string;
  street_code: string;
  community_code: string;
  grid_id: number;
  unit_code: string;
  category_code: string;
  received: number;
  dispatched: number;
  responded_on_time: number;
  resolved: number;
  resolved_on_time: number;
  visited: number;
  solved: number;
  satisfied: number;
}

/** The daily roll-up summed per month (migration 0026); `month` is the month's first day. */
export interface OrderMonthlyRollupTable extends Omit<OrderDailyRollupTable, 'day'> {
  month: string;
}

export interface OrderHotspotDailyRollupTable {
  day: string;
  scope_path: string;
  unit_code: string;
  cx: number;
  cy: number;
  category_code: string;
  received: number;
  open: number;
}

export interface OrderHotspotMonthlyRollupTable extends Omit<OrderHotspotDailyRollupTable, 'day'> {
  month: string;
}

export interface OrderRollupMarkTable {
  id: Generated<boolean>;
  until: Date;
}

/** Composite-score weights of one district (migration 0026); whole percentages adding up to 100. */
export interface EvaluationWeightTable {
  district_code: string;
  w_response: number;
  w_resolution: number;
  w_satisfaction: number;
  updated_at: Generated<Date>;
  updated_by: number | null;
}

export interface Open311ClientTable {
  key_hash: string;
  name: string;
  created_at: Generated<Date>;
  disabled: Generated<boolean>;
}
// ---- end requests ----

// ---- request classifier in service (migration 0020) ----
export interface ClassifierModelTable {
  version: Generated<number>;
  status: 'training' | 'ready' | 'failed';
  active: Generated<boolean>;
  started_at: Timestamp;
  trained_at: Timestamp | null;
  activated_at: Timestamp | null;
  examples: number | null;
  held_out: number | null;
  accuracy: number | null;
  macro_f1: number | null;
  metrics: Json<Record<string, unknown>>;
  options: Json<Record<string, unknown>>;
  weights: Bytes | null;
  error: string | null;
  created_by: number | null;
}

export interface OrderClassificationTable {
  order_id: number;
  street_code: string | null;
  model_version: number;
  suggested_category: string;
  confidence: number;
  top3: Json<Array<{ label: string; probability: number }>>;
  needs_review: boolean;
  final_category: string | null;
  final_by: number | null;
  final_at: Timestamp | null;
  created_at: Timestamp;
}
// ---- end request classifier ----
// ---- walking network (migrations/0018_walk_network.sql) ----
export interface WalkNodeTable {
  id: number;
  lng: number;
  lat: number;
  kind: Generated<'junction' | 'lane'>;
}

export interface WalkEdgeTable {
  id: Generated<number>;
  from_node: number;
  to_node: number;
  length_m: number;
  kind: Generated<'street' | 'lane'>;
  source: Generated<string>;
}
// ---- identity (entity resolution and golden records, migration 0015) ----
export interface IdentityRunTable {
  id: Generated<number>;
  status: 'running' | 'completed' | 'failed';
  stage: Generated<string>;
  scope_path: string;
  records: Generated<number>;
  pairs_total: Generated<number>;
  pairs_compared: Generated<number>;
  matches: Generated<number>;
  reviews: Generated<number>;
  decisions: Generated<number>;
  clusters: Generated<number>;
  persons_created: Generated<number>;
  persons_updated: Generated<number>;
  conflicts: Generated<number>;
  unplaced: Generated<number>;
  apply_golden: Generated<boolean>;
  settings: Json<Record<string, unknown>>;
  model: Json<Record<string, unknown>>;
  error: Json<Record<string, unknown>> | null;
  started_by: string;
  started_at: Generated<Date>;
  finished_at: Timestamp | null;
  entity_type: Generated<IdentityEntityType>;
}

/** What an identity run resolves: persons, or one of the other entity types (migration 0028). */
export type IdentityEntityType = 'person' | 'house' | 'household' | 'organization';
export type ResolvedEntityType = Exclude<IdentityEntityType, 'person'>;

export interface IdentityEvidence {
  comparison: string;
  level: string;
  weight: number;
}

export interface IdentityPairTable {
  run_id: number;
  left_ref: string;
  right_ref: string;
  match_probability: number;
  match_weight: number;
  decision: 'match' | 'review' | 'non_match' | 'confirmed' | 'split';
  evidence: Json<IdentityEvidence[]>;
}

export interface IdentityClusterMemberTable {
  run_id: number;
  ref: string;
  cluster_ref: string;
  person_id: number | null;
}

export interface IdentityReviewTable {
  id: Generated<number>;
  left_ref: string;
  right_ref: string;
  /** dismissed (migration 0037): an unplaced record kept as a source record only, a household with no head. */
  status: Generated<'open' | 'confirmed' | 'split' | 'obsolete' | 'dismissed'>;
  run_id: number;
  match_probability: number;
  match_weight: number;
  evidence: Json<IdentityEvidence[]>;
  scope_path: string;
  reason: string | null;
  decided_by: string | null;
  decided_at: Timestamp | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  entity_type: Generated<IdentityEntityType>;
  /**
   * pair: an uncertain pair; conflict: two platform rows of one entity; unplaced: a register-only cluster;
   * household_head: a created household whose head could not be linked (migration 0037).
   */
  kind: Generated<IdentityReviewKind>;
  /** Why a conflict, unplaced or household_head item is in the queue. */
  problem: string | null;
  /** The candidates considered, and the decision's outcome (migration 0037; null on older rows). */
  detail: Json<IdentityReviewDetail> | null;
}

export type IdentityReviewKind = 'pair' | 'conflict' | 'unplaced' | 'household_head';

/** What a single-record review item is about (identity_review.detail). */
export interface IdentityReviewDetail {
  /** Buildings or houses an unplaced record could go to; persons who could head a household. */
  candidates?: { ref: string; label: string; why: string }[];
  /** The head a reviewer chose, and the merge that set them. */
  personId?: number | null;
  mergeId?: number | null;
}

export type GoldenField = 'name' | 'sex' | 'birth_date' | 'id_number' | 'phone' | 'address';
export type SurvivorshipRuleKind = 'source_priority' | 'most_recent' | 'most_frequent';

export interface IdentitySurvivorshipRuleTable {
  field: GoldenField;
  rule: SurvivorshipRuleKind;
  source_priority: string[];
  updated_at: Generated<Date>;
}

export interface IdentityMergeTable {
  id: Generated<number>;
  run_id: number;
  person_id: number;
  created_person: boolean;
  members: string[];
  previous: Json<Record<string, unknown>>;
  changed_fields: Generated<string[]>;
  status: Generated<'applied' | 'undone'>;
  scope_path: string;
  applied_at: Generated<Date>;
  undone_at: Timestamp | null;
  undone_by: string | null;
  undo_reason: string | null;
}

export interface IdentityFieldProvenanceTable {
  person_id: number;
  field: GoldenField;
  merge_id: number;
  source: string;
  source_person_id: number | null;
  source_row: number | null;
  import_run_id: number | null;
  rule: string;
  observed_at: Timestamp | null;
  value_cipher: Bytes | null;
  value_masked: string | null;
}

export interface IdentityLinkTable {
  source_person_id: number;
  person_id: number;
  merge_id: number;
}

export interface SourceEntityTable {
  id: Generated<number>;
  entity_type: ResolvedEntityType;
  source: string;
  source_key: string;
  scope_path: string;
  fields: Json<Record<string, string | null>>;
  head_id_cipher: Bytes | null;
  head_id_hash: Bytes | null;
  head_id_masked: string | null;
  source_row: number;
  record_date: string | null;
  imported_at: Generated<Date>;
}

export interface IdentityEntityRuleTable {
  entity_type: ResolvedEntityType;
  field: string;
  rule: SurvivorshipRuleKind;
  source_priority: string[];
  updated_at: Generated<Date>;
}

export interface IdentityEntityMergeTable {
  id: Generated<number>;
  run_id: number;
  entity_type: ResolvedEntityType;
  entity_id: number;
  members: string[];
  previous: Json<Record<string, unknown>>;
  changed_fields: Generated<string[]>;
  status: Generated<'applied' | 'undone'>;
  scope_path: string;
  applied_at: Generated<Date>;
  undone_at: Timestamp | null;
  undone_by: string | null;
  undo_reason: string | null;
  /** The merge created the row from register records alone; undoing it removes the row. */
  created_entity: Generated<boolean>;
}

export interface IdentityEntityProvenanceTable {
  entity_type: ResolvedEntityType;
  entity_id: number;
  field: string;
  merge_id: number;
  source: string;
  source_entity_id: number | null;
  source_row: number | null;
  rule: string;
  observed_at: Timestamp | null;
  value: string | null;
}
// ---- end identity ----
