import { expect } from 'vitest';

/** Expects `fn` to throw an instance of `cls` with this `code` (and a message matching `message`, when given). */
export function expectRefused(
  fn: () => unknown,
  cls: new (...a: never[]) => Error,
  code: string | null,
  message?: RegExp,
): void {
  let err: unknown = null;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, 'expected a refusal').toBeInstanceOf(cls);
  expect((err as { code?: string }).code).toBe(code);
  if (message) expect((err as Error).message).toMatch(message);
}
