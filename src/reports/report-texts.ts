import type { Language } from '../catalog/catalog.types';

/** A report's words in the six languages of the rating pages. */
export interface ReportTexts {
  title: string;
  period: string;
  summary: string;
  experienceIndex: string;
  xlaAttainment: string;
  slaAttainment: string;
  objectivesMet: string;
  trend: string;
  objectives: string;
  objective: string;
  indicator: string;
  value: string;
  target: string;
  status: string;
  sample: string;
  watermelons: string;
  noWatermelons: string;
  watermelonExplained: string;
  sites: string;
  site: string;
  rank: string;
  drivers: string;
  condition: string;
  lift: string;
  reasons: string;
  heatmap: string;
  comments: string;
  theme: string;
  coverage: string;
  rated: string;
  excluded: string;
  methodology: string;
  insufficientData: string;
  of: string;
  statuses: Record<'met' | 'at_risk' | 'breached' | 'insufficient_data', string>;
  method: string[];
}

const EN: ReportTexts = {
  title: 'Experience and service report',
  period: 'Period',
  summary: 'Summary',
  experienceIndex: 'Experience index',
  xlaAttainment: 'XLA attainment',
  slaAttainment: 'SLA attainment',
  objectivesMet: 'Objectives met',
  trend: 'Trend, last three months',
  objectives: 'Objectives',
  objective: 'Objective',
  indicator: 'Indicator',
  value: 'Value',
  target: 'Target',
  status: 'Status',
  sample: 'n',
  watermelons: 'Watermelon sites',
  noWatermelons: 'No watermelon site this period.',
  watermelonExplained: 'Every SLA objective with data met, while an experience objective is breached: green outside, red inside.',
  sites: 'Sites',
  site: 'Site',
  rank: 'Rank',
  drivers: 'What drives bad experiences',
  condition: 'Condition',
  lift: 'Lift',
  reasons: 'Reasons given',
  heatmap: 'Negative ratings by hour of week',
  comments: 'In their own words',
  theme: 'Theme',
  coverage: 'Data coverage',
  rated: 'Ratings counted',
  excluded: 'Excluded by the misuse filter',
  methodology: 'Methodology',
  insufficientData: 'insufficient data',
  of: 'of',
  statuses: { met: 'met', at_risk: 'at risk', breached: 'breached', insufficient_data: 'insufficient data' },
  method: [
    'CSAT is the share of counted ratings that are positive; the negative rate the share that are negative.',
    'Happiness is positive minus negative ratings, over all counted ratings, times 100.',
    'The experience index is the happy index: each rating weighted by its face, 0 to 100.',
    'An objective is met when its value is on the right side of its target over the window; below its minimum sample it has insufficient data, never breached.',
    'The error budget is the share of bad events the target allows; burn rate is how fast it is spent.',
    'Ratings the misuse filter excluded change no figure, and are counted here.',
  ],
};

const SV: ReportTexts = {
  title: 'Rapport om upplevelse och leverans',
  period: 'Period',
  summary: 'Sammanfattning',
  experienceIndex: 'Upplevelseindex',
  xlaAttainment: 'XLA-uppfyllnad',
  slaAttainment: 'SLA-uppfyllnad',
  objectivesMet: 'Uppfyllda mål',
  trend: 'Trend, senaste tre månaderna',
  objectives: 'Mål',
  objective: 'Mål',
  indicator: 'Indikator',
  value: 'Värde',
  target: 'Målvärde',
  status: 'Status',
  sample: 'n',
  watermelons: 'Vattenmelonplatser',
  noWatermelons: 'Ingen vattenmelonplats denna period.',
  watermelonExplained: 'Alla SLA-mål med data uppfyllda, medan ett upplevelsemål är brutet: grönt utanpå, rött inuti.',
  sites: 'Platser',
  site: 'Plats',
  rank: 'Placering',
  drivers: 'Vad som driver dåliga upplevelser',
  condition: 'Förhållande',
  lift: 'Lyft',
  reasons: 'Angivna orsaker',
  heatmap: 'Negativa betyg per veckotimme',
  comments: 'Med egna ord',
  theme: 'Tema',
  coverage: 'Datatäckning',
  rated: 'Räknade betyg',
  excluded: 'Uteslutna av missbruksfiltret',
  methodology: 'Metod',
  insufficientData: 'otillräckliga data',
  of: 'av',
  statuses: { met: 'uppfyllt', at_risk: 'i riskzonen', breached: 'brutet', insufficient_data: 'otillräckliga data' },
  method: [
    'CSAT är andelen räknade betyg som är positiva; negativandelen andelen som är negativa.',
    'Nöjdhet är positiva minus negativa betyg, av alla räknade betyg, gånger 100.',
    'Upplevelseindex är happy index: varje betyg viktat efter sin knapp, 0 till 100.',
    'Ett mål är uppfyllt när värdet ligger på rätt sida av målvärdet under perioden; under minsta urval har det otillräckliga data, aldrig brutet.',
    'Felbudgeten är andelen dåliga händelser som målet tillåter; förbrukningstakten hur fort den går åt.',
    'Betyg som missbruksfiltret uteslutit påverkar inga siffror, och räknas här.',
  ],
};

const DA: ReportTexts = {
  ...EN,
  title: 'Rapport om oplevelse og levering',
  summary: 'Resumé',
  experienceIndex: 'Oplevelsesindeks',
  xlaAttainment: 'XLA-opfyldelse',
  slaAttainment: 'SLA-opfyldelse',
  objectivesMet: 'Opfyldte mål',
  trend: 'Udvikling, seneste tre måneder',
  objectives: 'Mål',
  objective: 'Mål',
  value: 'Værdi',
  target: 'Målværdi',
  watermelons: 'Vandmelon-lokationer',
  noWatermelons: 'Ingen vandmelon-lokation i denne periode.',
  sites: 'Lokationer',
  site: 'Lokation',
  drivers: 'Hvad driver dårlige oplevelser',
  reasons: 'Angivne årsager',
  heatmap: 'Negative vurderinger pr. ugetime',
  comments: 'Med egne ord',
  coverage: 'Datadækning',
  rated: 'Talte vurderinger',
  excluded: 'Udelukket af misbrugsfilteret',
  methodology: 'Metode',
  insufficientData: 'utilstrækkelige data',
  of: 'af',
  statuses: { met: 'opfyldt', at_risk: 'i fare', breached: 'brudt', insufficient_data: 'utilstrækkelige data' },
};

const NB: ReportTexts = {
  ...EN,
  title: 'Rapport om opplevelse og leveranse',
  summary: 'Sammendrag',
  experienceIndex: 'Opplevelsesindeks',
  xlaAttainment: 'XLA-oppnåelse',
  slaAttainment: 'SLA-oppnåelse',
  objectivesMet: 'Oppnådde mål',
  trend: 'Utvikling, siste tre måneder',
  objectives: 'Mål',
  objective: 'Mål',
  value: 'Verdi',
  target: 'Målverdi',
  watermelons: 'Vannmelon-lokasjoner',
  noWatermelons: 'Ingen vannmelon-lokasjon i denne perioden.',
  sites: 'Lokasjoner',
  site: 'Lokasjon',
  drivers: 'Hva driver dårlige opplevelser',
  reasons: 'Oppgitte årsaker',
  heatmap: 'Negative vurderinger per ukestime',
  comments: 'Med egne ord',
  coverage: 'Datadekning',
  rated: 'Talte vurderinger',
  excluded: 'Utelatt av misbruksfilteret',
  methodology: 'Metode',
  insufficientData: 'utilstrekkelige data',
  of: 'av',
  statuses: { met: 'oppnådd', at_risk: 'i faresonen', breached: 'brutt', insufficient_data: 'utilstrekkelige data' },
};

const FI: ReportTexts = {
  ...EN,
  title: 'Kokemus- ja palveluraportti',
  period: 'Jakso',
  summary: 'Yhteenveto',
  experienceIndex: 'Kokemusindeksi',
  xlaAttainment: 'XLA-toteuma',
  slaAttainment: 'SLA-toteuma',
  objectivesMet: 'Saavutetut tavoitteet',
  trend: 'Kehitys, kolme viimeistä kuukautta',
  objectives: 'Tavoitteet',
  objective: 'Tavoite',
  value: 'Arvo',
  target: 'Tavoitearvo',
  status: 'Tila',
  watermelons: 'Vesimelonikohteet',
  noWatermelons: 'Ei vesimelonikohteita tällä jaksolla.',
  sites: 'Kohteet',
  site: 'Kohde',
  drivers: 'Mikä aiheuttaa huonoja kokemuksia',
  reasons: 'Annetut syyt',
  heatmap: 'Negatiiviset arviot viikon tunneittain',
  comments: 'Omin sanoin',
  coverage: 'Tietojen kattavuus',
  rated: 'Lasketut arviot',
  excluded: 'Väärinkäyttösuodattimen poistamat',
  methodology: 'Menetelmä',
  insufficientData: 'riittämättömät tiedot',
  of: '/',
  statuses: { met: 'saavutettu', at_risk: 'vaarassa', breached: 'rikottu', insufficient_data: 'riittämättömät tiedot' },
};

const DE: ReportTexts = {
  ...EN,
  title: 'Bericht zu Erlebnis und Leistung',
  period: 'Zeitraum',
  summary: 'Zusammenfassung',
  experienceIndex: 'Erlebnisindex',
  xlaAttainment: 'XLA-Erfüllung',
  slaAttainment: 'SLA-Erfüllung',
  objectivesMet: 'Erfüllte Ziele',
  trend: 'Verlauf, letzte drei Monate',
  objectives: 'Ziele',
  objective: 'Ziel',
  value: 'Wert',
  target: 'Zielwert',
  watermelons: 'Wassermelonen-Standorte',
  noWatermelons: 'Kein Wassermelonen-Standort in diesem Zeitraum.',
  sites: 'Standorte',
  site: 'Standort',
  drivers: 'Was schlechte Erlebnisse treibt',
  reasons: 'Genannte Gründe',
  heatmap: 'Negative Bewertungen nach Wochenstunde',
  comments: 'In eigenen Worten',
  coverage: 'Datenabdeckung',
  rated: 'Gezählte Bewertungen',
  excluded: 'Vom Missbrauchsfilter ausgeschlossen',
  methodology: 'Methodik',
  insufficientData: 'unzureichende Daten',
  of: 'von',
  statuses: { met: 'erfüllt', at_risk: 'gefährdet', breached: 'verfehlt', insufficient_data: 'unzureichende Daten' },
};

export const REPORT_TEXTS: Readonly<Record<Language, ReportTexts>> = { en: EN, sv: SV, da: DA, nb: NB, fi: FI, de: DE };
