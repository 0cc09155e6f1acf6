/**
 * Names for the demo staff and a seeded PRNG: the demo must come out the same on every machine, so nothing here
 * may read the clock or `Math.random`. Lists are ordered roughly from common to rare (see `pickSkewed`).
 */

export const MALE_FIRST_NAMES: readonly string[] = [
  'Marco', 'Andrea', 'Alessandro', 'Luca', 'Francesco', 'Matteo', 'Lorenzo', 'Giuseppe', 'Giovanni', 'Stefano',
  'Roberto', 'Paolo', 'Massimo', 'Simone', 'Davide', 'Riccardo', 'Fabio', 'Daniele', 'Antonio', 'Federico',
  'Claudio', 'Filippo', 'Gabriele', 'Alberto', 'Mauro', 'Maurizio', 'Enrico', 'Sergio', 'Michele', 'Emanuele',
  'Nicola', 'Tommaso', 'Jacopo', 'Niccolò', 'Leonardo', 'Pietro', 'Giacomo', 'Mario', 'Franco', 'Carlo', 'Luigi',
  'Piero', 'Gianni', 'Fabrizio', 'Massimiliano', 'Alessio', 'Cristiano', 'Gianluca', 'Giorgio', 'Valerio',
  'Vincenzo', 'Salvatore', 'Raffaele', 'Domenico', 'Angelo', 'Diego', 'Samuele', 'Edoardo', 'Mattia', 'Marcello',
  'Bruno', 'Renzo', 'Sandro', 'Silvio', 'Guido', 'Dario', 'Duccio', 'Neri', 'Lapo', 'Cosimo', 'Ferdinando',
  'Gherardo', 'Vieri', 'Leandro', 'Ivo', 'Ivano', 'Ugo', 'Aldo', 'Enzo', 'Lucio', 'Mirko', 'Moreno', 'Emiliano',
  'Cesare', 'Giulio', 'Ottavio', 'Renato', 'Rolando', 'Romano', 'Rodolfo', 'Silvano', 'Tiziano', 'Umberto', 'Vasco',
  'Vittorio', 'Walter', 'Adriano', 'Alfredo', 'Alvaro', 'Amedeo', 'Arturo', 'Benedetto', 'Bernardo', 'Corrado',
  'Dino', 'Elio', 'Emilio', 'Ettore', 'Fausto', 'Fernando', 'Flavio', 'Gino', 'Giuliano', 'Graziano', 'Lamberto',
  'Luciano', 'Marino', 'Nello', 'Oreste', 'Orlando', 'Pasquale', 'Patrizio', 'Pierluigi', 'Giampaolo', 'Gianfranco',
  'Giancarlo', 'Gianmarco', 'Rocco', 'Ruggero', 'Sauro', 'Valentino', 'Elia', 'Nicolò', 'Christian', 'Ciro',
  'Gennaro',
];

export const FEMALE_FIRST_NAMES: readonly string[] = [
  'Giulia', 'Francesca', 'Sara', 'Chiara', 'Laura', 'Valentina', 'Elena', 'Alessandra', 'Silvia', 'Federica',
  'Martina', 'Elisa', 'Paola', 'Cristina', 'Monica', 'Barbara', 'Simona', 'Roberta', 'Anna', 'Maria', 'Giovanna',
  'Lucia', 'Daniela', 'Claudia', 'Sabrina', 'Stefania', 'Manuela', 'Marta', 'Serena', 'Irene', 'Beatrice',
  'Caterina', 'Camilla', 'Costanza', 'Ginevra', 'Margherita', 'Benedetta', 'Cecilia', 'Eleonora', 'Veronica',
  'Erika', 'Alice', 'Aurora', 'Sofia', 'Emma', 'Greta', 'Noemi', 'Arianna', 'Ilaria', 'Lisa', 'Michela', 'Patrizia',
  'Rossella', 'Tiziana', 'Antonella', 'Donatella', 'Gabriella', 'Graziella', 'Loredana', 'Marina', 'Nadia',
  'Ornella', 'Rita', 'Rosa', 'Sandra', 'Teresa', 'Vanna', 'Letizia', 'Lorella', 'Luisa', 'Marcella', 'Mirella',
  'Nicoletta', 'Orietta', 'Piera', 'Raffaella', 'Sonia', 'Susanna', 'Tamara', 'Vania', 'Vittoria', 'Agnese', 'Alba',
  'Annalisa', 'Antonia', 'Bianca', 'Carla', 'Carolina', 'Clara', 'Debora', 'Diletta', 'Elisabetta', 'Emanuela',
  'Enrica', 'Fabiola', 'Fiorella', 'Franca', 'Gemma', 'Gianna', 'Giuliana', 'Ines', 'Isabella', 'Lara', 'Licia',
  'Lidia', 'Livia', 'Luana', 'Maddalena', 'Mara', 'Marisa', 'Mariangela', 'Matilde', 'Miriam', 'Nora', 'Olga',
  'Ottavia', 'Pamela', 'Rebecca', 'Samanta', 'Silvana', 'Viola', 'Zoe',
];

/** Common Italian surnames first, then many that are typical of Prato and Tuscany. */
export const SURNAMES: readonly string[] = [
  'Rossi', 'Bianchi', 'Bartolini', 'Mazzoni', 'Gori', 'Cecchi', 'Lenzi', 'Nesti', 'Fioravanti', 'Ferrari',
  'Innocenti', 'Russo', 'Romano', 'Colombo', 'Ricci', 'Marino', 'Greco', 'Bruno', 'Gallo', 'Conti', 'De Luca',
  'Costa', 'Giordano', 'Mancini', 'Rizzo', 'Lombardi', 'Moretti', 'Barbieri', 'Fontana', 'Santoro', 'Mariani',
  'Rinaldi', 'Caruso', 'Ferrara', 'Galli', 'Martini', 'Leone', 'Longo', 'Gentile', 'Martinelli', 'Vitale', 'Serra',
  'Coppola', 'De Santis', "D'Angelo", 'Marchetti', 'Parisi', 'Villa', 'Conte', 'Ferraro', 'Ferri', 'Fabbri',
  'Bianco', 'Marini', 'Grasso', 'Valentini', 'Messina', 'Sala', 'De Angelis', 'Gatti', 'Pellegrini', 'Palumbo',
  'Farina', 'Rizzi', 'Monti', 'Morelli', 'Amato', 'Silvestri', 'Mazza', 'Testa', 'Grassi', 'Carbone', 'Giuliani',
  'Benedetti', 'Barone', 'Caputo', 'Montanari', 'Guerra', 'Palmieri', 'Bernardi', 'Fiore', 'De Rosa', 'Ferretti',
  'Bellini', 'Basile', 'Donati', 'Vitali', 'Battaglia', 'Sartori', 'Neri', 'Costantini', 'Milani', 'Pagano',
  'Ruggiero', 'Sorrentino', "D'Amico", 'Orlando', 'Esposito', 'Di Giacomo', 'Bardazzi', 'Becheri', 'Bellandi',
  'Bencini', 'Bertini', 'Biagini', 'Bini', 'Bonacchi', 'Borchi', 'Bruni', 'Buricchi', 'Calamai', 'Cappelli',
  'Carlesi', 'Casini', 'Cecconi', 'Cerretelli', 'Ciampi', 'Ciardi', 'Cini', 'Cirri', 'Coppini', 'Corsi', 'Dami',
  'Del Bianco', "Dell'Innocenti", 'Desii', 'Fantappiè', 'Ferrucci', 'Filippini', 'Fratoni', 'Gelli', 'Giacomelli',
  'Giagnoni', 'Gonfiantini', 'Guarducci', 'Guasti', 'Lastrucci', 'Lotti', 'Magni', 'Mannini', 'Marchi', 'Mati',
  'Menichetti', 'Meoni', 'Mugnai', 'Nannini', 'Nardi', 'Niccolai', 'Nistri', 'Paoli', 'Paoletti', 'Parrini',
  'Pecchioli', 'Perugi', 'Petri', 'Pieri', 'Pierattini', 'Pratesi', 'Puggelli', 'Querci', 'Risaliti', 'Rosati',
  'Santini', 'Scarselli', 'Sarti', 'Sacchetti', 'Sanesi', 'Sassi', 'Sestini', 'Spinelli', 'Tacconi', 'Tempestini',
  'Tesi', 'Toccafondi', 'Tofani', 'Torrini', 'Tozzi', 'Vannucci', 'Vannini', 'Venturi', 'Vignoli', 'Zanieri',
  'Baldi', 'Banchelli', 'Bacci', 'Baroncelli', 'Becagli', 'Benelli', 'Bessi', 'Bettazzi', 'Bonini', 'Borghi',
  'Brunetti', 'Buti', 'Calvani', 'Cantini', 'Capecchi', 'Cavicchi', 'Cecchini', 'Chiti', 'Ciolini', 'Cocchi',
  'Corti', 'Dolfi', 'Donnini', 'Fabbrini', 'Fanfani', 'Fedi', 'Frosini', 'Gabbani', 'Galeotti', 'Gestri', 'Giachi',
  'Giusti', 'Grazzini', 'Landini', 'Lapi', 'Lucchesi', 'Lunardi', 'Magnolfi', 'Maiani', 'Marcucci', 'Masi',
  'Matteini', 'Michelozzi', 'Moni', 'Morandi', 'Naldi', 'Nuti', 'Orsini', 'Pacini', 'Pagliai', 'Pagni', 'Palandri',
  'Panerai', 'Papi', 'Pecci', 'Pelagatti', 'Pinzani', 'Poggi', 'Ridolfi', 'Romei', 'Rossini', 'Rovai', 'Salvadori',
  'Santi', 'Scarpelli', 'Sieni', 'Signorini', 'Soldi', 'Stefanelli', 'Taddei', 'Targetti', 'Tinacci', 'Tognetti',
  'Vestri', 'Vettori', 'Carradori', 'Mazzei', "Dell'Agnello", 'Lo Russo',
];

export interface TRandom {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
  pick<T>(items: readonly T[]): T;
  /** Like `pick`, but earlier items come up more often (real surnames are not uniform: Rossi beats Zanieri). */
  pickSkewed<T>(items: readonly T[]): T;
}

/** mulberry32: tiny, fast and good enough for demo data; the same seed gives the same sequence everywhere. */
export function createRandom(seed: number): TRandom {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (maxExclusive: number) => Math.floor(next() * maxExclusive);
  const at = <T>(items: readonly T[], index: number): T => {
    if (items.length === 0) throw new Error('cannot pick from an empty list');
    return items[index] as T;
  };
  return {
    next,
    int,
    pick: (items) => at(items, int(items.length)),
    pickSkewed: (items) => at(items, Math.floor(items.length * next() ** 1.4)),
  };
}

/** Lower-case ASCII letters and digits only: "Niccolò" → "niccolo", "Dell'Innocenti" → "dellinnocenti". */
export function toAsciiLower(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

export interface TPersonName {
  firstName: string;
  lastName: string;
}

/** Draws people with distinct full names (so "nome.cognome" e-mails never need a number). */
export function createNameGenerator(random: TRandom): () => TPersonName {
  const taken = new Set<string>();
  return () => {
    for (let attempt = 0; attempt < 1000; attempt++) {
      const firstNames = random.next() < 0.5 ? FEMALE_FIRST_NAMES : MALE_FIRST_NAMES;
      const person = { firstName: random.pickSkewed(firstNames), lastName: random.pickSkewed(SURNAMES) };
      const key = `${toAsciiLower(person.firstName)}.${toAsciiLower(person.lastName)}`;
      if (taken.has(key)) continue;
      taken.add(key);
      return person;
    }
    throw new Error('ran out of distinct names');
  };
}
