import fs from 'node:fs';
import { CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { ulid } from 'ulid';
import { buildCancelEvent } from '../../backend/src/simulator/events.js';
import { signPushBody } from '../../backend/test/helpers/desk-signing.js';
import { webKeyProvider } from '../../src/main/db/keys.js';
import { startDeskServer } from '../../src/main/web/server.js';
import { expect, signIn, test } from './fixtures.js';
import { startNetCut } from './net-cut.js';

const TOPIC = 'flight-operations';

/**
 * Issue #8, end to end in Chromium with two browser contexts (two desks, two people): a
 * Phoenix agent asks for approval of UK261 cash above their limit; the Phoenix supervisor
 * approves it from the queue; the issuance shows on the agent's desk with exactly one email.
 * Then the supervisor's desk loses the network (a TCP cut between that desk and the API, the
 * backend keeps running), approves a second request offline, and the network comes back: issued
 * exactly once. Last, the agent cannot approve their own request: not in the UI, not on the server.
 */
test('approvals: request → supervisor approves (online and offline) → issued once; no self-approval', async ({
  page,
  browser,
  desk,
  cloud,
  kafka,
  backend,
}, testInfo) => {
  const shotA = (name: string) => page.screenshot({ path: testInfo.outputPath(`agent-${name}.png`) });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));

  // The supervisor's desk talks to the API through a cuttable link.
  const link = await startNetCut(cloud.apiUrl);
  const superLog = testInfo.outputPath('super-desk.log');
  const superDesk = await startDeskServer({
    dataDir: testInfo.outputPath('super-desk-data'),
    keyProvider: webKeyProvider({ dataDir: testInfo.outputPath('super-desk-data'), env: {}, generateSecretFile: true }),
    apiUrl: link.url,
    cognito: cloud.cognito,
    log: (l) => fs.appendFileSync(superLog, `${l}\n`),
    sync: { backoff: { initialMs: 200, maxMs: 1000 } },
  });
  const superContext = await browser.newContext();
  const sup = await superContext.newPage();
  sup.on('pageerror', (e) => pageErrors.push(`supervisor: ${e.message}`));
  const shotS = (name: string) => sup.screenshot({ path: testInfo.outputPath(`supervisor-${name}.png`) });

  try {
    await page.goto(desk.url);
    await signIn(page, 'agent.phx');
    await sup.goto(superDesk.url);
    await signIn(sup, 'super.phx');

    // A Jetway UK flight London → Phoenix, departing nearest now, is cancelled (within the carrier's control).
    const nearest = desk.desk.db.prepare(
      `SELECT id, json_extract(data, '$.carrier') || json_extract(data, '$.number') AS fn FROM flight
       WHERE origin = 'LHR' AND destination = 'PHX' ORDER BY abs(julianday(scheduled_departure) - julianday('now')) LIMIT 1`,
    );
    await expect.poll(() => nearest.get() !== undefined, { timeout: 60_000 }).toBe(true);
    const flightRow = nearest.get() as { id: string; fn: string };
    await kafka.send({
      topic: TOPIC,
      messages: [{ value: JSON.stringify(buildCancelEvent({ flightId: flightRow.fn, reason: 'MECHANICAL' })) }],
    });
    // The board is a virtual list in time order: filter it down to the flight, as an agent would.
    await page.getByTestId('board-filter').fill(flightRow.fn);
    const boardRow = page.locator(`[data-testid="flight-${flightRow.fn}"][data-flight-id="${flightRow.id}"]`);
    await expect(boardRow).toHaveAttribute('data-status', 'CANCELLED', { timeout: 60_000 });
    await boardRow.click();
    await expect(page.getByTestId('passenger-row').first()).toBeVisible();
    await expect
      .poll(async () => Number(await page.getByTestId('case-count').textContent()), { timeout: 30_000 })
      .toBeGreaterThan(1);

    // 1. The agent opens a passenger: UK261 £520 cash is above their limit → request approval.
    await page.getByTestId('passenger-row').nth(0).click();
    const cash = page.getByTestId('entitlement-cash');
    await expect(cash).toBeVisible();
    await expect(cash.getByTestId('entitlement-amount')).toHaveText('520.00 GBP');
    await expect(cash.getByTestId('entitlement-blocked')).toHaveAttribute('data-code', 'LIMIT_EXCEEDED');
    await expect(page.getByTestId('issue-cash')).toBeDisabled();
    const firstEnt = (await cash.getAttribute('data-entitlement-id'))!;
    await page.getByTestId('request-approval-cash').click();
    await expect(page.getByRole('dialog')).toBeVisible();
    await expect(page.getByTestId('dialog-amount')).toContainText('520.00 GBP');
    await page.getByTestId('payment-method-bank_transfer').check();
    await page.getByTestId('dialog-reason').fill('Passenger stranded overnight; EU/UK261 cash owed');
    await shotA('01-request-approval-dialog');
    await page.getByTestId('dialog-confirm').click();
    await expect(cash.getByTestId('approval-status')).toHaveAttribute('data-status', 'PENDING', { timeout: 15_000 });
    await shotA('02-awaiting-approval');

    // 2. The supervisor sees it in the approvals queue, with its explanation, and approves it.
    await sup.getByTestId('nav-approvals').click();
    const item = sup.getByTestId('approval-row').filter({ hasText: 'agent.phx' }).first();
    await expect(item).toBeVisible({ timeout: 15_000 });
    await expect(item.getByTestId('approval-amount')).toContainText('520.00 GBP');
    await expect(item).toContainText('UK261');
    await shotS('03-approvals-queue');
    await item.getByTestId('approval-approve').click();
    await sup.getByTestId('dialog-reason').fill('Checked: cancellation within the carrier’s control');
    await shotS('04-approve-dialog');
    await sup.getByTestId('dialog-confirm').click();

    // 3. The agent's desk shows it issued; one valid issuance and exactly one email.
    await expect(cash).toHaveAttribute('data-status', 'ISSUED', { timeout: 15_000 });
    await expect(cash.getByTestId('issuance-info')).toContainText('approved');
    await shotA('05-issued-after-approval');
    const valid = async (ent: string) => {
      const t = Date.now();
      const all = await backend.issuancesFor(ent);
      console.log(`[e2e] issuance scan ${Date.now() - t} ms: ${all.length} for ${ent}`);
      return all.filter((i) => i.status === 'VALID');
    };
    await expect.poll(async () => (await valid(firstEnt)).length, { timeout: 60_000 }).toBe(1);
    const serial1 = String((await valid(firstEnt))[0]!.voucherSerial);
    const mailsFor = async (serial: string) => (await cloud.smtpMessages()).filter((m) => m.text.includes(serial));
    await expect.poll(async () => (await mailsFor(serial1)).length, { timeout: 60_000 }).toBe(1);

    // 4. Another request reaches the supervisor; then the supervisor's desk loses the backend.
    await page.getByTestId('passenger-row').nth(1).click();
    await expect(cash).toBeVisible();
    const secondEnt = (await cash.getAttribute('data-entitlement-id'))!;
    expect(secondEnt).not.toBe(firstEnt);
    await page.getByTestId('request-approval-cash').click();
    await page.getByTestId('payment-method-bank_transfer').check();
    await page.getByTestId('dialog-reason').fill('Second stranded passenger');
    await page.getByTestId('dialog-confirm').click();
    await expect(cash.getByTestId('approval-status')).toHaveAttribute('data-status', 'PENDING', { timeout: 15_000 });
    const second = sup.getByTestId('approval-row').filter({ hasText: 'agent.phx' }).first();
    await expect(second).toBeVisible({ timeout: 15_000 });

    await link.cut();
    await expect(sup.getByTestId('sync-online')).toHaveAttribute('data-online', 'false', { timeout: 30_000 });
    await second.getByTestId('approval-approve').click();
    await sup.getByTestId('dialog-reason').fill('Approved while the station network is down');
    await sup.getByTestId('dialog-confirm').click();
    await expect(second.getByTestId('approval-pending-decision')).toBeVisible();
    await expect(sup.getByTestId('sync-pending')).toHaveAttribute('data-count', '1');
    await shotS('06-approved-offline');
    // Nothing reached the server while the desk was cut off.
    expect((await valid(secondEnt)).length).toBe(0);

    // The backend comes back: the decision syncs and is issued exactly once.
    await link.restore();
    await expect(sup.getByTestId('sync-online')).toHaveAttribute('data-online', 'true', { timeout: 30_000 });
    await expect(sup.getByTestId('sync-pending')).toHaveAttribute('data-count', '0', { timeout: 30_000 });
    await expect(cash).toHaveAttribute('data-status', 'ISSUED', { timeout: 20_000 });
    await shotS('07-back-online');
    await shotA('08-second-issued');
    // 5. Issued once: one valid issuance, one email, even after more sync rounds.
    await expect.poll(async () => (await valid(secondEnt)).length, { timeout: 60_000 }).toBe(1);
    const serial2 = String((await valid(secondEnt))[0]!.voucherSerial);
    await expect.poll(async () => (await mailsFor(serial2)).length, { timeout: 60_000 }).toBe(1);
    await sup.getByRole('button', { name: 'Sync now' }).click();
    expect((await backend.issuancesFor(secondEnt)).length).toBe(1);

    // 6. The agent's own request: the agent cannot approve it, in the UI or on the server.
    await page.getByTestId('passenger-row').nth(2).click();
    await expect(cash).toBeVisible();
    await page.getByTestId('request-approval-cash').click();
    await page.getByTestId('payment-method-bank_transfer').check();
    await page.getByTestId('dialog-reason').fill('Third passenger');
    await page.getByTestId('dialog-confirm').click();
    await expect(cash.getByTestId('approval-status')).toHaveAttribute('data-status', 'PENDING', { timeout: 15_000 });
    // In the UI: an agent has no approvals queue and the entitlement offers no decision.
    await expect(page.getByTestId('nav-approvals')).toHaveCount(0);
    await expect(cash.getByRole('button', { name: /approve/i })).toHaveCount(0);
    const ownApproval = desk.desk.db
      .prepare(`SELECT id FROM approval WHERE requested_by = 'agent.phx' AND status = 'PENDING' LIMIT 1`)
      .pluck()
      .get() as string;
    expect(ownApproval).toMatch(/^APR-/);
    // The desk's main process refuses the call (the same RPC the renderer uses).
    const viaDesk = await desk.desk.dispatch('approval:decide', {
      approvalId: ownApproval,
      decision: 'approve',
      reason: 'trying to approve my own request',
    });
    expect(viaDesk.ok).toBe(false);
    if (!viaDesk.ok) expect(viaDesk.error.code).toBe('FORBIDDEN');
    // The server refuses it too, even when a doctored desk sends the command anyway.
    const auth = await new CognitoIdentityProviderClient({
      region: cloud.cognito.region,
      endpoint: cloud.cognito.endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }).send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: cloud.cognito.clientId,
        AuthParameters: { USERNAME: 'agent.phx', PASSWORD: 'Jetway-demo-1' },
      }),
    );
    // A doctored but enrolled desk: the command is signed for agent.phx (backend/test/helpers/desk-signing.ts).
    const token = auth.AuthenticationResult!.IdToken!;
    const res = await fetch(`${cloud.apiUrl}/v1/sync/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(
        await signPushBody(cloud.apiUrl, token, {
          commands: [
            {
              commandId: ulid(),
              type: 'decideApproval',
              deskId: 'doctored-desk',
              station: 'PHX',
              expectedVersions: {},
              payload: { approvalId: ownApproval, decision: 'approve', reason: 'self' },
              createdAt: new Date().toISOString(),
              schemaVersion: 1,
              offline: false,
            },
          ],
        }),
      ),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { results: { status: string; code: string | null }[] };
    expect(body.results[0]).toMatchObject({ status: 'rejected', code: 'SELF_APPROVAL' });
    const thirdEnt = (await cash.getAttribute('data-entitlement-id'))!;
    expect(await valid(thirdEnt)).toHaveLength(0);
    await shotA('09-own-request-not-decidable');
    expect(pageErrors).toEqual([]);
  } finally {
    await superContext.close();
    await superDesk.stop();
    await link.close();
  }
});
