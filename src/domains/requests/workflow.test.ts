// The work-order state machine on its own: the main path, the side paths, and the refusals with their reasons.
import { describe, expect, it } from 'vitest';
import {
  type Action,
  type ActorCapacity,
  availableActions,
  type OrderState,
  open311Status,
  transition,
  WorkflowRefusal,
} from './workflow.ts';

const fresh: OrderState = {
  status: 'received',
  categoryCode: null,
  leadUnitCode: null,
  coUnitCodes: [],
  supervised: false,
  escalationLevel: 0,
  reopenCount: 0,
  returnCount: 0,
};

function run(state: OrderState, steps: Array<[Action, ActorCapacity]>): OrderState {
  let s = state;
  for (const [action, by] of steps) {
    const t = transition(s, action, [by]);
    s = { ...s, ...(t.patch as Partial<OrderState>), status: t.to };
  }
  return s;
}

function refusal(fn: () => unknown): WorkflowRefusal {
  try {
    fn();
  } catch (e) {
    if (e instanceof WorkflowRefusal) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('work-order workflow', () => {
  it('walks the main path from received to closed', () => {
    const end = run(fresh, [
      [{ name: 'classify', categoryCode: '0101' }, 'centre'],
      [{ name: 'dispatch', unitCode: 'U1', coUnitCodes: ['U2', 'U1', 'U2'] }, 'centre'],
      [{ name: 'accept' }, 'lead_unit'],
      [{ name: 'start' }, 'lead_unit'],
      [{ name: 'resolve', note: '已修复' }, 'lead_unit'],
      [{ name: 'callback', solved: true, satisfaction: 5 }, 'centre'],
      [{ name: 'close' }, 'centre'],
    ]);
    expect(end.status).toBe('closed');
    expect(end.leadUnitCode).toBe('U1');
    expect(end.coUnitCodes).toEqual(['U2']);
  });

  it('a return needs a reason, counts, and the centre re-dispatches', () => {
    const dispatched = run(fresh, [
      [{ name: 'classify', categoryCode: '0101' }, 'centre'],
      [{ name: 'dispatch', unitCode: 'U1' }, 'centre'],
    ]);
    expect(refusal(() => transition(dispatched, { name: 'return', reason: '  ' }, ['lead_unit'])).zh).toBe(
      '退单须说明理由',
    );
    const returned = run(dispatched, [[{ name: 'return', reason: '非本单位职责' }, 'lead_unit']]);
    expect(returned.status).toBe('returned');
    expect(returned.returnCount).toBe(1);
    const again = run(returned, [[{ name: 'dispatch', unitCode: 'U3' }, 'centre']]);
    expect(again).toMatchObject({ status: 'dispatched', leadUnitCode: 'U3' });
  });

  it('illegal transitions are refused in both languages', () => {
    const e = refusal(() => transition(fresh, { name: 'accept' }, ['lead_unit']));
    expect(e.zh).toBe('工单当前状态为「已受理」，不能签收');
    expect(e.en).toContain('cannot');
    const closed = { ...fresh, status: 'closed' as const, leadUnitCode: 'U1' };
    expect(refusal(() => transition(closed, { name: 'resolve', note: 'x' }, ['lead_unit'])).zh).toContain(
      '已结案',
    );
  });

  it('only the lead unit accepts; the centre cannot accept for it', () => {
    const dispatched = { ...fresh, status: 'dispatched' as const, leadUnitCode: 'U1' };
    expect(refusal(() => transition(dispatched, { name: 'accept' }, ['centre', 'co_unit'])).zh).toBe(
      '只有主办单位可以签收',
    );
  });

  it('callback: satisfaction 1–5, a reason when unsolved or unsatisfied', () => {
    const resolved = { ...fresh, status: 'resolved' as const, leadUnitCode: 'U1' };
    expect(() =>
      transition(resolved, { name: 'callback', solved: true, satisfaction: 6 }, ['centre']),
    ).toThrow(WorkflowRefusal);
    expect(() =>
      transition(resolved, { name: 'callback', solved: false, satisfaction: 5 }, ['centre']),
    ).toThrow(WorkflowRefusal);
    const t = transition(resolved, { name: 'callback', solved: false, satisfaction: 2, reason: '仍漏水' }, [
      'requester',
    ]);
    expect(t).toMatchObject({ to: 'rated', note: '仍漏水', patch: { solved: false, satisfaction: 2 } });
  });

  it('reopening goes back to the lead unit and counts, keeping the unit', () => {
    const closed = { ...fresh, status: 'closed' as const, leadUnitCode: 'U1' };
    const t = transition(closed, { name: 'reopen', reason: '问题复发' }, ['requester']);
    expect(t.to).toBe('dispatched');
    expect(t.patch).toMatchObject({ reopenCount: 1, solved: null });
  });

  it('escalation and supervision are flags on an open order, not states', () => {
    const inProgress = { ...fresh, status: 'in_progress' as const, leadUnitCode: 'U1' };
    const s = run(inProgress, [
      [{ name: 'escalate', note: '超期' }, 'system'],
      [{ name: 'supervise', note: '请加快办理' }, 'supervisor'],
    ]);
    expect(s).toMatchObject({ status: 'in_progress', escalationLevel: 1, supervised: true });
    expect(() =>
      transition({ ...inProgress, status: 'closed' }, { name: 'escalate', note: 'x' }, ['system']),
    ).toThrow(WorkflowRefusal);
  });

  it('reassigning to the same unit is refused', () => {
    const s = { ...fresh, status: 'in_progress' as const, leadUnitCode: 'U1' };
    expect(
      refusal(() => transition(s, { name: 'reassign', unitCode: 'U1', reason: 'x' }, ['centre'])).zh,
    ).toBe('改派的单位与当前主办单位相同');
  });

  it('lists the actions available to a capacity and maps to Open311 statuses', () => {
    expect(availableActions({ ...fresh, status: 'dispatched', leadUnitCode: 'U1' }, ['lead_unit'])).toEqual([
      'accept',
      'return',
      'note',
    ]);
    expect(open311Status('in_progress')).toBe('open');
    expect(open311Status('closed')).toBe('closed');
  });
});
