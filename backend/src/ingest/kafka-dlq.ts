import type { Producer } from 'kafkajs';
import type { DeadLetter, DeadLetterSink } from './processor.js';
import { OPS_DLQ_TOPIC } from './topics.js';

/** Dead letters as JSON on `flight-operations.dlq`, keyed by source partition/offset for traceability. */
export function kafkaDeadLetterSink(producer: Producer, topic = OPS_DLQ_TOPIC): DeadLetterSink {
  return {
    async send(letter: DeadLetter) {
      await producer.send({
        topic,
        messages: [{ key: `${letter.topic}/${letter.partition}/${letter.offset}`, value: JSON.stringify(letter) }],
      });
    },
  };
}
