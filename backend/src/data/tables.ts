/**
 * DynamoDB table definitions: the single source used by the CDK app (infra/) and by the local
 * cloud when it creates tables in DynamoDB Local. Key formats live in keys.ts, nowhere else.
 */
export interface KeyAttr {
  name: string;
  type: 'S' | 'N';
}

export interface TableDefinition {
  /** Logical name; the physical name is `${prefix}${logicalName}`. */
  logicalName: string;
  partitionKey: KeyAttr;
  sortKey: KeyAttr;
  globalSecondaryIndexes: { indexName: string; partitionKey: KeyAttr; sortKey: KeyAttr }[];
  /** Streams are a "please pull" hint only, never the sync feed (SYNC.md). */
  stream: boolean;
  /** TTL attribute (epoch seconds) for items that may expire, e.g. old change-log pages. */
  ttlAttribute?: string;
}

/** The single table holding flights, bookings, cases, issuances, commands and change logs. */
export const MAIN_TABLE: TableDefinition = {
  logicalName: 'jetway',
  partitionKey: { name: 'PK', type: 'S' },
  sortKey: { name: 'SK', type: 'S' },
  globalSecondaryIndexes: [
    {
      // Flight number → instances by scheduled departure (resolve `SW1234` to an instance);
      // passenger → bookings. High-cardinality partitions only.
      indexName: 'GSI1',
      partitionKey: { name: 'GSI1PK', type: 'S' },
      sortKey: { name: 'GSI1SK', type: 'S' },
    },
  ],
  stream: true,
  ttlAttribute: 'expiresAt',
};

export const TABLES: readonly TableDefinition[] = [MAIN_TABLE];

export const tableName = (def: TableDefinition, prefix = ''): string => `${prefix}${def.logicalName}`;
