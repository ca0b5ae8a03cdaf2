// `completion bash|zsh|fish` (cli.md §4.2): a script built from the command tree itself (commands,
// subcommands, flags) whose rack names come from the hidden `__complete racks` command, which reads
// only the config file and never the network.
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { usageError } from '../errors.js';
import { type Act, argsOf } from './command-kit.js';

interface Node {
  readonly path: string;
  readonly subcommands: string[];
  readonly flags: string[];
}

function walk(cmd: Command, prefix: string[], into: Node[], globals: string[]): void {
  const visible = cmd.commands.filter((c) => !c.name().startsWith('__'));
  const flags = cmd.options.flatMap((o) => [o.long, o.short].filter((f): f is string => !!f));
  into.push({
    path: prefix.join(' '),
    subcommands: visible.map((c) => c.name()),
    flags: [...flags, ...globals],
  });
  for (const sub of visible) walk(sub, [...prefix, sub.name()], into, globals);
}

function tree(program: Command): Node[] {
  const globals = program.options.flatMap((o) => [o.long, o.short].filter((f): f is string => !!f));
  const nodes: Node[] = [];
  for (const cmd of program.commands.filter((c) => !c.name().startsWith('__')))
    walk(cmd, [cmd.name()], nodes, globals);
  const top = program.commands.filter((c) => !c.name().startsWith('__')).map((c) => c.name());
  return [{ path: '', subcommands: top, flags: globals }, ...nodes];
}

const RACK_ARGS = ['--rack', '-r', 'switch', 'logout'];

function bash(nodes: Node[]): string {
  const cases = nodes
    .map((n) => `    "${n.path}") words="${[...n.subcommands, ...n.flags].join(' ')}" ;;`)
    .join('\n');
  return `# rack-gateway bash completion: eval "$(rack-gateway completion bash)"
_rack_gateway() {
  local cur prev path="" words="" i
  cur="\${COMP_WORDS[COMP_CWORD]}"; prev="\${COMP_WORDS[COMP_CWORD-1]}"
  case " ${RACK_ARGS.join(' ')} " in *" $prev "*)
    COMPREPLY=($(compgen -W "$(rack-gateway __complete racks 2>/dev/null)" -- "$cur")); return ;;
  esac
  for ((i=1; i<COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in -*) ;; *) path="\${path:+$path }\${COMP_WORDS[i]}" ;; esac
  done
  case "$path" in
${cases}
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F _rack_gateway rack-gateway
`;
}

function zsh(nodes: Node[]): string {
  return `#compdef rack-gateway
# rack-gateway zsh completion: eval "$(rack-gateway completion zsh)"
autoload -U +X bashcompinit && bashcompinit
${bash(nodes)}`;
}

function fish(nodes: Node[]): string {
  const lines = [
    '# rack-gateway fish completion: rack-gateway completion fish | source',
    'complete -c rack-gateway -f',
  ];
  for (const n of nodes) {
    const words = n.path.split(' ').filter(Boolean);
    const cond =
      words.length === 0 ? '__fish_use_subcommand' : `__fish_seen_subcommand_from ${words.at(-1)}`;
    if (n.subcommands.length > 0)
      lines.push(`complete -c rack-gateway -n '${cond}' -a '${n.subcommands.join(' ')}'`);
  }
  lines.push(
    "complete -c rack-gateway -s r -l rack -x -a '(rack-gateway __complete racks 2>/dev/null)'",
    "complete -c rack-gateway -n '__fish_seen_subcommand_from switch logout' -a '(rack-gateway __complete racks 2>/dev/null)'",
  );
  return `${lines.join('\n')}\n`;
}

function completion(program: Command) {
  return async (ctx: CliContext, cmd: Command): Promise<void> => {
    const [shell] = argsOf<[string]>(cmd);
    const scripts: Record<string, (nodes: Node[]) => string> = { bash, zsh, fish };
    const render = scripts[shell];
    if (render === undefined)
      throw usageError(`Unknown shell "${shell}"`, 'Use one of: bash, zsh, fish');
    ctx.out.raw(render(tree(program)));
  };
}

async function complete(ctx: CliContext, cmd: Command): Promise<void> {
  const [what] = argsOf<[string]>(cmd);
  if (what !== 'racks') return;
  for (const name of Object.keys(ctx.loadConfig().racks).sort()) ctx.out.line(name);
}

export function registerCompletionCommands(program: Command, act: Act): void {
  program
    .command('completion')
    .description('print a shell completion script')
    .argument('<shell>', 'bash, zsh or fish')
    .action(act(completion(program)));
  program.command('__complete', { hidden: true }).argument('<what>').action(act(complete));
}
