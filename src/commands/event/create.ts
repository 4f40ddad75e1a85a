import { eventJson } from '../../output/record-json';
import { type RunFunction } from '../../cli/command-spec';
import { conflict } from '../../errors/cli-error';

import { parseId } from '../../validation/parse';
import { flagString, promptValidator } from '../shared/flags';
import { requireValues } from '../shared/required-values';
import { parseAttendees, parseEnd, parseLocation, parseName, parseNotes, parseStart } from './event-input';
import { eventRecordView } from './event-view';

export const run: RunFunction = async (ctx, { options }) => {
  const backend = await ctx.backend();
  const contractChoices =
    ctx.prompter.interactive && options.contract === undefined
      ? (await backend.contracts.list({ mine: true, signed: true }, { limit: 100 })).items.map((c) => ({
          name: `#${c.id} ${c.clientName} (${c.totalAmount})`,
          value: String(c.id),
        }))
      : undefined;
  // An empty list is not a question anyone can answer (inquirer would fail on it).
  if (contractChoices?.length === 0) {
    throw conflict('none of your clients has a signed contract: an event needs one', 'sign it first with `epicevents contract sign <id>`');
  }
  const values = await requireValues(ctx, options, [
    { option: 'contract', flag: '--contract', message: 'Signed contract of one of your clients', choices: contractChoices, typeAnId: 'Contract id' },
    { option: 'name', flag: '--name', message: 'Event name', validate: promptValidator(parseName) },
    { option: 'start', flag: '--start', message: 'Start (e.g. 2026-06-04 13:00)', validate: promptValidator(parseStart) },
    { option: 'end', flag: '--end', message: 'End (e.g. 2026-06-05 02:00)', validate: promptValidator(parseEnd) },
    { option: 'location', flag: '--location', message: 'Location', validate: promptValidator(parseLocation) },
    { option: 'attendees', flag: '--attendees', message: 'Number of attendees', validate: promptValidator(parseAttendees) },
  ]);
  const notes = flagString(options, 'notes');
  const event = await backend.events.create({
    contractId: parseId(values.contract, '--contract'),
    name: parseName(values.name),
    startAt: parseStart(values.start),
    endAt: parseEnd(values.end),
    location: parseLocation(values.location),
    attendees: parseAttendees(values.attendees),
    notes: notes === undefined ? undefined : parseNotes(notes),
  });
  return { json: eventJson(event), human: eventRecordView(event, `created event ${event.id}; management has been told it needs support`) };
};
