// The embedded broker's persistence, made cheaper where it is asked per message: for every QoS 1 message aedes asks
// it which persistent sessions (clean: false) subscribed to the topic, a topic match and a promise a message.
// Devices publish and do not subscribe, so while no persistent session has ever subscribed with QoS 1 or 2 (what the
// store keeps for offline delivery), the answer is "none" without the match. Once one has, every message asks again.
import type { Aedes } from 'aedes';

/** The part of aedes's persistence this touches (aedes's types leave `persistence` untyped). */
interface OfflineSubscriptions {
  addSubscriptions(client: unknown, subs: ReadonlyArray<{ qos?: number }>): Promise<void>;
  subscriptionsByTopic(topic: string): Promise<unknown[]>;
}

export function skipOfflineLookupWhileUnused(broker: Aedes): void {
  const persistence = (broker as unknown as { persistence: OfflineSubscriptions }).persistence;
  const addSubscriptions = persistence.addSubscriptions.bind(persistence);
  const subscriptionsByTopic = persistence.subscriptionsByTopic.bind(persistence);
  let anyStored = false;
  const none: Promise<unknown[]> = Promise.resolve([]);
  persistence.addSubscriptions = (client, subs) => {
    if (subs.some((s) => (s.qos ?? 0) > 0)) anyStored = true;
    return addSubscriptions(client, subs);
  };
  persistence.subscriptionsByTopic = (topic) => (anyStored ? subscriptionsByTopic(topic) : none);
}
