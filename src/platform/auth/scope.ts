// Scopes are paths in the administrative tree. Users name them as a division code (6, 9 or 12 digits), a grid
// (community code + '/' + local code) or a path; this resolves any of them to the stored path and a display name.
import type { Db } from '../db/index.ts';

export interface ResolvedScope {
  path: string;
  name: string;
  level: 'district' | 'street' | 'community' | 'grid' | 'province' | 'city';
}

const LEVEL_NAMES: Record<number, ResolvedScope['level']> = {
  1: 'province',
  2: 'city',
  3: 'district',
  4: 'street',
  5: 'community',
};

export async function resolveScope(db: Db, spec: string): Promise<ResolvedScope | null> {
  const s = spec.trim();
  if (s.startsWith('/')) {
    const path = s.endsWith('/') ? s : `${s}/`;
    const division = await db
      .selectFrom('admin_division')
      .select(['path', 'name', 'level'])
      .where('path', '=', path)
      .executeTakeFirst();
    if (division)
      return { path: division.path, name: division.name, level: LEVEL_NAMES[division.level] ?? 'district' };
    const grid = await db
      .selectFrom('grid')
      .select(['path', 'name'])
      .where('path', '=', path)
      .executeTakeFirst();
    return grid ? { path: grid.path, name: grid.name, level: 'grid' } : null;
  }
  const gridMatch = s.match(/^(\d{12})[/-](\w+)$/);
  if (gridMatch) {
    const grid = await db
      .selectFrom('grid')
      .select(['path', 'name'])
      .where('community_code', '=', gridMatch[1]!)
      .where('local_code', '=', gridMatch[2]!)
      .executeTakeFirst();
    return grid ? { path: grid.path, name: grid.name, level: 'grid' } : null;
  }
  if (/^\d{6}$|^\d{9}$|^\d{12}$/.test(s)) {
    const division = await db
      .selectFrom('admin_division')
      .select(['path', 'name', 'level'])
      .where('code', '=', s.padEnd(12, '0'))
      .executeTakeFirst();
    return division
      ? { path: division.path, name: division.name, level: LEVEL_NAMES[division.level] ?? 'district' }
      : null;
  }
  return null;
}

/** Name of the node a path points at (the last segment's division or grid). */
export async function scopeName(db: Db, path: string): Promise<string> {
  return (await resolveScope(db, path))?.name ?? path;
}
