import { type RunFunction } from '../../cli/command-spec';
import { reportJson } from '../../output/record-json';
import { flagSet } from '../shared/flags';
import { reportText } from './report-view';

export const run: RunFunction = async (ctx, { options }) => {
  const report = await (await ctx.backend()).report.build({ now: new Date(), timeZone: localTimeZone() });
  const style = {
    charset: ctx.output.charset(flagSet(options, 'ascii')),
    color: ctx.globals.color,
    width: ctx.output.width(),
  };
  return { json: reportJson(report), human: { kind: 'text', text: reportText(report, style) } };
};

/** The time zone months and weeks are counted in: the machine's (or TZ's), as PostgreSQL names it. */
function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
