// Import direction: core ← algorithms ← sim | runtime ← server ← cli (ARCHITECTURE.md).
// Lower layers never import higher ones; sim and algorithms stay free of Node-only
// modules so the Lab can run them in a browser. The Lab (web/) sits beside the CLI: it may
// import core, algorithms and sim, and nothing that needs Node.
const layer = (from, allowed, files = []) => ({
  name: `${from}-imports-only-${allowed.join('-') || 'itself'}`,
  severity: 'error',
  // Colocated tests drive a layer from above (an algorithm's test runs it in the simulator).
  from: { path: `^src/${from}/`, pathNot: '\\.test\\.ts$' },
  to: {
    path: '^src/',
    pathNot: [`^src/${from}/`, ...allowed.map((a) => `^src/${a}/`), ...files],
  },
});

module.exports = {
  forbidden: [
    layer('core', []),
    // Failure detectors (src/reliability/detect) are pure arithmetic over core: the simulated
    // protocols (detect/heartbeat, the mutexes' failover) run the same detectors a host would.
    layer('algorithms', ['core', 'reliability/detect']),
    layer('sim', ['core', 'algorithms']),
    layer('runtime', ['core', 'algorithms']),
    layer('server', ['core', 'algorithms', 'runtime']),
    // Running Lua scripts on an ioredis connection (src/redis), shared by locks and limiters.
    layer('redis', ['core']),
    // Locks (cohort/locks) are a library over the backends' clients and cohort/client.
    layer('locks', ['core', 'client', 'redis']),
    // Partitioning and cluster tools (src/cluster) are pure libraries over core.
    layer('cluster', ['core']),
    // Allocation (cohort's scheduling library) is pure math over core's asserts.
    layer('scheduling', ['core']),
    // Reliability (balancers, rate limiters) are libraries over core's PRNG; the Redis
    // limiters run their scripts with src/redis.
    layer('reliability', ['core', 'redis']),
    // The broker (src/comm) runs on the runtime's WAL; server/proto.ts finds the .proto files.
    // RPC (src/comm/rpc) registers and finds instances with the client's recipes and balances
    // over them with reliability's balancers. The replicated broker puts its partition logs
    // in consensus/raft's machine slot (algorithms), hosted as server/member.ts hosts Raft.
    layer('comm', ['core', 'algorithms', 'runtime', 'server', 'client', 'reliability']),
    // Sessions (cohort/session) route on cluster's ring and replicate with the gossip
    // algorithm's peer choice and the CRDTs' last-writer-wins merge.
    layer('session', ['core', 'cluster', 'algorithms']),
    // Transactions (cohort/transactions) are libraries over pg and the runtime's WAL (their logs).
    // The outbox relay reuses the locks' LISTEN/NOTIFY helper (one file, not the locks).
    layer('transactions', ['core', 'runtime'], ['^src/locks/postgres-listen\\.ts$']),
    {
      name: 'client-imports-only-the-wire-contract',
      comment:
        'The client (cohort/client) talks to any etcd: it shares only the wire contract with ' +
        "the server (the .proto loader, conversions, etcd's error table, message types), " +
        'never its machine, services or runtime.',
      severity: 'error',
      from: { path: '^src/client/', pathNot: '\\.test\\.ts$' },
      to: {
        path: '^src/',
        pathNot: [
          '^src/client/',
          '^src/core/',
          '^src/server/(proto|wire|errors)\\.ts$',
          '^src/server/mvcc/types\\.ts$',
        ],
      },
    },
    {
      name: 'browser-safe-sim',
      comment:
        'core, algorithms and sim run in the browser (the Lab): no Node built-ins but crypto hashing.',
      severity: 'error',
      from: {
        path: '^src/(core|algorithms|sim|reliability/detect)/',
        pathNot: ['\\.test\\.ts$', '^src/sim/golden/'],
      },
      to: { dependencyTypes: ['core'], pathNot: '^(node:)?crypto$' },
    },
    {
      name: 'browser-safe-partition',
      comment:
        'The partitioners run in the Lab too: no Node built-ins but crypto hashing (md5, sha1).',
      severity: 'error',
      from: { path: '^src/cluster/partition/', pathNot: '\\.test\\.ts$' },
      to: { dependencyTypes: ['core'], pathNot: '^(node:)?crypto$' },
    },
    {
      name: 'web-imports-only-core-algorithms-sim',
      comment:
        'The Lab runs in a browser: never the CLI, the runtime or the server. The partitioners ' +
        '(src/cluster/partition, the partitioning view) are pure but for node:crypto, whose ' +
        'MD5 and SHA-1 the shim provides (browser-safe-partition keeps them so).',
      severity: 'error',
      from: { path: '^web/src/' },
      to: { path: '^src/', pathNot: '^src/(core|algorithms|sim|cluster/partition)/' },
    },
    {
      name: 'browser-safe-web',
      comment:
        'The Lab runs in a browser: no Node built-ins (vite.config.ts runs in Node; the shims ' +
        "are the browser's stand-ins for them, on npm's buffer).",
      severity: 'error',
      from: { path: '^web/src/', pathNot: '^web/src/shims/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.tsx', '.js'],
    },
  },
};
