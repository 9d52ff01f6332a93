/**
 * Electron IPC channel names used by the preload bridge and src/main/ipc.ts. Kept free of
 * imports: a sandboxed preload may require nothing but `electron`, so it must not pull in zod.
 */
export const IPC_INVOKE = 'jetway:invoke';
export const IPC_EVENT = 'jetway:event';
