import type { Strings } from './strings.js';

/** German. */
export const de: Strings = {
  greeting: 'Guten Tag {{name}},',
  signoff: 'Jetway, im Auftrag von {{carrier}}',
  staffHelp: 'Unser Personal am Flughafen informiert Sie über Ihre Ansprüche und bucht Sie um.',
  minutes_one: '{{count}} Minute',
  minutes_other: '{{count}} Minuten',
  smsPrefix: 'Jetway:',

  'delay.subject': 'Flug {{flight}} hat {{delay}} Verspätung',
  'delay.body':
    'Ihr Flug {{flight}} {{route}} mit planmäßigem Abflug am {{scheduled}} hat {{delay}} Verspätung. Der voraussichtliche Abflug ist jetzt {{estimated}}.',
  'delay.sms': 'Flug {{flight}} {{route}} hat {{delay}} Verspätung; voraussichtlicher Abflug {{estimated}}. Bitte wenden Sie sich an das Flughafenpersonal.',

  'cancellation.subject': 'Flug {{flight}} wurde annulliert',
  'cancellation.body':
    'Ihr Flug {{flight}} {{route}} mit planmäßigem Abflug am {{scheduled}} wurde annulliert. Wir bedauern die Unannehmlichkeiten für Ihre Reise.',
  'cancellation.sms': 'Flug {{flight}} {{route}} am {{scheduled}} wurde annulliert. Das Flughafenpersonal hilft bei Umbuchung, Erstattung und Betreuung.',

  'diversion.subject': 'Flug {{flight}} wurde umgeleitet',
  'diversion.body': 'Ihr Flug {{flight}} {{route}} mit planmäßigem Abflug am {{scheduled}} wurde umgeleitet.',
  'diversion.sms': 'Flug {{flight}} {{route}} wurde umgeleitet. Bitte wenden Sie sich an das Flughafenpersonal.',

  'gate.subject': 'Flug {{flight}}: Abflug jetzt von {{where}}',
  'gate.body': 'Ihr Flug {{flight}} {{route}} mit Abflug am {{departure}} startet jetzt von {{where}}.',
  'gate.sms': 'Flug {{flight}} {{route}} startet jetzt von {{where}}.',
  'gate.where_gate': 'Gate {{gate}}',
  'gate.where_terminal': 'Terminal {{terminal}}',
  'gate.where_both': 'Gate {{gate}}, Terminal {{terminal}}',

  'voucher.subject': 'Ihr Gutschein ({{type}}) {{serial}} für Flug {{flight}}',
  'voucher.body':
    'Wir bedauern die Störung Ihres Fluges {{flight}} {{route}} am {{scheduled}}.\nGutschein: {{type}}\nBetrag: {{amount}}\nNummer: {{serial}}\n\nZeigen Sie diese Nummer am Schalter oder beim Partner vor, um den Gutschein einzulösen.',
  'voucher.sms': 'Gutschein ({{type}}) {{serial}} ({{amount}}) für Flug {{flight}}. Zum Einlösen die Nummer vorzeigen.',
  'voucher.amountInKind': 'laut Gutschein',

  'voided.subject': 'Ihr Gutschein ({{type}}) {{serial}} wurde storniert',
  'voided.body':
    'Ihr Gutschein ({{type}}) {{serial}} für Flug {{flight}} {{route}} wurde storniert und kann nicht mehr eingelöst werden.\nGrund: {{reason}}\n\nFalls Ihnen ein Ersatz zusteht, stellt unser Personal ihn aus und Sie erhalten ihn separat.',
  'voided.sms': 'Ihr Gutschein ({{type}}) {{serial}} für Flug {{flight}} wurde storniert und kann nicht mehr eingelöst werden.',

  'denied.subject': 'Ihr Antrag ({{type}}) für Flug {{flight}} wurde nicht genehmigt',
  'denied.body':
    'Ihr Antrag ({{type}}, {{amount}}) für Flug {{flight}} {{route}} am {{scheduled}} wurde von einer Aufsichtsperson geprüft und nicht genehmigt.\nGrund: {{reason}}\n\nSie können unser Personal am Flughafen oder den Kundenservice um eine erneute Prüfung bitten.',
  'denied.sms': 'Ihr Antrag ({{type}}) für Flug {{flight}} wurde nicht genehmigt. Eine erneute Prüfung ist am Flughafen oder beim Kundenservice möglich.',
  'denied.amountInKind': 'wie angeboten',

  'type.cash': 'Ausgleichszahlung',
  'type.meal': 'Verpflegung',
  'type.refreshment': 'Erfrischung',
  'type.hotel': 'Hotel',
  'type.transport': 'Transfer',
  'type.communication': 'Kommunikation',
  'type.refund': 'Erstattung',
  'type.travel_credit': 'Reiseguthaben',

  'rights.EU261.title': 'Ihre Rechte nach der Verordnung (EG) Nr. 261/2004 (Hinweis nach Artikel 14)',
  'rights.EU261.body':
    'Wird Ihnen die Beförderung verweigert oder wird Ihr Flug annulliert oder um zwei Stunden oder mehr verspätet, muss die Fluggesellschaft Ihnen Folgendes anbieten:\n' +
    '- Betreuung: Mahlzeiten und Erfrischungen in angemessenem Verhältnis zur Wartezeit, zwei Telefongespräche oder Nachrichten und, wenn ein Aufenthalt von einer oder mehreren Nächten notwendig wird, eine Hotelunterbringung sowie die Beförderung zwischen Flughafen und Hotel.\n' +
    '- Anderweitige Beförderung oder Erstattung: Wird Ihr Flug annulliert oder um fünf Stunden oder mehr verspätet, können Sie die Erstattung Ihres Flugscheins binnen sieben Tagen (gegebenenfalls mit einem Rückflug zum ersten Abflugort) oder eine anderweitige Beförderung zum Endziel zum frühestmöglichen Zeitpunkt oder zu einem späteren Zeitpunkt Ihrer Wahl verlangen.\n' +
    '- Ausgleichszahlung: Wird Ihr Flug weniger als 14 Tage vor dem Abflug annulliert oder erreichen Sie Ihr Endziel mit drei Stunden oder mehr Verspätung, haben Sie möglicherweise Anspruch auf 250 EUR (Flüge bis 1.500 km), 400 EUR (innergemeinschaftliche Flüge über 1.500 km und andere Flüge zwischen 1.500 und 3.500 km) oder 600 EUR (alle anderen Flüge), es sei denn, die Ursache war ein außergewöhnlicher Umstand, der sich auch dann nicht hätte vermeiden lassen, wenn alle zumutbaren Maßnahmen ergriffen worden wären. Der Betrag kann um die Hälfte gekürzt werden, wenn Sie anderweitig befördert werden und nur wenig verspätet ankommen.\n' +
    'Für Ihren Anspruch wenden Sie sich an unser Personal am Flughafen oder an den Kundenservice. Sind Sie mit der Antwort nicht zufrieden, können Sie sich an die nationale Durchsetzungsstelle des EU-Landes wenden, in dem sich der Vorfall ereignet hat.',
  'rights.UK261.title': 'Ihre Rechte nach der Verordnung (EG) Nr. 261/2004 in der im Vereinigten Königreich fortgeltenden Fassung (Hinweis nach Artikel 14)',
  'rights.UK261.body':
    'Wird Ihnen die Beförderung verweigert oder wird Ihr Flug annulliert oder um zwei Stunden oder mehr verspätet, muss die Fluggesellschaft Ihnen Folgendes anbieten:\n' +
    '- Betreuung: Mahlzeiten und Erfrischungen in angemessenem Verhältnis zur Wartezeit, zwei Telefongespräche oder Nachrichten und, wenn ein Aufenthalt von einer oder mehreren Nächten notwendig wird, eine Hotelunterbringung sowie die Beförderung zwischen Flughafen und Hotel.\n' +
    '- Anderweitige Beförderung oder Erstattung: Wird Ihr Flug annulliert oder um fünf Stunden oder mehr verspätet, können Sie die Erstattung Ihres Flugscheins binnen sieben Tagen oder eine anderweitige Beförderung zum Endziel zum frühestmöglichen Zeitpunkt oder zu einem späteren Zeitpunkt Ihrer Wahl verlangen.\n' +
    '- Ausgleichszahlung: Wird Ihr Flug weniger als 14 Tage vor dem Abflug annulliert oder erreichen Sie Ihr Endziel mit drei Stunden oder mehr Verspätung, haben Sie möglicherweise Anspruch auf 220 GBP (Flüge bis 1.500 km), 350 GBP (Flüge zwischen 1.500 und 3.500 km) oder 520 GBP (alle anderen Flüge), es sei denn, die Ursache war ein außergewöhnlicher Umstand, der sich auch dann nicht hätte vermeiden lassen, wenn alle zumutbaren Maßnahmen ergriffen worden wären.\n' +
    'Für Ihren Anspruch wenden Sie sich an unser Personal am Flughafen oder an den Kundenservice. Sind Sie mit der Antwort nicht zufrieden, können Sie sich an die Civil Aviation Authority (CAA) oder eine anerkannte Schlichtungsstelle wenden.',
  'rights.sms': 'Nach der {{regime}} haben Sie möglicherweise Anspruch auf Betreuung, anderweitige Beförderung oder Erstattung sowie eine Ausgleichszahlung. Das Flughafenpersonal händigt Ihnen den schriftlichen Hinweis auf Ihre Rechte aus.',
};
