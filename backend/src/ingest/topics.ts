/** Kafka topics (FlightPulse's topic name, kept unchanged). */
export const OPS_TOPIC = 'flight-operations';
export const OPS_DLQ_TOPIC = 'flight-operations.dlq';
export const INGEST_GROUP = 'jetway-ingest';
