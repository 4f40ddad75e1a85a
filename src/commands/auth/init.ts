import { type RunFunction } from '../../cli/command-spec';
import { readStdinLines } from '../../cli/prompter';
import { passwordPolicyError } from '../../validation/password-policy';
import { message } from '../../output/view';
import { promptValidator } from '../shared/flags';
import { FIRST_MANAGER_FIELDS, type FirstManagerFlag, type InitInput } from './input';

export const run: RunFunction<InitInput> = async (ctx, { given, missing, passwordStdin }) => {
  const backend = await ctx.backend();
  const prepared = await backend.session.prepareInit();
  if (prepared) ctx.output.note(prepared);
  // Before asking a person anything (creating the manager checks again, under a lock, for racing inits).
  if (missing.length > 0 || !passwordStdin) await backend.session.assertNotInitialised();

  // An answer is checked as it is typed, naming the field in words (no flag was typed).
  const asWords = (flag: FirstManagerFlag, answer: string) => FIRST_MANAGER_FIELDS[flag].parse(answer, { field: FIRST_MANAGER_FIELDS[flag].option });
  const questions = missing.map((flag) => ({ flag, message: FIRST_MANAGER_FIELDS[flag].message, validate: promptValidator((answer) => asWords(flag, answer)) }));
  const answers = await ctx.prompter.ask(questions);
  const value = (flag: FirstManagerFlag) => given[flag] ?? asWords(flag, answers[flag]);
  const password = passwordStdin
    ? (await readStdinLines(1, ctx.stdin))[0]
    : await ctx.prompter.newPassword('Password (at least 12 characters)', (v) => passwordPolicyError(v));

  const actor = await backend.session.createFirstManager({ firstName: value('--first-name'), lastName: value('--last-name'), email: value('--email'), password });
  return message(`created ${actor.firstName} ${actor.lastName} <${actor.email}> (MANAGEMENT); next: epicevents login --email ${actor.email}`, {
    id: actor.id,
    email: actor.email,
    firstName: actor.firstName,
    lastName: actor.lastName,
    role: actor.role,
  });
};
