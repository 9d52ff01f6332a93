/** Types for scripts/launch.mjs (plain Node so `npm start` needs no TypeScript). */
export declare function findElectronBinary(o: {
  electronDir: string | null;
  env?: Record<string, string | undefined>;
  exists?: (p: string) => boolean;
  read?: (p: string) => string;
}): { ok: true; path: string } | { ok: false; reason: string };
export declare function browserOpener(o?: {
  platform?: string;
  env?: Record<string, string | undefined>;
  onPath?: (cmd: string) => boolean;
}): { cmd: string; args: string[] } | null;
export declare function commandOnPath(cmd: string, env?: Record<string, string | undefined>): boolean;
export declare function deskUrlIn(text: string): string | null;
