import { type CommandSpec } from '../../cli/command-spec';

export const COMPLETION_COMMANDS: CommandSpec[] = [
  {
    name: 'completion',
    summary: 'print the shell completion script for bash, zsh or fish',
    args: '<shell>',
    examples: [
      'epicevents completion bash > ~/.local/share/bash-completion/completions/epicevents',
      'epicevents completion zsh > "${fpath[1]}/_epicevents"',
      'epicevents completion fish > ~/.config/fish/completions/epicevents.fish',
    ],
    auth: 'none',
    directOnly: true,
    load: async () => (await import('./completion')).run,
  },
];
