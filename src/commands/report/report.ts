import { reportJson } from '../../output/record-json';
import { type RunFunction } from '../../cli/command-spec';

import { flagSet } from '../shared/flags';
import { charsetFor } from './charts';
import { reportText } from './report-view';

export const run: RunFunction = async (ctx, { options }) => {
  const report = await (await ctx.backend()).report.build({ now: new Date(), timeZone: localTimeZone() });
  const stdout = ctx.output.streams.stdout;
  const style = {
    charset: charsetFor(ctx.env, flagSet(options, 'ascii')),
    color: ctx.globals.color,
    width: stdout.isTTY && stdout.columns ? stdout.columns : 80,
  };
  return { json: reportJson(report), human: { kind: 'text', text: reportText(report, style) } };
};

/** The time zone months and weeks are counted in: the machine's (or TZ's), as PostgreSQL names it. */
function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
