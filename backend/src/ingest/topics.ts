/** Kafka topics (FlightPulse's topic name, kept unchanged). */
export const OPS_TOPIC = 'flight-operations';
export const OPS_DLQ_TOPIC = 'flight-operations.dlq';
export const INGEST_GROUP = 'jetway-ingest';

/**
 * The production feeds (backend/src/feeds, docs/ingest.md): the airline's schedule (flight
 * instances; message key = flight instance id) and its reservations (one PNR per message; key =
 * record locator), each with a dead-letter topic like `flight-operations.dlq`.
 */
export const SCHEDULE_TOPIC = 'flight-schedule';
export const SCHEDULE_DLQ_TOPIC = 'flight-schedule.dlq';
export const MANIFEST_TOPIC = 'passenger-manifests';
export const MANIFEST_DLQ_TOPIC = 'passenger-manifests.dlq';
export const FEEDS_GROUP = 'jetway-feeds';
