// The live alert feed: alerts raised and responders notified, published in-process to the SSE endpoint (the
// console's alert wall) and to anything else that listens (the benchmark measures dispatch latency here).
import { EventEmitter } from 'node:events';

export interface AlertEvent {
  type: 'alert';
  alertId: number;
  ruleCode: string;
  severity: 'emergency' | 'warning' | 'info';
  deviceUid: string;
  deviceKind: string;
  scopePath: string;
  observedAt: string;
  raisedAt: string;
  msgId: string | null;
}

export interface DispatchEvent {
  type: 'dispatch';
  alertId: number;
  scopePath: string;
  responderId: number;
  responderKind: string;
  rank: number;
  travelM: number;
  ackDueAt: string;
  msgId: string | null;
  /** Why this responder: first notification, or escalation after the previous one did not acknowledge. */
  reason: 'first' | 'escalation';
}

export interface AckEvent {
  type: 'acknowledged' | 'unanswered' | 'closed';
  alertId: number;
  scopePath: string;
}

export type FeedEvent = AlertEvent | DispatchEvent | AckEvent;

export class AlertFeed {
  private readonly emitter = new EventEmitter();
  constructor() {
    this.emitter.setMaxListeners(0);
  }
  publish(event: FeedEvent): void {
    this.emitter.emit('event', event);
  }
  subscribe(listener: (event: FeedEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }
}
