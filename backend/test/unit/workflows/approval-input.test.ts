import { describe, expect, it } from 'vitest';
import {
  approvalExecutionName,
  approvalWorkflowInput,
  minutesText,
  secondsUntil,
} from '../../../src/workflows/approval-common.js';

const T0 = Date.parse('2026-12-02T10:00:00.000Z');
const a = {
  id: 'APR-01M8V7ATRSQ6XHE2HHYZM12YE0',
  caseId: 'C-1',
  escalateAt: '2026-12-02T10:30:00.000Z',
  expireAt: '2026-12-02T14:00:00.000Z',
};

describe('approval workflow input from the absolute deadlines', () => {
  it('at request time: the policy intervals', () => {
    expect(approvalWorkflowInput(a, T0)).toEqual({
      approvalId: a.id,
      caseId: 'C-1',
      escalateAfterSeconds: 1800,
      expireAfterSeconds: 12_600,
    });
  });
  it('started (or re-driven) later: only what is left, measured from the escalation', () => {
    expect(approvalWorkflowInput(a, T0 + 600_000)).toMatchObject({
      escalateAfterSeconds: 1200,
      expireAfterSeconds: 12_600,
    });
  });
  it('past the escalation time: escalate at once (1 s), expire at the original time', () => {
    expect(approvalWorkflowInput(a, T0 + 3_600_000)).toMatchObject({
      escalateAfterSeconds: 1,
      expireAfterSeconds: 10_800,
    });
  });
  it('past both: 1 s each (Step Functions needs positive whole seconds)', () => {
    expect(approvalWorkflowInput(a, T0 + 86_400_000)).toMatchObject({ escalateAfterSeconds: 1, expireAfterSeconds: 1 });
  });
  it('rounds up (never fires early)', () => {
    expect(secondsUntil(T0 + 1500, T0)).toBe(2);
    expect(secondsUntil(T0, T0 + 5)).toBe(1);
  });
});

describe('names and reasons', () => {
  it('execution name = approval id, within Step Functions limits', () => {
    expect(approvalExecutionName(a.id)).toBe(a.id);
    expect(approvalExecutionName('APR-a/b c')).toBe('APR-a_b_c');
    expect(approvalExecutionName('x'.repeat(100))).toHaveLength(80);
  });
  it('expiry reasons read as minutes', () => {
    expect(minutesText(240 * 60_000)).toBe('240 minutes');
    expect(minutesText(60_000)).toBe('1 minute');
    expect(minutesText(9000)).toBe('0.15 minutes');
  });
});
