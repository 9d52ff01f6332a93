/**
 * Jetway's own scenarios (JETWAY_FLIGHT_UPDATE events), for what FlightPulse's format cannot
 * express. `door-open`: an EU flight whose coded delay adds up to just under 3 h but whose doors
 * open just over 3 h after the scheduled arrival — arrival is door-open time (CJEU C-452/13
 * Germanwings), so EU261 compensation is due. Three updates, in order, keyed by the flight instance.
 */
import { buildJetwayEvent, type JetwayFlightEvent, type ScheduledFlight } from './jetway-event.js';

export const JETWAY_SCENARIOS = ['door-open'] as const;
export type JetwayScenario = (typeof JETWAY_SCENARIOS)[number];

export function jetwayScenarioEvents(
  name: JetwayScenario,
  flight: ScheduledFlight,
  at: Date = new Date(),
): JetwayFlightEvent[] {
  switch (name) {
    case 'door-open':
      return [
        buildJetwayEvent(
          flight,
          { kind: 'delay', codes: [{ code: '41', minutes: 120 }] },
          { at, remarks: 'Aircraft defect; engineering on stand' },
        ),
        buildJetwayEvent(
          flight,
          {
            kind: 'delay',
            codes: [
              { code: '41', minutes: 150 },
              { code: '93', minutes: 25 },
            ],
          },
          { at: new Date(at.getTime() + 1), remarks: 'Fix took longer; slot lost' },
        ),
        // Off-block 175 min late, 7 min extra taxi-in and stand time: doors open 182 min late.
        buildJetwayEvent(
          flight,
          {
            kind: 'arrival',
            codes: [
              { code: '41', minutes: 150 },
              { code: '93', minutes: 25 },
            ],
            taxiInMinutes: 7,
          },
          { at: new Date(at.getTime() + 2), remarks: 'On stand; doors open' },
        ),
      ];
  }
}
