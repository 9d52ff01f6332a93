import { z } from 'zod';

/**
 * Where the desk connects, from the environment (set by scripts/start.mjs from the running
 * local cloud, or by an installer for a deployed stack). Parsed with zod: a bad value stops
 * the start with a clear message instead of a desk that silently cannot sync.
 */
export const DeskEnvSchema = z.object({
  JETWAY_API_URL: z.url(),
  JETWAY_COGNITO: z
    .string()
    .transform((s, ctx) => {
      try {
        return JSON.parse(s) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON' });
        return z.NEVER;
      }
    })
    .pipe(
      z.object({
        endpoint: z.string().optional(),
        region: z.string().min(1),
        clientId: z.string().min(1),
        userPoolId: z.string().optional(),
      }),
    ),
  JETWAY_SQLITE_BINDING: z.string().min(1).optional(),
  JETWAY_ADMIN_STATIONS: z
    .string()
    .optional()
    .transform((s) => (s ? s.split(',').map((x) => x.trim().toUpperCase()) : [])),
  /**
   * Hosts that links may open in the system browser or mail client (https and mailto only;
   * `example.com` exact, `.example.com` its subdomains). None by default: every link is refused.
   */
  JETWAY_EXTERNAL_HOSTS: z
    .string()
    .optional()
    .transform((s) =>
      s
        ? s
            .split(',')
            .map((x) => x.trim().toLowerCase())
            .filter((x) => x !== '')
        : [],
    )
    .pipe(z.array(z.string().regex(/^\.?[a-z0-9-]+(\.[a-z0-9-]+)*$/, 'host names, comma-separated'))),
  /**
   * The desk secret (enrolment) that derives the database key where no OS key store exists
   * (and always in web mode). Kept out of files by default; see src/main/db/keys.ts.
   */
  JETWAY_DESK_SECRET: z.string().min(8, 'at least 8 characters').optional(),
});
export type DeskEnv = z.output<typeof DeskEnvSchema>;

/**
 * The Cognito settings may also come as separate variables (what `backend/infra/desk-env.ts`
 * prints from a deployed stack's outputs): JETWAY_COGNITO_REGION, JETWAY_COGNITO_CLIENT_ID,
 * JETWAY_COGNITO_USER_POOL_ID and optionally JETWAY_COGNITO_ENDPOINT.
 */
function withCognitoJson(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (env.JETWAY_COGNITO || !env.JETWAY_COGNITO_REGION || !env.JETWAY_COGNITO_CLIENT_ID) return env;
  const cognito = {
    region: env.JETWAY_COGNITO_REGION,
    clientId: env.JETWAY_COGNITO_CLIENT_ID,
    ...(env.JETWAY_COGNITO_USER_POOL_ID ? { userPoolId: env.JETWAY_COGNITO_USER_POOL_ID } : {}),
    ...(env.JETWAY_COGNITO_ENDPOINT ? { endpoint: env.JETWAY_COGNITO_ENDPOINT } : {}),
  };
  return { ...env, JETWAY_COGNITO: JSON.stringify(cognito) };
}

/** True when the environment points the desk at a backend (deployed or already running). */
export const hasDeskEnv = (env: NodeJS.ProcessEnv = process.env): boolean => Boolean(env.JETWAY_API_URL);

export function readDeskEnv(env: NodeJS.ProcessEnv = process.env): DeskEnv {
  const r = DeskEnvSchema.safeParse(withCognitoJson(env));
  if (!r.success)
    throw new Error(`desk configuration: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data;
}
