// Picks a street, community or grid from the viewer's own division tree (nothing outside the scope is offered).
import { TreeSelect } from 'antd';
import { useMemo } from 'react';
import type { DivisionNode } from '../api.ts';
import { useDivisionTree } from '../hooks.ts';
import { useT } from '../i18n/index.tsx';

interface TreeOption {
  value: string;
  title: string;
  children: TreeOption[];
}

function toOptions(node: DivisionNode): TreeOption {
  return { value: node.path, title: node.name, children: node.children.map(toOptions) };
}

export function findNode(root: DivisionNode | undefined, path: string): DivisionNode | undefined {
  if (!root) return undefined;
  if (root.path === path) return root;
  for (const c of root.children) if (path.startsWith(c.path)) return findNode(c, path);
  return undefined;
}

/** The value is a division or grid path; onChange also hands over the node it names. */
export function AreaPicker({
  value,
  onChange,
  style,
}: {
  value?: string;
  onChange?: (path: string | undefined, node: DivisionNode | undefined) => void;
  style?: React.CSSProperties;
}) {
  const t = useT();
  const tree = useDivisionTree();
  const options = useMemo(() => (tree ? [toOptions(tree)] : []), [tree]);
  return (
    <TreeSelect
      value={value}
      onChange={(path: string | undefined) => onChange?.(path, path ? findNode(tree, path) : undefined)}
      treeData={options}
      treeDefaultExpandedKeys={tree ? [tree.path] : []}
      placeholder={t('areaPlaceholder')}
      allowClear
      showSearch={{ treeNodeFilterProp: 'title' }}
      loading={!tree}
      style={{ width: '100%', ...style }}
      data-testid="area-picker"
    />
  );
}
