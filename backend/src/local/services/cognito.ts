/**
 * cognito-local with a pre-seeded user pool, so the production verifier (aws-jwt-verify's
 * CognitoJwtVerifier) accepts its tokens unchanged (TOOLCHAIN.md):
 *  - `.cognito/config.json` sets the token issuer domain to the real one
 *    (https://cognito-idp.us-east-1.amazonaws.com), so `iss` = `<that>/<poolId>`;
 *  - the pool id has the real form `us-east-1_XXXX` (cognito-local's own are `local_…`);
 *  - the verifier is fed the JWKS from `/<poolId>/.well-known/jwks.json` (see api/auth/verifier.ts).
 *
 * The pool, app client, groups and demo users are written straight into cognito-local's data
 * files (`.cognito/db/<poolId>.json`, `.cognito/db/clients.json`) before it starts: no admin API
 * round trips at start-up. Passwords sit in plain text there — local use only.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { LOCAL_HOST, freePort, resolvePort } from './ports.js';
import { spawnManaged, waitUntilReady } from './process.js';

export const LOCAL_REGION = 'us-east-1';
/** Real-form ids (fixed, so a persistent local cloud keeps its tokens and desks their config). */
export const LOCAL_USER_POOL_ID = 'us-east-1_JetwayLcl';
export const LOCAL_CLIENT_ID = 'jetwaydesklocalclient00001';
export const LOCAL_ISSUER_DOMAIN = `https://cognito-idp.${LOCAL_REGION}.amazonaws.com`;
export const DEMO_PASSWORD = 'Jetway-demo-1';

export type DemoGroup = 'agent' | 'supervisor' | 'admin';

export interface DemoUser {
  username: string;
  group: DemoGroup;
  /** Comma-separated IATA codes, or `*` for all stations. */
  stations: string;
  name: string;
}

/** The demo users of the team plan; all with password {@link DEMO_PASSWORD}. */
export const DEMO_USERS: readonly DemoUser[] = [
  { username: 'agent.phx', group: 'agent', stations: 'PHX', name: 'Alex Rivera' },
  { username: 'agent.dal', group: 'agent', stations: 'DAL', name: 'Jordan Lee' },
  { username: 'agent.lhr', group: 'agent', stations: 'LHR', name: 'Priya Shah' },
  { username: 'super.phx', group: 'supervisor', stations: 'PHX,OAK', name: 'Morgan Diaz' },
  { username: 'super2.phx', group: 'supervisor', stations: 'PHX', name: 'Casey Nguyen' },
  { username: 'super.lhr', group: 'supervisor', stations: 'LHR', name: 'Oliver Bennett' },
  { username: 'admin', group: 'admin', stations: '*', name: 'Sam Admin' },
];

export interface CognitoLocalOptions {
  port?: number;
  /** Holds `.cognito/` (config + db) and the log; omitted → a temp folder removed on stop. */
  dataDir?: string;
}

export interface CognitoLocal {
  endpoint: string;
  region: string;
  userPoolId: string;
  clientId: string;
  issuer: string;
  jwksUri: string;
  port: number;
  pid: number;
  logFile: string;
  stop(): Promise<void>;
}

const STRING_CONSTRAINTS = { MinLength: '0', MaxLength: '2048' };

function poolFile(now: string) {
  const groups = Object.fromEntries(
    (['agent', 'supervisor', 'admin'] as const).map((g) => [
      g,
      {
        GroupName: g,
        Description: `Jetway ${g}s`,
        CreationDate: now,
        LastModifiedDate: now,
        members: DEMO_USERS.filter((u) => u.group === g).map((u) => u.username),
      },
    ]),
  );
  const users = Object.fromEntries(
    DEMO_USERS.map((u, i) => [
      u.username,
      {
        Username: u.username,
        Password: DEMO_PASSWORD,
        Attributes: [
          { Name: 'custom:stations', Value: u.stations },
          { Name: 'email', Value: `${u.username}@jetway.local` },
          { Name: 'email_verified', Value: 'true' },
          { Name: 'name', Value: u.name },
          // Stable subs: a persistent desk cache keyed by sub survives a re-seed.
          { Name: 'sub', Value: `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}` },
        ],
        Enabled: true,
        UserStatus: 'CONFIRMED',
        UserCreateDate: now,
        UserLastModifiedDate: now,
        RefreshTokens: [],
      },
    ]),
  );
  return {
    Options: {
      Id: LOCAL_USER_POOL_ID,
      Name: 'jetway-local',
      // Plain usernames (`agent.phx`), not e-mail sign-in (cognito-local's default).
      UsernameAttributes: [],
      SchemaAttributes: [
        {
          Name: 'sub',
          AttributeDataType: 'String',
          Mutable: false,
          Required: true,
          StringAttributeConstraints: STRING_CONSTRAINTS,
        },
        {
          Name: 'email',
          AttributeDataType: 'String',
          Mutable: true,
          Required: false,
          StringAttributeConstraints: STRING_CONSTRAINTS,
        },
        {
          Name: 'name',
          AttributeDataType: 'String',
          Mutable: true,
          Required: false,
          StringAttributeConstraints: STRING_CONSTRAINTS,
        },
        {
          Name: 'custom:stations',
          AttributeDataType: 'String',
          Mutable: true,
          Required: false,
          StringAttributeConstraints: STRING_CONSTRAINTS,
        },
      ],
      CreationDate: now,
      LastModifiedDate: now,
    },
    Users: users,
    Groups: groups,
  };
}

function clientsFile(now: string) {
  return {
    Clients: {
      [LOCAL_CLIENT_ID]: {
        ClientId: LOCAL_CLIENT_ID,
        ClientName: 'jetway-desk',
        UserPoolId: LOCAL_USER_POOL_ID,
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        // 60-minute ID tokens like the CDK app's client; refresh tokens last 30 days.
        IdTokenValidity: 60,
        AccessTokenValidity: 60,
        RefreshTokenValidity: 30,
        TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'days' },
        CreationDate: now,
        LastModifiedDate: now,
      },
    },
  };
}

/** Writes config + pool + client; an existing pool (persistent cloud) keeps its users, missing demo users are added. */
function seedDataDir(dir: string): void {
  const cfgDir = path.join(dir, '.cognito');
  const dbDir = path.join(cfgDir, 'db');
  mkdirSync(dbDir, { recursive: true });
  writeFileSync(
    path.join(cfgDir, 'config.json'),
    JSON.stringify(
      { TokenConfig: { IssuerDomain: LOCAL_ISSUER_DOMAIN }, UserPoolDefaults: { UsernameAttributes: [] } },
      null,
      2,
    ),
  );
  const now = new Date().toISOString();
  const poolPath = path.join(dbDir, `${LOCAL_USER_POOL_ID}.json`);
  const fresh = poolFile(now);
  if (existsSync(poolPath)) {
    const existing = JSON.parse(readFileSync(poolPath, 'utf8')) as typeof fresh;
    existing.Users = { ...fresh.Users, ...existing.Users };
    for (const [g, def] of Object.entries(fresh.Groups)) {
      const cur = existing.Groups?.[g];
      existing.Groups = {
        ...existing.Groups,
        [g]: cur ? { ...cur, members: [...new Set([...(cur.members ?? []), ...def.members])] } : def,
      };
    }
    writeFileSync(poolPath, JSON.stringify(existing, null, 2));
  } else {
    writeFileSync(poolPath, JSON.stringify(fresh, null, 2));
  }
  const clientsPath = path.join(dbDir, 'clients.json');
  const clients = existsSync(clientsPath)
    ? (JSON.parse(readFileSync(clientsPath, 'utf8')) as { Clients?: object })
    : {};
  writeFileSync(clientsPath, JSON.stringify({ Clients: { ...clients.Clients, ...clientsFile(now).Clients } }, null, 2));
}

const startScript = (): string => {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('cognito-local/package.json')), 'lib', 'bin', 'start.js');
};

/** Starts cognito-local with the Jetway pool, client, groups and demo users. */
export async function startCognitoLocal(opts: CognitoLocalOptions = {}): Promise<CognitoLocal> {
  const service = 'cognito-local';
  const ephemeral = !opts.dataDir;
  const dir = opts.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'jetway-cognito-'));
  seedDataDir(dir);
  const script = startScript();

  const attempts = opts.port ? 1 : 3;
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const port = attempt === 0 ? await resolvePort(opts.port, service) : await freePort();
    const proc = spawnManaged({
      name: service,
      command: process.execPath,
      args: [script],
      cwd: dir,
      // ELECTRON_RUN_AS_NODE: inside the desk's Electron main, execPath is Electron itself.
      env: { ...process.env, PORT: String(port), HOST: LOCAL_HOST, DEBUG: '', ELECTRON_RUN_AS_NODE: '1' },
      logFile: path.join(dir, 'cognito-local.log'),
    });
    const endpoint = `http://${LOCAL_HOST}:${port}`;
    const jwksUri = `${endpoint}/${LOCAL_USER_POOL_ID}/.well-known/jwks.json`;
    try {
      await waitUntilReady(
        proc,
        async () => {
          const r = await fetch(jwksUri, { signal: AbortSignal.timeout(1000) });
          return r.ok;
        },
        { timeoutMs: 30_000, intervalMs: 150, hint: 'Is the cognito-local package installed (npm install)?' },
      );
      return {
        endpoint,
        region: LOCAL_REGION,
        userPoolId: LOCAL_USER_POOL_ID,
        clientId: LOCAL_CLIENT_ID,
        issuer: `${LOCAL_ISSUER_DOMAIN}/${LOCAL_USER_POOL_ID}`,
        jwksUri,
        port,
        pid: proc.pid,
        logFile: proc.logFile,
        async stop() {
          await proc.stop(3000);
          if (ephemeral) rmSync(dir, { recursive: true, force: true });
        },
      };
    } catch (e) {
      await proc.stop(1000);
      lastError = e;
      if (!/EADDRINUSE/.test(proc.logTail(50))) break;
    }
  }
  if (ephemeral) rmSync(dir, { recursive: true, force: true });
  throw lastError;
}
