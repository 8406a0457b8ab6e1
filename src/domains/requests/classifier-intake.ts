// Where the classifier meets the work-order loop, kept out of the loop's own code: after intake creates a new
// order (not a join to an existing one) the active model's suggestion is stored beside it, and when the centre
// classifies an order its choice is recorded as the final category (a correction when it differs). The
// requests plugin wraps its service with this once; every channel's intake goes through it.
import type { ClassifierService } from './classifier.service.ts';
import type { WorkOrderService } from './work-orders.service.ts';

export function withClassifierSuggestions(
  service: WorkOrderService,
  classifier: ClassifierService,
): WorkOrderService {
  return {
    ...service,
    async intake(caller, input, idempotencyKey) {
      const result = await service.intake(caller, input, idempotencyKey);
      if (result.created && !result.merged) {
        await classifier.recordForNewOrder(result.order, {
          categoryCode: input.categoryCode ?? null,
          accountId: caller.viewer?.accountId ?? null,
        });
      }
      return result;
    },
    async act(caller, id, action) {
      const row = await service.act(caller, id, action);
      if (action.name === 'classify')
        await classifier.recordFinal(id, action.categoryCode, caller.viewer.accountId);
      return row;
    },
  };
}
