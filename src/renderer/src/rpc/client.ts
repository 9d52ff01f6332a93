import type { Channel, DeskClient, RpcRequest, RpcResponse } from '../../../shared/rpc/contract.js';
import type { ValidationIssue } from '../../../shared/policy/admin-contract.js';
import { createWsClient } from './ws-client.js';

declare global {
  interface Window {
    /** Set by the Electron preload bridge; absent in web mode. */
    jetway?: DeskClient;
  }
}

/** The transport: Electron IPC via the preload bridge when present, else the WebSocket. */
export const desk: DeskClient = window.jetway ?? createWsClient();

/** A failed call, carrying the contract's error code. */
export class RpcCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** Admin calls: the JSON path of the refused field, and a refused publication's issues. */
    readonly path?: string,
    readonly issues?: ValidationIssue[],
  ) {
    super(message);
  }
}

/** Calls a channel and unwraps the envelope (throws {@link RpcCallError} on `ok: false`). */
export async function call<C extends Channel>(channel: C, request: RpcRequest<C>): Promise<RpcResponse<C>> {
  const r = await desk.invoke(channel, request);
  if (!r.ok) throw new RpcCallError(r.error.code, r.error.message, r.error.path, r.error.issues);
  return r.value;
}
