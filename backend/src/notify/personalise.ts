import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { traceClient } from '../observability/tracer.js';

/** The facts a personalised body may use: data fields only, already formatted for the language. */
export type NoticeFactValues = Record<string, string | number>;

/**
 * Optional LLM re-wording of a notice body (issue #11). Off unless configured
 * (JETWAY_NOTIFY_LLM=bedrock). Whatever it returns is checked by `factsOnly`; anything that fails the
 * check, or any error, falls back to the template text. Subject, greeting, staff help line and the
 * Art 14 written notice are never re-worded.
 */
export interface Personaliser {
  /** A body for `topic` in `language` from `facts`, or null (then the template body is used). */
  rewrite(req: { topic: string; language: string; facts: NoticeFactValues }): Promise<string | null>;
}

/** Digit runs of a text (`12:10`, `250,00 €`, `2025` → `12`, `10`, `250`, `00`, `2025`). */
const digitRuns = (s: string): string[] => s.match(/\d+/g) ?? [];

/**
 * True when `text` states no number, amount, time or date that is not in `facts`: every digit run of
 * the text must be one of the digit runs of the facts' values (the model may not compute a new time,
 * round an amount or invent a gate). Spelled-out numbers are not caught; the prompt forbids them.
 */
export function factsOnly(text: string, facts: NoticeFactValues): boolean {
  const allowed = new Set(Object.values(facts).flatMap((v) => digitRuns(String(v))));
  return digitRuns(text).every((d) => allowed.has(d));
}

const SYSTEM = [
  'You write one short, kind paragraph to an airline passenger about a change to their flight.',
  'Write in the language given by its ISO code. Use ONLY the facts in the JSON you receive.',
  'Do not add any number, amount, date, time, gate, duration, percentage or legal claim that is not a fact value, and do not spell numbers out.',
  'Do not promise compensation, refunds or anything else. Plain text, no greeting, no signature, at most 80 words.',
].join(' ');

/** Amazon Bedrock (Converse API) as the personaliser. Cannot run here: unit-tested with a stubbed client. */
export function bedrockPersonaliser(opts: { modelId: string; client?: BedrockRuntimeClient; maxTokens?: number }): Personaliser {
  const client = opts.client ?? traceClient(new BedrockRuntimeClient({}));
  return {
    async rewrite({ topic, language, facts }) {
      const res = await client.send(
        new ConverseCommand({
          modelId: opts.modelId,
          system: [{ text: SYSTEM }],
          // The prompt holds the data fields only: no free text from the desk, no template prose.
          messages: [{ role: 'user', content: [{ text: JSON.stringify({ topic, language, facts }) }] }],
          inferenceConfig: { maxTokens: opts.maxTokens ?? 300, temperature: 0.2 },
        }),
      );
      const text = (res.output?.message?.content ?? [])
        .map((c) => ('text' in c && typeof c.text === 'string' ? c.text : ''))
        .join('')
        .trim();
      return text || null;
    },
  };
}

/** JETWAY_NOTIFY_LLM=bedrock with BEDROCK_MODEL_ID; anything else (the default) = no personalisation. */
export function personaliserFromEnv(env: NodeJS.ProcessEnv = process.env): Personaliser | null {
  if (env.JETWAY_NOTIFY_LLM !== 'bedrock') return null;
  if (!env.BEDROCK_MODEL_ID) throw new Error('JETWAY_NOTIFY_LLM=bedrock needs BEDROCK_MODEL_ID');
  return bedrockPersonaliser({ modelId: env.BEDROCK_MODEL_ID });
}

/**
 * The body to send: the personaliser's when it has one that passes `factsOnly` (and is not too long),
 * else the template's. Never throws: a model error is a fallback, logged by the caller's `onFallback`.
 */
export async function personalisedBody(
  p: Personaliser | null,
  req: { topic: string; language: string; facts: NoticeFactValues },
  templateBody: string,
  onFallback?: (why: string) => void,
): Promise<{ body: string; personalised: boolean }> {
  if (!p) return { body: templateBody, personalised: false };
  try {
    const text = await p.rewrite(req);
    if (!text) return (onFallback?.('empty answer'), { body: templateBody, personalised: false });
    if (text.length > 1200) return (onFallback?.('answer too long'), { body: templateBody, personalised: false });
    if (!factsOnly(text, req.facts)) return (onFallback?.('answer states a number that is not in the facts'), { body: templateBody, personalised: false });
    return { body: text, personalised: true };
  } catch (err) {
    onFallback?.(`model error: ${(err as Error).message}`);
    return { body: templateBody, personalised: false };
  }
}
