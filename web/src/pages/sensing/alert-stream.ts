// The live alert feed (GET /api/alerts/stream, Server-Sent Events). The API takes the session token only as a
// bearer header, which EventSource cannot send, so the stream is read with fetch and parsed here; a dropped
// connection is retried after a pause, and the feed stops when the page goes away.
import { useEffect, useRef, useState } from 'react';
import { getToken } from '../../api.ts';

export interface FeedEvent {
  type: 'alert' | 'dispatch' | 'acknowledged' | 'unanswered' | 'closed';
  alertId: number;
  ruleCode?: string;
  severity?: string;
}

const RETRY_MS = 3_000;

/** Splits SSE text into complete events; returns them and the unfinished rest. */
export function parseEvents(buffer: string): { events: FeedEvent[]; rest: string } {
  const blocks = buffer.split('\n\n');
  const rest = blocks.pop() ?? '';
  const events: FeedEvent[] = [];
  for (const block of blocks) {
    const data = block
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => line.slice(6))
      .join('\n');
    if (!data) continue; // a comment (keep-alive)
    try {
      events.push(JSON.parse(data) as FeedEvent);
    } catch {
      // a damaged event is skipped; the next reload of the list catches up
    }
  }
  return { events, rest };
}

/** Calls `onEvent` for every event of the feed; answers whether the feed is connected. */
export function useAlertStream(onEvent: (event: FeedEvent) => void): boolean {
  const [live, setLive] = useState(false);
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const connect = async () => {
      try {
        const token = getToken();
        const res = await fetch('/api/alerts/stream', {
          headers: token ? { authorization: `Bearer ${token}` } : {},
          signal: controller.signal,
        });
        // Signed out or no permission: retrying would only fail again.
        if (res.status === 401 || res.status === 403) return;
        if (!res.ok || !res.body) throw new Error(`stream ${res.status}`);
        setLive(true);
        const reader = res.body.getReader();
        const decoder = new TextDecoder();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const parsed = parseEvents(buffer + decoder.decode(value, { stream: true }));
          buffer = parsed.rest;
          for (const event of parsed.events) handler.current(event);
        }
        throw new Error('stream ended');
      } catch {
        if (controller.signal.aborted) return;
        setLive(false);
        timer = setTimeout(connect, RETRY_MS);
      }
    };
    void connect();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, []);
  return live;
}
