import { z } from 'zod';

const hours = z.coerce
  .number()
  .positive()
  .max(24 * 30);
const minutes = z.coerce
  .number()
  .min(0)
  .max(24 * 60);

/** Offline sign-in and idle-lock settings from the environment, parsed with zod (bad value → clear error). */
export const AuthEnvSchema = z.object({
  /** Hours after the last online sign-in at this desk during which a user may unlock offline (default 72). */
  JETWAY_OFFLINE_WINDOW_HOURS: hours.optional(),
  /** Idle minutes before the session locks (default 10; 0 = never). */
  JETWAY_IDLE_LOCK_MINUTES: minutes.optional(),
});

export interface AuthEnvOptions {
  offlineWindowHours?: number;
  idleLockMinutes?: number;
}

/** The `auth` part of the desk config (src/main/services.ts DeskConfig) from the environment. */
export function readAuthEnv(env: NodeJS.ProcessEnv = process.env): AuthEnvOptions {
  const r = AuthEnvSchema.safeParse({
    JETWAY_OFFLINE_WINDOW_HOURS: env.JETWAY_OFFLINE_WINDOW_HOURS || undefined,
    JETWAY_IDLE_LOCK_MINUTES: env.JETWAY_IDLE_LOCK_MINUTES || undefined,
  });
  if (!r.success)
    throw new Error(`desk configuration: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return {
    ...(r.data.JETWAY_OFFLINE_WINDOW_HOURS !== undefined
      ? { offlineWindowHours: r.data.JETWAY_OFFLINE_WINDOW_HOURS }
      : {}),
    ...(r.data.JETWAY_IDLE_LOCK_MINUTES !== undefined ? { idleLockMinutes: r.data.JETWAY_IDLE_LOCK_MINUTES } : {}),
  };
}
