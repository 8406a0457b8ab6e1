// Path parameters every domain uses: `/…/:id` with a positive integer id (anything else answers 400 before the
// handler runs).
import { type Static, Type } from '@sinclair/typebox';

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
export type IdParams = Static<typeof IdParams>;
