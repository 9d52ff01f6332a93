import { ConverseCommand, type BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import { bedrockPersonaliser, factsOnly, personalisedBody, personaliserFromEnv } from '../../../src/notify/personalise.js';
import { noticeValues } from '../../../src/notify/templates/render.js';

// Bedrock cannot run here: the BedrockRuntimeClient is a stub whose `send` records the Converse
// request and answers with a canned model output. What is tested: the prompt holds the data fields
// only, and an answer is used only when it states no number that is not in those fields.
const facts = noticeValues(
  {
    passengerName: 'Ana García',
    flight: { carrier: 'IB', number: '3166', origin: 'MAD', destination: 'FRA', scheduledDeparture: '2026-12-05T09:00:00Z', estimatedDeparture: '2026-12-05T11:10:00Z' },
    delayMinutes: 130,
  },
  'es',
);

function bedrock(answer: string | Error): { client: BedrockRuntimeClient; requests: ConverseCommand[] } {
  const requests: ConverseCommand[] = [];
  const client = {
    send: async (cmd: ConverseCommand) => {
      requests.push(cmd);
      if (answer instanceof Error) throw answer;
      return { output: { message: { role: 'assistant', content: [{ text: answer }] } } };
    },
  } as unknown as BedrockRuntimeClient;
  return { client, requests };
}

describe('personalisation (Bedrock, stubbed client)', () => {
  it('the prompt is the data fields only (topic, language, facts), with the facts-only instructions', async () => {
    const { client, requests } = bedrock('Lamentamos que su vuelo IB3166 MAD–FRA salga con 130 minutos de retraso.');
    const p = bedrockPersonaliser({ modelId: 'anthropic.claude-test', client });
    const r = await personalisedBody(p, { topic: 'disruption:DELAY', language: 'es', facts }, 'TEMPLATE');
    expect(r).toEqual({ body: 'Lamentamos que su vuelo IB3166 MAD–FRA salga con 130 minutos de retraso.', personalised: true });
    const input = requests[0]!.input;
    expect(input.modelId).toBe('anthropic.claude-test');
    const user = JSON.parse(input.messages![0]!.content![0]!.text!) as Record<string, unknown>;
    expect(Object.keys(user).sort()).toEqual(['facts', 'language', 'topic']);
    expect(user.facts).toEqual(facts);
    expect(input.system![0]!.text).toMatch(/ONLY the facts/);
  });

  it('an answer with a number that is not in the facts (a new time, an amount) falls back to the template', async () => {
    for (const bad of ['Su vuelo sale a las 13:45.', 'Recibirá 600 EUR de compensación.', 'Puerta 22.']) {
      const whys: string[] = [];
      const r = await personalisedBody(bedrockPersonaliser({ modelId: 'm', client: bedrock(bad).client }), { topic: 'disruption:DELAY', language: 'es', facts }, 'TEMPLATE', (w) => whys.push(w));
      expect(r, bad).toEqual({ body: 'TEMPLATE', personalised: false });
      expect(whys).toEqual(['answer states a number that is not in the facts']);
    }
  });

  it('a model error or an empty answer falls back; without the flag there is no personaliser', async () => {
    expect(await personalisedBody(bedrockPersonaliser({ modelId: 'm', client: bedrock(new Error('ThrottlingException')).client }), { topic: 't', language: 'en', facts }, 'T')).toEqual({ body: 'T', personalised: false });
    expect(await personalisedBody(bedrockPersonaliser({ modelId: 'm', client: bedrock('  ').client }), { topic: 't', language: 'en', facts }, 'T')).toEqual({ body: 'T', personalised: false });
    expect(await personalisedBody(null, { topic: 't', language: 'en', facts }, 'T')).toEqual({ body: 'T', personalised: false });
    expect(personaliserFromEnv({})).toBeNull();
    expect(() => personaliserFromEnv({ JETWAY_NOTIFY_LLM: 'bedrock' })).toThrow('BEDROCK_MODEL_ID');
    expect(personaliserFromEnv({ JETWAY_NOTIFY_LLM: 'bedrock', BEDROCK_MODEL_ID: 'm' })).not.toBeNull();
  });

  it('factsOnly: digit runs of the text must all be digit runs of the facts', () => {
    expect(factsOnly('Flight IB3166 is 130 minutes late.', { flight: 'IB3166', delay: '130 minutes' })).toBe(true);
    expect(factsOnly('Flight IB3166 is 131 minutes late.', { flight: 'IB3166', delay: '130 minutes' })).toBe(false);
    expect(factsOnly('No numbers at all.', {})).toBe(true);
  });
});
