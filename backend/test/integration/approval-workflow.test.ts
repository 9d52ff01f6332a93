import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ExecutionAlreadyExists, TaskTimedOut, type SFNClient } from '@aws-sdk/client-sfn';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../../src/shared/audit.js';
import { caseId, deriveCaseStatus, type Approval, type Entitlement } from '../../../src/shared/domain/index.js';
import type { PolicySet } from '../../../src/shared/policy/index.js';
import type { CommandEnvelope, CommandResult } from '../../../src/shared/sync/protocol.js';
import { readAuditTrail } from '../../src/data/audit.js';
import { createDataContext, type DataContext } from '../../src/data/client.js';
import { keys } from '../../src/data/keys.js';
import { getCaseWithEntitlements, getEntitlement } from '../../src/data/repositories.js';
import { seedDemoData } from '../../src/data/seed.js';
import { startBackendApp, type BackendApp } from '../../src/local/app.js';
import { DEMO_USERS } from '../../src/local/services/cognito.js';
import {
  createTables,
  localDynamoClient,
  startDynamoDbLocal,
  type DynamoDbLocal,
} from '../../src/local/services/dynamodb.js';
import { readApproval } from '../../src/workflows/approval-common.js';
import { cognitoDirectory } from '../../src/workflows/directory.js';
import { readTaskToken, sfnApprovalWorkflow, type TaskCompleter } from '../../src/workflows/sfn-approvals.js';
import { escalateApproval } from '../../src/workflows/tasks/escalate-approval.js';
import { expireApproval } from '../../src/workflows/tasks/expire-approval.js';
import { registerApprovalToken } from '../../src/workflows/tasks/register-approval-token.js';
import { createNotifier } from '../../src/notify/notifier.js';
import { smtpTransport } from '../../src/notify/smtp.js';
import { apiClient, decideCommand, requestCommand } from '../helpers/api.js';
import { flightpulseData, fpInstance } from '../helpers/fixtures.js';
import {
  cancelScenario3,
  eventually,
  idToken,
  policyWithApprovalTiming,
  startApp,
  startServices,
  type Services,
} from '../helpers/stack.js';

/**
 * The approval workflow (statemachines/approval.asl.json, unchanged, on aws-local-stepfunctions
 * with the LOCALCB callback stand-in) against DynamoDB Local, cognito-local (the station's
 * supervisors come from its ListUsersInGroup) and the SMTP sink. Approval timing comes from a
 * policy override: escalation after 3 s, expiry after 9 s.
 */
const ESCALATE_MIN = 0.05; // 3 s
const EXPIRE_MIN = 0.15; // 9 s
const policy: PolicySet = policyWithApprovalTiming({
  escalateAfterMinutes: ESCALATE_MIN,
  expireAfterMinutes: EXPIRE_MIN,
});
const flight = fpInstance('SW9012');
const DUTY_ADMIN = 'duty-admin@jetway.example';
// The supervisors of SW9012's stations (PHX, OAK) in cognito-local's pool, found by ListUsersInGroup.
const SUPERVISORS = DEMO_USERS.filter(
  (u) => u.group === 'supervisor' && u.stations.split(',').some((x) => ['PHX', 'OAK', '*'].includes(x)),
).map((u) => `${u.username}@jetway.local`);
const TOLD = [DUTY_ADMIN, ...SUPERVISORS].sort();

let s: Services;
beforeAll(async () => {
  s = await startServices({ cognito: true });
});
afterAll(async () => {
  await s?.stop();
});

/** Seed FlightPulse's sample (+ generated passengers on SW9012) and let scenario 3 cancel SW9012: cases with OFFERED entitlements. */
async function seedCases(ctx: DataContext, app: BackendApp): Promise<void> {
  await seedDemoData(ctx, flightpulseData(6));
  await cancelScenario3(ctx, app);
}

async function offered(ctx: DataContext, passengerId: string): Promise<Entitlement> {
  const found = await getCaseWithEntitlements(ctx, caseId(flight, passengerId));
  const ent = found?.entitlements.find((e) => e.status === 'OFFERED');
  if (!ent) throw new Error(`no OFFERED entitlement for ${passengerId}`);
  return ent;
}

/** One command through the real push API (fails loudly unless it was applied). */
async function push(app: BackendApp, username: string, cmd: CommandEnvelope): Promise<CommandResult> {
  const r = await apiClient(app.apiUrl).call('POST', '/v1/sync/push', {
    token: await idToken(s, username),
    body: { commands: [cmd] },
  });
  if (r.status !== 200) throw new Error(`push ${cmd.type}: ${r.status} ${r.text}`);
  const result = (r.json.results as CommandResult[])[0]!;
  if (result.status !== 'applied') throw new Error(`${cmd.type} ${result.status}: ${result.code} ${result.message}`);
  return result;
}

/** agent.phx requests approval (requestApproval via push: the command commits, then starts the workflow). */
async function requestApproval(app: BackendApp, ctx: DataContext, ent: Entitlement): Promise<Approval> {
  const result = await push(
    app,
    'agent.phx',
    requestCommand({ entitlementId: ent.id, version: ent.version, station: 'PHX' }),
  );
  const id = result.effects.find((e) => e.ref.startsWith('approval:'))!.ref.slice('approval:'.length);
  return (await readApproval(ctx, id))!;
}

/** super.phx denies it (decideApproval via push: the command commits the decision, then completes the workflow). */
async function deny(app: BackendApp, ctx: DataContext, approvalId: string): Promise<Approval> {
  await push(
    app,
    'super.phx',
    decideCommand({ approvalId, decision: 'deny', station: 'PHX', reason: 'not justified' }),
  );
  return (await readApproval(ctx, approvalId))!;
}

const registry = async (ctx: DataContext, approvalId: string) =>
  (
    await ctx.doc.send(
      new GetCommand({ TableName: ctx.table, Key: keys.localCallback(approvalId), ConsistentRead: true }),
    )
  ).Item ?? null;

const registryIds = async (ctx: DataContext) =>
  (
    (
      await ctx.doc.send(
        new QueryCommand({
          TableName: ctx.table,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': 'LOCALCB' },
          ConsistentRead: true,
        }),
      )
    ).Items ?? []
  ).map((i) => String(i.SK));

const escalationMails = (approvalId: string) => s.smtp.messages().filter((m) => m.subject.includes(approvalId));

describe('approval workflow on the local cloud', () => {
  let ctx: DataContext;
  let app: BackendApp;
  beforeAll(async () => {
    let prefix: string;
    ({ ctx, prefix } = await s.newTables());
    // A long poll: deadlines still fire on time (a wait sleeps at most until its deadline), and a
    // decision must wake its wait through decided(), not through a re-read.
    app = await startApp(s, prefix, { ingest: false, policy: () => policy, approvalPollMs: 5000 });
    await seedCases(ctx, app);
  });
  afterAll(async () => {
    await app?.stop();
  });

  it(
    'an undecided request escalates at its escalation time (supervisors + duty admin told once), then expires with a reason the agent syncs',
    { timeout: 60_000 },
    async () => {
      const ent = await offered(ctx, 'GX0001');
      const a = await requestApproval(app, ctx, ent);
      expect(await registry(ctx, a.id)).toMatchObject({ approvalId: a.id });

      // Escalation: at escalateAt (3 s), not before.
      const escalated = await eventually(async () => {
        const x = await readApproval(ctx, a.id);
        return x?.status === 'ESCALATED' ? x : null;
      }, 15_000);
      expect(Date.parse(escalated.escalatedAt!)).toBeGreaterThanOrEqual(Date.parse(a.escalateAt));
      expect(Date.parse(escalated.escalatedAt!) - Date.parse(a.escalateAt)).toBeLessThan(2500);
      expect(escalated.version).toBe(2);
      await eventually(async () => escalationMails(a.id).length >= TOLD.length, 10_000);
      await eventually(async () => (await registry(ctx, a.id))?.phase === 'escalated', 5000, 50);
      expect(await registry(ctx, a.id)).toMatchObject({ approvalId: a.id, taskToken: `local:${a.id}` });

      // Expiry at expireAt (9 s): approval EXPIRED with its reason, entitlement back to OFFERED.
      const expired = await eventually(async () => {
        const x = await readApproval(ctx, a.id);
        return x?.status === 'EXPIRED' ? x : null;
      }, 20_000);
      expect(Date.parse(expired.decidedAt!)).toBeGreaterThanOrEqual(Date.parse(a.expireAt));
      expect(expired.decisionReason).toBe('no decision within 0.15 minutes');
      expect(expired.decidedBy).toBeNull();
      expect(await getEntitlement(ctx, ent.id)).toMatchObject({ status: 'OFFERED', version: ent.version + 2 });
      const found = (await getCaseWithEntitlements(ctx, ent.caseId))!;
      expect(found.case.status).toBe(deriveCaseStatus(found.case, found.entitlements));
      expect(found.case.status).not.toBe('AWAITING_APPROVAL');

      // The execution ran the whole path and cleared its registry entry.
      expect(await app.approvals.finished(a.id)).toBe('SUCCEEDED');
      const exec = app.approvals.executions().find((e) => e.approvalId === a.id)!;
      expect(exec.states).toEqual([
        'Timing',
        'AwaitDecision',
        'EscalateApproval',
        'StillOpen',
        'AwaitDecisionEscalated',
        'ExpireApproval',
        'Done',
      ]);
      expect(await registry(ctx, a.id)).toBeNull();

      // Escalation e-mails: exactly one to the station's supervisor and one to the duty admin.
      await new Promise((r) => setTimeout(r, 300));
      const mails = escalationMails(a.id);
      expect(
        mails
          .map((m) => m.to)
          .flat()
          .sort(),
      ).toEqual(TOLD);
      expect(mails[0]!.text).toContain('above my limit');

      // Audit: requested → escalated → expired, chain intact.
      const trail = await readAuditTrail(ctx, ent.caseId);
      expect(trail.map((e) => e.action).slice(-3)).toEqual([
        'approval_requested',
        'approval_escalated',
        'approval_expired',
      ]);
      expect(trail.at(-1)!.details).toMatchObject({ approvalId: a.id, reason: 'no decision within 0.15 minutes' });
      expect(verifyAuditChain(trail).ok).toBe(true);

      // The agent's desk learns it through the change log (real pull API): approval EXPIRED with the reason.
      const token = await idToken(s, 'agent.phx');
      const { entries } = await apiClient(app.apiUrl).pullAll(token, 'PHX');
      const approvals = entries.flatMap((e) => e.changes).filter((c) => c.kind === 'approval' && c.id === a.id);
      expect(approvals.map((c) => c.data?.status)).toEqual(['PENDING', 'ESCALATED', 'EXPIRED']);
      expect(approvals.at(-1)!.data?.decisionReason).toBe('no decision within 0.15 minutes');
      const entChanges = entries.flatMap((e) => e.changes).filter((c) => c.kind === 'entitlement' && c.id === ent.id);
      expect(entChanges.at(-1)!.data?.status).toBe('OFFERED');
    },
  );

  it(
    'a decision completes the workflow at once: execution SUCCEEDED, registry entry gone, no escalation',
    { timeout: 30_000 },
    async () => {
      const ent = await offered(ctx, 'GX0002');
      const a = await requestApproval(app, ctx, ent);
      await eventually(async () => (await registry(ctx, a.id))?.phase === 'pending', 5000, 50);
      await deny(app, ctx, a.id); // returns once the command committed and called decided()
      const t0 = Date.now();
      expect(await app.approvals.finished(a.id)).toBe('SUCCEEDED');
      expect(Date.now() - t0).toBeLessThan(1000); // woken by decided(), not by the 5 s poll or the deadline
      const exec = app.approvals.executions().find((e) => e.approvalId === a.id)!;
      expect(exec.states).toEqual(['Timing', 'AwaitDecision', 'Decided']);
      expect(await registry(ctx, a.id)).toBeNull();
      // Past the escalation time nothing changes and nobody is told.
      await new Promise((r) => setTimeout(r, 4000));
      expect(await readApproval(ctx, a.id)).toMatchObject({ status: 'DENIED', escalatedAt: null });
      expect(escalationMails(a.id)).toHaveLength(0);
    },
  );

  it('a second start of the same approval is a no-op (execution-name idempotency)', { timeout: 30_000 }, async () => {
    const ent = await offered(ctx, 'GX0003');
    const a = await requestApproval(app, ctx, ent);
    await app.approvals.start(a);
    await app.approvals.start(a);
    expect(app.approvals.executions().filter((e) => e.approvalId === a.id)).toHaveLength(1);
    await deny(app, ctx, a.id);
    expect(await app.approvals.finished(a.id)).toBe('SUCCEEDED');
    await app.approvals.start((await readApproval(ctx, a.id))!);
    expect(app.approvals.executions().filter((e) => e.approvalId === a.id)).toHaveLength(1);
  });
});

describe('a pending approval survives a restart of the local cloud (DynamoDB on disk)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'jetway-approval-restart-'));
  let db: DynamoDbLocal | null = null;
  let app: BackendApp | null = null;
  const prefix = 'restart_';
  // Expiry far enough out to outlast a DynamoDB Local restart (a JVM start: several seconds on a busy machine).
  const restartPolicy = policyWithApprovalTiming({ escalateAfterMinutes: ESCALATE_MIN, expireAfterMinutes: 0.75 }); // 3 s, 45 s

  const startAll = async (): Promise<{ ctx: DataContext; app: BackendApp }> => {
    db = await startDynamoDbLocal({ dbPath: dir });
    const client = localDynamoClient(db.endpoint);
    try {
      await createTables(client, prefix);
    } finally {
      client.destroy();
    }
    app = await startBackendApp({
      dynamodbEndpoint: db.endpoint,
      tablePrefix: prefix,
      kafkaBrokers: [],
      cognito: s.cognito!,
      smtpPort: s.smtp.port,
      sms: s.sms,
      ingest: false,
      policy: () => restartPolicy,
      approvalPollMs: 200,
    });
    return { ctx: createDataContext({ endpoint: db.endpoint, tablePrefix: prefix }), app };
  };
  const stopAll = async () => {
    await app?.stop();
    await db?.stop();
    app = null;
    db = null;
  };
  afterAll(async () => {
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    're-driven from LOCALCB: escalates at its original deadline, and can still be decided',
    { timeout: 120_000 },
    async () => {
      // Before: two pending requests, then the whole cloud stops before their escalation time.
      const first = await startAll();
      await seedCases(first.ctx, first.app);
      const late = await requestApproval(first.app, first.ctx, await offered(first.ctx, 'GX0004'));
      const decideMe = await requestApproval(first.app, first.ctx, await offered(first.ctx, 'GX0005'));
      await eventually(async () => (await registryIds(first.ctx)).length === 2, 5000, 50);
      const stoppedAt = Date.now();
      await stopAll();
      expect(Date.now() - stoppedAt).toBeLessThan(5000); // waits do not hold stop() up
      // Down past the first escalation time.
      const downUntil = Date.parse(late.escalateAt) + 1500;
      await new Promise((r) => setTimeout(r, Math.max(0, downUntil - Date.now())));

      // After: a new DynamoDB Local on the same files and a new app.
      const restartedAt = Date.now();
      const second = await startAll();
      const upAt = Date.now();
      expect(Date.now()).toBeLessThan(Date.parse(late.expireAt)); // else the test proves nothing about the expiry time
      expect((await registryIds(second.ctx)).sort()).toEqual([late.id, decideMe.id].sort());
      expect(
        second.app.approvals
          .executions()
          .map((e) => e.approvalId)
          .sort(),
      ).toEqual([late.id, decideMe.id].sort());
      // Escalated as soon as the restart re-drove it (its deadline had passed), not escalateAfter seconds later.
      const escalated = await eventually(async () => {
        const x = await readApproval(second.ctx, late.id);
        return x?.status === 'ESCALATED' ? x : null;
      }, 10_000);
      expect(Date.parse(escalated.escalatedAt!)).toBeGreaterThan(restartedAt);
      expect(Date.parse(escalated.escalatedAt!) - upAt).toBeLessThan(2000); // a fresh 3 s wait would be later
      await eventually(async () => escalationMails(late.id).length >= TOLD.length, 10_000);

      // The other one (escalated too by now) is decided after the restart: its workflow completes.
      await deny(second.app, second.ctx, decideMe.id);
      expect(await second.app.approvals.finished(decideMe.id)).toBe('SUCCEEDED');
      expect(await readApproval(second.ctx, decideMe.id)).toMatchObject({ status: 'DENIED' });
      expect(await registry(second.ctx, decideMe.id)).toBeNull();

      // The escalated one expires at its original expiry time; e-mails were sent once in all.
      const expired = await eventually(
        async () => {
          const x = await readApproval(second.ctx, late.id);
          return x?.status === 'EXPIRED' ? x : null;
        },
        Date.parse(late.expireAt) - Date.now() + 10_000,
      );
      expect(Date.parse(expired.decidedAt!)).toBeGreaterThanOrEqual(Date.parse(late.expireAt));
      expect(Date.parse(expired.decidedAt!) - Date.parse(late.expireAt)).toBeLessThan(2500);
      expect(await second.app.approvals.finished(late.id)).toBe('SUCCEEDED');
      expect(await registryIds(second.ctx)).toEqual([]);
      expect(
        escalationMails(late.id)
          .map((m) => m.to)
          .flat()
          .sort(),
      ).toEqual(TOLD);
      expect(escalationMails(decideMe.id)).toHaveLength(TOLD.length);
    },
  );
});

describe('the AWS side against DynamoDB Local and cognito-local (only Step Functions itself is stubbed)', () => {
  let ctx: DataContext;
  beforeAll(async () => {
    ({ ctx } = await s.newTables());
  });

  // One clock reading: escalateAt and expireAt exactly 60 s apart (two Date.now() calls could be
  // a millisecond apart and make the expiry wait 61 s).
  const approvalItem = (id: string, status: Approval['status'], now = Date.now()): Approval => ({
    id,
    caseId: 'C-1',
    entitlementId: 'C-1/EU261/cash/once',
    stations: ['PHX'],
    regime: 'EU261',
    type: 'cash',
    amount: { amountMinor: 60000, currency: 'EUR' },
    requestedBy: 'agent.phx',
    requestedAt: new Date(now).toISOString(),
    reason: 'r',
    confirmation: null,
    status,
    level: 'supervisor',
    escalateAt: new Date(now + 60_000).toISOString(),
    expireAt: new Date(now + 120_000).toISOString(),
    escalatedAt: null,
    decidedBy: null,
    decidedAt: null,
    decisionReason: null,
    issuanceId: null,
    version: 1,
  });
  const put = (a: Approval) =>
    ctx.doc.send(
      new PutCommand({ TableName: ctx.table, Item: { ...keys.approval(a.id), entityType: 'approval', ...a } }),
    );
  const recorder = () => {
    const calls: { token: string; output: unknown }[] = [];
    const completer: TaskCompleter = {
      succeed: async (token, output) => {
        calls.push({ token, output });
        return true;
      },
    };
    return { calls, completer };
  };
  /** A stand-in for SFNClient.send: records commands, answers with what `answer` returns or throws. */
  const fakeSfn = (
    answer: (cmd: { constructor: { name: string }; input: Record<string, unknown> }) => unknown = () => ({}),
  ) => {
    const sent: { name: string; input: Record<string, unknown> }[] = [];
    const client = {
      send: async (cmd: { constructor: { name: string }; input: Record<string, unknown> }) => {
        sent.push({ name: cmd.constructor.name, input: cmd.input });
        return answer(cmd);
      },
    };
    return { sent, client: client as unknown as SFNClient };
  };
  /** The supervisors of a station in cognito-local's pool. */
  const of = (station: string) =>
    DEMO_USERS.filter(
      (u) => u.group === 'supervisor' && (u.stations === '*' || u.stations.split(',').includes(station)),
    )
      .map((u) => `${u.username}@jetway.local`)
      .sort();
  const deps = () => ({
    ctx,
    policy: () => policy,
    notifier: { canSms: false, emailOnce: async () => 'sent' as const, smsOnce: async () => 'sent' as const },
  });

  it('RegisterApprovalToken stores the token of an open approval next to it (the approval item is untouched)', async () => {
    const a = approvalItem(`APR-${Date.now()}A`, 'PENDING');
    await put(a);
    const { calls, completer } = recorder();
    const r = await registerApprovalToken(
      deps(),
      { approvalId: a.id, taskToken: 'tok-1', phase: 'pending', pendingHeartbeatSeconds: 60 },
      completer,
    );
    expect(r).toEqual({ registered: true });
    expect(calls).toEqual([]);
    expect(await readTaskToken(ctx, a.id)).toBe('tok-1');
    expect(await readApproval(ctx, a.id)).toEqual(a);
    // The escalated wait's token replaces it.
    await registerApprovalToken(deps(), { approvalId: a.id, taskToken: 'tok-2', phase: 'escalated' }, completer);
    expect(await readTaskToken(ctx, a.id)).toBe('tok-2');
  });

  it('RegisterApprovalToken completes the token itself when the decision came first; refuses an unknown approval', async () => {
    const a = approvalItem(`APR-${Date.now()}B`, 'APPROVED');
    await put(a);
    const { calls, completer } = recorder();
    const r = await registerApprovalToken(
      deps(),
      { approvalId: a.id, taskToken: 'tok-late', phase: 'pending' },
      completer,
    );
    expect(r).toEqual({ registered: false, completed: true, status: 'APPROVED' });
    expect(calls).toEqual([{ token: 'tok-late', output: { approvalId: a.id, status: 'APPROVED' } }]);
    expect(await readTaskToken(ctx, a.id)).toBeNull();
    await expect(
      registerApprovalToken(deps(), { approvalId: 'APR-NOPE', taskToken: 't', phase: 'pending' }, completer),
    ).rejects.toMatchObject({ name: 'ApprovalNotFound' });
    await expect(
      registerApprovalToken(deps(), { approvalId: a.id, taskToken: '', phase: 'pending' }, completer),
    ).rejects.toThrow();
  });

  it('sfnApprovalWorkflow.start: StartExecution named after the approval with its remaining deadlines; ExecutionAlreadyExists is fine, other errors are not', async () => {
    const a = approvalItem(`APR-${Date.now()}C`, 'PENDING');
    const ok = fakeSfn();
    await sfnApprovalWorkflow({
      ctx,
      stateMachineArn: 'arn:aws:states:eu-west-1:1:stateMachine:jetway-dev-approval',
      client: ok.client,
    }).start(a);
    expect(ok.sent).toHaveLength(1);
    expect(ok.sent[0]!.name).toBe('StartExecutionCommand');
    expect(ok.sent[0]!.input).toMatchObject({
      stateMachineArn: 'arn:aws:states:eu-west-1:1:stateMachine:jetway-dev-approval',
      name: a.id,
    });
    const input = JSON.parse(ok.sent[0]!.input.input as string) as Record<string, number | string>;
    expect(input).toMatchObject({ approvalId: a.id, caseId: 'C-1' });
    expect(input.escalateAfterSeconds).toBeGreaterThanOrEqual(59);
    expect(input.escalateAfterSeconds).toBeLessThanOrEqual(60);
    expect(input.expireAfterSeconds).toBe(60);
    const dup = fakeSfn(() => {
      throw new ExecutionAlreadyExists({ message: 'exists', $metadata: {} });
    });
    await expect(
      sfnApprovalWorkflow({ ctx, stateMachineArn: 'arn:x', client: dup.client }).start(a),
    ).resolves.toBeUndefined();
    const down = fakeSfn(() => {
      throw new Error('throttled');
    });
    await expect(sfnApprovalWorkflow({ ctx, stateMachineArn: 'arn:x', client: down.client }).start(a)).rejects.toThrow(
      'throttled',
    );
  });

  it('sfnApprovalWorkflow.decided: SendTaskSuccess with the registered token; no token, or a wait already over, is not an error', async () => {
    const a = approvalItem(`APR-${Date.now()}D`, 'PENDING');
    await put(a);
    const none = fakeSfn();
    await sfnApprovalWorkflow({ ctx, stateMachineArn: 'arn:x', client: none.client }).decided({
      ...a,
      status: 'DENIED',
    });
    expect(none.sent).toEqual([]); // nothing registered yet: RegisterApprovalToken will see the decision
    await registerApprovalToken(
      deps(),
      { approvalId: a.id, taskToken: 'tok-d', phase: 'pending' },
      recorder().completer,
    );
    const ok = fakeSfn();
    await sfnApprovalWorkflow({ ctx, stateMachineArn: 'arn:x', client: ok.client }).decided({ ...a, status: 'DENIED' });
    expect(ok.sent).toEqual([
      {
        name: 'SendTaskSuccessCommand',
        input: { taskToken: 'tok-d', output: JSON.stringify({ approvalId: a.id, status: 'DENIED' }) },
      },
    ]);
    const over = fakeSfn(() => {
      throw new TaskTimedOut({ message: 'timed out', $metadata: {} });
    });
    await expect(
      sfnApprovalWorkflow({ ctx, stateMachineArn: 'arn:x', client: over.client }).decided(a),
    ).resolves.toBeUndefined();
    const broken = fakeSfn(() => {
      throw new Error('AccessDenied');
    });
    await expect(
      sfnApprovalWorkflow({ ctx, stateMachineArn: 'arn:x', client: broken.client }).decided(a),
    ).rejects.toThrow('AccessDenied');
  });

  it('EscalateApproval is idempotent (a retry or re-drive writes and sends nothing twice) and leaves a decided approval alone', async () => {
    const email = smtpTransport({ port: s.smtp.port });
    try {
      const d = {
        ctx,
        policy: () => policy,
        notifier: createNotifier({ ctx, email }),
        directory: cognitoDirectory({
          userPoolId: s.cognito!.userPoolId,
          endpoint: s.cognito!.endpoint,
          region: s.cognito!.region,
        }),
      };
      const a = { ...approvalItem(`APR-${Date.now()}E`, 'PENDING'), caseId: `C-${Date.now()}` };
      await put(a);
      const first = await escalateApproval(d, { approvalId: a.id });
      const second = await escalateApproval(d, { approvalId: a.id });
      expect(first).toEqual({ open: true, status: 'ESCALATED', notified: 1 + of('PHX').length });
      expect(second).toEqual({ open: true, status: 'ESCALATED', notified: 0 });
      expect(await readApproval(ctx, a.id)).toMatchObject({ status: 'ESCALATED', version: 2 });
      expect((await readAuditTrail(ctx, a.caseId)).map((e) => e.action)).toEqual(['approval_escalated']);
      await eventually(async () => escalationMails(a.id).length >= 1 + of('PHX').length, 5000);
      await new Promise((r) => setTimeout(r, 200));
      expect(
        escalationMails(a.id)
          .map((m) => m.to)
          .flat()
          .sort(),
      ).toEqual([DUTY_ADMIN, ...of('PHX')].sort());

      const decided = { ...approvalItem(`APR-${Date.now()}F`, 'DENIED'), caseId: `C-${Date.now()}F` };
      await put(decided);
      expect(await escalateApproval(d, { approvalId: decided.id })).toEqual({
        open: false,
        status: 'DENIED',
        notified: 0,
      });
      expect(await expireApproval(d, { approvalId: decided.id })).toEqual({ expired: false, status: 'DENIED' });
      expect(await readApproval(ctx, decided.id)).toEqual(decided);
      expect(await readAuditTrail(ctx, decided.caseId)).toEqual([]);
      expect(escalationMails(decided.id)).toEqual([]);
    } finally {
      email.close();
    }
  });

  it('the staff directory: ListUsersInGroup(supervisor) on cognito-local, filtered by custom:stations', async () => {
    const dir = cognitoDirectory({
      userPoolId: s.cognito!.userPoolId,
      endpoint: s.cognito!.endpoint,
      region: s.cognito!.region,
    });
    expect(await dir.supervisorEmails(['OAK'])).toEqual(of('OAK'));
    expect(await dir.supervisorEmails(['PHX'])).toEqual(of('PHX'));
    expect(of('PHX').length).toBeGreaterThan(0);
    expect(await dir.supervisorEmails(['LHR'])).toEqual(of('LHR'));
    expect(await dir.supervisorEmails(['PHX', 'OAK'])).toEqual([...new Set([...of('PHX'), ...of('OAK')])].sort());
  });
});
