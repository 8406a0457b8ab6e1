// One pagination contract for every list: ?page=1&pageSize=20 in, { items, total, page, pageSize } out.
// `total` is counted inside the viewer's scope only, so no list leaks counts from outside it.
import { type Static, type TSchema, Type } from '@sinclair/typebox';

export const PageQuery = Type.Object({
  page: Type.Integer({ minimum: 1, maximum: 100000, default: 1, description: '页码，从 1 开始' }),
  pageSize: Type.Integer({ minimum: 1, maximum: 200, default: 20, description: '每页条数（1–200）' }),
});
export type PageQuery = Static<typeof PageQuery>;

export function pageOf<T extends TSchema>(item: T) {
  return Type.Object({
    items: Type.Array(item),
    total: Type.Integer(),
    page: Type.Integer(),
    pageSize: Type.Integer(),
  });
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export function offsetOf(q: { page: number; pageSize: number }): number {
  return (q.page - 1) * q.pageSize;
}
