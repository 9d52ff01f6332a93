/**
 * FlightPulse's sample data (its flights.json / passengers.json / bookings.json, five US flights
 * on 2025-01-15, carrier SW), kept in the repo so the demo never reads files outside it. The
 * generator re-dates the flights to "today", keeping each UTC time of day.
 */
export const FLIGHTPULSE_FLIGHTS = [
  {
    flight_id: 'SW1234',
    origin: 'DAL',
    destination: 'LAX',
    dep: '08:00',
    arr: '10:30',
    gate: 'A12',
    aircraft: '737-800',
  },
  {
    flight_id: 'SW5678',
    origin: 'HOU',
    destination: 'DEN',
    dep: '09:30',
    arr: '11:45',
    gate: 'B7',
    aircraft: '737-800',
  },
  {
    flight_id: 'SW9012',
    origin: 'PHX',
    destination: 'OAK',
    dep: '10:00',
    arr: '11:30',
    gate: 'C3',
    aircraft: '737-700',
  },
  {
    flight_id: 'SW3456',
    origin: 'LAS',
    destination: 'SEA',
    dep: '11:15',
    arr: '13:45',
    gate: 'A5',
    aircraft: '737-800',
  },
  {
    flight_id: 'SW7890',
    origin: 'SAN',
    destination: 'PDX',
    dep: '14:00',
    arr: '16:15',
    gate: 'B12',
    aircraft: '737-700',
  },
] as const;

type Prefs = { email: boolean; sms: boolean; push: boolean };
const P = (
  id: string,
  first: string,
  last: string,
  email: string,
  phone: string,
  rr: string,
  tier: string,
  prefs: Prefs,
  special: string[] = [],
) => ({ id, first, last, email, phone, rr, tier, prefs, special });
const t = true;
const f = false;

export const FLIGHTPULSE_PASSENGERS = [
  P('P001', 'John', 'Smith', 'john.smith@example.com', '+15551234567', 'RR123456789', 'A-LIST PREFERRED', {
    email: t,
    sms: t,
    push: t,
  }),
  P('P002', 'Sarah', 'Johnson', 'sarah.j@example.com', '+15551234568', 'RR987654321', 'A-LIST', {
    email: t,
    sms: f,
    push: t,
  }),
  P(
    'P003',
    'Michael',
    'Brown',
    'm.brown@example.com',
    '+15551234569',
    'RR456789123',
    'A-LIST',
    { email: t, sms: t, push: f },
    ['wheelchair_assistance'],
  ),
  P('P004', 'Emily', 'Davis', 'emily.d@example.com', '+15551234570', 'RR789123456', 'A-LIST', {
    email: t,
    sms: t,
    push: t,
  }),
  P('P005', 'David', 'Wilson', 'd.wilson@example.com', '+15551234571', 'RR321654987', 'MEMBER', {
    email: t,
    sms: f,
    push: f,
  }),
  P('P006', 'Lisa', 'Anderson', 'lisa.a@example.com', '+15551234572', 'RR654321987', 'MEMBER', {
    email: f,
    sms: t,
    push: t,
  }),
  P('P007', 'Robert', 'Taylor', 'r.taylor@example.com', '+15551234573', 'RR147258369', 'MEMBER', {
    email: t,
    sms: t,
    push: f,
  }),
  P('P008', 'Jennifer', 'Martinez', 'j.martinez@example.com', '+15551234574', 'RR258369147', 'MEMBER', {
    email: t,
    sms: f,
    push: f,
  }),
  P(
    'P009',
    'William',
    'Garcia',
    'w.garcia@example.com',
    '+15551234575',
    'RR369147258',
    'A-LIST PREFERRED',
    { email: t, sms: t, push: t },
    ['early_boarding'],
  ),
  P('P010', 'Amanda', 'Lee', 'amanda.l@example.com', '+15551234576', 'RR741852963', 'MEMBER', {
    email: t,
    sms: t,
    push: t,
  }),
];

const B = (
  id: string,
  passenger: string,
  flight: string,
  pnr: string,
  seat: string,
  checkedIn: boolean,
  bags: number,
) => ({
  id,
  passenger,
  flight,
  pnr,
  seat,
  fareClass: 'WGA',
  checkedIn,
  bags,
});

export const FLIGHTPULSE_BOOKINGS = [
  B('B001', 'P001', 'SW1234', 'ABC123', '12A', f, 0),
  B('B002', 'P002', 'SW1234', 'DEF456', '12B', f, 0),
  B('B003', 'P003', 'SW1234', 'GHI789', '13A', t, 1),
  B('B004', 'P004', 'SW1234', 'JKL012', '13B', f, 0),
  B('B005', 'P005', 'SW5678', 'MNO345', '15A', f, 0),
  B('B006', 'P006', 'SW5678', 'PQR678', '15B', t, 2),
  B('B007', 'P007', 'SW5678', 'STU901', '16A', f, 0),
  B('B008', 'P008', 'SW5678', 'VWX234', '16B', f, 0),
  B('B009', 'P009', 'SW9012', 'YZA567', '10A', t, 1),
  B('B010', 'P010', 'SW9012', 'BCD890', '10B', f, 0),
  B('B011', 'P001', 'SW3456', 'EFG123', '8A', f, 0),
  B('B012', 'P002', 'SW3456', 'HIJ456', '8B', t, 1),
  B('B013', 'P003', 'SW3456', 'KLM789', '9A', f, 0),
  B('B014', 'P004', 'SW7890', 'NOP012', '20A', f, 0),
  B('B015', 'P005', 'SW7890', 'QRS345', '20B', t, 1),
];
