import type { Strings } from './strings.js';

/** French. */
export const fr: Strings = {
  greeting: 'Bonjour {{name}},',
  signoff: 'Jetway, pour le compte de {{carrier}}',
  staffHelp: "Notre personnel à l'aéroport peut vous indiquer vos droits et modifier votre réservation.",
  minutes_one: '{{count}} minute',
  minutes_other: '{{count}} minutes',
  smsPrefix: 'Jetway :',

  'delay.subject': 'Le vol {{flight}} est retardé de {{delay}}',
  'delay.body':
    'Votre vol {{flight}} {{route}}, dont le départ était prévu le {{scheduled}}, est retardé de {{delay}}. Le départ est désormais estimé au {{estimated}}.',
  'delay.sms': "le vol {{flight}} {{route}} est retardé de {{delay}} ; départ estimé {{estimated}}. Adressez-vous au personnel de l'aéroport.",

  'cancellation.subject': 'Le vol {{flight}} est annulé',
  'cancellation.body':
    'Votre vol {{flight}} {{route}}, dont le départ était prévu le {{scheduled}}, est annulé. Nous sommes désolés de ce contretemps.',
  'cancellation.sms': "le vol {{flight}} {{route}} du {{scheduled}} est annulé. Adressez-vous au personnel de l'aéroport pour un réacheminement, un remboursement et une prise en charge.",

  'diversion.subject': 'Le vol {{flight}} a été dérouté',
  'diversion.body': 'Votre vol {{flight}} {{route}}, dont le départ était prévu le {{scheduled}}, a été dérouté.',
  'diversion.sms': "le vol {{flight}} {{route}} a été dérouté. Adressez-vous au personnel de l'aéroport.",

  'gate.subject': 'Vol {{flight}} : départ désormais {{where}}',
  'gate.body': 'Votre vol {{flight}} {{route}}, au départ le {{departure}}, part désormais {{where}}.',
  'gate.sms': 'le vol {{flight}} {{route}} part désormais {{where}}.',
  'gate.where_gate': 'de la porte {{gate}}',
  'gate.where_terminal': 'du terminal {{terminal}}',
  'gate.where_both': 'de la porte {{gate}}, terminal {{terminal}}',

  'voucher.subject': 'Votre bon {{type}} {{serial}} pour le vol {{flight}}',
  'voucher.body':
    "Nous sommes désolés de la perturbation de votre vol {{flight}} {{route}} du {{scheduled}}.\nBon : {{type}}\nMontant : {{amount}}\nNuméro : {{serial}}\n\nPrésentez ce numéro au comptoir ou chez le partenaire pour l'utiliser.",
  'voucher.sms': "bon {{type}} {{serial}} ({{amount}}) pour le vol {{flight}}. Présentez le numéro pour l'utiliser.",
  'voucher.amountInKind': 'selon le bon',

  'voided.subject': 'Votre bon {{type}} {{serial}} a été annulé',
  'voided.body':
    "Votre bon {{type}} {{serial}} pour le vol {{flight}} {{route}} a été annulé et ne peut plus être utilisé.\nMotif : {{reason}}\n\nSi un nouveau bon vous est dû, notre personnel l'émettra et vous le recevrez séparément.",
  'voided.sms': 'votre bon {{type}} {{serial}} pour le vol {{flight}} a été annulé et ne peut plus être utilisé.',

  'denied.subject': "Votre demande ({{type}}) pour le vol {{flight}} n'a pas été approuvée",
  'denied.body':
    "Votre demande ({{type}}, {{amount}}) pour le vol {{flight}} {{route}} du {{scheduled}} a été examinée par un superviseur et n'a pas été approuvée.\nMotif : {{reason}}\n\nVous pouvez demander à notre personnel de l'aéroport ou au service client de la réexaminer.",
  'denied.sms': "votre demande ({{type}}) pour le vol {{flight}} n'a pas été approuvée. Vous pouvez demander un réexamen à l'aéroport ou au service client.",
  'denied.amountInKind': 'selon l’offre',

  'type.cash': 'indemnisation',
  'type.meal': 'repas',
  'type.refreshment': 'rafraîchissement',
  'type.hotel': 'hôtel',
  'type.transport': 'transport',
  'type.communication': 'communication',
  'type.refund': 'remboursement',
  'type.travel_credit': 'avoir',

  'rights.EU261.title': "Vos droits au titre du règlement (CE) n° 261/2004 (information prévue à l'article 14)",
  'rights.EU261.body':
    "Si l'embarquement vous est refusé, ou si votre vol est annulé ou retardé de deux heures ou plus, la compagnie aérienne doit vous offrir :\n" +
    "- Une prise en charge : des repas et rafraîchissements en suffisance compte tenu du délai d'attente, deux appels téléphoniques ou messages et, si un séjour d'une ou plusieurs nuits devient nécessaire, un hébergement à l'hôtel et le transport entre l'aéroport et l'hôtel.\n" +
    "- Un réacheminement ou un remboursement : si votre vol est annulé ou retardé de cinq heures ou plus, vous pouvez choisir le remboursement de votre billet dans un délai de sept jours (avec un vol retour vers votre point de départ initial, le cas échéant) ou un réacheminement vers votre destination finale dans les meilleurs délais ou à une date ultérieure de votre choix.\n" +
    "- Une indemnisation : si votre vol est annulé moins de 14 jours avant le départ, ou si vous arrivez à votre destination finale avec trois heures de retard ou plus, vous pouvez avoir droit à 250 EUR (vols de 1 500 km ou moins), 400 EUR (vols intracommunautaires de plus de 1 500 km et autres vols de 1 500 à 3 500 km) ou 600 EUR (autres vols), sauf si la cause est une circonstance extraordinaire qui n'aurait pas pu être évitée même si toutes les mesures raisonnables avaient été prises. Le montant peut être réduit de moitié si vous êtes réacheminé et arrivez avec peu de retard.\n" +
    "Pour réclamer, adressez-vous à notre personnel de l'aéroport ou au service client. Si la réponse ne vous satisfait pas, vous pouvez saisir l'organisme national chargé de l'application du règlement dans le pays de l'UE où l'incident a eu lieu.",
  'rights.UK261.title': "Vos droits au titre du règlement (CE) n° 261/2004 tel que maintenu en droit britannique (information prévue à l'article 14)",
  'rights.UK261.body':
    "Si l'embarquement vous est refusé, ou si votre vol est annulé ou retardé de deux heures ou plus, la compagnie aérienne doit vous offrir :\n" +
    "- Une prise en charge : des repas et rafraîchissements en suffisance compte tenu du délai d'attente, deux appels téléphoniques ou messages et, si un séjour d'une ou plusieurs nuits devient nécessaire, un hébergement à l'hôtel et le transport entre l'aéroport et l'hôtel.\n" +
    '- Un réacheminement ou un remboursement : si votre vol est annulé ou retardé de cinq heures ou plus, vous pouvez choisir le remboursement de votre billet dans un délai de sept jours ou un réacheminement vers votre destination finale dans les meilleurs délais ou à une date ultérieure de votre choix.\n' +
    "- Une indemnisation : si votre vol est annulé moins de 14 jours avant le départ, ou si vous arrivez à votre destination finale avec trois heures de retard ou plus, vous pouvez avoir droit à 220 GBP (vols de 1 500 km ou moins), 350 GBP (vols de 1 500 à 3 500 km) ou 520 GBP (autres vols), sauf si la cause est une circonstance extraordinaire qui n'aurait pas pu être évitée même si toutes les mesures raisonnables avaient été prises.\n" +
    "Pour réclamer, adressez-vous à notre personnel de l'aéroport ou au service client. Si la réponse ne vous satisfait pas, vous pouvez saisir la Civil Aviation Authority (CAA) ou un organisme agréé de règlement extrajudiciaire des litiges.",
  'rights.sms': "Au titre du {{regime}}, vous pouvez avoir droit à une prise en charge, un réacheminement ou un remboursement, et une indemnisation. Le personnel de l'aéroport vous remet l'information écrite sur vos droits.",
};
