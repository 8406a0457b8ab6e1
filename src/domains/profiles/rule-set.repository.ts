// The rule set in force (the latest saved document) and its history. The default rules are saved on first use,
// so a fresh platform (and the demo) starts with the policies of default-rules.json.
import { parseRuleDocument, type RuleDocument } from '../../lib/rules/index.ts';
import type { Db } from '../../platform/db/index.ts';
import defaultRules from './default-rules.json' with { type: 'json' };
import { RESIDENT_FIELDS } from './resident-fields.ts';

export interface RuleSet {
  id: number;
  version: string;
  document: RuleDocument;
  createdBy: string;
  createdAt: Date;
}

export function defaultRuleDocument(): RuleDocument {
  const parsed = parseRuleDocument(defaultRules, RESIDENT_FIELDS);
  if (!parsed.ok) throw new Error(`default-rules.json is invalid: ${JSON.stringify(parsed.problems)}`);
  return parsed.value;
}

export async function currentRuleSet(db: Db): Promise<RuleSet | null> {
  const row = await db
    .selectFrom('profile_rule_set')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    version: row.version,
    document: row.document as RuleDocument,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}

export async function saveRuleSet(db: Db, doc: RuleDocument, reason: string, by: string): Promise<number> {
  const row = await db
    .insertInto('profile_rule_set')
    .values({ version: doc.version, document: JSON.stringify(doc), reason, created_by: by })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The rule set in force, saving the defaults first when none was ever saved. */
export async function ensureRuleSet(db: Db): Promise<RuleSet> {
  const current = await currentRuleSet(db);
  if (current) return current;
  await saveRuleSet(db, defaultRuleDocument(), '系统默认规则 default rules', 'system');
  return (await currentRuleSet(db))!;
}

export async function ruleSetHistory(db: Db) {
  return db
    .selectFrom('profile_rule_set')
    .select(['id', 'version', 'reason', 'created_by', 'created_at'])
    .orderBy('id', 'desc')
    .limit(100)
    .execute();
}
