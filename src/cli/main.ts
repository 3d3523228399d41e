#!/usr/bin/env node
// The `cohort` command line. Human-readable output by default, `--json` for machines;
// exit 0 success, 1 a check failed, 2 bad usage (one line on stderr, never a stack trace).
// Startup loads commander and the command tree only; each command loads what it needs
// (commands.ts). The bin is this file bundled (scripts/build-cli.mjs → dist/cli/cohort.js),
// one chunk per command, so `cohort --help` and `cohort sim list` answer quickly.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Command, CommanderError } from 'commander';
import { program } from './commands.js';
import { EXIT_USAGE, UsageError } from './usage-error.js';

/** The package's version, from the nearest package.json above this module (src or dist). */
function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'cohort' && typeof pkg.version === 'string') return pkg.version;
    }
    if (dirname(dir) === dir) return 'unknown';
    dir = dirname(dir);
  }
}

/**
 * Refuses an unknown command or subcommand before commander sees the arguments: commander
 * would print the parent's help for `cohort serve --help` and exit 0.
 */
function checkCommandNames(root: Command, argv: readonly string[]): void {
  let cmd = root;
  // `cohort help sim` names a command too.
  for (const arg of argv[0] === 'help' ? argv.slice(1) : argv) {
    if (arg.startsWith('-') || cmd.commands.length === 0) return;
    const names = cmd.commands.map((c) => c.name());
    if (!names.includes(arg)) {
      const where = cmd === root ? 'command' : `'${cmd.name()}' subcommand`;
      throw new UsageError(`unknown ${where} '${arg}' (${where}s: ${names.join(', ')})`);
    }
    const next = cmd.commands.find((c) => c.name() === arg);
    if (next === undefined) return;
    cmd = next;
  }
}

async function main(argv: readonly string[]): Promise<number> {
  let code = 0;
  const root = program((c) => {
    code = c;
  }, packageVersion());
  try {
    checkCommandNames(root, argv);
    await root.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
      if (error.code === 'commander.help') {
        if (error.exitCode === 0) return 0; // `cohort help sim`
        // `cohort` alone.
        process.stderr.write('cohort: give a command (cohort --help lists them)\n');
        return EXIT_USAGE;
      }
      const line = error.message.replace(/^error: /, '').replace(/\n+/g, ' ');
      process.stderr.write(`cohort: ${line}\n`);
      return EXIT_USAGE;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`cohort: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}

// `cohort … | head` closes the pipe early: stop quietly, as a Unix tool killed by SIGPIPE would,
// rather than crash with an unhandled EPIPE (Node ignores SIGPIPE). A closed stderr is only
// ignored: a server whose log reader went away keeps serving.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
process.stderr.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

process.exitCode = await main(process.argv.slice(2));
