import { eventJson } from '../../output/record-json';
import { type RunFunction } from '../../cli/command-spec';
import { conflict } from '../../errors/cli-error';

import { parseId } from '../../validation/parse';
import { requireValues } from '../shared/required-values';
import { type EventCreateInput, NEW_EVENT_VALUES, parseAttendees, parseEnd, parseLocation, parseName, parseStart } from './event-input';
import { eventRecordView } from './event-view';

export const run: RunFunction<EventCreateInput> = async (ctx, { given, notes }) => {
  const backend = await ctx.backend();
  const contractChoices =
    ctx.prompter.interactive && given.contract === undefined
      ? (await backend.contracts.list({ mine: true, signed: true }, { limit: 100 })).items.map((c) => ({
          name: `#${c.id} ${c.clientName} (${c.totalAmount})`,
          value: String(c.id),
        }))
      : undefined;
  // An empty list is not a question anyone can answer (inquirer would fail on it).
  if (contractChoices?.length === 0) {
    throw conflict('none of your clients has a signed contract: an event needs one', 'sign it first with `epicevents contract sign <id>`');
  }
  const [contract, ...details] = NEW_EVENT_VALUES;
  const values = await requireValues(ctx, given, [{ ...contract, choices: contractChoices }, ...details]);
  const event = await backend.events.create({
    contractId: parseId(values.contract, '--contract'),
    name: parseName(values.name),
    startAt: parseStart(values.start),
    endAt: parseEnd(values.end),
    location: parseLocation(values.location),
    attendees: parseAttendees(values.attendees),
    notes,
  });
  return { json: eventJson(event), human: eventRecordView(event, `created event ${event.id}; management has been told it needs support`) };
};
