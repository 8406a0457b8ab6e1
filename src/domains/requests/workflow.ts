// The work-order life cycle (接诉即办) as a pure state machine: given an order's current state, an action and who
// is acting, it answers the next state, the fields that change and the event to record, or refuses with a
// reason in Chinese and English (HTTP 409). The service applies the answer, the event row and the audit entry in
// one transaction; nothing here touches the database or the clock.
//
//   received ─classify→ classified ─dispatch→ dispatched ─accept→ accepted ─start→ in_progress ─resolve→ resolved
//   resolved ─callback→ rated ─close→ closed;  resolved ─close→ closed (no callback possible, e.g. anonymous)
//   dispatched|accepted ─return(reason)→ returned ─dispatch|reassign→ dispatched            (退单)
//   dispatched|accepted|in_progress|returned ─reassign→ dispatched                          (改派)
//   resolved|rated|closed ─reopen(reason)→ dispatched (same lead unit, history kept)          (重办)
//   received|classified ─merge→ merged (the same incident as an open order)                  (合并)
//   any open state ─escalate | supervise | warn | note→ same state, flag or event only       (升级 / 督办 / 预警)

export const ORDER_STATUSES = [
  'received',
  'classified',
  'dispatched',
  'accepted',
  'in_progress',
  'returned',
  'resolved',
  'rated',
  'closed',
  'merged',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const STATUS_LABELS: Record<OrderStatus, { zh: string; en: string }> = {
  received: { zh: '已受理', en: 'Received' },
  classified: { zh: '已分类', en: 'Classified' },
  dispatched: { zh: '已派单', en: 'Dispatched' },
  accepted: { zh: '已签收', en: 'Accepted' },
  in_progress: { zh: '办理中', en: 'In progress' },
  returned: { zh: '已退单待改派', en: 'Returned, awaiting re-dispatch' },
  resolved: { zh: '已办结待回访', en: 'Resolved, awaiting callback' },
  rated: { zh: '已回访', en: 'Callback done' },
  closed: { zh: '已结案', en: 'Closed' },
  merged: { zh: '已并案', en: 'Merged into another order' },
};

/** States in which the order still waits for someone (deadline clocks run, flags may be set). */
export const OPEN_STATUSES: readonly OrderStatus[] = [
  'received',
  'classified',
  'dispatched',
  'accepted',
  'in_progress',
  'returned',
];

export type ActionName =
  | 'classify'
  | 'dispatch'
  | 'accept'
  | 'start'
  | 'resolve'
  | 'return'
  | 'reassign'
  | 'callback'
  | 'close'
  | 'reopen'
  | 'merge'
  | 'escalate'
  | 'supervise'
  | 'warn'
  | 'note';

export const ACTION_LABELS: Record<ActionName | 'receive', { zh: string; en: string }> = {
  receive: { zh: '受理', en: 'Receive' },
  classify: { zh: '分类', en: 'Classify' },
  dispatch: { zh: '派单', en: 'Dispatch' },
  accept: { zh: '签收', en: 'Accept' },
  start: { zh: '开始办理', en: 'Start work' },
  resolve: { zh: '办结反馈', en: 'Resolve' },
  return: { zh: '退单', en: 'Return' },
  reassign: { zh: '改派', en: 'Reassign' },
  callback: { zh: '回访评价', en: 'Callback and rating' },
  close: { zh: '结案', en: 'Close' },
  reopen: { zh: '重办', en: 'Reopen' },
  merge: { zh: '并案', en: 'Merge' },
  escalate: { zh: '升级', en: 'Escalate' },
  supervise: { zh: '督办', en: 'Supervise' },
  warn: { zh: '超时预警', en: 'Deadline warning' },
  note: { zh: '备注', en: 'Note' },
};

export type Action =
  | { name: 'classify'; categoryCode: string }
  | { name: 'dispatch'; unitCode: string; coUnitCodes?: string[] }
  | { name: 'accept' }
  | { name: 'start' }
  | { name: 'resolve'; note: string }
  | { name: 'return'; reason: string }
  | { name: 'reassign'; unitCode: string; coUnitCodes?: string[]; reason: string }
  | { name: 'callback'; solved: boolean; satisfaction: number; reason?: string }
  | { name: 'close'; note?: string }
  | { name: 'reopen'; reason: string }
  | { name: 'merge'; intoOrderId: number }
  | { name: 'escalate'; note: string }
  | { name: 'supervise'; note: string }
  | { name: 'warn'; kind: 'response' | 'resolve' }
  | { name: 'note'; note: string };

/**
 * The capacity in which someone acts. The centre (话务/派单中心) classifies, dispatches, calls back and closes;
 * the lead or a co-handling unit works the order; a supervisor escalates and supervises; the system warns.
 */
export type ActorCapacity = 'centre' | 'lead_unit' | 'co_unit' | 'supervisor' | 'system' | 'requester';

export interface OrderState {
  status: OrderStatus;
  categoryCode: string | null;
  leadUnitCode: string | null;
  coUnitCodes: string[];
  supervised: boolean;
  escalationLevel: number;
  reopenCount: number;
  returnCount: number;
}

export interface Transition {
  from: OrderStatus;
  to: OrderStatus;
  /** Fields of the order that change besides the status. */
  patch: Partial<Omit<OrderState, 'status'>> & {
    solved?: boolean | null;
    satisfaction?: number | null;
    mergedInto?: number | null;
  };
  /** What the event row records as note. */
  note: string | null;
  /** Whether the requester sees this step in the public timeline (and is notified of it). */
  public: boolean;
}

/** Why a step is refused: the order's state forbids it (409), the actor may not take it (403), or input is missing (400). */
export class WorkflowRefusal extends Error {
  constructor(
    readonly zh: string,
    readonly en: string,
    readonly kind: 'state' | 'actor' | 'input' = 'input',
  ) {
    super(en);
  }
}

interface Rule {
  from: readonly OrderStatus[];
  by: readonly ActorCapacity[];
  /** undefined: the status stays. */
  to?: OrderStatus;
  public: boolean;
}

const OPEN = OPEN_STATUSES;
const RULES: Record<ActionName, Rule> = {
  classify: { from: ['received', 'classified'], by: ['centre', 'system'], to: 'classified', public: false },
  dispatch: { from: ['classified', 'returned'], by: ['centre', 'system'], to: 'dispatched', public: true },
  accept: { from: ['dispatched'], by: ['lead_unit'], to: 'accepted', public: true },
  start: { from: ['accepted'], by: ['lead_unit'], to: 'in_progress', public: true },
  resolve: { from: ['accepted', 'in_progress'], by: ['lead_unit'], to: 'resolved', public: true },
  return: { from: ['dispatched', 'accepted'], by: ['lead_unit'], to: 'returned', public: false },
  reassign: {
    from: ['dispatched', 'accepted', 'in_progress', 'returned'],
    by: ['centre', 'supervisor'],
    to: 'dispatched',
    public: true,
  },
  callback: { from: ['resolved'], by: ['centre', 'requester'], to: 'rated', public: true },
  close: { from: ['resolved', 'rated'], by: ['centre', 'system'], to: 'closed', public: true },
  reopen: {
    from: ['resolved', 'rated', 'closed'],
    by: ['centre', 'supervisor', 'requester'],
    to: 'dispatched',
    public: true,
  },
  merge: { from: ['received', 'classified'], by: ['centre', 'system'], to: 'merged', public: true },
  escalate: { from: OPEN, by: ['supervisor', 'system'], public: false },
  supervise: { from: OPEN, by: ['supervisor'], public: true },
  warn: { from: OPEN, by: ['system'], public: false },
  note: { from: [...OPEN, 'resolved'], by: ['centre', 'lead_unit', 'co_unit', 'supervisor'], public: false },
};

const CAPACITY_LABELS: Record<ActorCapacity, { zh: string; en: string }> = {
  centre: { zh: '派单中心', en: 'the dispatch centre' },
  lead_unit: { zh: '主办单位', en: 'the lead unit' },
  co_unit: { zh: '协办单位', en: 'a co-handling unit' },
  supervisor: { zh: '督办人员', en: 'a supervisor' },
  system: { zh: '系统', en: 'the system' },
  requester: { zh: '诉求人', en: 'the requester' },
};

/** Satisfaction at callback: 1 very dissatisfied … 5 very satisfied; 4 and 5 count as satisfied. */
export const SATISFIED_FROM = 4;

function requireText(value: string | undefined, zh: string, en: string): string {
  const text = (value ?? '').trim();
  if (text.length === 0) throw new WorkflowRefusal(zh, en);
  return text;
}

/** Which of the actor's capacities the rule accepts, or a refusal naming who may act. */
function checkActor(action: ActionName, rule: Rule, capacities: readonly ActorCapacity[]): void {
  if (capacities.some((c) => rule.by.includes(c))) return;
  const who = rule.by.map((c) => CAPACITY_LABELS[c]);
  throw new WorkflowRefusal(
    `只有${who.map((w) => w.zh).join('或')}可以${ACTION_LABELS[action].zh}`,
    `Only ${who.map((w) => w.en).join(' or ')} may ${ACTION_LABELS[action].en.toLowerCase()} an order`,
    'actor',
  );
}

/**
 * The transition `action` makes from `state` when taken by someone acting in `capacities`. Throws
 * WorkflowRefusal when the order's status does not allow it, the actor may not take it, or a required reason is
 * missing.
 */
export function transition(
  state: OrderState,
  action: Action,
  capacities: readonly ActorCapacity[],
): Transition {
  const rule = RULES[action.name];
  if (!rule.from.includes(state.status)) {
    const status = STATUS_LABELS[state.status];
    const label = ACTION_LABELS[action.name];
    throw new WorkflowRefusal(
      `工单当前状态为「${status.zh}」，不能${label.zh}`,
      `The order is ${status.en.toLowerCase()}; it cannot be given the action "${label.en}"`,
      'state',
    );
  }
  checkActor(action.name, rule, capacities);
  const base = { from: state.status, to: rule.to ?? state.status, public: rule.public };
  switch (action.name) {
    case 'classify':
      return { ...base, patch: { categoryCode: action.categoryCode }, note: null };
    case 'dispatch':
    case 'reassign': {
      const co = [...new Set(action.coUnitCodes ?? [])].filter((c) => c !== action.unitCode);
      if (
        action.name === 'reassign' &&
        action.unitCode === state.leadUnitCode &&
        state.status !== 'returned'
      ) {
        throw new WorkflowRefusal(
          '改派的单位与当前主办单位相同',
          'The order is already with that unit',
          'state',
        );
      }
      const note =
        action.name === 'reassign'
          ? requireText(action.reason, '改派须说明原因', 'A reassignment needs a reason')
          : null;
      return { ...base, patch: { leadUnitCode: action.unitCode, coUnitCodes: co }, note };
    }
    case 'accept':
    case 'start':
      return { ...base, patch: {}, note: null };
    case 'resolve':
      return {
        ...base,
        patch: {},
        note: requireText(action.note, '办结须填写办理结果', 'Resolving needs a note on what was done'),
      };
    case 'return':
      return {
        ...base,
        patch: { returnCount: state.returnCount + 1 },
        note: requireText(action.reason, '退单须说明理由', 'A return needs a reason'),
      };
    case 'callback': {
      if (!Number.isInteger(action.satisfaction) || action.satisfaction < 1 || action.satisfaction > 5) {
        throw new WorkflowRefusal('满意度应为 1–5 的整数', 'Satisfaction is a whole number from 1 to 5');
      }
      const reason = action.reason?.trim() || null;
      if ((!action.solved || action.satisfaction < SATISFIED_FROM) && !reason) {
        throw new WorkflowRefusal(
          '未解决或不满意时须说明原因',
          'Say why when the problem is not solved or you are not satisfied',
        );
      }
      return { ...base, patch: { solved: action.solved, satisfaction: action.satisfaction }, note: reason };
    }
    case 'close':
      return { ...base, patch: {}, note: action.note?.trim() || null };
    case 'reopen':
      if (!state.leadUnitCode)
        throw new WorkflowRefusal('工单没有主办单位，无法重办', 'The order has no unit');
      return {
        ...base,
        patch: { reopenCount: state.reopenCount + 1, solved: null, satisfaction: null },
        note: requireText(action.reason, '重办须说明原因', 'Reopening needs a reason'),
      };
    case 'merge':
      return { ...base, patch: { mergedInto: action.intoOrderId }, note: null };
    case 'escalate':
      return {
        ...base,
        patch: { escalationLevel: state.escalationLevel + 1 },
        note: requireText(action.note, '升级须说明原因', 'Escalation needs a note'),
      };
    case 'supervise':
      return {
        ...base,
        patch: { supervised: true },
        note: requireText(action.note, '督办须填写督办意见', 'Supervision needs a note'),
      };
    case 'warn':
      return { ...base, patch: {}, note: action.kind };
    case 'note':
      return { ...base, patch: {}, note: requireText(action.note, '备注不能为空', 'The note is empty') };
  }
}

/** The actions a viewer in `capacities` could take now (for the console's buttons). */
export function availableActions(state: OrderState, capacities: readonly ActorCapacity[]): ActionName[] {
  return (Object.keys(RULES) as ActionName[]).filter(
    (name) =>
      name !== 'warn' &&
      RULES[name].from.includes(state.status) &&
      capacities.some((c) => RULES[name].by.includes(c)),
  );
}

/** Open311 knows two states. */
export function open311Status(status: OrderStatus): 'open' | 'closed' {
  return status === 'closed' || status === 'merged' || status === 'rated' || status === 'resolved'
    ? 'closed'
    : 'open';
}
