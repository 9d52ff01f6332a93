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
    .pipe(z.object({ endpoint: z.string().optional(), region: z.string().min(1), clientId: z.string().min(1), userPoolId: z.string().optional() })),
  JETWAY_SQLITE_BINDING: z.string().min(1).optional(),
  JETWAY_ADMIN_STATIONS: z
    .string()
    .optional()
    .transform((s) => (s ? s.split(',').map((x) => x.trim().toUpperCase()) : [])),
});
export type DeskEnv = z.output<typeof DeskEnvSchema>;

export function readDeskEnv(env: NodeJS.ProcessEnv = process.env): DeskEnv {
  const r = DeskEnvSchema.safeParse(env);
  if (!r.success) throw new Error(`desk configuration: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data;
}
