/**
 * The e2e's local cloud, in its own process (run with tsx, which loads the backend's JSON
 * policy imports that Playwright's loader cannot). Prints `E2E_CLOUD <json>` when ready and
 * serves the SMTP sink's captured mail at `GET /smtp` on a small control port. SIGTERM stops.
 */
import '../../backend/src/local/polyfills.js';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startLocalCloud } from '../../backend/src/local/cloud.js';

const cloud = await startLocalCloud({ ephemeral: true, log: (l) => console.error(`[cloud] ${l}`) });
const control = http.createServer((req, res) => {
  if (req.url === '/smtp') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(cloud.smtp.messages()));
  else res.writeHead(404).end();
});
await new Promise<void>((r) => control.listen(0, '127.0.0.1', r));
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  control.close();
  await cloud.stop();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
console.log(
  `E2E_CLOUD ${JSON.stringify({
    apiUrl: cloud.apiUrl,
    cognito: cloud.cognito,
    kafkaBrokers: cloud.kafkaBrokers,
    dynamodbEndpoint: cloud.dynamodbEndpoint,
    tablePrefix: cloud.tablePrefix,
    controlUrl: `http://127.0.0.1:${(control.address() as AddressInfo).port}`,
  })}`,
);
