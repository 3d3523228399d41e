// `cohort completion bash|zsh`: a completion script generated from the command tree
// (commands, subcommands, flags, which flags take a value) and the registry (algorithm names
// for `sim`, `fuzz`, `--algorithm`, and each algorithm's own flags after its name). The script
// is static text: completing never starts node.

import type { Command } from 'commander';
import { algorithms, listedAlgorithms } from '../algorithms/registry.js';
import { optionFlagName } from '../core/algorithm.js';
import { BENCHMARKS, CLUSTER_ACTIONS, SHELLS } from './operands.js';

/** Words a command takes as its first operand, by command path. */
function operandWords(names: readonly string[]): Readonly<Record<string, readonly string[]>> {
  return {
    sim: ['list', ...names],
    fuzz: names,
    cluster: CLUSTER_ACTIONS,
    bench: Object.keys(BENCHMARKS),
    completion: SHELLS,
  };
}

/** One command as the scripts see it: `path` is 'sim' or 'check linearizability'. */
interface Entry {
  readonly path: string;
  readonly depth: number;
  readonly flags: readonly string[];
  /** Subcommands and operand words, offered right after the command's name. */
  readonly next: readonly string[];
}

interface Model {
  readonly top: readonly string[];
  /** Commands with subcommands (`chain`, `check`): their path has two words. */
  readonly groups: readonly string[];
  readonly entries: readonly Entry[];
  /** Flags whose value is a file or a directory (completed as file names). */
  readonly fileFlags: readonly string[];
  /** Other flags that take a value (nothing to offer). */
  readonly valueFlags: readonly string[];
  readonly algorithms: readonly string[];
  /** Each algorithm's own flags (`--requests` …), completed after its name. */
  readonly algorithmFlags: ReadonlyMap<string, readonly string[]>;
}

function flagsOf(cmd: Command): string[] {
  return [...cmd.options.map((o) => o.long ?? o.short ?? ''), '--help'].filter((f) => f !== '');
}

function model(root: Command): Model {
  const names = listedAlgorithms().map((a) => a.name);
  const operands = operandWords(names);
  const entries: Entry[] = [];
  const fileFlags = new Set<string>();
  const valueFlags = new Set<string>();
  const visit = (cmd: Command, path: string, depth: number) => {
    const next = [...cmd.commands.map((c) => c.name()), ...(operands[path] ?? [])];
    entries.push({ path, depth, flags: flagsOf(cmd), next });
    for (const o of cmd.options) {
      if (!(o.required || o.optional) || o.long === undefined || o.long === '--algorithm') continue;
      (/<(file|dir)>/.test(o.flags) ? fileFlags : valueFlags).add(o.long);
    }
    for (const sub of cmd.commands) visit(sub, `${path} ${sub.name()}`, depth + 1);
  };
  for (const cmd of root.commands) visit(cmd, cmd.name(), 1);
  return {
    top: [...root.commands.map((c) => c.name()), 'help', ...flagsOf(root)],
    groups: root.commands.filter((c) => c.commands.length > 0).map((c) => c.name()),
    entries,
    fileFlags: [...fileFlags].sort(),
    valueFlags: [...valueFlags].filter((f) => !fileFlags.has(f)).sort(),
    algorithms: names,
    // Hidden (test-only) algorithms run by name, so their flags complete too.
    algorithmFlags: new Map(
      algorithms.map((a) => [a.name, Object.keys(a.options).map((o) => `--${optionFlagName(o)}`)]),
    ),
  };
}

const quoted = (list: readonly string[]) => `'${list.join(' ')}'`;

function bash(m: Model): string {
  const entries = m.entries.map((e) => {
    const next =
      e.next.length === 0
        ? ''
        : `\n      [[ $COMP_CWORD -eq ${e.depth + 1} ]] && words="$words "${quoted(e.next)}`;
    return `    '${e.path}') words=${quoted(e.flags)}${next} ;;`;
  });
  const perAlgorithm = [...m.algorithmFlags]
    .filter(([, flags]) => flags.length > 0)
    .map(([name, flags]) => `    '${name}') echo ${quoted(flags)} ;;`);
  return `# cohort completion for bash: source <(cohort completion bash)
_cohort_algorithm_flags() {
  case "$1" in
${perAlgorithm.join('\n')}
  esac
}
_cohort() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} words path
  case "$prev" in
    --algorithm) COMPREPLY=($(compgen -W ${quoted(m.algorithms)} -- "$cur")); return ;;
    ${m.fileFlags.join('|')}) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    ${m.valueFlags.join('|')}) COMPREPLY=(); return ;;
  esac
  if [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=($(compgen -W ${quoted(m.top)} -- "$cur")); return
  fi
  path=\${COMP_WORDS[1]}
  case "$path" in
    ${m.groups.join('|')}) [[ $COMP_CWORD -gt 2 ]] && path="$path \${COMP_WORDS[2]}" ;;
  esac
  case "$path" in
${entries.join('\n')}
  esac
  if [[ $COMP_CWORD -gt 2 && ( $path == sim || $path == fuzz ) ]]; then
    words="$words $(_cohort_algorithm_flags "\${COMP_WORDS[2]}")"
  fi
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _cohort cohort
`;
}

function zsh(m: Model): string {
  const entries = m.entries.map((e) => {
    const next =
      e.next.length === 0
        ? ''
        : `\n      (( CURRENT == ${e.depth + 2} )) && w+=(${e.next.join(' ')})`;
    return `    ('${e.path}') w=(${e.flags.join(' ')})${next} ;;`;
  });
  const perAlgorithm = [...m.algorithmFlags]
    .filter(([, flags]) => flags.length > 0)
    .map(([name, flags]) => `      ('${name}') w+=(${flags.join(' ')}) ;;`);
  return `#compdef cohort
# cohort completion for zsh: cohort completion zsh > "\${fpath[1]}/_cohort"
_cohort() {
  local prev=\${words[CURRENT-1]} path=\${words[2]}
  local -a w
  case $prev in
    (--algorithm) compadd -- ${m.algorithms.join(' ')}; return ;;
    (${m.fileFlags.join('|')}) _files; return ;;
    (${m.valueFlags.join('|')}) return ;;
  esac
  if (( CURRENT == 2 )); then compadd -- ${m.top.join(' ')}; return; fi
  if (( CURRENT > 3 )) && [[ $path == (${m.groups.join('|')}) ]]; then path="$path \${words[3]}"; fi
  case $path in
${entries.join('\n')}
  esac
  if (( CURRENT > 3 )) && [[ $path == (sim|fuzz) ]]; then
    case \${words[3]} in
${perAlgorithm.join('\n')}
    esac
  fi
  compadd -- $w
  [[ $path == 'check linearizability' ]] && _files
}
if [[ \${zsh_eval_context[-1]} == loadautofunc ]]; then _cohort "$@"; else compdef _cohort cohort; fi
`;
}

export function completionScript(shell: (typeof SHELLS)[number], root: Command): string {
  const m = model(root);
  return shell === 'bash' ? bash(m) : zsh(m);
}
