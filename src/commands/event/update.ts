import { eventJson } from '../../output/record-json';
import { type RunFunction } from '../../cli/command-spec';
import { type CommandContext } from '../../cli/context';
import { type Backend, type EventChanges } from '../../backend/backend';
import { describeSlot } from '../../domain/schedule';
import { type EventUpdateInput, parseSupport } from './event-input';
import { eventRecordView } from './event-view';

export const run: RunFunction<EventUpdateInput> = async (ctx, { id, changes, pickSupport: pick, expectedVersion, allowOverlap }) => {
  const backend = await ctx.backend();
  // The runner refused a caller who may not assign support before the picker below is shown.
  if (pick) changes.supportContactId = parseSupport(await pickSupport(ctx, backend, id, changes));
  const event = await backend.events.update(id, { ...changes, expectedVersion, allowOverlap });
  return { json: eventJson(event), human: eventRecordView(event, `updated event ${event.id}`) };
};

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
