import { eventJson } from '../../output/record-json';
import { type RunFunction } from '../../cli/command-spec';
import { conflict } from '../../errors/cli-error';

import { parseId } from '../../validation/parse';
import { contractPicker, PICKER_MATCHES } from '../shared/pickers';
import { requireValues } from '../shared/required-values';
import { type EventCreateInput, NEW_EVENT_RULES, NEW_EVENT_VALUES, parseAttendees, parseEnd, parseLocation, parseName, parseStart } from './event-input';
import { eventRecordView } from './event-view';

export const run: RunFunction<EventCreateInput> = async (ctx, { given, notes }) => {
  const backend = await ctx.backend();
  const first =
    ctx.prompter.interactive && given.contract === undefined
      ? (await backend.contracts.list({ mine: true, signed: true }, { limit: PICKER_MATCHES })).items
      : undefined;
  // An empty list is not a question anyone can answer (inquirer would fail on it).
  if (first?.length === 0) {
    throw conflict('none of your clients has a signed contract: an event needs one', 'sign it first with `epicevents contract sign <id>`');
  }
  const [contract, ...details] = NEW_EVENT_VALUES;
  const values = await requireValues(ctx, given, [{ ...contract, search: first && contractPicker(backend, first) }, ...details], NEW_EVENT_RULES);
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
