/** Bad input to the policy engine (claim case or policy document). The message names the path of the bad field. */
export class PolicyInputError extends Error {
  readonly path: string;
  readonly issues: { path: string; message: string }[];
  constructor(what: string, issues: { path: string; message: string }[]) {
    const first = issues[0];
    super(
      first ? `${what}: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}` : `${what}: invalid`,
    );
    this.name = 'PolicyInputError';
    this.path = first?.path ?? '';
    this.issues = issues;
  }
}

/** Render a zod issue path like `segments[0].origin`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}
