/**
 * The chaos run's local cloud, in its own process: `startLocalCloud` on a PERSISTENT data dir
 * (DynamoDB Local `-dbPath`, Kafka log dirs, the Cognito pool) and FIXED ports, so that a
 * SIGKILL and a restart keep both the state and the addresses the desks were given.
 *
 *   node --import tsx test/chaos/cloud-process.ts '<json CloudProcessArgs>'
 *
 * Prints `CHAOS_CLOUD <json>` once ready. SIGTERM stops it cleanly; SIGKILL is what the chaos
 * runner uses (the service reaper then takes the JVMs down).
 */
import '../../backend/src/local/polyfills.js';
import { startLocalCloud } from '../../backend/src/local/cloud.js';

export interface CloudProcessArgs {
  dataDir: string;
  ports: { api: number; dynamodb: number; kafka: number; cognito: number; smtp: number };
  /** Demo data: PRNG seed, day and generated passengers (fewer than the CLI's 5,000: a faster seed). */
  demo: { seed: string; today: string; passengers: number };
}

const args = JSON.parse(process.argv[2] ?? '{}') as CloudProcessArgs;
const cloud = await startLocalCloud({
  dataDir: args.dataDir,
  ports: args.ports,
  demo: args.demo,
  backgroundSeed: false,
  log: (l) => console.error(`[cloud] ${l}`),
  onCrash: (service) => {
    console.error(`[cloud] ${service} crashed`);
    void cloud.stop().then(() => process.exit(1));
  },
});
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await cloud.stop();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
console.log(
  `CHAOS_CLOUD ${JSON.stringify({
    apiUrl: cloud.apiUrl,
    cognito: cloud.cognito,
    kafkaBrokers: cloud.kafkaBrokers,
    dynamodbEndpoint: cloud.dynamodbEndpoint,
    tablePrefix: cloud.tablePrefix,
    pids: cloud.pids,
  })}`,
);
