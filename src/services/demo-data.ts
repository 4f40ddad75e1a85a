/**
 * Realistic-looking demo records for `db seed --demo`: people, companies, phone numbers in E.164,
 * places and event names. Deterministic (a seeded generator), so the same scale always produces
 * the same data set and a benchmark run can be repeated.
 */

/** mulberry32: small, fast and good enough to pick demo names; not for anything secret. */
export class DemoRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A whole number in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  digits(count: number): string {
    let text = '';
    for (let i = 0; i < count; i += 1) text += String(Math.floor(this.next() * 10));
    return text;
  }
}

export const FIRST_NAMES = [
  'Amélie', 'Antoine', 'Camille', 'Chloé', 'Élodie', 'Hugo', 'Inès', 'Julien', 'Léa', 'Louis', 'Manon', 'Mathieu',
  'Nathalie', 'Nicolas', 'Océane', 'Pierre', 'Sophie', 'Thomas', 'Valérie', 'Yann', 'Alice', 'Benjamin', 'Charlotte',
  'Daniel', 'Emily', 'George', 'Grace', 'Harry', 'Isabella', 'Jack', 'James', 'Jessica', 'Kevin', 'Laura', 'Liam',
  'Lucy', 'Michael', 'Olivia', 'Oscar', 'Rachel', 'Samuel', 'Sarah', 'William', 'Anna', 'Felix', 'Hannah', 'Jonas',
  'Lena', 'Lukas', 'Marie', 'Maximilian', 'Sophia', 'Alejandro', 'Carmen', 'Diego', 'Elena', 'Javier', 'Lucía',
  'Marco', 'Giulia', 'Francesca', 'Lorenzo', 'Matteo', 'Sofia', 'Aisha', 'Omar', 'Yasmine', 'Karim', 'Mei', 'Wei',
  'Hiroshi', 'Yuki', 'Priya', 'Arjun', 'Ana', 'João', 'Ingrid', 'Lars', 'Zofia', 'Piotr', 'John',
] as const;

export const LAST_NAMES = [
  'Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon',
  'Laurent', 'Lefebvre', 'Michel', 'Garcia', 'David', 'Bertrand', 'Roux', 'Vincent', 'Fournier', 'Morel', 'Girard',
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Miller', 'Davis', 'Wilson', 'Anderson', 'Taylor', 'Clarke',
  'Walker', 'Wright', 'Hughes', 'Evans', 'Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Becker', 'Hoffmann',
  'Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi', 'Romano', 'Fernández', 'López', 'Martínez', 'Sánchez',
  'Pérez', 'Gómez', 'Silva', 'Santos', 'Oliveira', 'Kowalski', 'Nowak', 'Jensen', 'Nielsen', 'Andersson',
  'Johansson', 'Tanaka', 'Suzuki', 'Chen', 'Wang', 'Li', 'Nguyen', 'Kim', 'Patel', 'Sharma', 'Haddad', 'Benali',
  "O'Brien", 'Murphy', 'Kelly', 'Quick', 'Casey',
] as const;

const COMPANY_WORDS = [
  'Lumen', 'Harbor', 'Northwind', 'Bluebird', 'Cedar', 'Granite', 'Meridian', 'Atlas', 'Beacon', 'Copper', 'Falcon',
  'Juniper', 'Keystone', 'Lighthouse', 'Maple', 'Nimbus', 'Orchid', 'Pioneer', 'Quartz', 'Redwood', 'Silverline',
  'Summit', 'Tidal', 'Vertex', 'Willow', 'Zenith', 'Aurora', 'Brightside', 'Clearwater', 'Evergreen', 'Firefly',
  'Golden Gate', 'Horizon', 'Ironbridge', 'Kestrel', 'Latitude', 'Mosaic', 'Oakridge', 'Polaris', 'Riverbend',
  'Saffron', 'Terracotta', 'Velvet', 'Wildflower', 'Bellevue', 'Chantilly', 'Montmartre', 'Riviera', 'Lavande',
] as const;
const COMPANY_TRADES = [
  'Analytics', 'Bakery', 'Biotech', 'Capital', 'Consulting', 'Design', 'Digital', 'Events', 'Foods', 'Games',
  'Health', 'Labs', 'Logistics', 'Media', 'Motors', 'Pharma', 'Robotics', 'Software', 'Studios', 'Systems',
  'Textiles', 'Travel', 'Ventures', 'Wines', 'Architecture', 'Energy', 'Insurance', 'Partners', 'Publishing',
] as const;
const LEGAL_FORMS = ['LLC', 'Inc.', 'Ltd', 'SAS', 'SARL', 'GmbH', 'S.p.A.', 'S.L.', 'AG', 'BV', 'PLC', 'SA'] as const;
const TLDS = ['com', 'io', 'fr', 'co.uk', 'de', 'it', 'es', 'net', 'eu', 'ch', 'be'] as const;


/** A city with the country's own address format. */
interface City {
  city: string;
  postcode: string;
  country: string;
  streets: readonly string[];
  /** How the country writes an address line. */
  format: 'fr' | 'en' | 'de' | 'it' | 'es';
}

const FRENCH_STREETS = ['Rue du Château', 'Avenue des Tilleuls', 'Chemin des Vignes', 'Rue de la Paix', 'Place du Marché', 'Quai de la Loire', 'Allée des Roses', 'Route de la Forêt'];
const ENGLISH_STREETS = ['High Street', 'Church Lane', 'Mill Road', 'Riverside Drive', 'Station Road', 'Park Avenue', 'Harbour View', 'Orchard Way'];
const GERMAN_STREETS = ['Hauptstraße', 'Schlossallee', 'Bahnhofstraße', 'Am Seeufer', 'Lindenweg', 'Gartenstraße'];
const ITALIAN_STREETS = ['Via Roma', 'Via dei Giardini', 'Piazza del Duomo', 'Via del Lago', 'Strada del Vino'];
const SPANISH_STREETS = ['Calle Mayor', 'Avenida del Mar', 'Camino de las Viñas', 'Plaza de España', 'Calle del Sol'];

export const CITIES: readonly City[] = [
  { city: 'Candé-sur-Beuvron', postcode: '41120', country: 'France', streets: FRENCH_STREETS, format: 'fr' },
  { city: 'Paris', postcode: '75004', country: 'France', streets: FRENCH_STREETS, format: 'fr' },
  { city: 'Lyon', postcode: '69002', country: 'France', streets: FRENCH_STREETS, format: 'fr' },
  { city: 'Bordeaux', postcode: '33000', country: 'France', streets: FRENCH_STREETS, format: 'fr' },
  { city: 'Annecy', postcode: '74000', country: 'France', streets: FRENCH_STREETS, format: 'fr' },
  { city: 'Nice', postcode: '06000', country: 'France', streets: FRENCH_STREETS, format: 'fr' },
  { city: 'Amboise', postcode: '37400', country: 'France', streets: FRENCH_STREETS, format: 'fr' },
  { city: 'Deauville', postcode: '14800', country: 'France', streets: FRENCH_STREETS, format: 'fr' },
  { city: 'Chamonix-Mont-Blanc', postcode: '74400', country: 'France', streets: FRENCH_STREETS, format: 'fr' },
  { city: 'London', postcode: 'SE1 9SG', country: 'United Kingdom', streets: ENGLISH_STREETS, format: 'en' },
  { city: 'Bath', postcode: 'BA1 1LZ', country: 'United Kingdom', streets: ENGLISH_STREETS, format: 'en' },
  { city: 'Edinburgh', postcode: 'EH1 1YZ', country: 'United Kingdom', streets: ENGLISH_STREETS, format: 'en' },
  { city: 'New York, NY', postcode: '10013', country: 'United States', streets: ENGLISH_STREETS, format: 'en' },
  { city: 'Napa, CA', postcode: '94559', country: 'United States', streets: ENGLISH_STREETS, format: 'en' },
  { city: 'Dublin', postcode: 'D02 X285', country: 'Ireland', streets: ENGLISH_STREETS, format: 'en' },
  { city: 'Berlin', postcode: '10115', country: 'Germany', streets: GERMAN_STREETS, format: 'de' },
  { city: 'München', postcode: '80331', country: 'Germany', streets: GERMAN_STREETS, format: 'de' },
  { city: 'Zürich', postcode: '8001', country: 'Switzerland', streets: GERMAN_STREETS, format: 'de' },
  { city: 'Firenze', postcode: '50122', country: 'Italy', streets: ITALIAN_STREETS, format: 'it' },
  { city: 'Como', postcode: '22100', country: 'Italy', streets: ITALIAN_STREETS, format: 'it' },
  { city: 'Barcelona', postcode: '08002', country: 'Spain', streets: SPANISH_STREETS, format: 'es' },
  { city: 'Sevilla', postcode: '41001', country: 'Spain', streets: SPANISH_STREETS, format: 'es' },
];

export const EVENT_KINDS = [
  'Wedding', 'Birthday Party', 'Company Off-site', 'Product Launch', 'Annual Gala', 'Team Building', 'Conference',
  'Anniversary Dinner', 'Charity Ball', 'Seminar', 'Summer Party', 'Board Retreat', 'Christmas Party', 'Garden Party',
] as const;

const NOTES = [
  'Catering is organised; the client wants a vegetarian option for every course.',
  'Parking for 40 cars booked. Guests arrive by shuttle from the station.',
  'Sound check at noon. The band needs two power outlets near the stage.',
  'Client asked for a quiet room for speeches and a projector.',
  'Flowers delivered the day before; keep the hall at 18°C overnight.',
  'Photographer confirmed. Rain plan: move the reception to the orangery.',
  'Badges printed on site. Wi-Fi code to share with speakers in the morning.',
  'Dietary list to confirm one week before. Cake tasting scheduled.',
  '',
  '',
] as const;

/** "Amélie" → "amelie": email local parts stay ASCII. */
export function asciiSlug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
}

export interface DemoPerson {
  firstName: string;
  lastName: string;
}

export function person(random: DemoRandom): DemoPerson {
  return { firstName: random.pick(FIRST_NAMES), lastName: random.pick(LAST_NAMES) };
}

export interface DemoCompany {
  name: string;
  domain: string;
}

export function company(random: DemoRandom): DemoCompany {
  const word = random.pick(COMPANY_WORDS);
  const trade = random.pick(COMPANY_TRADES);
  return { name: `${word} ${trade} ${random.pick(LEGAL_FORMS)}`, domain: `${asciiSlug(word)}${asciiSlug(trade)}.${random.pick(TLDS)}` };
}

// Second digits after +33 6 or 7 and +34 6 or 7 where every number is allocated in libphonenumber's
// metadata (+33 63, 69, 70-72, 79 and +34 75-77, 79 have gaps), valid after either first digit.
const FR_SECOND_DIGITS = ['4', '5', '6', '7', '8'];
const ES_SECOND_DIGITS = ['0', '1', '2', '3', '4'];

/**
 * A mobile number in E.164 from one of the countries the company works with, that `client create`
 * accepts (+44 76, 77 and 79 have gaps too). Each case draws as many random numbers as before the
 * gaps were avoided, so the rest of the demo data (and the README's samples) stays the same.
 */
export function mobilePhone(random: DemoRandom): string {
  switch (random.int(0, 7)) {
    case 0:
    case 1:
    case 2:
      return `+33${random.pick(['6', '7'])}${random.pick(FR_SECOND_DIGITS)}${random.digits(7)}`; // France
    case 3:
      return `+447${random.pick(['4', '5', '8'])}${random.digits(8)}`; // United Kingdom
    case 4:
      return `+1${random.pick(['212', '415', '312', '617', '206', '512'])}${random.int(2, 9)}${random.digits(6)}`; // United States
    case 5:
      return `+4915${random.pick(['1', '2', '5', '7'])}${random.digits(8)}`; // Germany
    case 6:
      return `+393${random.int(2, 9)}${random.digits(8)}`; // Italy
    default:
      return `+34${random.pick(['6', '7'])}${random.pick(ES_SECOND_DIGITS)}${random.digits(7)}`; // Spain
  }
}

export function address(random: DemoRandom): string {
  const place = random.pick(CITIES);
  const street = random.pick(place.streets);
  const number = random.int(1, 180);
  switch (place.format) {
    case 'fr':
      return `${number} ${street}, ${place.postcode} ${place.city}, ${place.country}`;
    case 'en':
      return `${number} ${street}, ${place.city} ${place.postcode}, ${place.country}`;
    default:
      return `${street} ${number}, ${place.postcode} ${place.city}, ${place.country}`;
  }
}

export function eventNotes(random: DemoRandom): string {
  return random.pick(NOTES);
}
