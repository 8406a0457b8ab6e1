// What the work-order loop needs from the request category tree: whether a code exists, its names, which unit
// handles it and in what time. The tree itself is data (categories.ts); this turns it into lookups once.
import type { DeadlineRule } from '../../lib/calendar/working-time.ts';

export interface CategoryRule {
  code: string;
  nameZh: string;
  nameEn: string;
  /** Parent codes from the root, for roll-ups by major class. */
  path: string[];
  /** Handling unit: a department code, or 'street' for the territorial street of the place (属地). */
  unitCode: string;
  unitName: string;
  unitKind: 'department' | 'utility' | 'street' | 'community';
  deadline: DeadlineRule;
  /** Urgent categories (risk to life or property, 水电气热) run on wall-clock hours and get a short response time. */
  urgent: boolean;
}

export interface CategoryCatalog {
  /** A category a request may be filed under (a leaf), or null. */
  find(code: string): CategoryRule | null;
  leaves(): readonly CategoryRule[];
  /** Names of every node (major classes too), for labels in roll-ups. */
  label(code: string): { zh: string; en: string } | null;
}

export interface CategoryNodeInput {
  code: string;
  nameZh: string;
  nameEn: string;
  parentCode: string | null;
  leaf: boolean;
  unitCode?: string;
  unitName?: string;
  unitKind?: CategoryRule['unitKind'];
  deadline?: DeadlineRule;
  urgent?: boolean;
}

export function buildCatalog(nodes: readonly CategoryNodeInput[]): CategoryCatalog {
  const byCode = new Map(nodes.map((n) => [n.code, n]));
  const rules = new Map<string, CategoryRule>();
  for (const n of nodes) {
    if (!n.leaf) continue;
    if (!n.unitCode || !n.deadline) throw new Error(`category ${n.code} has no unit or deadline`);
    const path: string[] = [];
    for (let p = n.parentCode; p; p = byCode.get(p)?.parentCode ?? null) path.unshift(p);
    rules.set(n.code, {
      code: n.code,
      nameZh: n.nameZh,
      nameEn: n.nameEn,
      path,
      unitCode: n.unitCode,
      unitName: n.unitName ?? n.unitCode,
      unitKind: n.unitKind ?? 'department',
      deadline: n.deadline,
      urgent: n.urgent ?? false,
    });
  }
  const leaves = [...rules.values()];
  return {
    find: (code) => rules.get(code) ?? null,
    leaves: () => leaves,
    label: (code) => {
      const n = byCode.get(code);
      return n ? { zh: n.nameZh, en: n.nameEn } : null;
    },
  };
}
