import { type RunFunction } from '../../cli/command-spec';
import { readStdinLines } from '../../cli/prompter';
import { passwordPolicyError } from '../../validation/password-policy';
import { message } from '../../output/view';
import { parseEmail, parseText } from '../../validation/parse';
import { promptValidator } from '../shared/flags';
import { FIRST_MANAGER_FIELDS, type InitInput } from './input';

export const run: RunFunction<InitInput> = async (ctx, { given, missing, passwordStdin }) => {
  const backend = await ctx.backend();
  const prepared = await backend.session.prepareInit();
  if (prepared) ctx.output.note(prepared);
  // Before asking a person anything (creating the manager checks again, under a lock, for racing inits).
  if (missing.length > 0 || !passwordStdin) await backend.session.assertNotInitialised();

  const questions = missing.map((flag) => {
    const { message: question, parse } = FIRST_MANAGER_FIELDS[flag];
    return { flag, message: question, validate: promptValidator(parse) };
  });
  const answers = await ctx.prompter.ask(questions);
  const firstName = parseText(given['--first-name'] ?? answers['--first-name'], 'first name', 100);
  const lastName = parseText(given['--last-name'] ?? answers['--last-name'], 'last name', 100);
  const email = parseEmail(given['--email'] ?? answers['--email']);
  const password = passwordStdin
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
