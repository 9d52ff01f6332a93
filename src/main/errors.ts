/**
 * Errors the desk's services throw; src/main/rpc/dispatch.ts maps each to an RPC error code.
 * Messages are for people (the renderer shows them as they are).
 */

/** A requested entity is not in the cache (RPC `NOT_FOUND`). */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/** The command cannot be made from what the desk knows (RPC `CONFLICT`). `code` names the rule, e.g. `OFFLINE_CASH`. */
export class CommandConflictError extends Error {
  override name = 'CommandConflictError';
  constructor(
    message: string,
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

/** The user may not do this: other stations, role, four eyes (RPC `FORBIDDEN`). */
export class ForbiddenError extends Error {
  override name = 'ForbiddenError';
  constructor(
    message: string,
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

/** The request lacks something the rules need, e.g. the confirmation before cash (RPC `BAD_REQUEST`). */
export class BadRequestError extends Error {
  override name = 'BadRequestError';
  constructor(
    message: string,
    readonly code: string | null = null,
  ) {
    super(message);
  }
}
