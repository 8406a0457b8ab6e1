// Coded values of the sensing pages in words, and where an area path sits in the division tree.
import type { DivisionNode } from '../../api.ts';

export { codedLabel } from '../../i18n/coded-label.ts';

export const SEVERITY_COLOURS: Record<string, string> = { emergency: 'red', warning: 'orange', info: 'blue' };
export const STATUS_COLOURS: Record<string, string> = {
  open: 'red',
  acknowledged: 'gold',
  closed: 'default',
};
export const DISPATCH_COLOURS: Record<string, string> = {
  notified: 'processing',
  acknowledged: 'success',
  escalated: 'warning',
  unanswered: 'error',
  pending: 'default',
  cancelled: 'default',
};

/** The names along an area path below the viewer's own area, e.g. "幸福社区 / 第一网格". */
export function placeName(tree: DivisionNode | undefined, path: string): string {
  if (!tree) return '';
  const names: string[] = [];
  let node: DivisionNode | undefined = tree;
  while (node) {
    const next: DivisionNode | undefined = node.children.find((c) => path.startsWith(c.path));
    if (next) names.push(next.name);
    node = next;
  }
  return names.length > 0 ? names.slice(-2).join(' / ') : tree.name;
}
