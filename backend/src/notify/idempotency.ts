import {
  IdempotencyConfig,
  IdempotencyItemAlreadyExistsError,
  IdempotencyRecordStatus,
  makeIdempotent,
  PERSISTENCE_ATTRIBUTE_KEY_MAPPINGS,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
import { commitUnlogged, ConditionFailedError } from '../data/changelog.js';
import type { DataContext } from '../data/client.js';
import { keys } from '../data/keys.js';
import { putCoalesced } from '../data/repositories.js';

/**
 * Powertools' DynamoDB persistence layer on Jetway's single table. Powertools keeps records either
 * under their own partition key (a table with only `id`) or, with a sort key, all under ONE static
 * partition (`idempotency#<fn>`: a hot partition at airline scale, STYLE.md). Overriding its `getKey`
 * puts each record in its own partition of the main table (`IDEMPOTENCY#<key>` / `IDEMPOTENCY`), with
 * the table's TTL attribute (`expiresAt`) as the record expiry.
 *
 * The claim (`_putRecord`: IN_PROGRESS, on the same condition as Powertools': no record, or an expired
 * one, or an IN_PROGRESS one whose claim expired) goes through the process's group committer
 * (commitManyWithLog, no log entry): a flight's concurrent notices share transactions instead of one
 * conditional request each (on DynamoDB Local a request costs about as much as three items of a
 * transaction). The completion (`_updateRecord`) has no condition and goes out in batched puts.
 * A claim refused by its condition is answered as Powertools'
 * own layer answers it (IdempotencyItemAlreadyExistsError; Powertools then reads the record).
 * Reading, deleting and everything else (IN_PROGRESS expiry, COMPLETED with the stored result,
 * delete on failure) is Powertools' own code. Records on a transaction cost DynamoDB twice the write
 * units of a single put; at a few hundred bytes each that is a fraction of a cent per big disruption.
 */
export class SingleTablePersistenceLayer extends DynamoDBPersistenceLayer {
  constructor(private readonly ctx: DataContext) {
    super({ tableName: ctx.table, keyAttr: 'PK', expiryAttr: 'expiresAt', awsSdkV3Client: ctx.doc as never });
  }

  protected override getKey(idempotencyKey: string): Record<string, AttributeValue> {
    const k = keys.idempotency(idempotencyKey);
    return { PK: { S: k.PK }, SK: { S: k.SK } };
  }

  protected override async _putRecord(record: IdempotencyRecord): Promise<void> {
    const now = Date.now();
    const item: Record<string, unknown> = { ...keys.idempotency(record.idempotencyKey), expiresAt: record.expiryTimestamp, [ATTR.statusAttr]: record.getStatus() };
    if (record.inProgressExpiryTimestamp !== undefined) item[ATTR.inProgressExpiryAttr] = record.inProgressExpiryTimestamp;
    if (this.isPayloadValidationEnabled() && record.payloadHash !== undefined) item[ATTR.validationKeyAttr] = record.payloadHash;
    const r = await commitUnlogged(this.ctx, {
      Put: {
        TableName: this.ctx.table,
        Item: item,
        ConditionExpression: 'attribute_not_exists(#id) OR #expiry < :now OR (#status = :inprogress AND attribute_exists(#in_progress_expiry) AND #in_progress_expiry < :now_in_millis)',
        ExpressionAttributeNames: { '#id': 'PK', '#expiry': 'expiresAt', '#in_progress_expiry': ATTR.inProgressExpiryAttr, '#status': ATTR.statusAttr },
        ExpressionAttributeValues: { ':now': now / 1000, ':now_in_millis': now, ':inprogress': IdempotencyRecordStatus.INPROGRESS },
      },
    });
    if (r.ok) return;
    if (r.error instanceof ConditionFailedError) throw new IdempotencyItemAlreadyExistsError(`Failed to put record for already existing idempotency key: ${record.idempotencyKey}`);
    throw r.error;
  }

  /**
   * The completion, as a whole record: Powertools' own update sets the status, expiry, result and
   * hash without a condition, so a put of the same attributes is the same write (the claim's
   * IN_PROGRESS expiry only counts while the status is IN_PROGRESS). Being unconditional, it goes
   * out batched (putCoalesced), beside the transactions.
   */
  protected override async _updateRecord(record: IdempotencyRecord): Promise<void> {
    const item: Record<string, unknown> = { ...keys.idempotency(record.idempotencyKey), expiresAt: record.expiryTimestamp, [ATTR.statusAttr]: record.getStatus() };
    if (record.responseData !== undefined) item[ATTR.dataAttr] = record.responseData;
    if (this.isPayloadValidationEnabled() && record.payloadHash !== undefined) item[ATTR.validationKeyAttr] = record.payloadHash;
    await putCoalesced(this.ctx, item);
  }
}

/** Powertools' attribute names of a record (the expiry is the table's TTL attribute instead). */
const ATTR = PERSISTENCE_ATTRIBUTE_KEY_MAPPINGS;

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
