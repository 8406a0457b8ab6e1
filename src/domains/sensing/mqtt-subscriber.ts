// A subscribing client of an MQTT broker: MQTT 5 where the broker speaks it, so that the receive maximum tells the
// broker how many QoS 1 messages may be in flight to us. Under MQTT 3.1.1 the broker decides alone; Mosquitto's
// default is 20 in flight and 1,000 queued per client, beyond which it drops QoS 1 messages: at 20,000 messages a
// second it dropped two of five. A broker that refuses MQTT 5 (aedes, older brokers) gets MQTT 3.1.1.
import mqtt from 'mqtt';

export interface SubscriberOptions {
  clientId: string;
  /**
   * The session outlives a disconnection (3.1.1 `clean: false`; MQTT 5 session expiry: never), so what is
   * published while the client reconnects is queued by the broker and delivered afterwards.
   */
  persistent: boolean;
  reconnectPeriod?: number;
}

/** Receive maximum asked of the broker: the most MQTT 5 allows. */
const RECEIVE_MAXIMUM = 65_535;

export async function connectSubscriber(url: string, options: SubscriberOptions): Promise<mqtt.MqttClient> {
  const common = {
    clientId: options.clientId,
    clean: !options.persistent,
    reconnectPeriod: options.reconnectPeriod ?? 1000,
    connectTimeout: 5000,
  };
  try {
    return await mqtt.connectAsync(url, {
      ...common,
      protocolVersion: 5,
      properties: {
        receiveMaximum: RECEIVE_MAXIMUM,
        ...(options.persistent ? { sessionExpiryInterval: 0xffff_ffff } : {}),
      },
    });
  } catch (error) {
    // 1: unacceptable protocol version (a 3.1.1 broker's answer); 132: unsupported protocol version (MQTT 5's).
    const code = (error as { code?: unknown }).code;
    if (code !== 1 && code !== 132) throw error;
    return mqtt.connectAsync(url, { ...common, protocolVersion: 4 });
  }
}
