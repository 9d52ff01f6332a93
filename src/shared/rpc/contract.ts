import { z } from 'zod';
import {
  BookingSchema,
  CaseSchema,
  DelayCategorySchema,
  DisruptionSchema,
  EntitlementSchema,
  FlightSchema,
  PassengerSchema,
  StationSchema,
} from '../domain/entities.js';

/**
 * The desk RPC contract: the ONE list of calls the renderer may make to the main process.
 *
 * Channels are named `domain:verb`; each has a zod request and response schema. The main
 * process validates every request with the request schema before any service sees it, and
 * answers with an {@link RpcResult} envelope (never a thrown error across the boundary).
 * The same contract is served over Electron IPC (src/main/ipc.ts) and over WebSocket
 * (src/main/web/server.ts, web mode and tests).
 */

/** Error codes a call may answer with. `BAD_REQUEST` = the request failed its schema. */
export const RpcErrorCodeSchema = z.enum([
  'BAD_REQUEST',
  'UNKNOWN_CHANNEL',
  'UNAUTHENTICATED',
  'AUTH_FAILED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'OFFLINE',
  'INTERNAL',
]);
export type RpcErrorCode = z.infer<typeof RpcErrorCodeSchema>;

/** The error half of the envelope. `message` is for people; never a stack trace. */
export const RpcErrorSchema = z.object({ code: RpcErrorCodeSchema, message: z.string() });
export type RpcError = z.infer<typeof RpcErrorSchema>;

/** Every response travels in this envelope. */
export type RpcResult<T> = { ok: true; value: T } | { ok: false; error: RpcError };

/** Builds the zod schema of an envelope around a value schema (used by transports to parse replies). */
export const rpcResultSchema = <T extends z.ZodType>(value: T) =>
  z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), value }), z.object({ ok: z.literal(false), error: RpcErrorSchema })]);

const Empty = z.object({}).strict();

/** Role derived from the ID token's `cognito:groups` (highest wins). */
export const RoleSchema = z.enum(['agent', 'supervisor', 'admin', 'unknown']);

/** The signed-in user as the desk knows it. Tokens never cross into the renderer. */
export const SessionSchema = z.object({
  username: z.string(),
  role: RoleSchema,
  groups: z.array(z.string()),
  /** IATA codes from `custom:stations`; `*` (admin) is kept as is. */
  stations: z.array(z.string()),
  /** ID token expiry (server time as stated by the token), ISO instant. */
  expiresAt: z.string(),
});
export type Session = z.infer<typeof SessionSchema>;

export const SignInRequestSchema = z.object({
  username: z.string().trim().min(1, 'username is required').max(128),
  password: z.string().min(1, 'password is required').max(256),
});

/** Flight as shown on the station board: the cached flight plus its disruption and counts. */
export const BoardFlightSchema = FlightSchema.extend({
  delayCategory: DelayCategorySchema.nullable(),
  disruption: DisruptionSchema.nullable(),
  /** Cancelled, delayed, diverted, or carrying a disruption record. */
  disrupted: z.boolean(),
  passengerCount: z.number().int().nonnegative(),
  caseCount: z.number().int().nonnegative(),
});
export type BoardFlight = z.infer<typeof BoardFlightSchema>;

export const BoardRequestSchema = z.object({ station: StationSchema });
export const BoardResponseSchema = z.object({
  station: StationSchema,
  /** Disrupted flights first (cancelled, then by delay), then the rest by scheduled departure. */
  flights: z.array(BoardFlightSchema),
  counts: z.object({
    total: z.number().int().nonnegative(),
    disrupted: z.number().int().nonnegative(),
    cancelled: z.number().int().nonnegative(),
    delayed: z.number().int().nonnegative(),
  }),
});
export type BoardResponse = z.infer<typeof BoardResponseSchema>;

/**
 * Where an entitlement stands from this desk's point of view:
 * `none` = offered, nothing sent; `pending` = an issue command waits in the outbox or was
 * acknowledged but its effect has not come back yet; `synced` = the server says issued;
 * `rejected` = the server rejected this desk's command (see the needs-attention list).
 */
export const EntitlementSyncStateSchema = z.enum(['none', 'pending', 'synced', 'rejected']);
export type EntitlementSyncState = z.infer<typeof EntitlementSyncStateSchema>;

export const EntitlementViewSchema = EntitlementSchema.extend({
  syncState: EntitlementSyncStateSchema,
  /** Status after applying this desk's pending commands on top of the server state. */
  effectiveStatus: EntitlementSchema.shape.status,
  voucherSerial: z.string().nullable(),
  rejection: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type EntitlementView = z.infer<typeof EntitlementViewSchema>;

export const PassengerRowSchema = z.object({
  passenger: PassengerSchema,
  booking: BookingSchema,
  case: CaseSchema.nullable(),
  entitlements: z.array(EntitlementViewSchema),
});
export type PassengerRow = z.infer<typeof PassengerRowSchema>;

export const FlightRequestSchema = z.object({ flightId: z.string().min(1) });
export const FlightPassengersResponseSchema = z.object({
  flight: BoardFlightSchema,
  /** Sorted by last name, first name. */
  rows: z.array(PassengerRowSchema),
  counts: z.object({
    passengers: z.number().int().nonnegative(),
    cases: z.number().int().nonnegative(),
    issued: z.number().int().nonnegative(),
  }),
});
export type FlightPassengersResponse = z.infer<typeof FlightPassengersResponseSchema>;

export const SearchRequestSchema = z.object({
  query: z.string().trim().min(1, 'type a name or PNR').max(64),
  limit: z.number().int().min(1).max(200).default(50),
});
export const SearchHitSchema = z.object({
  passenger: PassengerSchema,
  booking: BookingSchema,
  flight: FlightSchema.nullable(),
  caseId: z.string().nullable(),
});
export type SearchHit = z.infer<typeof SearchHitSchema>;
export const SearchResponseSchema = z.object({ hits: z.array(SearchHitSchema) });

export const CaseRequestSchema = z.object({ caseId: z.string().min(1) });
export const CaseViewSchema = z.object({
  case: CaseSchema,
  passenger: PassengerSchema.nullable(),
  booking: BookingSchema.nullable(),
  flight: FlightSchema.nullable(),
  disruption: DisruptionSchema.nullable(),
  entitlements: z.array(EntitlementViewSchema),
});
export type CaseView = z.infer<typeof CaseViewSchema>;

export const IssueRequestSchema = z.object({ entitlementId: z.string().min(1) });
export const IssueResponseSchema = z.object({ commandId: z.string(), syncState: EntitlementSyncStateSchema });

export const StationSyncSchema = z.object({
  station: z.string(),
  epoch: z.string().nullable(),
  cursor: z.number().int().nonnegative(),
  head: z.number().int().nonnegative(),
  lastPullAt: z.string().nullable(),
});

/** Everything the sync status bar shows. */
export const SyncStatusSchema = z.object({
  signedIn: z.boolean(),
  online: z.boolean(),
  /** Commands in the outbox not yet confirmed by a pull (pending + acknowledged). */
  pendingCommands: z.number().int().nonnegative(),
  stations: z.array(StationSyncSchema),
  lastSyncAt: z.string().nullable(),
  lastError: z.string().nullable(),
  needsAttention: z.number().int().nonnegative(),
});
export type SyncStatus = z.infer<typeof SyncStatusSchema>;

/** A command the server rejected; kept until someone looks at it (never blocks the queue). */
export const AttentionItemSchema = z.object({
  commandId: z.string(),
  type: z.string(),
  entitlementId: z.string().nullable(),
  code: z.string(),
  message: z.string(),
  createdAt: z.string(),
});
export type AttentionItem = z.infer<typeof AttentionItemSchema>;

/** The channel table. Adding a call = one entry here + one handler in src/main/rpc/handlers.ts. */
export const contract = {
  'session:signIn': { request: SignInRequestSchema, response: SessionSchema },
  'session:get': { request: Empty, response: SessionSchema.nullable() },
  'session:signOut': { request: Empty, response: z.object({ signedOut: z.boolean() }) },
  'board:flights': { request: BoardRequestSchema, response: BoardResponseSchema },
  'flight:get': { request: FlightRequestSchema, response: BoardFlightSchema },
  'flight:passengers': { request: FlightRequestSchema, response: FlightPassengersResponseSchema },
  'passenger:search': { request: SearchRequestSchema, response: SearchResponseSchema },
  'case:get': { request: CaseRequestSchema, response: CaseViewSchema },
  'entitlement:issue': { request: IssueRequestSchema, response: IssueResponseSchema },
  'sync:status': { request: Empty, response: SyncStatusSchema },
  'sync:now': { request: Empty, response: SyncStatusSchema },
  'attention:list': { request: Empty, response: z.object({ items: z.array(AttentionItemSchema) }) },
} as const satisfies Record<string, { request: z.ZodType; response: z.ZodType }>;

/** A `domain:verb` channel name. */
export type Channel = keyof typeof contract;
export const CHANNELS = Object.keys(contract) as Channel[];
export const isChannel = (x: unknown): x is Channel => typeof x === 'string' && Object.hasOwn(contract, x);

/** What a caller passes (defaults may be omitted). */
export type RpcRequest<C extends Channel> = z.input<(typeof contract)[C]['request']>;
/** What a handler receives after validation. */
export type RpcParsedRequest<C extends Channel> = z.output<(typeof contract)[C]['request']>;
/** What a call answers inside the envelope. */
export type RpcResponse<C extends Channel> = z.output<(typeof contract)[C]['response']>;

/** Server → renderer events. `data:changed` says which entity kinds changed (re-query what you show). */
export const events = {
  'data:changed': z.object({ kinds: z.array(z.string()), stations: z.array(z.string()) }),
  'sync:status': SyncStatusSchema,
} as const;
export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

/**
 * The client side of the contract. The preload bridge (`window.jetway`) and the WebSocket
 * client both satisfy it, so the renderer does not know which transport it runs on.
 */
export interface DeskClient {
  invoke<C extends Channel>(channel: C, request: RpcRequest<C>): Promise<RpcResult<RpcResponse<C>>>;
  /** Subscribes to a server event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** WebSocket frames (web mode). A call carries an id echoed by its reply. */
export const WsCallFrameSchema = z.object({ type: z.literal('call'), id: z.number().int(), channel: z.string(), request: z.unknown() });
export const WsReplyFrameSchema = z.object({ type: z.literal('reply'), id: z.number().int(), result: z.unknown() });
export const WsEventFrameSchema = z.object({ type: z.literal('event'), event: z.string(), payload: z.unknown() });
export const WsServerFrameSchema = z.discriminatedUnion('type', [WsReplyFrameSchema, WsEventFrameSchema]);

export { IPC_EVENT, IPC_INVOKE } from './ipc-channels.js';
