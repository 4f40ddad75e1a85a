import { type FieldNamer } from '../errors/cli-error';

/**
 * The flag of each input field whose flag is not simply its name in kebab case (`amountDue` is
 * `--amount-due` without being listed here). Errors from the services name fields; this is the one
 * table through which the CLI shows them as the flags the user typed.
 */
const IRREGULAR_FLAGS: Record<string, string> = {
  totalAmount: '--total',
  companyName: '--company',
  salesContactId: '--sales',
  clientId: '--client',
  contractId: '--contract',
  supportId: '--support',
  supportContactId: '--support',
  actorId: '--actor',
  startAt: '--start',
  endAt: '--end',
};

/** `amountDue` → `--amount-due`, `supportContactId` → `--support`. */
export const flagFor: FieldNamer = (field) => IRREGULAR_FLAGS[field] ?? `--${field.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;

/**
 * A field in words, for a message at a prompt, where the user typed no flag: `endAt` → `end`,
 * `amountDue` → `amount due`, `salesContactId` → `sales contact`.
 */
export const fieldWords: FieldNamer = (field) =>
  field
    .replace(/(?<=[a-z])(At|Id)$/, '')
    .replace(/[A-Z]/g, (letter) => ` ${letter.toLowerCase()}`)
    .trim();
