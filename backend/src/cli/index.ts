/** Dispatches `jetway <command> …` to the command's module (loaded lazily: each pulls its own deps). */
const USAGE = `usage: jetway <command> [args]

commands:
  policy evaluate <case.json | ->    evaluate a claim case (add --explain for a person)
  policy simulate --policy <file> --cases <file.ndjson>
                                     evaluate many cases, total cost by regime and currency
  simulate <event|scenario|--rate>   produce FlightPulse/Jetway ops events to Kafka
  audit verify <CASE-ID>             print a case's audit trail and verify its hash chain
  restore-epoch --reason "…"         after a table restore: new change-log epoch (desks resync)
  compact [--station IATA]           compact and trim the change log now
  dlq list|show|replay               inspect dead letters; re-drive them once after a fix
  cloud                              start the local cloud (same as npm run cloud)
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
  switch (command) {
    case 'policy': {
      const { runPolicyCli } = await import('./policy.js');
      return runPolicyCli(rest, io);
    }
    case 'simulate': {
      const { runSimulateCli } = await import('./simulate.js');
      return runSimulateCli(rest, io);
    }
    case 'audit': {
      const { runAuditCli } = await import('./audit.js');
      return runAuditCli(rest, io);
    }
    case 'restore-epoch': {
      const { runRestoreEpochCli } = await import('./sync.js');
      return runRestoreEpochCli(rest, io);
    }
    case 'compact': {
      const { runCompactCli } = await import('./sync.js');
      return runCompactCli(rest, io);
    }
    case 'dlq': {
      const { runDlqCli } = await import('./dlq.js');
      return runDlqCli(rest, io);
    }
    case 'cloud': {
      await import('../local/cli.js');
      return new Promise<number>(() => undefined); // the cloud runs until Ctrl-C
    }
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`jetway: unknown command '${command}'\n${USAGE}`);
      return 2;
  }
}
