import { eventJson } from '../../output/record-json';
import { type RunFunction } from '../../cli/command-spec';
import { conflict } from '../../errors/cli-error';

import { checkEventTimes, parseAttendees as parseAttendeeCount, parseEventLocation, parseEventName } from '../../validation/event-fields';
import { parseDateTime, parseId } from '../../validation/parse';
import { flagString } from '../shared/flags';
import { contractPicker, PICKER_MATCHES } from '../shared/pickers';
import { requireValues } from '../shared/required-values';
import { parseAttendees, parseEnd, parseLocation, parseName, parseNotes, parseStart } from './event-input';
import { eventRecordView } from './event-view';

export const run: RunFunction = async (ctx, { options }) => {
  const notesFlag = flagString(options, 'notes');
  const notes = notesFlag === undefined ? undefined : parseNotes(notesFlag);
  const backend = await ctx.backend();
  const first =
    ctx.prompter.interactive && options.contract === undefined
      ? (await backend.contracts.list({ mine: true, signed: true }, { limit: PICKER_MATCHES })).items
      : undefined;
  // An empty list is not a question anyone can answer (inquirer would fail on it).
  if (first?.length === 0) {
    throw conflict('none of your clients has a signed contract: an event needs one', 'sign it first with `epicevents contract sign <id>`');
  }
  const values = await requireValues(
    ctx,
    options,
    [
      {
        option: 'contract',
        flag: '--contract',
        message: "Signed contract of one of your clients (type the client's name, email, company or the contract id)",
        parse: parseId,
        search: first && contractPicker(backend, first),
      },
      { option: 'name', flag: '--name', message: 'Event name', parse: parseEventName },
      { option: 'start', flag: '--start', message: 'Start (e.g. 2026-06-04 13:00)', parse: parseDateTime },
      { option: 'end', flag: '--end', message: 'End (e.g. 2026-06-05 02:00)', parse: parseDateTime },
      { option: 'location', flag: '--location', message: 'Location', parse: parseEventLocation },
      { option: 'attendees', flag: '--attendees', message: 'Number of attendees', parse: parseAttendeeCount },
    ],
    [{ options: ['start', 'end'], check: (v) => checkEventTimes(parseStart(v.start), parseEnd(v.end)) }],
  );
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
