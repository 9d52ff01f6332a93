import type { Strings } from './strings.js';

/** Spanish. */
export const es: Strings = {
  greeting: 'Estimado/a {{name}}:',
  signoff: 'Jetway, en nombre de {{carrier}}',
  staffHelp: 'Nuestro personal en el aeropuerto puede informarle de sus derechos y cambiar su reserva.',
  minutes_one: '{{count}} minuto',
  minutes_other: '{{count}} minutos',
  smsPrefix: 'Jetway:',

  'delay.subject': 'El vuelo {{flight}} tiene un retraso de {{delay}}',
  'delay.body':
    'Su vuelo {{flight}} {{route}}, con salida prevista el {{scheduled}}, tiene un retraso de {{delay}}. La salida estimada es ahora {{estimated}}.',
  'delay.sms': 'el vuelo {{flight}} {{route}} tiene un retraso de {{delay}}; salida estimada {{estimated}}. Consulte al personal del aeropuerto.',

  'cancellation.subject': 'El vuelo {{flight}} ha sido cancelado',
  'cancellation.body':
    'Su vuelo {{flight}} {{route}}, con salida prevista el {{scheduled}}, ha sido cancelado. Lamentamos las molestias causadas en su viaje.',
  'cancellation.sms': 'el vuelo {{flight}} {{route}} del {{scheduled}} ha sido cancelado. Consulte al personal del aeropuerto para el cambio, el reembolso y la asistencia.',

  'diversion.subject': 'El vuelo {{flight}} ha sido desviado',
  'diversion.body': 'Su vuelo {{flight}} {{route}}, con salida prevista el {{scheduled}}, ha sido desviado.',
  'diversion.sms': 'el vuelo {{flight}} {{route}} ha sido desviado. Consulte al personal del aeropuerto.',

  'gate.subject': 'Vuelo {{flight}}: ahora sale de {{where}}',
  'gate.body': 'Su vuelo {{flight}} {{route}}, con salida el {{departure}}, sale ahora de {{where}}.',
  'gate.sms': 'el vuelo {{flight}} {{route}} sale ahora de {{where}}.',
  'gate.where_gate': 'la puerta {{gate}}',
  'gate.where_terminal': 'la terminal {{terminal}}',
  'gate.where_both': 'la puerta {{gate}}, terminal {{terminal}}',

  'voucher.subject': 'Su bono de {{type}} {{serial}} para el vuelo {{flight}}',
  'voucher.body':
    'Lamentamos la incidencia en su vuelo {{flight}} {{route}} del {{scheduled}}.\nBono: {{type}}\nImporte: {{amount}}\nNúmero de serie: {{serial}}\n\nPresente este número en el mostrador o en el establecimiento asociado para canjearlo.',
  'voucher.sms': 'bono de {{type}} {{serial}} ({{amount}}) para el vuelo {{flight}}. Presente el número para canjearlo.',
  'voucher.amountInKind': 'según se indica en el bono',

  'voided.subject': 'Su bono de {{type}} {{serial}} ha sido anulado',
  'voided.body':
    'Su bono de {{type}} {{serial}} para el vuelo {{flight}} {{route}} ha sido anulado y ya no puede canjearse.\nMotivo: {{reason}}\n\nSi le corresponde uno nuevo, nuestro personal se lo emitirá y lo recibirá por separado.',
  'voided.sms': 'su bono de {{type}} {{serial}} para el vuelo {{flight}} ha sido anulado y ya no puede canjearse.',

  'denied.subject': 'Su solicitud de {{type}} para el vuelo {{flight}} no ha sido aprobada',
  'denied.body':
    'Su solicitud de {{type}} ({{amount}}) para el vuelo {{flight}} {{route}} del {{scheduled}} fue revisada por un supervisor y no ha sido aprobada.\nMotivo: {{reason}}\n\nPuede pedir a nuestro personal del aeropuerto o a atención al cliente que la revisen de nuevo.',
  'denied.sms': 'su solicitud de {{type}} para el vuelo {{flight}} no ha sido aprobada. Puede pedir una revisión en el aeropuerto o a atención al cliente.',
  'denied.amountInKind': 'según lo ofrecido',

  'type.cash': 'compensación',
  'type.meal': 'comida',
  'type.refreshment': 'refrigerio',
  'type.hotel': 'hotel',
  'type.transport': 'transporte',
  'type.communication': 'comunicación',
  'type.refund': 'reembolso',
  'type.travel_credit': 'crédito de viaje',

  'rights.EU261.title': 'Sus derechos según el Reglamento (CE) n.º 261/2004 (información del artículo 14)',
  'rights.EU261.body':
    'Si se le deniega el embarque, o su vuelo se cancela o se retrasa dos horas o más, la compañía aérea debe ofrecerle:\n' +
    '- Asistencia: comida y refrescos suficientes en función del tiempo de espera, dos llamadas telefónicas o mensajes y, si es necesario pernoctar una o más noches, alojamiento en un hotel y el transporte entre el aeropuerto y el hotel.\n' +
    '- Transporte alternativo o reembolso: si su vuelo se cancela o se retrasa cinco horas o más, puede elegir el reembolso de su billete en un plazo de siete días (con un vuelo de vuelta al primer punto de partida, cuando proceda) o un transporte alternativo hasta su destino final lo más rápidamente posible o en una fecha posterior que le convenga.\n' +
    '- Compensación: si su vuelo se cancela con menos de 14 días de antelación, o llega a su destino final con tres horas o más de retraso, puede tener derecho a 250 EUR (vuelos de hasta 1.500 km), 400 EUR (vuelos dentro de la UE de más de 1.500 km y otros vuelos de 1.500 a 3.500 km) o 600 EUR (los demás vuelos), salvo que la causa sea una circunstancia extraordinaria que no podría haberse evitado incluso si se hubieran tomado todas las medidas razonables. El importe puede reducirse a la mitad si se le ofrece un transporte alternativo y llega con poco retraso.\n' +
    'Para reclamar, diríjase a nuestro personal del aeropuerto o a atención al cliente. Si no está satisfecho con la respuesta, puede presentar una reclamación ante el organismo nacional de control del país de la UE donde ocurrió la incidencia.',
  'rights.UK261.title': 'Sus derechos según el Reglamento (CE) n.º 261/2004 tal como se mantiene en el Derecho del Reino Unido (información del artículo 14)',
  'rights.UK261.body':
    'Si se le deniega el embarque, o su vuelo se cancela o se retrasa dos horas o más, la compañía aérea debe ofrecerle:\n' +
    '- Asistencia: comida y refrescos suficientes en función del tiempo de espera, dos llamadas telefónicas o mensajes y, si es necesario pernoctar una o más noches, alojamiento en un hotel y el transporte entre el aeropuerto y el hotel.\n' +
    '- Transporte alternativo o reembolso: si su vuelo se cancela o se retrasa cinco horas o más, puede elegir el reembolso de su billete en un plazo de siete días o un transporte alternativo hasta su destino final lo más rápidamente posible o en una fecha posterior que le convenga.\n' +
    '- Compensación: si su vuelo se cancela con menos de 14 días de antelación, o llega a su destino final con tres horas o más de retraso, puede tener derecho a 220 GBP (vuelos de hasta 1.500 km), 350 GBP (vuelos de 1.500 a 3.500 km) o 520 GBP (los demás vuelos), salvo que la causa sea una circunstancia extraordinaria que no podría haberse evitado incluso si se hubieran tomado todas las medidas razonables.\n' +
    'Para reclamar, diríjase a nuestro personal del aeropuerto o a atención al cliente. Si no está satisfecho con la respuesta, puede reclamar ante la Civil Aviation Authority (CAA) o un organismo de resolución alternativa de litigios autorizado.',
  'rights.sms': 'Según el {{regime}} puede tener derecho a asistencia, transporte alternativo o reembolso, y compensación. El personal del aeropuerto le entregará la información escrita sobre sus derechos.',
};
