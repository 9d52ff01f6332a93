/**
 * English: the reference language of the notification strings (i18next resources; `{{x}}` is
 * interpolation, `_one`/`_other` are plural forms). Every other language must have exactly these
 * keys (the `Strings` type in strings.ts checks it at compile time).
 */
export const en = {
  greeting: 'Dear {{name}},',
  signoff: 'Jetway, on behalf of {{carrier}}',
  staffHelp: 'Our staff at the airport can tell you what you are entitled to, and rebook you.',
  minutes_one: '{{count}} minute',
  minutes_other: '{{count}} minutes',
  smsPrefix: 'Jetway:',

  'delay.subject': 'Flight {{flight}} is delayed by {{delay}}',
  'delay.body':
    'Your flight {{flight}} {{route}}, scheduled to depart on {{scheduled}}, is delayed by {{delay}}. The estimated departure is now {{estimated}}.',
  'delay.sms': 'flight {{flight}} {{route}} is delayed by {{delay}}; estimated departure {{estimated}}. See airport staff for care and rebooking.',

  'cancellation.subject': 'Flight {{flight}} has been cancelled',
  'cancellation.body':
    'Your flight {{flight}} {{route}}, scheduled to depart on {{scheduled}}, has been cancelled. We are sorry for the disruption to your journey.',
  'cancellation.sms': 'flight {{flight}} {{route}} on {{scheduled}} is cancelled. See airport staff for rebooking, refund and care.',

  'diversion.subject': 'Flight {{flight}} has been diverted',
  'diversion.body': 'Your flight {{flight}} {{route}}, scheduled to depart on {{scheduled}}, has been diverted.',
  'diversion.sms': 'flight {{flight}} {{route}} has been diverted. See airport staff for onward travel and care.',

  'gate.subject': 'Flight {{flight}}: departure now from {{where}}',
  'gate.body': 'Your flight {{flight}} {{route}}, departing on {{departure}}, now leaves from {{where}}.',
  'gate.sms': 'flight {{flight}} {{route}} now departs from {{where}}.',
  'gate.where_gate': 'gate {{gate}}',
  'gate.where_terminal': 'terminal {{terminal}}',
  'gate.where_both': 'gate {{gate}}, terminal {{terminal}}',

  'voucher.subject': 'Your {{type}} voucher {{serial}} for flight {{flight}}',
  'voucher.body':
    'We are sorry for the disruption to your flight {{flight}} {{route}} on {{scheduled}}.\nVoucher: {{type}}\nAmount: {{amount}}\nSerial: {{serial}}\n\nShow this serial at the desk or partner outlet to redeem it.',
  'voucher.sms': '{{type}} voucher {{serial}} ({{amount}}) for flight {{flight}}. Show the serial to redeem it.',
  'voucher.amountInKind': 'as stated on the voucher',

  'voided.subject': 'Your {{type}} voucher {{serial}} was voided',
  'voided.body':
    'Your {{type}} voucher {{serial}} for flight {{flight}} {{route}} was voided and can no longer be redeemed.\nReason: {{reason}}\n\nIf a replacement is due, our staff will issue it and you will receive it separately.',
  'voided.sms': 'your {{type}} voucher {{serial}} for flight {{flight}} was voided and can no longer be redeemed.',

  'denied.subject': 'Your {{type}} claim for flight {{flight}} was not approved',
  'denied.body':
    'Your {{type}} claim ({{amount}}) for flight {{flight}} {{route}} on {{scheduled}} was reviewed by a supervisor and was not approved.\nReason: {{reason}}\n\nYou can ask our staff at the airport or customer service to review it again.',
  'denied.sms': 'your {{type}} claim for flight {{flight}} was not approved. Ask airport staff or customer service to review it.',
  'denied.amountInKind': 'as offered',

  'type.cash': 'compensation',
  'type.meal': 'meal',
  'type.refreshment': 'refreshment',
  'type.hotel': 'hotel',
  'type.transport': 'transport',
  'type.communication': 'communication',
  'type.refund': 'refund',
  'type.travel_credit': 'travel credit',

  'rights.EU261.title': 'Your rights under Regulation (EC) No 261/2004 (notice under Article 14)',
  'rights.EU261.body':
    'If you are denied boarding, or your flight is cancelled or delayed by two hours or more, the airline must give you:\n' +
    '- Care: meals and refreshments in reasonable relation to the waiting time, two telephone calls or messages and, where a stay of one or more nights becomes necessary, hotel accommodation and transport between the airport and the hotel.\n' +
    '- Re-routing or refund: if your flight is cancelled, or delayed by five hours or more, you may choose a refund of your ticket within seven days (with a return flight to your first point of departure, where relevant), or re-routing to your final destination at the earliest opportunity or at a later date of your choice.\n' +
    '- Compensation: if your flight is cancelled less than 14 days before departure, or you reach your final destination three hours or more late, you may be entitled to EUR 250 (flights of 1,500 km or less), EUR 400 (flights within the EU over 1,500 km and other flights of 1,500 to 3,500 km) or EUR 600 (other flights), unless the cause was an extraordinary circumstance that could not have been avoided even if all reasonable measures had been taken. The amount may be halved if you are re-routed and arrive only a little late.\n' +
    'To claim, ask our staff at the airport or contact customer service. If you are not satisfied with the answer, you may complain to the national enforcement body of the EU country where the incident took place.',
  'rights.UK261.title': 'Your rights under Regulation (EC) No 261/2004 as retained in UK law (notice under Article 14)',
  'rights.UK261.body':
    'If you are denied boarding, or your flight is cancelled or delayed by two hours or more, the airline must give you:\n' +
    '- Care: meals and refreshments in reasonable relation to the waiting time, two telephone calls or messages and, where a stay of one or more nights becomes necessary, hotel accommodation and transport between the airport and the hotel.\n' +
    '- Re-routing or refund: if your flight is cancelled, or delayed by five hours or more, you may choose a refund of your ticket within seven days, or re-routing to your final destination at the earliest opportunity or at a later date of your choice.\n' +
    '- Compensation: if your flight is cancelled less than 14 days before departure, or you reach your final destination three hours or more late, you may be entitled to GBP 220 (flights of 1,500 km or less), GBP 350 (flights of 1,500 to 3,500 km) or GBP 520 (other flights), unless the cause was an extraordinary circumstance that could not have been avoided even if all reasonable measures had been taken.\n' +
    'To claim, ask our staff at the airport or contact customer service. If you are not satisfied with the answer, you may complain to the Civil Aviation Authority (CAA) or an approved alternative dispute resolution body.',
  'rights.sms': 'Under {{regime}} you may be entitled to care, re-routing or a refund, and compensation. Airport staff give you the written notice of your rights.',
} as const;
