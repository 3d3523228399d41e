#!/usr/bin/env node
// The README's two commands on a fresh clone with only Node installed:
//   npm start → install dependencies if missing, build if stale, serve the Lab and a
//               single-member coordination server (the main job);
//   npm test  → the same set-up, then typecheck, lint (Biome + import directions) and the
//               whole test suite — exactly what CI runs.
// Uses only Node built-ins, because it runs before `node_modules` exists.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const cli = join(root, 'dist', 'cli', 'cohort.js');

function run(command, args, what) {
  const r = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (r.error !== undefined) {
    console.error(`cohort: ${what} could not start: ${r.error.message}`);
    process.exit(2);
  }
  if (r.status !== 0) {
    console.error(`cohort: ${what} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
}

function newest(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let t = st.mtimeMs;
  for (const entry of readdirSync(path)) t = Math.max(t, newest(join(path, entry)));
  return t;
}

function ensureDependencies() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (
    existsSync(marker) &&
    newest(marker) >= newest(lock) &&
    newest(marker) >= newest(join(root, 'package.json'))
  )
    return;
  console.error('cohort: installing dependencies…');
  // `npm install` rather than `npm ci`: the lock records only this platform's optional
  // binaries (Biome, esbuild), which `npm ci` rejects as out of sync.
  run(npm, ['install', '--no-audit', '--no-fund'], 'npm install');
}

/** dist/src (the library, tsc) and dist/cli (the `cohort` bin, bundled: scripts/build-cli.mjs). */
function ensureBuild() {
  const stamp = join(root, 'dist', '.build-stamp');
  const sources = Math.max(
    newest(join(root, 'src')),
    newest(join(root, 'bench')),
    newest(join(root, 'tsconfig.build.json')),
    newest(join(root, 'scripts', 'build-cli.mjs')),
  );
  if (existsSync(stamp) && existsSync(cli) && newest(stamp) >= sources) return;
  console.error('cohort: building…');
  run(
    process.execPath,
    [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    'build',
  );
  run(process.execPath, [join(root, 'scripts', 'build-cli.mjs')], 'build (CLI)');
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
}

/** The Lab's page (web/ → dist/web), rebuilt when it or the simulator it bundles changed. */
function ensureWebBuild() {
  const index = join(root, 'dist', 'web', 'index.html');
  const sources = Math.max(newest(join(root, 'web')), newest(join(root, 'src')));
  if (existsSync(index) && newest(index) >= sources) return;
  console.error('cohort: building the Lab…');
  run(
    process.execPath,
    [
      join(root, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      'web/vite.config.ts',
      '--logLevel',
      'warn',
    ],
    'build (Lab)',
  );
}

/** A PostgreSQL server program of the newest installed major version (Debian's layout). */
function postgresBin(name) {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', name)));
  versions.sort((a, b) => Number(b) - Number(a));
  return versions.length === 0 ? undefined : join(base, versions[0], 'bin', name);
}

/**
 * System programs the suite drives for real. Missing ones are installed with apt-get when
 * running as root; otherwise the one command to run is printed and the suite does not start
 * (a missing browser or server is a failure, never a skipped test).
 */
function ensureSystemPackages() {
  const needed = [
    { path: '/usr/bin/chromium', pkg: 'chromium' },
    { path: '/usr/bin/etcd', pkg: 'etcd-server' },
    { path: '/usr/bin/etcdctl', pkg: 'etcd-client' },
    { path: '/usr/bin/redis-server', pkg: 'redis-server' },
    { path: '/usr/share/zookeeper/bin/zkServer.sh', pkg: 'zookeeper' },
    { path: postgresBin('initdb'), pkg: 'postgresql' },
    { path: '/usr/lib/rabbitmq/bin/rabbitmq-server', pkg: 'rabbitmq-server' },
    { path: '/usr/sbin/nats-server', pkg: 'nats-server' },
    // test/partition-ketama.test.ts builds a C program against the real libmemcached.
    { path: '/usr/include/libmemcached/memcached.h', pkg: 'libmemcached-dev' },
    { path: '/usr/bin/cc', pkg: 'gcc' },
  ].filter((p) => p.path === undefined || !existsSync(p.path));
  if (needed.length === 0) return;
  const pkgs = needed.map((p) => p.pkg);
  if (process.getuid?.() !== 0) {
    console.error(
      `cohort: the tests need ${pkgs.join(', ')}: run  sudo apt-get install -y ${pkgs.join(' ')}`,
    );
    process.exit(2);
  }
  console.error(`cohort: installing ${pkgs.join(', ')} with apt-get…`);
  run('apt-get', ['update', '-qq'], 'apt-get update');
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], 'apt-get install');
}

/**
 * `npm start`: the Lab and a single-member coordination server (`cohort serve` with its
 * embedded defaults: data in ./cohort-data, clients on 127.0.0.1:2379), side by side. Both
 * addresses are printed; Ctrl-C, or either one ending, stops both.
 */
function startLabAndServer(labArgs) {
  const children = [];
  const stopAll = () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  };
  const track = (child, what) => {
    children.push(child);
    child.on('exit', (code, signal) => {
      if (code !== 0 && signal === null) console.error(`cohort: ${what} exited (${code})`);
      stopAll();
      if (children.every((c) => c.exitCode !== null || c.signalCode !== null))
        process.exit(code ?? 0);
    });
  };
  const server = spawn(process.execPath, [cli, 'serve', '--log-level', 'warn'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  track(server, 'cohort serve');
  let buffered = '';
  server.stdout.on('data', (chunk) => {
    buffered += chunk;
    const line = buffered.split('\n')[0];
    if (!buffered.includes('\n')) return;
    server.stdout.removeAllListeners('data');
    server.stdout.resume();
    try {
      const ready = JSON.parse(line);
      const endpoint = ready.clientUrl.replace(/^https?:\/\//, '');
      console.log(
        `Coordination server: ${ready.clientUrl}  (etcd v3 API; data in ${ready.dataDir})\n` +
          `  try: etcdctl --endpoints ${endpoint} put greeting hello`,
      );
    } catch {
      console.log(line);
    }
  });
  track(
    spawn(process.execPath, [cli, 'lab', ...labArgs], { cwd: root, stdio: 'inherit' }),
    'cohort lab',
  );
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, stopAll);
}

const [mode, ...rest] = process.argv.slice(2);
ensureDependencies();
ensureBuild();
ensureWebBuild();
const bin = (name, ...parts) => join(root, 'node_modules', name, ...parts);
if (mode === 'start') {
  startLabAndServer(rest);
} else if (mode === 'test') {
  ensureSystemPackages();
  run(
    process.execPath,
    [bin('typescript', 'bin', 'tsc'), '-p', 'tsconfig.json', '--noEmit'],
    'typecheck',
  );
  run(
    process.execPath,
    [bin('typescript', 'bin', 'tsc'), '-p', 'web/tsconfig.json', '--noEmit'],
    'typecheck (Lab)',
  );
  run(process.execPath, [bin('@biomejs', 'biome', 'bin', 'biome'), 'check', '.'], 'lint (biome)');
  run(
    process.execPath,
    [
      bin('dependency-cruiser', 'bin', 'dependency-cruise.mjs'),
      'src',
      'bench',
      'web',
      '--config',
      '.dependency-cruiser.cjs',
    ],
    'lint (import directions)',
  );
  run(process.execPath, [bin('vitest', 'vitest.mjs'), 'run', ...rest], 'tests');
} else {
  console.error('usage: node scripts/bootstrap.mjs start|test [args…]');
  process.exit(2);
}
