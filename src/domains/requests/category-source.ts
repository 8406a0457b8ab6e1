// The request category tree (categories.ts) as the catalog the work-order loop reads: each leaf's department
// becomes a handling unit (streets and communities are territorial: the unit is the place's own street or
// community), each deadline tier a deadline rule on the working-time calendar.
import type { DeadlineRule } from '../../lib/calendar/working-time.ts';
import { DEPARTMENTS, type Deadline, type DepartmentKey, REQUEST_CATEGORY_TREE } from './categories.ts';
import {
  buildCatalog,
  type CategoryCatalog,
  type CategoryNodeInput,
  type CategoryRule,
} from './category-catalog.ts';

const UTILITIES: ReadonlySet<DepartmentKey> = new Set(['water', 'heating', 'gas', 'power', 'property']);

function unitKindOf(key: DepartmentKey): CategoryRule['unitKind'] {
  if (key === 'street') return 'street';
  if (key === 'community') return 'community';
  return UTILITIES.has(key) ? 'utility' : 'department';
}

function ruleOf(d: Deadline): DeadlineRule {
  return d.unit === 'hours' ? { unit: 'hours', amount: d.value } : { unit: 'work_days', amount: d.value };
}

export function categoryNodes(): CategoryNodeInput[] {
  return REQUEST_CATEGORY_TREE.flatMap((major) => [
    { code: major.code, nameZh: major.zh, nameEn: major.en, parentCode: null, leaf: false },
    ...major.children.map((c) => ({
      code: c.code,
      nameZh: c.zh,
      nameEn: c.en,
      parentCode: major.code,
      leaf: true,
      unitCode: c.department,
      unitName: DEPARTMENTS[c.department].zh,
      unitKind: unitKindOf(c.department),
      deadline: ruleOf(c.deadline),
      urgent: c.deadline.tier === 'emergency' || c.deadline.tier === 'utility',
    })),
  ]);
}

let cached: CategoryCatalog | null = null;

export function requestCategoryCatalog(): CategoryCatalog {
  cached ??= buildCatalog(categoryNodes());
  return cached;
}
