// Entity resolution of houses, households and organisations: the records an identity run of one of these types
// links (the departments' register records in source_entity and the platform's own rows), and the golden
// records it writes. A cluster with one platform row gets that row's golden fields chosen by the type's
// survivorship rules (identity_entity_rule), each kept with its provenance; the merge stores what it replaced,
// so it can be undone. A cluster holding two platform rows is a conflict (the platform has the entity twice: a
// person merges them from the review queue, nothing is written); one of register records alone creates the
// platform row when the registers place it, or goes to the review queue with the reason.
import { sql } from 'kysely';
import { buildingAddressParts, roadNumberAfter } from '../../lib/linkage/entity-normalise.ts';
import { maskAddress, maskName, maskPhone } from '../../lib/masking.ts';
import type { RequestAuditEntry } from '../../platform/audit/request-audit.ts';
import { scopeLikePattern } from '../../platform/auth/viewer.ts';
import type { FieldCipher } from '../../platform/crypto/field-cipher.ts';
import type {
  Db,
  IdentityReviewDetail,
  ResolvedEntityType,
  SurvivorshipRuleKind,
} from '../../platform/db/index.ts';
import { AppError } from '../../platform/http/errors.ts';
import {
  ENTITY_KINDS,
  householdLinkValues,
  houseLinkValues,
  organizationLinkValues,
  parseMembers,
  type RegisterMember,
  SOURCE_ENTITY_PREFIX,
} from './entity-kinds.ts';
import { iso, presentMerge, type RecordView, singleRecordOf, UNPLACED_SUFFIX } from './identity.presenter.ts';
import * as repo from './identity.repository.ts';
import {
  type CandidateRecord,
  type ChosenValue,
  goldenRecord,
  PLATFORM_SOURCE,
  type SurvivorshipRule,
} from './survivorship.ts';

type Values = Record<string, string | null>;

export interface EntityRecord {
  ref: string;
  scopePath: string;
  linkValues: Record<string, string>;
  candidate: CandidateRecord<string>;
  /** The platform row's id and its golden fields as they are now (null for a register record). */
  platformId: number | null;
  current: Values | null;
  platformSource: string | null;
  platformUpdatedAt: string | null;
  /** A household register's head ID number (blind index) and members, to link the persons of a created row. */
  headIdHash?: Uint8Array | null;
  members?: RegisterMember[];
}

export interface EntityOutcome {
  updated: number;
  /** Platform rows created from register-only clusters. */
  created: number;
  conflicts: number;
  unplaced: number;
  changedEntities: number[];
  /** Conflicts and unplaced clusters, for the review queue. */
  reviewItems: EntityReviewItem[];
  /**
   * How the created rows were placed and linked: organisations by `placed_building`, `placed_road_number` or
   * `placed_street`; households' heads `head_linked` or why not (`head_no_id_number`, `head_not_found`,
   * `head_conflicting`, `head_heads_other`), and `members_linked`.
   */
  createdFigures: Record<string, number>;
}

export interface EntityReviewItem {
  kind: 'conflict' | 'unplaced' | 'household_head';
  left_ref: string;
  right_ref: string;
  problem: string;
  scope_path: string;
  /** What a single-record item is about: the buildings, houses or persons considered. */
  detail?: IdentityReviewDetail;
}

type Candidate = NonNullable<IdentityReviewDetail['candidates']>[number];

/** Where a created row sits in the administrative tree, and what it hangs from. */
interface Placement {
  grid_id: number;
  street_code: string;
  scope_path: string;
  building_id?: number;
  house_id?: number;
  /** What placed an organisation: a building its address names, a road number, or only the street. */
  by?: 'building' | 'road_number' | 'street';
  lng?: number;
  lat?: number;
}

/** Why a created household has no head person, as the merge and the run's figures say it. */
const HEAD_PROBLEM = {
  no_id_number: '登记未提供户主身份证号',
  not_found: '平台中没有该身份证号的人员',
  conflicting: '登记的户主身份证号指向不同人员',
  heads_other: '该人员已是其他户的户主',
} as const;

export const emptyEntityOutcome = (): EntityOutcome => ({
  updated: 0,
  created: 0,
  conflicts: 0,
  unplaced: 0,
  changedEntities: [],
  reviewItems: [],
  createdFigures: {},
});

export { UNPLACED_SUFFIX };

/** Candidates an item shows at most: enough to choose from, few enough to read. */
const MAX_CANDIDATES = 10;

/** USCC registration-authority and kind codes (GB 32100-2015) → the platform's organisation kind. */
function organizationKind(
  uscc: string,
): 'enterprise' | 'individual_business' | 'social_org' | 'public_institution' {
  if (uscc.startsWith('92')) return 'individual_business';
  if (uscc.startsWith('5')) return 'social_org';
  if (uscc.startsWith('1')) return 'public_institution';
  return 'enterprise';
}

interface Actor {
  username: string;
  scopePath: string;
  audit(db: Db, entry: RequestAuditEntry): Promise<void>;
}

const str = (v: unknown) => (v === null || v === undefined || v === '' ? null : String(v));
const area = (v: unknown) => (v === null || v === undefined ? null : Number(v).toFixed(2));
const day = (v: unknown) =>
  v === null || v === undefined
    ? null
    : v instanceof Date
      ? v.toISOString().slice(0, 10)
      : String(v).slice(0, 10);

const TABLE: Record<ResolvedEntityType, 'house' | 'household' | 'organization'> = {
  house: 'house',
  household: 'household',
  organization: 'organization',
};

/**
 * The columns that reference a row of each type (its foreign keys), repointed when a duplicate is absorbed; a
 * test checks them against the database's foreign keys. Columns that name a row by id without a foreign key:
 * the review queue's references (`h:12`), repointed too (`repointReviews`); and history, which keeps the
 * absorbed id because it says what was true then — audit_log.entity_ids (append-only), identity_pair and
 * identity_cluster_member (what a run saw), identity_entity_merge (the absorbed row's own merges, and the
 * absorbing merge that brings it back), the merged conflict's own review item (undo reopens it). The other
 * domains hold these entities by foreign key only (persons, devices, facilities, providers); their jsonb
 * (sensing alert details, planning results, profile evidence) names buildings and persons, not these rows.
 */
export const REFERENCES: Record<ResolvedEntityType, { table: string; column: string }[]> = {
  house: [
    { table: 'household', column: 'house_id' },
    { table: 'person', column: 'house_id' },
    { table: 'sensor_device', column: 'house_id' },
  ],
  household: [
    { table: 'person', column: 'household_id' },
    { table: 'sensor_device', column: 'household_id' },
  ],
  organization: [
    { table: 'facility', column: 'operator_org_id' },
    { table: 'service_provider', column: 'organization_id' },
  ],
};

/** A register's house address made whole where it keeps building, unit and room in their own columns. */
function composedHouseAddress(f: Values): string | null {
  if (!f['address']) return null;
  if (!f['building'] || !f['room_no']) return f['address'];
  const withMark = (v: string, mark: RegExp, suffix: string) => (mark.test(v) ? v : `${v}${suffix}`);
  return (
    f['address'] +
    withMark(f['building'], /(幢|栋|号楼|座)$/, '幢') +
    (f['unit_no'] ? withMark(f['unit_no'], /单元$/, '单元') : '') +
    withMark(f['room_no'], /室$/, '室')
  );
}

/** The golden-field values a register record offers. */
function sourceGoldenValues(type: ResolvedEntityType, f: Values, link: Record<string, string>): Values {
  if (type === 'house')
    return {
      address: composedHouseAddress(f),
      unit_no: link['unit'] || null,
      room_no: link['room'] || null,
      area_m2: f['area_m2'] ?? null,
      use_type: f['use_type'] ?? null,
    };
  if (type === 'household')
    return { household_no: f['household_no'] ?? null, member_count: f['member_count'] ?? null };
  return {
    name: f['name'] ?? null,
    uscc: f['uscc'] ?? null,
    address: f['address'] ?? null,
    legal_rep_name: f['legal_rep_name'] ?? null,
    contact_phone: f['contact_phone'] ?? null,
  };
}

export function createEntityResolution(db: Db, cipher: FieldCipher) {
  const open = (c: Uint8Array | null) => (c ? cipher.open(c) : null);

  async function rules(type: ResolvedEntityType): Promise<SurvivorshipRule<string>[]> {
    const rows = await db
      .selectFrom('identity_entity_rule')
      .selectAll()
      .where('entity_type', '=', type)
      .orderBy('field')
      .execute();
    return rows.map((r) => ({ field: r.field, rule: r.rule, sourcePriority: r.source_priority }));
  }

  /** The platform rows of the type in scope: their id, golden values and what the engine compares. */
  async function platformRows(type: ResolvedEntityType, scopePath: string) {
    const like = scopeLikePattern(scopePath);
    const out: {
      id: number;
      scopePath: string;
      current: Values;
      link: Record<string, string>;
      source: string;
      updatedAt: string | null;
    }[] = [];
    if (type === 'house') {
      const rows = await db
        .selectFrom('house')
        .selectAll()
        .where('scope_path', 'like', like)
        .orderBy('id')
        .execute();
      for (const h of rows)
        out.push({
          id: h.id,
          scopePath: h.scope_path,
          current: {
            address: h.address,
            unit_no: str(h.unit_no),
            room_no: h.room_no,
            area_m2: area(h.area_m2),
            use_type: h.use_type,
          },
          link: houseLinkValues(h.address, { area_m2: area(h.area_m2) }),
          source: h.source,
          updatedAt: iso(h.source_updated_at ?? h.updated_at),
        });
    } else if (type === 'household') {
      const rows = await db
        .selectFrom('household as hh')
        .leftJoin('person as head', 'head.id', 'hh.head_person_id')
        .leftJoin('house', 'house.id', 'hh.house_id')
        .select([
          'hh.id',
          'hh.scope_path',
          'hh.household_no',
          'hh.member_count',
          'hh.source',
          'hh.source_updated_at',
          'hh.updated_at',
          'head.name as head_name',
          'head.id_number_cipher as head_id_cipher',
          'house.address as address',
        ])
        .where('hh.scope_path', 'like', like)
        .orderBy('hh.id')
        .execute();
      const members = new Map<number, string[]>();
      for (const p of await db
        .selectFrom('person')
        .select(['household_id', 'name'])
        .where('scope_path', 'like', like)
        .where('household_id', 'is not', null)
        .execute()) {
        const list = members.get(p.household_id!);
        if (list) list.push(p.name);
        else members.set(p.household_id!, [p.name]);
      }
      for (const h of rows)
        out.push({
          id: h.id,
          scopePath: h.scope_path,
          current: { household_no: h.household_no, member_count: str(h.member_count) },
          link: householdLinkValues({
            householdNo: h.household_no,
            headId: open(h.head_id_cipher),
            headName: h.head_name,
            address: h.address,
            members: members.get(h.id) ?? [],
            memberCount: str(h.member_count),
          }),
          source: h.source,
          updatedAt: iso(h.source_updated_at ?? h.updated_at),
        });
    } else {
      const rows = await db
        .selectFrom('organization')
        .selectAll()
        .where('scope_path', 'like', like)
        .orderBy('id')
        .execute();
      for (const o of rows)
        out.push({
          id: o.id,
          scopePath: o.scope_path,
          current: {
            name: o.name,
            uscc: o.uscc,
            address: o.address,
            legal_rep_name: o.legal_rep_name,
            contact_phone: o.contact_phone,
          },
          link: organizationLinkValues({
            uscc: o.uscc,
            name: o.name,
            address: o.address,
            legalRep: o.legal_rep_name,
            phone: o.contact_phone,
          }),
          source: o.source,
          updatedAt: iso(o.source_updated_at ?? o.updated_at),
        });
    }
    return out;
  }

  /**
   * The platform's own values of rows that merges have written, kept in `previous` by the first merge still in
   * force: without them a re-run would weigh the golden values as the platform's and let them win.
   */
  async function originalValues(type: ResolvedEntityType) {
    const rows = await db
      .selectFrom('identity_entity_merge')
      .select(['entity_id', 'previous', 'created_entity'])
      .where('entity_type', '=', type)
      .where('status', '=', 'applied')
      .orderBy('id')
      .execute();
    const out = new Map<number, { values: Values; observedAt: string | null }>();
    for (const m of rows) {
      if (out.has(m.entity_id)) continue;
      const p = m.previous as { columns: Values | null; source_updated_at: string | null };
      // A row a merge created has no values of its own (its registers decide); a merge that absorbed a
      // duplicate replaced no columns, so an earlier or later merge says what they were.
      if (m.created_entity) out.set(m.entity_id, { values: {}, observedAt: null });
      else if (p.columns) out.set(m.entity_id, { values: p.columns, observedAt: p.source_updated_at });
    }
    return out;
  }

  async function load(type: ResolvedEntityType, scopePath: string): Promise<EntityRecord[]> {
    const kind = ENTITY_KINDS[type];
    const original = await originalValues(type);
    const records: EntityRecord[] = [];
    for (const r of await platformRows(type, scopePath)) {
      const ref = `${kind.platformPrefix}${r.id}`;
      const before = r.source === 'identity' ? original.get(r.id) : undefined;
      records.push({
        ref,
        scopePath: r.scopePath,
        linkValues: r.link,
        platformId: r.id,
        current: r.current,
        platformSource: r.source,
        platformUpdatedAt: r.updatedAt,
        candidate: {
          ref,
          source: PLATFORM_SOURCE,
          sourcePersonId: null,
          sourceRow: null,
          importRunId: null,
          observedAt: before ? before.observedAt : r.updatedAt,
          values: before ? before.values : r.current,
        },
      });
    }
    const sources = await db
      .selectFrom('source_entity')
      .selectAll()
      .where('entity_type', '=', type)
      .where('scope_path', 'like', scopeLikePattern(scopePath))
      .orderBy('id')
      .execute();
    for (const s of sources) {
      const f = s.fields as Values;
      const link =
        type === 'house'
          ? houseLinkValues(f['address'] ?? '', {
              building: f['building'],
              unit: f['unit_no'],
              room: f['room_no'],
              area_m2: f['area_m2'],
            })
          : type === 'household'
            ? householdLinkValues({
                householdNo: f['household_no'] ?? null,
                headId: open(s.head_id_cipher),
                headName: f['head_name'] ?? null,
                address: f['address'] ?? null,
                members: parseMembers(f['members']).map((m) => m.name),
                memberCount: f['member_count'] ?? null,
              })
            : organizationLinkValues({
                uscc: f['uscc'] ?? null,
                name: f['name'] ?? null,
                address: f['address'] ?? null,
                legalRep: f['legal_rep_name'] ?? null,
                phone: f['contact_phone'] ?? null,
              });
      const ref = `${SOURCE_ENTITY_PREFIX}${s.id}`;
      records.push({
        ref,
        scopePath: s.scope_path,
        linkValues: link,
        platformId: null,
        current: null,
        platformSource: null,
        platformUpdatedAt: null,
        ...(type === 'household'
          ? {
              headIdHash: s.head_id_hash,
              members: parseMembers(f['members']),
            }
          : {}),
        candidate: {
          ref,
          source: s.source,
          sourcePersonId: Number(s.id),
          sourceRow: s.source_row,
          importRunId: null,
          observedAt: s.record_date ? `${s.record_date}T00:00:00.000Z` : iso(s.imported_at),
          values: sourceGoldenValues(type, f, link),
        },
      });
    }
    return records;
  }

  /** The platform row's columns a golden record sets, typed per table. */
  async function writeColumns(
    trx: Db,
    type: ResolvedEntityType,
    id: number,
    v: Values,
    source: string,
    at: Date | string | null,
  ) {
    const meta = { source, source_updated_at: at, updated_at: new Date() };
    if (type === 'house')
      await trx
        .updateTable('house')
        .set({
          address: v['address']!,
          unit_no: v['unit_no'] ?? null,
          room_no: v['room_no']!,
          area_m2: v['area_m2'] === null || v['area_m2'] === undefined ? null : Number(v['area_m2']),
          use_type: v['use_type'] as 'residential',
          ...meta,
        })
        .where('id', '=', id)
        .execute();
    else if (type === 'household')
      await trx
        .updateTable('household')
        .set({ household_no: v['household_no']!, member_count: Number(v['member_count'] ?? 0), ...meta })
        .where('id', '=', id)
        .execute();
    else
      await trx
        .updateTable('organization')
        .set({
          name: v['name']!,
          uscc: v['uscc'] ?? null,
          address: v['address']!,
          legal_rep_name: v['legal_rep_name'] ?? null,
          contact_phone: v['contact_phone'] ?? null,
          ...meta,
        })
        .where('id', '=', id)
        .execute();
  }

  /** Writes one golden record per cluster with exactly one platform row; answers what it did. */
  async function applyGolden(
    type: ResolvedEntityType,
    scopePath: string,
    runId: number,
    records: EntityRecord[],
    clusters: Map<number, number[]>,
    entityOfRecord: Map<number, number | null>,
    inReview: ReadonlySet<number> = new Set(),
  ): Promise<EntityOutcome> {
    const fieldRules = await rules(type);
    const outcome = emptyEntityOutcome();
    const provenance = new Map<
      number,
      { field: string; source: string; source_entity_id: number | null; rule: string }[]
    >();
    for (const p of await db
      .selectFrom('identity_entity_provenance')
      .select(['entity_id', 'field', 'source', 'source_entity_id', 'rule'])
      .where('entity_type', '=', type)
      .execute()) {
      const list = provenance.get(p.entity_id) ?? [];
      list.push({ ...p, source_entity_id: p.source_entity_id === null ? null : Number(p.source_entity_id) });
      provenance.set(p.entity_id, list);
    }
    // Credit codes are unique across organisations: a golden code another organisation holds is a conflict.
    const usccHolder = new Map<string, number>();
    if (type === 'organization')
      for (const o of await db
        .selectFrom('organization')
        .select(['id', 'uscc'])
        .where('uscc', 'is not', null)
        .execute())
        usccHolder.set(o.uscc!, o.id);

    const registerOnly: number[][] = [];
    const writes: {
      target: EntityRecord;
      golden: Map<string, ChosenValue<string>>;
      next: Values;
      changed: string[];
      members: number[];
    }[] = [];
    for (const members of clusters.values()) {
      const platform = members.filter((i) => records[i]!.platformId !== null);
      const setAll = (id: number | null) => {
        for (const i of members) entityOfRecord.set(i, id);
      };
      if (platform.length > 1) {
        // The platform has the entity more than once: each pair of its rows goes to the queue for a reviewer
        // to merge (or split).
        outcome.conflicts++;
        setAll(null);
        const refs = platform.map((i) => records[i]!.ref).sort();
        for (let a = 0; a < refs.length; a++)
          for (let b = a + 1; b < refs.length; b++)
            outcome.reviewItems.push({
              kind: 'conflict',
              left_ref: refs[a]!,
              right_ref: refs[b]!,
              problem: `平台中有 ${platform.length} 条${ENTITY_KINDS[type].label}记录指向同一实体，请核实后合并`,
              scope_path: records[platform[0]!]!.scopePath,
            });
        continue;
      }
      if (platform.length === 0) {
        setAll(null);
        // One whose pair with another record is in review waits for the reviewer (the pair is in the queue).
        if (members.some((i) => inReview.has(i))) outcome.unplaced++;
        else registerOnly.push(members);
        continue;
      }
      const target = records[platform[0]!]!;
      setAll(target.platformId);
      if (members.length === 1) continue;
      const golden = goldenRecord(
        fieldRules,
        members.map((i) => records[i]!.candidate),
      );
      const next: Values = { ...target.current };
      for (const [field, chosen] of golden) next[field] = chosen.value;
      if (type === 'organization' && next['uscc']) {
        const holder = usccHolder.get(next['uscc']);
        if (holder !== undefined && holder !== target.platformId) {
          outcome.conflicts++;
          continue;
        }
      }
      const changed = ENTITY_KINDS[type].goldenFields.filter(
        (f) => (next[f] ?? null) !== (target.current![f] ?? null),
      );
      const stored = provenance.get(target.platformId!) ?? [];
      const sameProvenance =
        stored.length === golden.size &&
        stored.every((p) => {
          const g = golden.get(p.field);
          return (
            g !== undefined &&
            g.from.source === p.source &&
            (g.from.sourcePersonId ?? null) === p.source_entity_id &&
            g.rule === p.rule
          );
        });
      if (changed.length === 0 && sameProvenance) continue;
      writes.push({ target, golden, next, changed, members });
    }

    for (let i = 0; i < writes.length; i += 200) {
      const batch = writes.slice(i, i + 200);
      await db.transaction().execute(async (trx) => {
        const ids = batch.map((w) => w.target.platformId!);
        const oldProvenance = new Map<number, unknown[]>();
        for (const p of await trx
          .selectFrom('identity_entity_provenance')
          .selectAll()
          .where('entity_type', '=', type)
          .where('entity_id', 'in', ids)
          .execute()) {
          const list = oldProvenance.get(p.entity_id) ?? [];
          list.push({ ...p, observed_at: iso(p.observed_at) });
          oldProvenance.set(p.entity_id, list);
        }
        const merges = await trx
          .insertInto('identity_entity_merge')
          .values(
            batch.map((w) => ({
              run_id: runId,
              entity_type: type,
              entity_id: w.target.platformId!,
              members: w.members.map((m) => records[m]!.ref),
              previous: JSON.stringify({
                columns: w.target.current,
                source: w.target.platformSource,
                source_updated_at: w.target.platformUpdatedAt,
                provenance: oldProvenance.get(w.target.platformId!) ?? [],
              }),
              changed_fields: w.changed,
              scope_path: w.target.scopePath,
            })),
          )
          .returning(['id', 'entity_id'])
          .execute();
        const mergeOf = new Map(merges.map((m) => [m.entity_id, Number(m.id)]));
        const now = new Date();
        for (const w of batch) await writeColumns(trx, type, w.target.platformId!, w.next, 'identity', now);
        await trx
          .deleteFrom('identity_entity_provenance')
          .where('entity_type', '=', type)
          .where('entity_id', 'in', ids)
          .execute();
        const rows = batch.flatMap((w) =>
          [...w.golden.values()].map((g) => ({
            entity_type: type,
            entity_id: w.target.platformId!,
            field: g.field,
            merge_id: mergeOf.get(w.target.platformId!)!,
            source: g.from.source,
            source_entity_id: g.from.sourcePersonId,
            source_row: g.from.sourceRow,
            rule: g.rule,
            observed_at: g.from.observedAt,
            value: g.value,
          })),
        );
        for (let k = 0; k < rows.length; k += 1000)
          await trx
            .insertInto('identity_entity_provenance')
            .values(rows.slice(k, k + 1000))
            .execute();
      });
      for (const w of batch) outcome.changedEntities.push(w.target.platformId!);
      outcome.updated += batch.length;
    }
    if (registerOnly.length > 0)
      await createFromRegisters(
        type,
        scopePath,
        runId,
        records,
        registerOnly,
        fieldRules,
        usccHolder,
        entityOfRecord,
        outcome,
      );
    return outcome;
  }

  /**
   * Where each type's created rows can hang: buildings by compound and number, houses by key. Beside them, what
   * an unplaced record's review item offers: the platform buildings of the compound it names (a house), the
   * houses of the building it names (a household).
   */
  async function placements(type: ResolvedEntityType, scopePath: string) {
    const like = scopeLikePattern(scopePath);
    const byKey = new Map<string, Placement>();
    const near = new Map<string, Candidate[]>();
    const offer = (key: string, c: Candidate) => {
      const list = near.get(key) ?? [];
      if (list.length < MAX_CANDIDATES && !list.some((x) => x.ref === c.ref)) list.push(c);
      near.set(key, list);
    };
    if (type === 'house' || type === 'household') {
      const houses = await db
        .selectFrom('house')
        .select(['id', 'building_id', 'grid_id', 'street_code', 'scope_path', 'address'])
        .where('scope_path', 'like', like)
        .orderBy('id')
        .execute();
      for (const h of houses) {
        const link = houseLinkValues(h.address, {});
        const at = { grid_id: h.grid_id, street_code: h.street_code, scope_path: h.scope_path };
        if (type === 'house' && link['compound'] && link['building']) {
          byKey.set(`${link['compound']}|${link['building']}`, { ...at, building_id: h.building_id });
          offer(link['compound'], {
            ref: `b:${h.building_id}`,
            label: `${link['compound']} ${link['building']}幢`,
            why: 'same_compound',
          });
        }
        if (type === 'household' && link['house_key']) {
          byKey.set(link['house_key'], { ...at, house_id: h.id });
          offer(`${link['compound']}|${link['building']}`, {
            ref: `h:${h.id}`,
            label: h.address,
            why: 'same_building',
          });
        }
      }
    }
    /** The candidates of a record whose compound and building (house key for a household) are given. */
    const candidatesOf = (link: (column: string) => string): Candidate[] => {
      if (type === 'house') return link('compound') ? (near.get(link('compound')) ?? []) : [];
      if (type !== 'household' || !link('house_key')) return [];
      // A house key is compound-building-unit-room; the compound may hold a dash of its own.
      const parts = link('house_key').split('-');
      return near.get(`${parts.slice(0, -3).join('-')}|${parts.at(-3)}`) ?? [];
    };
    return { byKey, candidatesOf };
  }

  /**
   * Where an organisation's address puts it: the platform building of the compound and number it names (that
   * building's grid and position); else the buildings at the road number it names, when they all stand in one
   * grid; else the first grid of the street it names. A building or road number in another street than the one
   * the address names is not taken.
   */
  async function organizationLocator(scopePath: string) {
    const like = scopeLikePattern(scopePath);
    const streets = await db
      .selectFrom('admin_division')
      .select(['name', 'path'])
      .where('level', '=', 4)
      .execute();
    const grids = await db
      .selectFrom('grid')
      .select(['id', 'street_code', 'path'])
      .where('path', 'like', like)
      .orderBy('id')
      .execute();
    const streetGrid = new Map<string, Placement>();
    for (const street of streets) {
      const g = grids.find((x) => x.path.startsWith(street.path));
      if (g)
        streetGrid.set(street.name, {
          grid_id: g.id,
          street_code: g.street_code,
          scope_path: g.path,
          by: 'street',
        });
    }
    const buildings = await db
      .selectFrom('building')
      .select(['id', 'grid_id', 'street_code', 'scope_path', 'address', 'road', 'road_no', 'lng', 'lat'])
      .where('scope_path', 'like', like)
      .orderBy('id')
      .execute();
    const byBuilding = new Map<string, Placement>();
    const byRoadNumber = new Map<string, Placement | null>();
    const roads = new Set<string>();
    for (const b of buildings) {
      const at = {
        grid_id: b.grid_id,
        street_code: b.street_code,
        scope_path: b.scope_path,
        lng: b.lng,
        lat: b.lat,
      };
      const parts = buildingAddressParts(b.address);
      if (parts)
        byBuilding.set(`${parts.compound}|${parts.building}`, { ...at, building_id: b.id, by: 'building' });
      const no = b.road && b.road_no ? roadNumberAfter(`${b.road}${b.road_no}`, b.road) : '';
      if (!no) continue;
      roads.add(b.road!);
      const key = `${b.road}|${no}`;
      const seen = byRoadNumber.get(key);
      // Buildings of one road number in two grids do not say which grid the organisation is in.
      if (seen === undefined) byRoadNumber.set(key, { ...at, by: 'road_number' });
      else if (seen !== null && seen.grid_id !== b.grid_id) byRoadNumber.set(key, null);
    }
    return (address: string): Placement | undefined => {
      const street = streets.find((x) => address.includes(x.name));
      const inStreet = (p: Placement | null | undefined) =>
        p && (!street || p.scope_path.startsWith(street.path)) ? p : undefined;
      const parts = buildingAddressParts(address);
      const building = parts ? inStreet(byBuilding.get(`${parts.compound}|${parts.building}`)) : undefined;
      if (building) return building;
      for (const road of roads) {
        const no = roadNumberAfter(address, road);
        const at = no ? inStreet(byRoadNumber.get(`${road}|${no}`)) : undefined;
        if (at) return at;
      }
      return street ? streetGrid.get(street.name) : undefined;
    };
  }

  /**
   * The persons a created household links: its head by the register's head ID number (the blind index against
   * the person's, in scope) when the cluster's records name exactly one person who heads no other household;
   * its members among the persons of its house who belong to no household — by name with the birth date and sex
   * where the register gives them, by name alone only where it does not — when exactly one person fits. A member
   * two persons fit is not picked: it stays unlinked and counted ambiguous; one nobody fits is not found. A
   * household left without a head gets the persons a reviewer can pick from. Read once for all the run's created
   * households.
   */
  async function householdPersons(
    scopePath: string,
    records: EntityRecord[],
    creations: { members: number[]; at: Placement }[],
  ) {
    const like = scopeLikePattern(scopePath);
    const hashes = new Map<string, Uint8Array>();
    for (const c of creations)
      for (const m of c.members) {
        const h = records[m]!.headIdHash;
        if (h) hashes.set(Buffer.from(h).toString('base64'), h);
      }
    type Resident = { id: number; name: string; birth_date: string | null; sex: string };
    const byHash = new Map<string, Resident & { household_id: number | null }>();
    const heads = new Set<number>();
    const list = [...hashes.values()];
    for (let i = 0; i < list.length; i += 1000) {
      const rows = await db
        .selectFrom('person')
        .select(['id', 'name', 'birth_date', 'sex', 'household_id', 'id_number_hash'])
        .where('scope_path', 'like', like)
        .where('id_number_hash', 'in', list.slice(i, i + 1000))
        .execute();
      for (const r of rows)
        byHash.set(Buffer.from(r.id_number_hash!).toString('base64'), {
          ...r,
          birth_date: day(r.birth_date),
        });
      if (rows.length > 0)
        for (const h of await db
          .selectFrom('household')
          .select('head_person_id')
          .where(
            'head_person_id',
            'in',
            rows.map((r) => r.id),
          )
          .execute())
          heads.add(h.head_person_id!);
    }
    const houseIds = [...new Set(creations.map((c) => c.at.house_id).filter((h) => h !== undefined))];
    const residents = new Map<number, Resident[]>();
    for (let i = 0; i < houseIds.length; i += 1000)
      for (const p of await db
        .selectFrom('person')
        .select(['id', 'name', 'birth_date', 'sex', 'house_id'])
        .where('scope_path', 'like', like)
        .where('house_id', 'in', houseIds.slice(i, i + 1000))
        .where('household_id', 'is', null)
        .orderBy('id')
        .execute())
        residents.set(p.house_id!, [
          ...(residents.get(p.house_id!) ?? []),
          { ...p, birth_date: day(p.birth_date) },
        ]);
    /** A person fits a register member by name, and by birth date and sex where both sides know them. */
    const fits = (p: Resident, m: RegisterMember) =>
      p.name === m.name &&
      (m.birthDate === null || p.birth_date === null || p.birth_date === m.birthDate) &&
      (m.sex === null || !['1', '2'].includes(p.sex) || p.sex === m.sex);
    const label = (p: Resident) =>
      `${maskName(p.name)}${p.birth_date ? ` ${p.birth_date.slice(0, 4)}年生` : ''}`;
    const taken = new Set<number>();
    return {
      linksOf(members: number[], houseId: number) {
        const named = new Map<number, Resident & { household_id: number | null }>();
        let anyId = false;
        for (const m of members) {
          const h = records[m]!.headIdHash;
          if (!h) continue;
          anyId = true;
          const p = byHash.get(Buffer.from(h).toString('base64'));
          if (p) named.set(p.id, p);
        }
        let head: (Resident & { household_id: number | null }) | null = null;
        let problem: keyof typeof HEAD_PROBLEM | null = null;
        if (!anyId) problem = 'no_id_number';
        else if (named.size === 0) problem = 'not_found';
        else if (named.size > 1) problem = 'conflicting';
        else {
          const p = [...named.values()][0]!;
          if (heads.has(p.id) || taken.has(p.id)) problem = 'heads_other';
          else head = p;
        }
        const linked: number[] = [];
        if (head !== null) {
          taken.add(head.id);
          if (head.household_id === null) linked.push(head.id);
        }
        // The cluster's records may list a member twice (two registers, one with the birth date): the fuller
        // entry stands for the name.
        const wanted = new Map<string, RegisterMember>();
        for (const m of members)
          for (const r of records[m]!.members ?? []) {
            const key = `${r.name}|${r.birthDate ?? ''}|${r.sex ?? ''}`;
            if (!wanted.has(key)) wanted.set(key, r);
          }
        for (const [key, r] of wanted)
          if (
            (r.birthDate === null || r.sex === null) &&
            [...wanted.values()].some(
              (o) =>
                o !== r &&
                o.name === r.name &&
                (o.birthDate ?? '') >= (r.birthDate ?? '') &&
                (o.sex ?? '') >= (r.sex ?? ''),
            )
          )
            wanted.delete(key);
        const unlinked: { name: string; reason: 'ambiguous' | 'not_found' }[] = [];
        const pool = residents.get(houseId) ?? [];
        for (const r of wanted.values()) {
          // The head is listed among the members too.
          if (head !== null && fits(head, r)) continue;
          const fitting = pool.filter((p) => !taken.has(p.id) && fits(p, r));
          if (fitting.length === 1) {
            linked.push(fitting[0]!.id);
            taken.add(fitting[0]!.id);
          } else
            unlinked.push({ name: maskName(r.name), reason: fitting.length > 1 ? 'ambiguous' : 'not_found' });
        }
        // Who could head a household left without one: the persons its registers' ID numbers name, then its
        // linked members and the house's other residents in no household.
        const candidates: Candidate[] = [];
        if (problem !== null) {
          for (const p of named.values())
            candidates.push({
              ref: `p:${p.id}`,
              label: label(p),
              why: heads.has(p.id) || taken.has(p.id) ? 'heads_other' : 'id_number',
            });
          for (const p of pool)
            if (
              candidates.length < MAX_CANDIDATES &&
              !named.has(p.id) &&
              (linked.includes(p.id) || !taken.has(p.id))
            )
              candidates.push({
                ref: `p:${p.id}`,
                label: label(p),
                why: linked.includes(p.id) ? 'member' : 'resident',
              });
        }
        return { head: head?.id ?? null, problem, members: linked, unlinked, candidates };
      },
    };
  }

  /**
   * Register-only clusters: the platform row is created from the golden record where the registers say enough to
   * place it (a house its building, a household its house, an organisation its name, credit code and street);
   * the others go to the review queue with the reason.
   */
  async function createFromRegisters(
    type: ResolvedEntityType,
    scopePath: string,
    runId: number,
    records: EntityRecord[],
    clusters: number[][],
    fieldRules: SurvivorshipRule<string>[],
    usccHolder: Map<string, number>,
    entityOfRecord: Map<number, number | null>,
    outcome: EntityOutcome,
  ) {
    const { byKey: where, candidatesOf } =
      type === 'organization'
        ? { byKey: new Map<string, Placement>(), candidatesOf: () => [] as Candidate[] }
        : await placements(type, scopePath);
    const locate = type === 'organization' ? await organizationLocator(scopePath) : null;
    const label = ENTITY_KINDS[type].label;
    const creations: {
      members: number[];
      golden: Map<string, ChosenValue<string>>;
      values: Values;
      at: Placement;
    }[] = [];
    for (const members of clusters) {
      const golden = goldenRecord(
        fieldRules,
        members.map((i) => records[i]!.candidate),
      );
      const values: Values = Object.fromEntries([...golden].map(([f, c]) => [f, c.value]));
      const link = (column: string) =>
        members.map((i) => records[i]!.linkValues[column]).find((v) => v) ?? '';
      let at: Placement | undefined;
      let problem = '';
      if (type === 'house') {
        at = where.get(`${link('compound')}|${link('building')}`);
        if (!at) problem = '登记的楼栋在平台中不存在，无法落位该房屋';
        else if (!values['room_no'] || !values['address']) problem = '登记缺少房号或地址，无法建立房屋';
      } else if (type === 'household') {
        at = link('house_key') ? where.get(link('house_key')) : undefined;
        if (!at) problem = '登记的住址在平台中找不到对应房屋，无法落位该户';
        else if (!values['household_no']) problem = '登记缺少户号，无法建立该户';
      } else {
        at = locate!(values['address'] ?? '');
        if (!values['name'] || !values['uscc']) problem = '登记缺少组织名称或统一社会信用代码，无法建立组织';
        else if (usccHolder.has(values['uscc'])) problem = '统一社会信用代码已属于平台中的其他组织';
        else if (!at) problem = '住所中没有可识别的街道，无法落位该组织';
      }
      if (problem || !at) {
        outcome.unplaced++;
        const refs = members.map((i) => records[i]!.ref).sort();
        outcome.reviewItems.push({
          kind: 'unplaced',
          left_ref: refs[0]!,
          right_ref: refs.length > 1 ? refs[refs.length - 1]! : `${refs[0]}${UNPLACED_SUFFIX}`,
          problem: `${label}：${problem}`,
          scope_path: records[members[0]!]!.scopePath,
          detail: { candidates: at ? [] : candidatesOf(link) },
        });
        continue;
      }
      if (type === 'organization') usccHolder.set(values['uscc']!, -1);
      creations.push({ members, golden, values, at });
    }
    const figures = outcome.createdFigures;
    const count = (key: string, n = 1) => {
      figures[key] = (figures[key] ?? 0) + n;
    };
    const persons = type === 'household' ? await householdPersons(scopePath, records, creations) : null;
    const now = new Date();
    for (let i = 0; i < creations.length; i += 200) {
      const batch = creations.slice(i, i + 200);
      await db.transaction().execute(async (trx) => {
        for (const c of batch) {
          const v = c.values;
          const base = {
            grid_id: c.at.grid_id,
            street_code: c.at.street_code,
            scope_path: c.at.scope_path,
            source: 'identity',
            source_updated_at: now,
          };
          const row =
            type === 'house'
              ? await trx
                  .insertInto('house')
                  .values({
                    ...base,
                    building_id: c.at.building_id!,
                    address: v['address']!,
                    unit_no: v['unit_no'] ?? null,
                    room_no: v['room_no']!,
                    area_m2: v['area_m2'] ? Number(v['area_m2']) : null,
                    use_type: (v['use_type'] as 'residential' | null) ?? 'residential',
                    occupancy: 'other',
                  })
                  .returning('id')
                  .executeTakeFirstOrThrow()
              : type === 'household'
                ? await trx
                    .insertInto('household')
                    .values({
                      ...base,
                      house_id: c.at.house_id!,
                      household_no: v['household_no']!,
                      registration_type: 'household',
                      member_count: Number(v['member_count'] ?? 0),
                    })
                    .returning('id')
                    .executeTakeFirstOrThrow()
                : await trx
                    .insertInto('organization')
                    .values({
                      ...base,
                      lng: c.at.lng ?? null,
                      lat: c.at.lat ?? null,
                      name: v['name']!,
                      uscc: v['uscc']!,
                      kind: organizationKind(v['uscc']!),
                      address: v['address'] ?? '',
                      legal_rep_name: v['legal_rep_name'] ?? null,
                      contact_phone: v['contact_phone'] ?? null,
                    })
                    .returning('id')
                    .executeTakeFirstOrThrow();
          // What placed the row and which persons it linked, kept with the creation (undo unlinks them).
          const placed: Record<string, unknown> = {};
          if (type === 'organization') {
            placed['placement'] = { by: c.at.by, buildingId: c.at.building_id ?? null };
            count(`placed_${c.at.by}`);
          } else if (type === 'household') {
            const links = persons!.linksOf(c.members, c.at.house_id!);
            if (links.head !== null)
              await trx
                .updateTable('household')
                .set({ head_person_id: links.head })
                .where('id', '=', row.id)
                .execute();
            if (links.members.length > 0)
              await trx
                .updateTable('person')
                .set({ household_id: row.id })
                .where('id', 'in', links.members)
                .where('household_id', 'is', null)
                .execute();
            placed['head'] = { personId: links.head, problem: links.problem && HEAD_PROBLEM[links.problem] };
            placed['linkedPersons'] = links.members;
            placed['unlinkedMembers'] = links.unlinked;
            count(links.problem ? `head_${links.problem}` : 'head_linked');
            count('members_linked', links.members.length);
            for (const u of links.unlinked) count(`members_${u.reason}`);
            // A household without its head waits for a worker to pick one among the candidates, or to confirm
            // it has none (a single-record item: its second reference is the placeholder).
            if (links.problem)
              outcome.reviewItems.push({
                kind: 'household_head',
                left_ref: `${ENTITY_KINDS.household.platformPrefix}${row.id}`,
                right_ref: `${ENTITY_KINDS.household.platformPrefix}${row.id}${UNPLACED_SUFFIX}`,
                problem: `户主未关联：${HEAD_PROBLEM[links.problem]}`,
                scope_path: c.at.scope_path,
                detail: { candidates: links.candidates },
              });
          }
          const merge = await trx
            .insertInto('identity_entity_merge')
            .values({
              run_id: runId,
              entity_type: type,
              entity_id: row.id,
              members: c.members.map((m) => records[m]!.ref),
              previous: JSON.stringify({
                columns: null,
                source: null,
                source_updated_at: null,
                provenance: [],
                ...placed,
              }),
              changed_fields: [...c.golden.keys()],
              scope_path: c.at.scope_path,
              created_entity: true,
            })
            .returning('id')
            .executeTakeFirstOrThrow();
          await trx
            .insertInto('identity_entity_provenance')
            .values(
              [...c.golden.values()].map((g) => ({
                entity_type: type,
                entity_id: row.id,
                field: g.field,
                merge_id: Number(merge.id),
                source: g.from.source,
                source_entity_id: g.from.sourcePersonId,
                source_row: g.from.sourceRow,
                rule: g.rule,
                observed_at: g.from.observedAt,
                value: g.value,
              })),
            )
            .execute();
          for (const m of c.members) entityOfRecord.set(m, row.id);
          outcome.changedEntities.push(row.id);
        }
      });
      outcome.created += batch.length;
    }
  }

  /** An entity's golden record: each field's value with where it came from, and the merges. */
  async function golden(actor: Actor, type: ResolvedEntityType, id: number) {
    const row = await db
      .selectFrom(TABLE[type])
      .select(['id', 'scope_path'])
      .where('id', '=', id)
      .where('scope_path', 'like', scopeLikePattern(actor.scopePath))
      .executeTakeFirst();
    if (!row) throw new AppError('IDENTITY_ENTITY_NOT_FOUND');
    const provenance = await db
      .selectFrom('identity_entity_provenance')
      .selectAll()
      .where('entity_type', '=', type)
      .where('entity_id', '=', id)
      .orderBy('field')
      .execute();
    const merges = await db
      .selectFrom('identity_entity_merge')
      .selectAll()
      .where('entity_type', '=', type)
      .where('entity_id', '=', id)
      .orderBy('id', 'desc')
      .execute();
    const latest = merges.find((m) => m.status === 'applied');
    const current = (await platformRows(type, row.scope_path)).find((r) => r.id === id)!;
    await actor.audit(db, { action: 'identity.golden.read', entityType: type, entityIds: [id] });
    return {
      entityType: type,
      entityId: id,
      current: Object.entries(current.current).map(([field, value]) => ({
        field,
        value: presentValue(field, value),
      })),
      fields: provenance.map((p) => ({
        field: p.field,
        value: presentValue(p.field, p.value),
        source: p.source,
        sourceEntityId: p.source_entity_id === null ? null : Number(p.source_entity_id),
        sourceRow: p.source_row,
        rule: p.rule,
        observedAt: iso(p.observed_at),
        mergeId: Number(p.merge_id),
      })),
      merges: merges.map((m) => presentMerge(m, latest)),
    };
  }

  /** The entity's provenance rows as a merge keeps them in `previous`, to put back on undo. */
  async function provenanceOf(trx: Db, type: ResolvedEntityType, id: number) {
    return (
      await trx
        .selectFrom('identity_entity_provenance')
        .selectAll()
        .where('entity_type', '=', type)
        .where('entity_id', '=', id)
        .execute()
    ).map((p) => ({ ...p, observed_at: iso(p.observed_at) }));
  }

  async function restoreProvenance(
    trx: Db,
    type: ResolvedEntityType,
    id: number,
    rows: Record<string, unknown>[],
  ) {
    await trx
      .deleteFrom('identity_entity_provenance')
      .where('entity_type', '=', type)
      .where('entity_id', '=', id)
      .execute();
    if (rows.length > 0)
      await trx
        .insertInto('identity_entity_provenance')
        .values(
          rows.map((p) => ({
            entity_type: type,
            entity_id: id,
            field: p['field'] as string,
            merge_id: Number(p['merge_id']),
            source: p['source'] as string,
            source_entity_id: p['source_entity_id'] === null ? null : Number(p['source_entity_id']),
            source_row: (p['source_row'] as number | null) ?? null,
            rule: p['rule'] as string,
            observed_at: (p['observed_at'] as string | null) ?? null,
            value: (p['value'] as string | null) ?? null,
          })),
        )
        .execute();
  }

  /** Points the rows that reference `from` (by id, or those listed) at `to`; answers the ids moved per column. */
  async function repoint(
    trx: Db,
    type: ResolvedEntityType,
    from: number,
    to: number,
    only?: Record<string, number[]>,
  ): Promise<Record<string, number[]>> {
    const moved: Record<string, number[]> = {};
    for (const { table, column } of REFERENCES[type]) {
      const key = `${table}.${column}`;
      if (only && !(only[key]?.length ?? 0)) continue;
      const rows = await sql<{ id: number }>`
        UPDATE ${sql.table(table)} SET ${sql.ref(column)} = ${to}
        WHERE ${sql.ref(column)} = ${from}
        ${only ? sql`AND id IN (${sql.join(only[key]!)})` : sql``}
        RETURNING id`.execute(trx);
      moved[key] = rows.rows.map((r) => Number(r.id));
    }
    return moved;
  }

  /**
   * A reviewer's merge of a conflict (two platform rows of one entity): the row with the higher id is absorbed by
   * the other — what referenced it now references the survivor, and the row is removed — in a merge that keeps
   * the absorbed row, its references and its provenance, so undo brings it back. The next run writes the
   * survivor's golden record from the cluster.
   */
  async function absorb(
    trx: Db,
    actor: Actor,
    review: { id: number; entity_type: string; left_ref: string; right_ref: string; scope_path: string },
  ) {
    const type = review.entity_type as ResolvedEntityType;
    const prefix = ENTITY_KINDS[type].platformPrefix;
    const [survivor, absorbed] = [review.left_ref, review.right_ref]
      .map((r) => Number(r.slice(prefix.length)))
      .sort((a, b) => a - b) as [number, number];
    const rows = await trx
      .selectFrom(TABLE[type])
      .selectAll()
      .where('id', 'in', [survivor, absorbed])
      .execute();
    const row = (rows as Record<string, unknown>[]).find((r) => Number(r['id']) === absorbed);
    if (rows.length !== 2 || !row) throw new AppError('IDENTITY_REVIEW_CLOSED');
    const absorbedProvenance = await provenanceOf(trx, type, absorbed);
    const references = await repoint(trx, type, absorbed, survivor);
    const reviews = await repointReviews(
      trx,
      type,
      `${prefix}${absorbed}`,
      `${prefix}${survivor}`,
      review.id,
    );
    await trx
      .deleteFrom('identity_entity_provenance')
      .where('entity_type', '=', type)
      .where('entity_id', '=', absorbed)
      .execute();
    await trx.deleteFrom(TABLE[type]).where('id', '=', absorbed).execute();
    const merge = await trx
      .insertInto('identity_entity_merge')
      .values({
        run_id: (
          await trx
            .selectFrom('identity_review')
            .select('run_id')
            .where('id', '=', review.id)
            .executeTakeFirstOrThrow()
        ).run_id,
        entity_type: type,
        entity_id: survivor,
        members: [`${prefix}${survivor}`, `${prefix}${absorbed}`],
        previous: JSON.stringify({
          columns: null,
          source: null,
          source_updated_at: null,
          provenance: await provenanceOf(trx, type, survivor),
          absorbed: { row, references, provenance: absorbedProvenance, reviewId: review.id, reviews },
        }),
        scope_path: review.scope_path,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await actor.audit(trx, {
      action: `${type}.update`,
      entityType: type,
      entityIds: [survivor, absorbed],
      details: { mergeId: Number(merge.id), absorbed, references, reviews: reviews.map((r) => r.id) },
    });
    return Number(merge.id);
  }

  /**
   * The review items that name an absorbed row (other than the conflict being merged) name the survivor: a
   * reviewer's decision about the duplicate holds for the entity, and a household's head item follows it. One
   * that would become the survivor paired with itself, or a pair the queue already has, stays as it is (the
   * next run retires it when open). Answers the items moved with their old references, for undo.
   */
  async function repointReviews(
    trx: Db,
    type: ResolvedEntityType,
    absorbedRef: string,
    survivorRef: string,
    reviewId: number,
  ) {
    const rows = await trx
      .selectFrom('identity_review')
      .select(['id', 'left_ref', 'right_ref'])
      .where('entity_type', '=', type)
      .where('id', '<>', reviewId)
      .where((eb) =>
        eb.or([
          eb('left_ref', '=', absorbedRef),
          eb('right_ref', '=', absorbedRef),
          eb('right_ref', '=', `${absorbedRef}${UNPLACED_SUFFIX}`),
        ]),
      )
      .orderBy('id')
      .execute();
    const moved: { id: number; left_ref: string; right_ref: string }[] = [];
    for (const r of rows) {
      let next: [string, string];
      if (singleRecordOf(r.left_ref, r.right_ref)) next = [survivorRef, `${survivorRef}${UNPLACED_SUFFIX}`];
      else {
        const other = r.left_ref === absorbedRef ? r.right_ref : r.left_ref;
        if (other === survivorRef) continue;
        next = other < survivorRef ? [other, survivorRef] : [survivorRef, other];
      }
      const taken = await trx
        .selectFrom('identity_review')
        .select('id')
        .where('left_ref', '=', next[0])
        .where('right_ref', '=', next[1])
        .executeTakeFirst();
      if (taken) continue;
      await trx
        .updateTable('identity_review')
        .set({ left_ref: next[0], right_ref: next[1], updated_at: new Date() })
        .where('id', '=', r.id)
        .execute();
      moved.push({ id: Number(r.id), left_ref: r.left_ref, right_ref: r.right_ref });
    }
    return moved;
  }

  /**
   * A reviewer picks the head of a household an identity run created without one: one of the item's candidate
   * persons, who heads no other household, becomes its head (and joins it if in no household) in a merge that
   * keeps what it replaced, so undo clears the head again and reopens the item.
   */
  async function chooseHead(
    trx: Db,
    actor: Actor,
    review: { id: number; left_ref: string; scope_path: string; run_id: number; detail: unknown },
    personId: number,
  ) {
    const prefix = ENTITY_KINDS.household.platformPrefix;
    const householdId = Number(review.left_ref.slice(prefix.length));
    const household = await trx
      .selectFrom('household')
      .select(['id', 'head_person_id', 'house_id', 'scope_path'])
      .where('id', '=', householdId)
      .executeTakeFirst();
    if (!household) throw new AppError('IDENTITY_REVIEW_CLOSED');
    const candidates = (review.detail as IdentityReviewDetail | null)?.candidates ?? [];
    const person = await trx
      .selectFrom('person')
      .select(['id', 'household_id', 'house_id'])
      .where('id', '=', personId)
      .where('scope_path', 'like', scopeLikePattern(actor.scopePath))
      .executeTakeFirst();
    // A candidate of the item, or a resident of the household's house.
    if (
      !person ||
      (!candidates.some((c) => c.ref === `p:${personId}`) &&
        (person.house_id === null || person.house_id !== household.house_id))
    )
      throw new AppError('IDENTITY_HEAD_NOT_CANDIDATE');
    const headsOther = await trx
      .selectFrom('household')
      .select('id')
      .where('head_person_id', '=', personId)
      .where('id', '<>', householdId)
      .executeTakeFirst();
    if (headsOther || (person.household_id !== null && person.household_id !== householdId))
      throw new AppError('IDENTITY_HEAD_TAKEN');
    const joined = person.household_id === null;
    await trx
      .updateTable('household')
      .set({ head_person_id: personId, updated_at: new Date() })
      .where('id', '=', householdId)
      .execute();
    if (joined)
      await trx.updateTable('person').set({ household_id: householdId }).where('id', '=', personId).execute();
    const merge = await trx
      .insertInto('identity_entity_merge')
      .values({
        run_id: review.run_id,
        entity_type: 'household',
        entity_id: householdId,
        members: [`${prefix}${householdId}`, `p:${personId}`],
        previous: JSON.stringify({
          columns: null,
          source: null,
          source_updated_at: null,
          provenance: await provenanceOf(trx, 'household', householdId),
          headChoice: { reviewId: review.id, personId, previousHead: household.head_person_id, joined },
        }),
        changed_fields: ['head_person_id'],
        scope_path: household.scope_path,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await actor.audit(trx, {
      action: 'household.update',
      entityType: 'household',
      entityIds: [householdId],
      details: { mergeId: Number(merge.id), headPersonId: personId, reviewId: review.id },
    });
    return Number(merge.id);
  }

  /**
   * Puts back what the merge did, only the latest merge of the entity: the row's columns and provenance; a row
   * the merge created is removed, a row it absorbed comes back with its references.
   */
  async function undo(actor: Actor, mergeId: number, reason: string) {
    try {
      return await db.transaction().execute(async (trx) => {
        const merge = await trx
          .selectFrom('identity_entity_merge')
          .selectAll()
          .where('id', '=', mergeId)
          .where('scope_path', 'like', scopeLikePattern(actor.scopePath))
          .executeTakeFirst();
        if (!merge) throw new AppError('IDENTITY_MERGE_NOT_FOUND');
        const latest = await trx
          .selectFrom('identity_entity_merge')
          .select('id')
          .where('entity_type', '=', merge.entity_type)
          .where('entity_id', '=', merge.entity_id)
          .where('status', '=', 'applied')
          .orderBy('id', 'desc')
          .executeTakeFirst();
        if (merge.status !== 'applied' || Number(latest?.id) !== mergeId)
          throw new AppError('IDENTITY_MERGE_NOT_LATEST');
        const type = merge.entity_type;
        const previous = merge.previous as {
          columns: Values | null;
          source: string | null;
          source_updated_at: string | null;
          provenance: Record<string, unknown>[];
          absorbed?: {
            row: Record<string, unknown>;
            references: Record<string, number[]>;
            provenance: Record<string, unknown>[];
            reviewId: number;
            /** Review items moved to the survivor (merges before migration 0037 have none). */
            reviews?: { id: number; left_ref: string; right_ref: string }[];
          };
          headChoice?: { reviewId: number; personId: number; previousHead: number | null; joined: boolean };
        };
        if (merge.created_entity) {
          await restoreProvenance(trx, type, merge.entity_id, []);
          const linked = (merge.previous as { linkedPersons?: number[] }).linkedPersons ?? [];
          if (type === 'household' && linked.length > 0)
            await trx
              .updateTable('person')
              .set({ household_id: null })
              .where('id', 'in', linked)
              .where('household_id', '=', merge.entity_id)
              .execute();
          // The household's head item goes with it.
          await trx
            .updateTable('identity_review')
            .set({ status: 'obsolete', updated_at: new Date() })
            .where('entity_type', '=', type)
            .where('left_ref', '=', `${ENTITY_KINDS[type].platformPrefix}${merge.entity_id}`)
            .where(
              'right_ref',
              '=',
              `${ENTITY_KINDS[type].platformPrefix}${merge.entity_id}${UNPLACED_SUFFIX}`,
            )
            .execute();
          await trx.deleteFrom(TABLE[type]).where('id', '=', merge.entity_id).execute();
        } else {
          if (previous.columns)
            await writeColumns(
              trx,
              type,
              merge.entity_id,
              previous.columns,
              previous.source!,
              previous.source_updated_at,
            );
          await restoreProvenance(trx, type, merge.entity_id, previous.provenance);
        }
        if (previous.absorbed) {
          const a = previous.absorbed;
          const id = Number(a.row['id']);
          await trx
            .insertInto(TABLE[type])
            .values(a.row as never)
            .execute();
          await repoint(trx, type, merge.entity_id, id, a.references);
          await restoreProvenance(trx, type, id, a.provenance);
          for (const r of a.reviews ?? [])
            await trx
              .updateTable('identity_review')
              .set({ left_ref: r.left_ref, right_ref: r.right_ref, updated_at: new Date() })
              .where('id', '=', r.id)
              .execute();
          // The conflict is open again: the platform has the entity twice once more.
          await trx
            .updateTable('identity_review')
            .set({ status: 'open', updated_at: new Date() })
            .where('id', '=', a.reviewId)
            .execute();
        }
        if (previous.headChoice) {
          const h = previous.headChoice;
          await trx
            .updateTable('household')
            .set({ head_person_id: h.previousHead, updated_at: new Date() })
            .where('id', '=', merge.entity_id)
            .execute();
          if (h.joined)
            await trx
              .updateTable('person')
              .set({ household_id: null })
              .where('id', '=', h.personId)
              .where('household_id', '=', merge.entity_id)
              .execute();
          // The household has no head again: its item is open for another choice.
          await trx
            .updateTable('identity_review')
            .set({
              status: 'open',
              reason: null,
              decided_by: null,
              decided_at: null,
              detail: sql`detail - 'personId' - 'mergeId'`,
              updated_at: new Date(),
            })
            .where('id', '=', h.reviewId)
            .execute();
        }
        await repo.markMergeUndone(trx, 'identity_entity_merge', mergeId, actor.username, reason);
        await actor.audit(trx, {
          action: 'identity.merge.undo',
          entityType: type,
          entityIds: [merge.entity_id],
          purpose: reason.trim(),
          details: { mergeId, members: merge.members, createdEntity: merge.created_entity },
        });
        return { mergeId, entityType: type, entityId: merge.entity_id, status: 'undone' as const };
      });
    } catch (error) {
      if ((error as { code?: string }).code === '23503') throw new AppError('IDENTITY_ENTITY_IN_USE');
      throw error;
    }
  }

  /** Both records of review pairs in the shape the console shows persons' (masked where personal). */
  async function recordViews(refs: string[], executor: Db = db): Promise<Map<string, RecordView>> {
    const out = new Map<string, RecordView>();
    // Only whole references: an unplaced item's second one (se:12~) names no record.
    const idsOf = (prefix: string) =>
      refs
        .filter((r) => r.startsWith(prefix))
        .map((r) => Number(r.slice(prefix.length)))
        .filter((n) => Number.isInteger(n));
    const sourceIds = idsOf(SOURCE_ENTITY_PREFIX);
    if (sourceIds.length > 0)
      for (const s of await executor
        .selectFrom('source_entity')
        .selectAll()
        .where('id', 'in', sourceIds)
        .execute()) {
        const f = s.fields as Values;
        out.set(`${SOURCE_ENTITY_PREFIX}${s.id}`, {
          ...view(s.entity_type, f, s.head_id_masked),
          ref: `${SOURCE_ENTITY_PREFIX}${s.id}`,
          kind: 'source',
          source: s.source,
          sourceLabel: s.source,
          sourceKey: s.source_key,
          sourceRow: s.source_row,
          recordDate: s.record_date,
        });
      }
    for (const type of Object.keys(ENTITY_KINDS) as ResolvedEntityType[]) {
      const prefix = ENTITY_KINDS[type].platformPrefix;
      const ids = idsOf(prefix);
      if (ids.length === 0) continue;
      const rows = await executor.selectFrom(TABLE[type]).selectAll().where('id', 'in', ids).execute();
      // A household shows the address of its house.
      const houseIds = rows.map((r) => (r as { house_id?: number | null }).house_id).filter((h) => h != null);
      const addressOf = new Map(
        type === 'household' && houseIds.length > 0
          ? (
              await executor
                .selectFrom('house')
                .select(['id', 'address'])
                .where('id', 'in', houseIds)
                .execute()
            ).map((h) => [h.id, h.address])
          : [],
      );
      for (const r of rows as Record<string, unknown>[]) {
        const f: Values = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, str(v)]));
        if (type === 'household') f['house_address'] = addressOf.get(r['house_id'] as number) ?? null;
        out.set(`${prefix}${r['id']}`, {
          ...view(type, f, null),
          ref: `${prefix}${r['id']}`,
          kind: 'platform',
          source: PLATFORM_SOURCE,
          sourceLabel: `平台${ENTITY_KINDS[type].label}档案`,
          sourceKey: null,
          sourceRow: null,
          recordDate: iso(r['source_updated_at'] as Date | null)?.slice(0, 10) ?? null,
        });
      }
    }
    return out;
  }

  async function listRules(type: ResolvedEntityType) {
    return (await rules(type)).map((r) => ({
      field: r.field,
      rule: r.rule,
      sourcePriority: [...r.sourcePriority],
    }));
  }

  async function updateRule(
    actor: Actor,
    type: ResolvedEntityType,
    field: string,
    body: { rule: SurvivorshipRuleKind; sourcePriority: string[] },
  ) {
    if (!ENTITY_KINDS[type].goldenFields.includes(field))
      throw new AppError('IDENTITY_RULE_INVALID', [
        {
          field: '/field',
          message: `${ENTITY_KINDS[type].label}没有字段「${field}」`,
          messageEn: `no field "${field}"`,
        },
      ]);
    if (new Set(body.sourcePriority).size !== body.sourcePriority.length)
      throw new AppError('IDENTITY_RULE_INVALID', [
        { field: '/sourcePriority', message: '数据来源重复', messageEn: 'a source is listed twice' },
      ]);
    return db.transaction().execute(async (trx) => {
      await trx
        .updateTable('identity_entity_rule')
        .set({ rule: body.rule, source_priority: body.sourcePriority, updated_at: sql`now()` })
        .where('entity_type', '=', type)
        .where('field', '=', field)
        .execute();
      await actor.audit(trx, {
        action: 'identity.rule.update',
        entityType: 'identity_entity_rule',
        entityIds: [`${type}.${field}`],
        details: body,
      });
      return { field, rule: body.rule, sourcePriority: body.sourcePriority };
    });
  }

  return { load, applyGolden, golden, undo, absorb, chooseHead, recordViews, listRules, updateRule };
}

/** A golden value as lists show it: a contact phone masked, the rest as stored (not personal). */
function presentValue(field: string, value: string | null): string | null {
  if (value === null) return null;
  return field === 'contact_phone' ? maskPhone(value) : value;
}

/** A register record or platform row in the fields of the console's record view. */
function view(
  type: ResolvedEntityType,
  f: Values,
  headIdMasked: string | null,
): Omit<RecordView, 'ref' | 'kind' | 'source' | 'sourceLabel' | 'sourceKey' | 'sourceRow' | 'recordDate'> {
  const base = { importRunId: null, personId: null, sex: null, birthDate: null };
  if (type === 'organization')
    return {
      ...base,
      name: f['name'] ?? null,
      idNumber: f['uscc'] ?? null,
      phone: f['contact_phone'] ? maskPhone(f['contact_phone']) : null,
      address: f['address'] ?? null,
    };
  if (type === 'household')
    return {
      ...base,
      name: f['head_name'] ? maskName(f['head_name']) : `户号 ${f['household_no'] ?? ''}`,
      idNumber: headIdMasked ? headIdMasked : null,
      phone: null,
      // Where a family lives is personal: the house's address to the building, as persons' addresses are shown.
      address: f['house_address']
        ? maskAddress(f['house_address'])
        : f['household_no']
          ? `户号 ${f['household_no']}`
          : null,
    };
  return {
    ...base,
    name: f['room_no'] ? `${f['unit_no'] ?? '-'}单元 ${f['room_no']}` : null,
    idNumber: null,
    phone: null,
    address: f['address'] ?? null,
  };
}
