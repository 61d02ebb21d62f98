import type { Language } from '../catalog/catalog.types';

export const THEMES = ['soap', 'paper', 'towels', 'smell', 'dirt', 'bin', 'temperature', 'air', 'noise', 'broken', 'crowding', 'praise'] as const;
export type Theme = (typeof THEMES)[number];

/**
 * Our own theme words per language, written as people write them (they are stemmed on load); a space makes a
 * phrase. Compound words (tvålpumpen, Seifenspender, käsipyyhkeet) match by their parts, longest entry first.
 */
export const THEME_WORDS: Readonly<Record<Language, Readonly<Record<Theme, readonly string[]>>>> = {
  en: {
    soap: ['soap', 'soap dispenser', 'hand wash', 'handwash', 'sanitiser', 'sanitizer'],
    paper: ['toilet paper', 'toilet roll', 'loo roll', 'paper', 'tissue'],
    towels: ['towel', 'towels', 'paper towel', 'paper towels', 'hand towel', 'hand dryer', 'dryer'],
    smell: ['smell', 'smells', 'smelly', 'stink', 'stinks', 'stinky', 'odour', 'odor', 'stench', 'reek', 'reeks'],
    dirt: ['dirty', 'dirt', 'filthy', 'mess', 'messy', 'stain', 'stained', 'grime', 'grimy', 'sticky', 'unclean', 'disgusting', 'gross', 'urine', 'pee', 'vomit'],
    bin: ['bin', 'bins', 'trash', 'rubbish', 'garbage', 'waste', 'overflowing', 'litter'],
    temperature: ['hot', 'cold', 'warm', 'chilly', 'freezing', 'temperature', 'heating', 'boiling', 'sweltering'],
    air: ['air', 'stuffy', 'ventilation', 'humid', 'draught', 'draft', 'airless', 'musty', 'co2'],
    noise: ['noise', 'noisy', 'loud', 'echo', 'racket', 'din'],
    broken: ['broken', 'out of order', 'leak', 'leaking', 'leaks', 'blocked', 'clogged', 'jammed', 'faulty', 'not working', "doesn't work", "won't flush", 'flooded'],
    crowding: ['crowded', 'queue', 'queues', 'queueing', 'busy', 'packed', 'crammed', 'waiting', 'too many people'],
    praise: ['clean', 'spotless', 'great', 'good', 'nice', 'lovely', 'excellent', 'perfect', 'fresh', 'tidy', 'thanks', 'thank you', 'brilliant', 'well done'],
  },
  sv: {
    soap: ['tvål', 'tvålen', 'tvålpump', 'tvålautomat', 'handtvål', 'handsprit'],
    paper: ['toalettpapper', 'toapapper', 'papper', 'papperet', 'toarulle'],
    towels: ['handduk', 'handdukar', 'pappershanddukar', 'torkpapper', 'handtork', 'pappershandduk'],
    smell: ['lukt', 'luktar', 'illaluktande', 'stinker', 'stank', 'stinkande', 'odör'],
    dirt: ['smutsig', 'smutsigt', 'smutsiga', 'skitig', 'skitigt', 'äcklig', 'äckligt', 'fläckar', 'kladdigt', 'kladdig', 'kiss', 'snuskigt', 'ostädat'],
    bin: ['soptunna', 'soptunnan', 'papperskorg', 'papperskorgen', 'sopor', 'skräp', 'sophink', 'överfull', 'sopkorg'],
    temperature: ['varmt', 'varm', 'kallt', 'kall', 'temperatur', 'temperaturen', 'värme', 'kyla', 'iskallt', 'hett'],
    air: ['luft', 'luften', 'ventilation', 'ventilationen', 'kvavt', 'kvav', 'unket', 'instängt', 'dålig luft'],
    noise: ['ljud', 'buller', 'bullrigt', 'högljutt', 'högljudd', 'oväsen', 'stökigt', 'störande'],
    broken: ['trasig', 'trasigt', 'trasiga', 'sönder', 'läcker', 'stopp', 'stopp i', 'fungerar inte', 'funkar inte', 'ur funktion', 'spolar inte', 'igensatt'],
    crowding: ['trångt', 'kö', 'köer', 'kön', 'trängsel', 'fullsatt', 'för många', 'väntade', 'vänta'],
    praise: ['rent', 'ren', 'rena', 'fräscht', 'fräsch', 'bra', 'tack', 'toppen', 'snyggt', 'perfekt', 'städat', 'jättebra', 'fint', 'skinande'],
  },
  da: {
    soap: ['sæbe', 'sæben', 'sæbedispenser', 'håndsæbe', 'håndsprit'],
    paper: ['toiletpapir', 'toiletpapiret', 'papir', 'papiret', 'toiletrulle'],
    towels: ['håndklæde', 'håndklæder', 'papirhåndklæder', 'håndklædepapir', 'håndtørrer', 'aftørringspapir'],
    smell: ['lugt', 'lugter', 'stinker', 'stank', 'ildelugtende', 'stinkende'],
    dirt: ['beskidt', 'beskidte', 'snavset', 'snavs', 'ulækkert', 'ulækker', 'klamt', 'klam', 'pletter', 'tis', 'svinsk', 'uhumsk'],
    bin: ['skraldespand', 'skraldespanden', 'skrald', 'affald', 'affaldsspand', 'papirkurv', 'overfyldt skraldespand'],
    temperature: ['varmt', 'varm', 'koldt', 'kold', 'temperatur', 'temperaturen', 'varme', 'kulde', 'iskoldt'],
    air: ['luft', 'luften', 'indelukket', 'ventilation', 'ventilationen', 'tung luft', 'dårlig luft'],
    noise: ['larm', 'støj', 'larmende', 'støjende', 'højlydt', 'larmer'],
    broken: ['i stykker', 'defekt', 'virker ikke', 'fungerer ikke', 'utæt', 'stoppet', 'drypper', 'lækker', 'ude af drift'],
    crowding: ['kø', 'køen', 'trængsel', 'overfyldt', 'for mange', 'mange mennesker', 'ventede', 'vente', 'propfyldt'],
    praise: ['rent', 'ren', 'pænt', 'pæn', 'godt', 'tak', 'super', 'fint', 'dejligt', 'perfekt', 'flot', 'ryddeligt', 'skinnende'],
  },
  nb: {
    soap: ['såpe', 'såpen', 'såpedispenser', 'håndsåpe', 'antibac', 'håndsprit'],
    paper: ['toalettpapir', 'dopapir', 'dopapiret', 'papir', 'papiret', 'dorull'],
    towels: ['håndkle', 'håndklær', 'håndklærne', 'tørkepapir', 'papirhåndklær', 'håndtørker'],
    smell: ['lukt', 'lukter', 'stinker', 'stank', 'illeluktende', 'stinkende'],
    dirt: ['skitten', 'skittent', 'skitne', 'møkkete', 'møkk', 'ekkelt', 'ekkel', 'flekker', 'tiss', 'grisete', 'urent'],
    bin: ['søppel', 'søppelbøtte', 'søppelbøtta', 'søppelkasse', 'søppelkassen', 'avfall', 'papirkurv', 'avfallsbøtte'],
    temperature: ['varmt', 'varm', 'kaldt', 'kald', 'temperatur', 'temperaturen', 'varme', 'kulde', 'iskaldt'],
    air: ['luft', 'lufta', 'luften', 'innestengt', 'tett luft', 'dårlig luft', 'ventilasjon', 'ventilasjonen'],
    noise: ['bråk', 'støy', 'bråkete', 'høylytt', 'støyende', 'bråker'],
    broken: ['ødelagt', 'i stykker', 'virker ikke', 'fungerer ikke', 'lekker', 'tett', 'defekt', 'drypper', 'ute av drift'],
    crowding: ['kø', 'køen', 'trangt', 'trengsel', 'for mange', 'mange folk', 'fullt av folk', 'ventet', 'vente'],
    praise: ['rent', 'ren', 'pent', 'bra', 'takk', 'supert', 'fint', 'flott', 'perfekt', 'ryddig', 'skinnende', 'strålende'],
  },
  fi: {
    soap: ['saippua', 'saippuaa', 'saippuat', 'saippuaannostelija', 'käsisaippua', 'käsidesi', 'desi'],
    paper: ['paperi', 'paperia', 'paperit', 'vessapaperi', 'vessapaperia', 'wc paperi', 'wc paperia', 'vessapaperirulla'],
    towels: ['pyyhe', 'pyyhkeet', 'pyyhkeitä', 'pyyhettä', 'käsipyyhe', 'käsipyyhkeet', 'käsipaperi', 'käsipaperia', 'paperipyyhe', 'käsienkuivain', 'kuivain'],
    smell: ['haju', 'hajua', 'haisee', 'haisi', 'löyhkä', 'löyhkää', 'pahanhajuinen', 'lemu'],
    dirt: ['likainen', 'likaista', 'likaiset', 'likaa', 'lika', 'sotkuinen', 'sotkua', 'sotku', 'tahroja', 'tahra', 'inhottava', 'ällöttävä', 'virtsaa', 'kuvottava'],
    bin: ['roskis', 'roskakori', 'roskakorit', 'roskat', 'roskia', 'roska', 'jäteastia', 'jätteet', 'roskapönttö'],
    temperature: ['kuuma', 'kuumaa', 'kylmä', 'kylmää', 'lämmin', 'lämmintä', 'lämpötila', 'lämpötilaa', 'kuumuus', 'kylmyys', 'jäätävä'],
    air: ['ilma', 'ilmaa', 'ilmanvaihto', 'ilmanvaihtoa', 'tunkkainen', 'tunkkaista', 'tukahduttava', 'huono ilma'],
    noise: ['melu', 'melua', 'meluisa', 'meluisaa', 'äänekäs', 'äänekästä', 'metelöi', 'meteli', 'metelöintiä'],
    broken: ['rikki', 'vuotaa', 'vuoto', 'tukossa', 'ei toimi', 'eivät toimi', 'epäkunnossa', 'epäkunnossa oleva', 'viallinen'],
    crowding: ['jono', 'jonoa', 'jonot', 'ruuhka', 'ruuhkaa', 'tungos', 'tungosta', 'liikaa ihmisiä', 'täynnä ihmisiä', 'odottaa', 'odotin'],
    praise: ['puhdas', 'puhdasta', 'puhtaat', 'siisti', 'siistiä', 'siistit', 'kiitos', 'hyvä', 'hyvää', 'loistava', 'erinomainen', 'mahtava', 'upea', 'raikas'],
  },
  de: {
    soap: ['Seife', 'Seifenspender', 'Flüssigseife', 'Handseife', 'Desinfektionsmittel'],
    paper: ['Toilettenpapier', 'Klopapier', 'WC Papier', 'Papier', 'Klorolle'],
    towels: ['Handtuch', 'Handtücher', 'Papierhandtücher', 'Papierhandtuch', 'Händetrockner', 'Handtuchspender'],
    smell: ['Geruch', 'riecht', 'stinkt', 'Gestank', 'müffelt', 'übelriechend', 'stinkig'],
    dirt: ['schmutzig', 'dreckig', 'Dreck', 'Schmutz', 'eklig', 'verschmiert', 'Flecken', 'Urin', 'versifft', 'unsauber', 'ekelhaft'],
    bin: ['Mülleimer', 'Müll', 'Abfall', 'Abfalleimer', 'Papierkorb', 'Mülltonne', 'quillt über'],
    temperature: ['heiß', 'kalt', 'warm', 'Temperatur', 'Heizung', 'eiskalt', 'Hitze', 'Kälte', 'überheizt'],
    air: ['Luft', 'stickig', 'Lüftung', 'muffig', 'schlechte Luft', 'Belüftung', 'Klimaanlage'],
    noise: ['laut', 'Lärm', 'Krach', 'Geräusch', 'Geräusche', 'lärmend'],
    broken: ['kaputt', 'defekt', 'verstopft', 'undicht', 'tropft', 'funktioniert nicht', 'geht nicht', 'außer Betrieb', 'Spülung kaputt'],
    crowding: ['überfüllt', 'Schlange', 'Warteschlange', 'Gedränge', 'zu viele Leute', 'voll besetzt', 'warten', 'gewartet'],
    praise: ['sauber', 'toll', 'super', 'danke', 'gut', 'prima', 'ordentlich', 'gepflegt', 'perfekt', 'schön', 'blitzsauber', 'vielen Dank'],
  },
};

/** Words that turn the next couple of words around ("not clean"), so they do not count as praise. */
export const NEGATORS: Readonly<Record<Language, readonly string[]>> = {
  en: ['not', 'no', 'never', "isn't", "wasn't", 'nothing'],
  sv: ['inte', 'ej', 'aldrig', 'ingen', 'inget', 'inga'],
  da: ['ikke', 'aldrig', 'ingen', 'intet'],
  nb: ['ikke', 'aldri', 'ingen', 'intet'],
  fi: ['ei', 'eikä', 'ole', 'eivät', 'en', 'et'],
  de: ['nicht', 'kein', 'keine', 'nie', 'niemals', 'keinen'],
};
