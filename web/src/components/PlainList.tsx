// A short list with rows split by a line, the look antd's List had. antd 6 deprecates List; its replacement Listy
// is a virtual scroller for long lists of known height, which these lists (a caller's residents, a queue page,
// an order's requesters) are not.
import { Empty, Flex, theme } from 'antd';
import type { Key, ReactNode } from 'react';

interface PlainListProps<T> {
  items: readonly T[];
  itemKey: (item: T) => Key;
  renderItem: (item: T) => ReactNode;
  /** Shown at the end of an item's row, like List.Item's actions. */
  actions?: (item: T) => ReactNode;
  header?: ReactNode;
  size?: 'small' | 'default';
  /** Shown when there are no items (default: antd's empty image). */
  empty?: ReactNode;
  'data-testid'?: string;
}

export function PlainList<T>({
  items,
  itemKey,
  renderItem,
  actions,
  header,
  size = 'default',
  empty,
  'data-testid': testId,
}: PlainListProps<T>) {
  const { token } = theme.useToken();
  const padding = size === 'small' ? `${token.paddingXS}px 0` : `${token.paddingSM}px 0`;
  const line = `${token.lineWidth}px ${token.lineType} ${token.colorSplit}`;
  return (
    <div data-testid={testId}>
      {header && <div style={{ padding, borderBlockEnd: line }}>{header}</div>}
      {items.length === 0 ? (
        (empty ?? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />)
      ) : (
        <ul style={{ listStyle: 'none', margin: 0, padding: 0 }}>
          {items.map((item, i) => (
            <li
              key={itemKey(item)}
              className="plain-list-item"
              style={{ padding, borderBlockEnd: i < items.length - 1 ? line : undefined }}
            >
              {actions ? (
                <Flex justify="space-between" align="center" gap={token.marginSM}>
                  <div>{renderItem(item)}</div>
                  <div style={{ flex: 'none' }}>{actions(item)}</div>
                </Flex>
              ) : (
                renderItem(item)
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
