// What the work-order routes answer, as the server declares it (requests.schema.ts, order-console.routes.ts,
// evaluation.schema.ts, classifier.schema.ts): type-only imports, so nothing of the server enters the bundle,
// and a change of shape on the server fails the console's typecheck.
import type { Static } from '@sinclair/typebox';
import type { OrderClassificationOut } from '../../../../src/domains/requests/classifier.schema.ts';
import type {
  AppliedWeightsOut,
  DistrictWeightsOut,
  RateRowOut,
  RatesOut,
  TopProblemOut,
} from '../../../../src/domains/requests/evaluation.schema.ts';
import type { ReferenceOut, RelatedItem } from '../../../../src/domains/requests/order-console.routes.ts';
import type { OrderDetailOut, OrderSummaryOut } from '../../../../src/domains/requests/requests.schema.ts';
import type { OrderStatus } from '../../../../src/domains/requests/workflow.ts';

// The state machine's own list (workflow.ts is pure: no imports, no I/O).
export { ORDER_STATUSES } from '../../../../src/domains/requests/workflow.ts';

export type OrderSummary = Static<typeof OrderSummaryOut>;
export type OrderDetail = Static<typeof OrderDetailOut>;
export type OrderEvent = OrderDetail['events'][number];
export type RelatedOrder = Static<typeof RelatedItem>;
export type OrderReference = Static<typeof ReferenceOut>;
export type RateRow = RateRowOut;
export type Rates = RatesOut;
export type AppliedWeights = AppliedWeightsOut;
export type DistrictWeights = DistrictWeightsOut;
export type TopProblem = TopProblemOut;

// Every status of the state machine has a colour (a new one fails the typecheck); looked up by the answer's string.
export const STATUS_COLOURS: Record<string, string> = {
  received: 'default',
  classified: 'default',
  dispatched: 'processing',
  accepted: 'processing',
  in_progress: 'blue',
  returned: 'warning',
  resolved: 'cyan',
  rated: 'green',
  closed: 'success',
  merged: 'default',
} satisfies Record<OrderStatus, string>;

/** The classifier's suggestion stored when the order came in, and the category an operator confirmed. */
export type OrderClassification = Static<typeof OrderClassificationOut>;
