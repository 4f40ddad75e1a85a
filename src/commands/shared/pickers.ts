import { type Backend, type ClientChoice, type ContractRecord } from '../../backend/backend';
import { type Choice } from '../../cli/prompter';
import { CliError } from '../../errors/cli-error';

/** Matches a picker shows for a typed text; typing more narrows them. */
export const PICKER_MATCHES = 20;

/** `42` or `#42`: what a person types for a record they know by id. */
const TYPED_ID = /^#?([1-9][0-9]{0,9})$/;

/** The record with the typed id, if the text is one and the record exists; otherwise none. */
async function byTypedId<T>(term: string, show: (id: number) => Promise<T>): Promise<T[]> {
  const id = TYPED_ID.exec(term)?.[1];
  if (id === undefined || Number(id) > 2147483647) return [];
  try {
    return [await show(Number(id))];
  } catch (error) {
    if (error instanceof CliError && error.code === 'not_found') return [];
    throw error;
  }
}

const withoutRepeats = (choices: Choice[]) => choices.filter((choice, i) => choices.findIndex((c) => c.value === choice.value) === i);

/** A picker's answers: `first` until something is typed, then the record whose id it is and the search's matches. */
function searchPicker<T>(
  first: T[],
  choice: (record: T) => Choice,
  show: (id: number) => Promise<T>,
  search: (text: string) => Promise<{ items: T[] }>,
): (term: string | undefined) => Promise<Choice[]> {
  return async (term) => {
    const text = term?.trim() ?? '';
    if (text === '') return first.map(choice);
    const [exact, matches] = await Promise.all([byTypedId(text, show), search(text)]);
    return withoutRepeats([...exact, ...matches.items].map(choice));
  };
}

const clientChoice = (c: Pick<ClientChoice, 'id' | 'fullName' | 'companyName'>): Choice => ({ name: `${c.fullName} (${c.companyName}) #${c.id}`, value: String(c.id) });

/**
 * The client picker of `contract create`: the most recently updated clients until something is
 * typed, then the clients whose name, email or company holds the text (the rule and trigram
 * indexes of `client list --search`), and the client whose id it is.
 */
export function clientPicker(backend: Backend, recent: ClientChoice[]): (term: string | undefined) => Promise<Choice[]> {
  return searchPicker<Pick<ClientChoice, 'id' | 'fullName' | 'companyName'>>(
    recent,
    clientChoice,
    (id) => backend.clients.show(id),
    (text) => backend.clients.list({ search: text }, { limit: PICKER_MATCHES }),
  );
}

const contractChoice = (c: ContractRecord): Choice => ({ name: `#${c.id} ${c.clientName} (${c.totalAmount})`, value: String(c.id) });

/**
 * The contract picker of `event create`: the caller's signed contracts (`first`, already read)
 * until something is typed, then those whose client's name, email or company holds the text
 * (`contract list --mine --signed --search`), and the contract whose id it is.
 */
export function contractPicker(backend: Backend, first: ContractRecord[]): (term: string | undefined) => Promise<Choice[]> {
  return searchPicker(
    first,
    contractChoice,
    (id) => backend.contracts.show(id),
    (text) => backend.contracts.list({ mine: true, signed: true, search: text }, { limit: PICKER_MATCHES }),
  );
}
