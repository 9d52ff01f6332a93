/** Types for scripts/setup-services.mjs (plain Node so `npm run setup` needs no TypeScript). */
export declare const KAFKA_VERSION: string;
export declare const SLF4J_RELOAD4J_VERSION: string;
export declare const DYNAMODB_SIMULATOR_VERSION: string;
export declare const repoRoot: string;
export declare function defaultCacheDir(): string;
export declare class SetupError extends Error {}
export declare function requireJava(): void;
export interface FetchOptions {
  cacheDir?: string;
  log?: (line: string) => void;
}
export declare function kafkaLibsDir(cacheDir?: string): string;
export declare function ensureKafka(opts?: FetchOptions): string;
export declare function dynamoDbLocalDir(cacheDir?: string): string;
export declare function ensureDynamoDbLocal(opts?: FetchOptions): { dir: string; jar: string; libDir: string };
export declare function setupServices(opts?: FetchOptions): {
  dynamoDbLocal: { dir: string; jar: string; libDir: string };
  kafkaLibs: string;
};
