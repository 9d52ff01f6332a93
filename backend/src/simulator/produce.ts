/**
 * The Kafka side of the simulator: a kafkajs producer that sends pre-serialized values.
 * FlightPulse events go out with a null key (as kafka-python's `send(topic, value=…)` does);
 * Jetway events carry the flight-instance key.
 */
import { Kafka, Partitioners, logLevel, type Producer } from 'kafkajs';
import type { KafkaClientConfig } from '../ingest/msk.js';
import { FLIGHT_OPERATIONS_TOPIC } from './events.js';

export interface OutMessage {
  key: string | null;
  value: string;
}

export interface EventProducer {
  send(messages: readonly OutMessage[]): Promise<void>;
  disconnect(): Promise<void>;
}

export async function createEventProducer(opts: {
  brokers: string[];
  topic?: string;
  clientId?: string;
  /** TLS to the brokers (e.g. an MSK TLS listener). */
  ssl?: boolean;
  /** SASL, e.g. MSK IAM (ingest/msk.ts kafkaClientConfigFromEnv). */
  sasl?: KafkaClientConfig['sasl'];
  log?: (line: string) => void;
}): Promise<EventProducer> {
  const topic = opts.topic ?? FLIGHT_OPERATIONS_TOPIC;
  const log = opts.log;
  const kafka = new Kafka({
    clientId: opts.clientId ?? 'jetway-simulator',
    brokers: opts.brokers,
    ssl: opts.ssl ?? false,
    ...(opts.sasl ? { sasl: opts.sasl } : {}),
    connectionTimeout: 5000,
    retry: { retries: 5 },
    logLevel: logLevel.ERROR,
    logCreator: () => (entry) => {
      log?.(`kafka: ${entry.log.message}`);
    },
  });
  // The Java-compatible partitioner: null keys spread round-robin, keys hash like the JVM client.
  const producer: Producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: true,
  });
  await producer.connect();
  return {
    async send(messages) {
      if (messages.length === 0) return;
      await producer.send({
        topic,
        messages: messages.map((m) => (m.key === null ? { value: m.value } : { key: m.key, value: m.value })),
      });
    },
    disconnect: () => producer.disconnect(),
  };
}
