import { describe, expect, it } from 'vitest';
import { inStationTurn } from '../../../src/workflows/station-turns.js';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('inStationTurn', () => {
  it('writers sharing a station take turns; writers of other stations do not wait', async () => {
    let inside = 0;
    let most = 0;
    const order: string[] = [];
    const writer = (name: string, stations: string[]) =>
      inStationTurn(stations, async () => {
        inside++;
        most = Math.max(most, inside);
        order.push(`${name}+`);
        await tick();
        order.push(`${name}-`);
        inside--;
      });
    await Promise.all([writer('a', ['PHX', 'OAK']), writer('b', ['OAK', 'PHX']), writer('c', ['PHX', 'LAX'])]);
    expect(most).toBe(1);
    // Each writer's turn is whole (no interleaving), and the first in line went first.
    expect(order).toHaveLength(6);
    for (let i = 0; i < 6; i += 2) expect(order[i + 1]).toBe(order[i]!.replace('+', '-'));
    expect(order[0]).toBe('a+');

    const disjoint: string[] = [];
    await Promise.all([
      inStationTurn(['FRA'], async () => (disjoint.push('fra+'), await tick(), disjoint.push('fra-'))),
      inStationTurn(['MAD'], async () => (disjoint.push('mad+'), await tick(), disjoint.push('mad-'))),
    ]);
    expect(disjoint.slice(0, 2).sort()).toEqual(['fra+', 'mad+']);
  });

  it('a writer that throws gives the turn back', async () => {
    await expect(inStationTurn(['BCN'], async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(inStationTurn(['BCN'], async () => 'next')).resolves.toBe('next');
  });
});
