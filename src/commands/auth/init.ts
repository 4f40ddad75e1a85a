import { type RunFunction } from '../../cli/command-spec';
import { type MissingValue, missingFlags, readStdinLines } from '../../cli/prompter';
import { passwordPolicyError } from '../../validation/password-policy';
import { message } from '../../output/view';
import { parseFirstName, parseLastName } from '../../validation/employee-fields';
import { parseEmail } from '../../validation/parse';
import { flagString, promptValidator } from '../shared/flags';

export const run: RunFunction = async (ctx, { options }) => {
  const given = {
    '--first-name': flagString(options, 'firstName'),
    '--last-name': flagString(options, 'lastName'),
    '--email': flagString(options, 'email'),
  };
  const questions: Record<keyof typeof given, MissingValue> = {
    '--first-name': { flag: '--first-name', message: 'First name', validate: promptValidator((v) => parseFirstName(v)) },
    '--last-name': { flag: '--last-name', message: 'Last name', validate: promptValidator((v) => parseLastName(v)) },
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
  const firstName = parseFirstName(given['--first-name'] ?? answers['--first-name']);
  const lastName = parseLastName(given['--last-name'] ?? answers['--last-name']);
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
