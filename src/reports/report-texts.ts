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
  /** The trend's title for a report of a month, */
  trend: string;
  /** and for a week or a date range (the two before are as long). */
  trendPeriods: string;
  objectives: string;
  objective: string;
  indicator: string;
  value: string;
  target: string;
  status: string;
  sample: string;
  watermelons: string;
  /** The mark of one watermelon site (green outside, red inside). */
  watermelon: string;
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
  serviceDelivery: string;
  operations: Record<'cleaningOnTime' | 'incidentResponse' | 'incidentResolution' | 'deviceUptime', string>;
  siteDetails: string;
  /** The monthly e-mail's text; {contract} and {period} are filled in. */
  mailBody: string;
  /** The live scorecard page behind a share link. */
  live: { title: string; refresh: string; pause: string; resume: string; current: string; earlier: string; siteNote: string; notFoundTitle: string; notFoundBody: string };
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
  trendPeriods: 'Trend, this period and the two before',
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
  live: { title: "Live scorecard", refresh: "Updated every minute.", pause: "Pause updates", resume: "Resume updates", current: "This month", earlier: "Earlier months", siteNote: "Drivers, the heatmap and comments are on the contract's page.", notFoundTitle: "This link is not valid", notFoundBody: "The link has expired or was withdrawn. Ask your account team for a new one." },
  mailBody: "Attached is the experience and service report of {contract} for {period}: as PDF, and its figures as CSV (one row per site and objective).",
  serviceDelivery: "Service delivery: tasks and incidents",
  operations: { cleaningOnTime: "Planned cleans done on time", incidentResponse: "Incidents responded to within target", incidentResolution: "Incidents resolved within target", deviceUptime: "Sensor uptime" },
  siteDetails: "Site by site",
  watermelon: "watermelon",
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
  trendPeriods: 'Trend, denna period och de två föregående',
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
  live: { title: "Resultattavla i realtid", refresh: "Uppdateras varje minut.", pause: "Pausa uppdateringar", resume: "Återuppta uppdateringar", current: "Denna månad", earlier: "Tidigare månader", siteNote: "Drivkrafter, värmekarta och kommentarer finns på avtalets sida.", notFoundTitle: "Länken gäller inte", notFoundBody: "Länken har gått ut eller dragits tillbaka. Be ert kundteam om en ny." },
  mailBody: "Bifogat finns rapporten om upplevelse och leverans för {contract}, {period}: som PDF, och dess siffror som CSV (en rad per plats och mål).",
  serviceDelivery: "Leverans: uppdrag och ärenden",
  operations: { cleaningOnTime: "Planerade städningar i tid", incidentResponse: "Ärenden besvarade inom målet", incidentResolution: "Ärenden åtgärdade inom målet", deviceUptime: "Sensorernas drifttid" },
  siteDetails: "Plats för plats",
  watermelon: "vattenmelon",
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
  trendPeriods: 'Udvikling, denne periode og de to foregående',
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
  live: { title: "Resultattavle i realtid", refresh: "Opdateres hvert minut.", pause: "Sæt opdateringer på pause", resume: "Genoptag opdateringer", current: "Denne måned", earlier: "Tidligere måneder", siteNote: "Drivere, varmekort og kommentarer findes på kontraktens side.", notFoundTitle: "Linket er ikke gyldigt", notFoundBody: "Linket er udløbet eller trukket tilbage. Bed jeres kundeteam om et nyt." },
  method: [
    "CSAT er andelen af talte bedømmelser, der er positive; den negative andel er andelen, der er negative.",
    "Tilfredshed er positive minus negative bedømmelser, over alle talte bedømmelser, gange 100.",
    "Oplevelsesindekset er happy index: hver bedømmelse vægtet efter sin knap, 0 til 100.",
    "Et mål er opfyldt, når værdien ligger på den rigtige side af målværdien i perioden; under mindste stikprøve har det utilstrækkelige data, aldrig brudt.",
    "Fejlbudgettet er den andel dårlige hændelser, målet tillader; forbrugshastigheden er, hvor hurtigt det bruges.",
    "Bedømmelser, som misbrugsfilteret udelukkede, ændrer intet tal og tælles her.",
  ],
  mailBody: "Vedhæftet er rapporten om oplevelse og levering for {contract}, {period}: som PDF, og tallene som CSV (en række pr. lokation og mål).",
  serviceDelivery: "Levering: opgaver og hændelser",
  operations: { cleaningOnTime: "Planlagte rengøringer til tiden", incidentResponse: "Hændelser besvaret inden for målet", incidentResolution: "Hændelser løst inden for målet", deviceUptime: "Sensorernes oppetid" },
  siteDetails: "Lokation for lokation",
  indicator: "Indikator",
  watermelonExplained: "Alle SLA-mål med data opfyldt, mens et oplevelsesmål er brudt: grøn udenpå, rød indeni.",
  rank: "Placering",
  condition: "Forhold",
  lift: "Løft",
  theme: "Tema",
  watermelon: "vandmelon",
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
  trendPeriods: 'Utvikling, denne perioden og de to foregående',
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
  live: { title: "Resultattavle i sanntid", refresh: "Oppdateres hvert minutt.", pause: "Sett oppdateringer på pause", resume: "Fortsett oppdateringer", current: "Denne måneden", earlier: "Tidligere måneder", siteNote: "Drivere, varmekart og kommentarer finnes på kontraktens side.", notFoundTitle: "Lenken er ikke gyldig", notFoundBody: "Lenken er utløpt eller trukket tilbake. Be kundeteamet om en ny." },
  method: [
    "CSAT er andelen av telte vurderinger som er positive; negativandelen er andelen som er negative.",
    "Tilfredshet er positive minus negative vurderinger, over alle telte vurderinger, ganger 100.",
    "Opplevelsesindeksen er happy index: hver vurdering vektet etter knappen sin, 0 til 100.",
    "Et mål er oppfylt når verdien ligger på riktig side av målverdien i perioden; under minste utvalg har det utilstrekkelige data, aldri brutt.",
    "Feilbudsjettet er andelen dårlige hendelser målet tillater; forbrukstakten er hvor fort det brukes.",
    "Vurderinger som misbruksfilteret utelukket, endrer ingen tall og telles her.",
  ],
  mailBody: "Vedlagt er rapporten om opplevelse og leveranse for {contract}, {period}: som PDF, og tallene som CSV (én rad per lokasjon og mål).",
  serviceDelivery: "Leveranse: oppdrag og hendelser",
  operations: { cleaningOnTime: "Planlagte renhold i tide", incidentResponse: "Hendelser besvart innen målet", incidentResolution: "Hendelser løst innen målet", deviceUptime: "Sensorenes oppetid" },
  siteDetails: "Lokasjon for lokasjon",
  indicator: "Indikator",
  watermelonExplained: "Alle SLA-mål med data oppfylt, mens et opplevelsesmål er brutt: grønn utenpå, rød inni.",
  rank: "Plassering",
  condition: "Forhold",
  lift: "Løft",
  theme: "Tema",
  watermelon: "vannmelon",
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
  trendPeriods: 'Kehitys, tämä jakso ja kaksi edellistä',
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
  live: { title: "Reaaliaikainen tulostaulu", refresh: "Päivittyy minuutin välein.", pause: "Keskeytä päivitykset", resume: "Jatka päivityksiä", current: "Tämä kuukausi", earlier: "Aiemmat kuukaudet", siteNote: "Tekijät, lämpökartta ja kommentit ovat sopimuksen sivulla.", notFoundTitle: "Linkki ei ole voimassa", notFoundBody: "Linkki on vanhentunut tai peruttu. Pyydä asiakastiimiltä uusi." },
  method: [
    "CSAT on laskettujen arvioiden myönteisten osuus; kielteisten osuus on kielteisten arvioiden osuus.",
    "Tyytyväisyys on myönteiset miinus kielteiset arviot kaikista lasketuista arvioista kertaa 100.",
    "Kokemusindeksi on happy index: jokainen arvio painotettuna painikkeensa mukaan, 0–100.",
    "Tavoite täyttyy, kun arvo on jakson aikana tavoitearvon oikealla puolella; alle vähimmäisotoksen sillä on riittämättömästi tietoa, ei koskaan rikottu.",
    "Virhebudjetti on huonojen tapahtumien osuus, jonka tavoite sallii; kulutusnopeus kertoo, kuinka nopeasti se kuluu.",
    "Väärinkäyttösuodattimen poissulkemat arviot eivät muuta yhtään lukua, ja ne lasketaan tässä.",
  ],
  mailBody: "Liitteenä on sopimuksen {contract} kokemus- ja palveluraportti ajalta {period}: PDF-muodossa, ja sen luvut CSV-muodossa (rivi kohdetta ja tavoitetta kohden).",
  serviceDelivery: "Palvelun toteutus: tehtävät ja häiriöt",
  operations: { cleaningOnTime: "Suunnitellut siivoukset ajallaan", incidentResponse: "Häiriöihin reagoitu tavoiteajassa", incidentResolution: "Häiriöt korjattu tavoiteajassa", deviceUptime: "Antureiden käytettävyys" },
  siteDetails: "Kohde kohteelta",
  indicator: "Indikaattori",
  watermelonExplained: "Kaikki SLA-tavoitteet, joista on tietoa, täyttyvät, mutta jokin kokemustavoite on rikottu: vihreä ulkoa, punainen sisältä.",
  rank: "Sija",
  condition: "Olosuhde",
  lift: "Nosto",
  theme: "Teema",
  watermelon: "vesimeloni",
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
  trendPeriods: 'Verlauf, dieser Zeitraum und die zwei davor',
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
  live: { title: "Live-Scorecard", refresh: "Wird jede Minute aktualisiert.", pause: "Aktualisierung anhalten", resume: "Aktualisierung fortsetzen", current: "Dieser Monat", earlier: "Frühere Monate", siteNote: "Treiber, Heatmap und Kommentare stehen auf der Seite des Vertrags.", notFoundTitle: "Dieser Link ist nicht gültig", notFoundBody: "Der Link ist abgelaufen oder wurde zurückgezogen. Bitten Sie Ihr Kundenteam um einen neuen." },
  method: [
    "CSAT ist der Anteil der gezählten Bewertungen, die positiv sind; die Negativquote der Anteil der negativen.",
    "Zufriedenheit sind positive minus negative Bewertungen, über alle gezählten Bewertungen, mal 100.",
    "Der Erlebnisindex ist der Happy Index: jede Bewertung nach ihrer Taste gewichtet, 0 bis 100.",
    "Ein Ziel ist erfüllt, wenn der Wert im Zeitraum auf der richtigen Seite des Zielwerts liegt; unter der Mindeststichprobe hat es unzureichende Daten, nie verfehlt.",
    "Das Fehlerbudget ist der Anteil schlechter Ereignisse, den das Ziel erlaubt; die Verbrauchsrate, wie schnell es aufgebraucht wird.",
    "Bewertungen, die der Missbrauchsfilter ausgeschlossen hat, ändern keine Zahl und werden hier gezählt.",
  ],
  mailBody: "Anbei der Erlebnis- und Leistungsbericht von {contract} für {period}: als PDF, und seine Zahlen als CSV (eine Zeile je Standort und Ziel).",
  serviceDelivery: "Leistungserbringung: Aufgaben und Störungen",
  operations: { cleaningOnTime: "Geplante Reinigungen pünktlich", incidentResponse: "Störungen innerhalb des Ziels beantwortet", incidentResolution: "Störungen innerhalb des Ziels behoben", deviceUptime: "Verfügbarkeit der Sensoren" },
  siteDetails: "Standort für Standort",
  indicator: "Indikator",
  watermelonExplained: "Alle SLA-Ziele mit Daten erfüllt, während ein Erlebnisziel verfehlt ist: außen grün, innen rot.",
  rank: "Rang",
  condition: "Bedingung",
  lift: "Lift",
  theme: "Thema",
  watermelon: "Wassermelone",
};

export const REPORT_TEXTS: Readonly<Record<Language, ReportTexts>> = { en: EN, sv: SV, da: DA, nb: NB, fi: FI, de: DE };
