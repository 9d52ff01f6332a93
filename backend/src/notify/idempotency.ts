import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DataContext } from '../data/client.js';
import { keys } from '../data/keys.js';

/**
 * Powertools' DynamoDB persistence layer on Jetway's single table. Powertools keeps records either
 * under their own partition key (a table with only `id`) or, with a sort key, all under ONE static
 * partition (`idempotency#<fn>`: a hot partition at airline scale, STYLE.md). Overriding its `getKey`
 * puts each record in its own partition of the main table (`IDEMPOTENCY#<key>` / `IDEMPOTENCY`), with
 * the table's TTL attribute (`expiresAt`) as the record expiry. Everything else (conditional claim,
 * IN_PROGRESS expiry, COMPLETED with the stored result, delete on failure) is Powertools' own code.
 */
export class SingleTablePersistenceLayer extends DynamoDBPersistenceLayer {
  constructor(ctx: DataContext) {
    super({ tableName: ctx.table, keyAttr: 'PK', expiryAttr: 'expiresAt', awsSdkV3Client: ctx.doc as never });
  }

  protected override getKey(idempotencyKey: string): Record<string, AttributeValue> {
    const k = keys.idempotency(idempotencyKey);
    return { PK: { S: k.PK }, SK: { S: k.SK } };
  }
}

/** What one send is (the idempotency key is `key`: recipient + change + channel). */
export interface SendRequest {
  key: string;
  channel: 'email' | 'sms';
  to: string;
  subject?: string;
  text: string;
  html?: string;
}

export interface IdempotentSendOptions {
  /** How long a completed send is remembered (no second delivery within it). Default 30 days. */
  rememberSeconds?: number;
  /** How long a claim of a send in flight holds before another worker may take it over. Default 60 s. */
  inProgressSeconds?: number;
}

/**
 * Wraps a transport call with Powertools Idempotency (makeIdempotent, DynamoDB persistence): the first
 * call with a key sends and stores the transport's answer; a retry with the same key returns that
 * answer without sending again; a concurrent call while one is in flight throws
 * IdempotencyAlreadyInProgressError; a call whose send threw leaves no record, so a retry sends.
 */
export function idempotentSend(
  ctx: DataContext,
  send: (req: SendRequest) => Promise<{ messageId: string }>,
  opts: IdempotentSendOptions = {},
): (req: SendRequest) => Promise<{ messageId: string }> {
  const inProgressMs = (opts.inProgressSeconds ?? 60) * 1000;
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'key',
    expiresAfterSeconds: opts.rememberSeconds ?? 30 * 24 * 3600,
    // Outside a Lambda handler there is no context: this one sets the IN_PROGRESS expiry of a claim.
    lambdaContext: { getRemainingTimeInMillis: () => inProgressMs } as never,
  });
  return makeIdempotent(send, { persistenceStore: new SingleTablePersistenceLayer(ctx), config, keyPrefix: 'notify' });
}
