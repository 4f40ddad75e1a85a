import { type RunFunction } from '../../cli/command-spec';
import { type MissingValue, missingFlags, readStdinLines } from '../../cli/prompter';
import { passwordPolicyError } from '../../validation/password-policy';
import { message } from '../../output/view';
import { parseEmail, parseText } from '../../validation/parse';
import { flagString, promptValidator } from '../shared/flags';

export const run: RunFunction = async (ctx, { options }) => {
  const given = {
    '--first-name': flagString(options, 'firstName'),
    '--last-name': flagString(options, 'lastName'),
    '--email': flagString(options, 'email'),
  };
  const questions: Record<keyof typeof given, MissingValue> = {
    '--first-name': { flag: '--first-name', message: 'First name', validate: promptValidator((v) => parseText(v, 'first name', 100)) },
    '--last-name': { flag: '--last-name', message: 'Last name', validate: promptValidator((v) => parseText(v, 'last name', 100)) },
    '--email': { flag: '--email', message: 'Email (used to log in)', validate: promptValidator((v) => parseEmail(v)) },
  };
  const missing = (Object.keys(given) as (keyof typeof given)[]).filter((flag) => given[flag] === undefined);
  if (!ctx.prompter.interactive && (missing.length > 0 || !options.passwordStdin)) {
    const flags = [...missing, ...(options.passwordStdin ? [] : ['--password-stdin'])];
    throw missingFlags(flags);
  }
  const backend = await ctx.backend();
  const prepared = await backend.session.prepareInit();
  if (prepared) ctx.output.note(prepared);
  // Before asking a person anything (creating the manager checks again, under a lock, for racing inits).
  if (missing.length > 0 || !options.passwordStdin) await backend.session.assertNotInitialised();

  const answers = await ctx.prompter.ask(missing.map((flag) => questions[flag]));
  const firstName = parseText(given['--first-name'] ?? answers['--first-name'], 'first name', 100);
  const lastName = parseText(given['--last-name'] ?? answers['--last-name'], 'last name', 100);
  const email = parseEmail(given['--email'] ?? answers['--email']);
  const password = options.passwordStdin
    ? (await readStdinLines(1, ctx.stdin))[0]
    : await ctx.prompter.newPassword('Password (at least 12 characters)', (v) => passwordPolicyError(v));

  const actor = await backend.session.createFirstManager({ firstName, lastName, email, password });
  return message(`created ${actor.firstName} ${actor.lastName} <${actor.email}> (MANAGEMENT); next: epicevents login --email ${actor.email}`, {
    id: actor.id,
    email: actor.email,
    firstName: actor.firstName,
    lastName: actor.lastName,
    role: actor.role,
  });
};
