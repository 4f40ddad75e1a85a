/** What an employee owns: clients and contracts as SALES, events as SUPPORT. */
export interface OwnedRecords {
  clients: number;
  contracts: number;
  events: number;
}

/** `3 clients, 1 contract`: the kinds that are not zero. */
export function describeOwned(owned: OwnedRecords): string {
  const parts = [
    [owned.clients, 'client'],
    [owned.contracts, 'contract'],
    [owned.events, 'event'],
  ] as const;
  return parts
    .filter(([count]) => count > 0)
    .map(([count, noun]) => `${count} ${noun}${count === 1 ? '' : 's'}`)
    .join(', ');
}
