import { eventJson } from '../../output/record-json';
import { type RunFunction } from '../../cli/command-spec';
import { type CommandContext } from '../../cli/context';
import { type Backend, type EventChanges } from '../../backend/backend';
import { describeSlot } from '../../domain/schedule';
import { parseId } from '../../validation/parse';
import { parseExpectedVersion } from '../shared/expected-version';
import { flagSet, flagString } from '../shared/flags';
import { parseAttendees, parseEnd, parseLocation, parseName, parseNotes, parseStart } from './event-input';
import { eventRecordView } from './event-view';

export const run: RunFunction = async (ctx, { args, options }) => {
  const id = parseId(args[0], 'event id');
  const given = (key: string) => flagString(options, key);
  const changes: EventChanges = {
    name: given('name') === undefined ? undefined : parseName(given('name')),
    startAt: given('start') === undefined ? undefined : parseStart(given('start')),
    endAt: given('end') === undefined ? undefined : parseEnd(given('end')),
    location: given('location') === undefined ? undefined : parseLocation(given('location')),
    attendees: given('attendees') === undefined ? undefined : parseAttendees(given('attendees')),
    notes: given('notes') === undefined ? undefined : parseNotes(given('notes')),
  };
  const expectedVersion = parseExpectedVersion(options);
  const backend = await ctx.backend();
  // The runner refused a caller who may not assign support before the picker below is shown.
  if (options.support !== undefined) {
    changes.supportContactId = parseSupport(options.support === true ? await pickSupport(ctx, backend, id, changes) : String(options.support));
  }
  const event = await backend.events.update(id, { ...changes, expectedVersion, allowOverlap: flagSet(options, 'allowOverlap') });
  return { json: eventJson(event), human: eventRecordView(event, `updated event ${event.id}`) };
};

/** `none` leaves the event without support; anything else must be an employee id. */
function parseSupport(value: string): number | null {
  return value.trim().toLowerCase() === 'none' ? null : parseId(value, '--support');
}

/**
 * A bare `--support` on a terminal: pick among the active SUPPORT employees (exit 2 elsewhere),
 * each marked when another of their events overlaps this one at its new times.
 */
async function pickSupport(ctx: CommandContext, backend: Backend, id: number, changes: EventChanges): Promise<string> {
  const slot = async () => {
    const event = await backend.events.show(id);
    return { id: event.id, name: event.name, startAt: changes.startAt ?? event.startAt, endAt: changes.endAt ?? event.endAt };
  };
  const choices = ctx.prompter.interactive
    ? [
        ...(await backend.events.supportPeople(await slot())).map((e) => ({
          name: `${e.name} <${e.email}> #${e.id}${e.busyWith ? ` — busy: ${describeSlot(e.busyWith)}` : ''}`,
          value: String(e.id),
        })),
        { name: 'nobody (leave the event without support)', value: 'none' },
      ]
    : undefined;
  const answers = await ctx.prompter.ask([{ flag: '--support', message: 'Support person', choices }]);
  return answers['--support'];
}
