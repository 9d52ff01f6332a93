#!/usr/bin/env node
// `npx jetway …`: the project's command line. TypeScript sources run through tsx, so the CLI
// works from a fresh clone without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../backend/src/cli/index.ts');
process.exitCode = await main(process.argv.slice(2));
