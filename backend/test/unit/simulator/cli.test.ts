import { describe, expect, it } from 'vitest';
import { runSimulateCli } from '../../../src/cli/simulate.js';
import { FlightPulseEventSchema, NAIVE_UTC_ISO } from '../../../src/simulator/events.js';
import { JetwayFlightEventSchema } from '../../../src/simulator/jetway-event.js';

const run = async (args: string[]) => {
  let out = '';
  let err = '';
  const code = await runSimulateCli(args, {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
  });
  return { code, out, err, lines: out.trim().split('\n').filter(Boolean) };
};

describe('jetway simulate --dry-run (no broker needed)', () => {
  it.each([
    [['delay', '--flight', 'SW1234', '--minutes', '90', '--reason', 'MECHANICAL'], 'FLIGHT_DELAY', 1],
    [['cancel', '--flight', 'SW9012', '--reason', 'WEATHER'], 'FLIGHT_CANCELLED', 1],
    [['gate', '--flight', 'SW3456', '--from', 'A5', '--to', 'D15', '--terminal-change'], 'GATE_CHANGE', 1],
    [['scenario', '5'], 'FLIGHT_DELAY', 3],
  ])('%j prints %s events in FlightPulse format', async (args, type, n) => {
    const r = await run([...args, '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.lines).toHaveLength(n);
    const e = FlightPulseEventSchema.parse(JSON.parse(r.lines[0]!));
    expect(e.event_type).toBe(type);
    expect(e.timestamp).toMatch(NAIVE_UTC_ISO);
  });

  it('the gate command carries the terminal change flag', async () => {
    const r = await run([
      'gate',
      '--flight',
      'SW3456',
      '--from',
      'A5',
      '--to',
      'D15',
      '--terminal-change',
      '--dry-run',
    ]);
    expect(JSON.parse(r.lines[0]!).payload).toEqual({
      flight_id: 'SW3456',
      old_gate: 'A5',
      new_gate: 'D15',
      terminal_change: true,
    });
  });

  it('load mode with --dry-run prints exactly --count events', async () => {
    const r = await run(['--rate', '100', '--count', '25', '--seed', '3', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.lines).toHaveLength(25);
  });

  it('update --cancel with a reason name uses its IATA code', async () => {
    const r = await run(['update', '--flight', 'SW9012', '--date', '2031-02-03', '--cancel', 'WEATHER', '--dry-run']);
    const e = JetwayFlightEventSchema.parse(JSON.parse(r.lines[0]!));
    expect(e.cancellation?.reason_code).toBe('71');
    expect(e.flight.instance_id).toBe('SW9012-2031-02-03');
  });

  it.each([
    [['delay', '--flight', 'SW1234']], // no --minutes
    [['delay', '--flight', 'SW1234', '--minutes', '-5']],
    [['cancel', '--flight', 'SW9012', '--reason', 'ALIENS']],
    [['scenario', '9']],
    [['--rate', '100']], // no bound
    [['--rate', '999999', '--count', '1']],
    [['update', '--flight', 'SW1234', '--delay', '41']], // no minutes
    [['update', '--flight', 'XX9', '--delay', '41:10']],
    [['teleport']],
    [['delay', '--bogus']],
  ])('%j is a usage error with a message and nothing sent', async (args) => {
    const r = await run([...args, '--dry-run']);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/jetway simulate|usage/);
    expect(r.out).toBe('');
  });

  it('--iam without a region is a usage error naming what is missing, and nothing is sent', async () => {
    const saved = process.env.AWS_REGION;
    delete process.env.AWS_REGION;
    try {
      const r = await run(['scenario', '2', '--iam', '--brokers', 'b-1.ops:9098']);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/--iam: .*needs the cluster region/);
      expect(r.out).toBe('');
    } finally {
      if (saved !== undefined) process.env.AWS_REGION = saved;
    }
  });

  it('--help prints the usage', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/scenario <1-5>/);
  });
});

describe('load over the whole demo network', () => {
  it('--flights network spreads events beyond FlightPulse’s five flights, every gate change has gates', async () => {
    const r = await run(['--rate', '100', '--count', '200', '--seed', '4', '--flights', 'network', '--dry-run']);
    const events = r.lines.map((l) => FlightPulseEventSchema.parse(JSON.parse(l)));
    expect(new Set(events.map((e) => e.payload.flight_id)).size).toBeGreaterThan(20);
    for (const e of events) if (e.event_type === 'GATE_CHANGE') expect(e.payload.old_gate).toMatch(/^[A-Z]+\d+$/);
  });
});
