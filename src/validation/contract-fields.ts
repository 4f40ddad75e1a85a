import { conflict } from '../errors/cli-error';
import { fromCents, toCents } from './parse';

/** A contract never owes more than its total: `contract create`/`update` and their prompts check with this. */
export function checkAmountDue(amountDue: string, totalAmount: string): void {
  if (toCents(amountDue) > toCents(totalAmount)) {
    throw conflict(`the amount due ${fromCents(toCents(amountDue))} cannot exceed the total amount ${fromCents(toCents(totalAmount))}`);
  }
}
