import type { AlertRuleKey, Language } from '../catalog/catalog.types';

export type AlertKind = 'opened' | 'reminder' | 'escalated' | 'resolved' | 'thanks';

/** What a message says of its alert: the names as the site's people know them. */
export interface AlertFacts {
  id: string;
  rule: AlertRuleKey;
  severity: 'critical' | 'warning' | 'info';
  contract: string;
  site?: { key: string; name: string };
  zone?: { key: string; name: string };
  /** The rule's own details: the objective and its burn rates, the incident, the device, the reasons named. */
  detail: Record<string, unknown>;
  count: number;
  openedAt: string;
  lastSeenAt: string;
}

type Words = Record<AlertRuleKey, string> & Record<'reminder' | 'escalated' | 'resolved' | 'count' | 'opened' | 'place' | 'reasons', string>;

/** Alert texts in the six languages of the rating pages; `{where}` is "zone, site". */
const WORDS: Readonly<Record<Language, Words>> = {
  en: {
    negative_feedback: 'Negative feedback in {where}',
    burn_rate: 'Objective {objective} is burning its error budget fast',
    consumable_out: 'Consumables out while people keep coming: {where}',
    device_offline: 'Device offline in {where}',
    incident_overdue: 'Incident past its target in {where}',
    clean_missed: 'Planned clean overdue in {where}',
    thank_team: 'Well done! Happy ratings in a row in {where}',
    reminder: 'Reminder',
    escalated: 'Escalated',
    resolved: 'Resolved',
    count: 'Occurrences',
    opened: 'Opened',
    place: 'Where',
    reasons: 'Reasons',
  },
  sv: {
    negative_feedback: 'Negativ feedback i {where}',
    burn_rate: 'Målet {objective} förbrukar sin felbudget snabbt',
    consumable_out: 'Förbrukningsmaterial slut medan besökare fortsätter komma: {where}',
    device_offline: 'Enhet offline i {where}',
    incident_overdue: 'Ärende har passerat sin måltid i {where}',
    clean_missed: 'Planerad städning försenad i {where}',
    thank_team: 'Bra jobbat! Nöjda betyg i rad i {where}',
    reminder: 'Påminnelse',
    escalated: 'Eskalerat',
    resolved: 'Åtgärdat',
    count: 'Antal',
    opened: 'Öppnat',
    place: 'Plats',
    reasons: 'Orsaker',
  },
  da: {
    negative_feedback: 'Negativ feedback i {where}',
    burn_rate: 'Målet {objective} bruger hurtigt af sit fejlbudget',
    consumable_out: 'Forbrugsvarer opbrugt, mens folk bliver ved med at komme: {where}',
    device_offline: 'Enhed offline i {where}',
    incident_overdue: 'Hændelse over sin frist i {where}',
    clean_missed: 'Planlagt rengøring forsinket i {where}',
    thank_team: 'Godt gået! Glade vurderinger i træk i {where}',
    reminder: 'Påmindelse',
    escalated: 'Eskaleret',
    resolved: 'Løst',
    count: 'Antal',
    opened: 'Åbnet',
    place: 'Sted',
    reasons: 'Årsager',
  },
  nb: {
    negative_feedback: 'Negativ tilbakemelding i {where}',
    burn_rate: 'Målet {objective} bruker raskt av feilbudsjettet',
    consumable_out: 'Forbruksmateriell tomt mens folk fortsetter å komme: {where}',
    device_offline: 'Enhet frakoblet i {where}',
    incident_overdue: 'Hendelse over fristen i {where}',
    clean_missed: 'Planlagt renhold forsinket i {where}',
    thank_team: 'Bra jobbet! Fornøyde vurderinger på rad i {where}',
    reminder: 'Påminnelse',
    escalated: 'Eskalert',
    resolved: 'Løst',
    count: 'Antall',
    opened: 'Åpnet',
    place: 'Sted',
    reasons: 'Årsaker',
  },
  fi: {
    negative_feedback: 'Negatiivista palautetta: {where}',
    burn_rate: 'Tavoite {objective} kuluttaa virhebudjettiaan nopeasti',
    consumable_out: 'Tarvikkeet loppu, vaikka käyttäjiä tulee: {where}',
    device_offline: 'Laite ei ole yhteydessä: {where}',
    incident_overdue: 'Häiriö on ylittänyt tavoiteaikansa: {where}',
    clean_missed: 'Suunniteltu siivous myöhässä: {where}',
    thank_team: 'Hienoa työtä! Tyytyväisiä arvioita peräkkäin: {where}',
    reminder: 'Muistutus',
    escalated: 'Eskaloitu',
    resolved: 'Ratkaistu',
    count: 'Määrä',
    opened: 'Avattu',
    place: 'Paikka',
    reasons: 'Syyt',
  },
  de: {
    negative_feedback: 'Negatives Feedback in {where}',
    burn_rate: 'Ziel {objective} verbraucht sein Fehlerbudget schnell',
    consumable_out: 'Verbrauchsmaterial leer, während weiter Besucher kommen: {where}',
    device_offline: 'Gerät offline in {where}',
    incident_overdue: 'Störung über ihrer Zielzeit in {where}',
    clean_missed: 'Geplante Reinigung überfällig in {where}',
    thank_team: 'Gut gemacht! Zufriedene Bewertungen in Folge in {where}',
    reminder: 'Erinnerung',
    escalated: 'Eskaliert',
    resolved: 'Behoben',
    count: 'Anzahl',
    opened: 'Geöffnet',
    place: 'Ort',
    reasons: 'Gründe',
  },
};

const whereOf = (a: AlertFacts) => [a.zone?.name, a.site?.name].filter(Boolean).join(', ') || a.contract;

/** The one-line subject of an alert message in a language: the rule's text, prefixed by what happened (reminder, escalation, resolved). */
export function subjectOf(a: AlertFacts, kind: AlertKind, language: Language): string {
  const w = WORDS[language];
  const text = w[a.rule].replace('{where}', whereOf(a)).replace('{objective}', typeof a.detail.objective === 'string' ? a.detail.objective : '');
  const prefix = kind === 'reminder' ? w.reminder : kind === 'escalated' ? w.escalated : kind === 'resolved' ? w.resolved : null;
  return prefix ? `${prefix}: ${text}` : text;
}

/** The plain-text body of an e-mail: subject, place, count, when, and the reasons named. */
export function bodyOf(a: AlertFacts, kind: AlertKind, language: Language): string {
  const w = WORDS[language];
  const reasons = Array.isArray(a.detail.reasons) && a.detail.reasons.length ? [`${w.reasons}: ${(a.detail.reasons as string[]).join(', ')}`] : [];
  return [subjectOf(a, kind, language), '', `${w.place}: ${whereOf(a)}`, `${w.count}: ${a.count}`, `${w.opened}: ${a.openedAt}`, ...reasons, '', `id: ${a.id}`].join('\n');
}

/** A webhook's JSON body in its format: our own, or one Slack's and Teams' incoming webhooks take. */
export function webhookBody(format: 'json' | 'slack' | 'teams', deliveryId: string, a: AlertFacts, kind: AlertKind, language: Language): Record<string, unknown> {
  const subject = subjectOf(a, kind, language);
  if (format === 'slack') return { text: subject, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: bodyOf(a, kind, language) } }] };
  if (format === 'teams') {
    return {
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          content: { type: 'AdaptiveCard', version: '1.4', body: bodyOf(a, kind, language).split('\n').filter(Boolean).map((text, i) => ({ type: 'TextBlock', text, wrap: true, ...(i === 0 ? { weight: 'Bolder' } : {}) })) },
        },
      ],
    };
  }
  return { id: deliveryId, kind, subject, language, alert: a };
}
