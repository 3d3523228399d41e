// etcd's Auth service (etcdserver/v3_server.go and api/v3rpc/auth.go, learnt from): every
// change is a logged command of the server machine (commands.ts) naming who sent it, so the
// root-role check happens at apply on every member, as in etcd; UserGet/UserList/RoleGet/
// RoleList are linearizable reads with the same check.
//
// Authenticate, as etcd does it: a linearizable read of the user's hash, the password
// checked HERE (password.ts, off the event loop), then an `authenticate` command carrying a
// fresh token prefix and the auth revision the check saw; if the store moved meanwhile (the
// password may have changed) the check is done again. Every member that applies the command
// learns the token `<prefix>.<index>` (tokens.ts); this one answers once it has applied it.
//
// Fault model: requests are untrusted (proto-decoded; names are strings, possibly empty —
// the machine answers etcd's errors). A password is never logged or proposed, only its hash.

import { type ServerUnaryCall, type sendUnaryData, status } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { EtcdError } from '../errors.js';
import type { EtcdServer } from '../etcd-server.js';
import { toStatus, type Unary, unary } from '../grpc/call.js';
import type { ServerResult } from '../machine.js';
import type { Wire } from '../wire.js';
import type { AuthCommand, AuthRead, AuthUserView } from './commands.js';
import type { AuthGate } from './gate.js';
import { checkPassword, hashPassword } from './password.js';
import { PERM_TYPES, type Permission, type PermType } from './perms.js';
import { type AuthInfo, NO_AUTH } from './store.js';
import { newTokenPrefix } from './tokens.js';

/** Authenticate retries when the auth store changed between the check and the apply. */
const MAX_AUTHENTICATE_ATTEMPTS = 5;
const EMPTY = new Uint8Array(0);

/** etcd's ErrNoPasswordUser has no gRPC error of its own: clients see it as UNKNOWN. */
class NoPasswordUserError extends Error {
  readonly code = status.UNKNOWN;
  readonly details = 'auth: authentication failed, password was given for no password user';
}

const str = (x: unknown): string => (typeof x === 'string' ? x : '');
const bytes = (x: unknown): Uint8Array => (x instanceof Uint8Array ? x : EMPTY);

function permFromWire(x: unknown): Permission {
  const w = (typeof x === 'object' && x !== null ? x : {}) as Wire;
  const permType = PERM_TYPES.includes(w.permType as PermType) ? (w.permType as PermType) : 'READ';
  return { permType, key: bytes(w.key), rangeEnd: bytes(w.rangeEnd) };
}

/** Logged auth commands from gRPC requests (passwords are hashed here, at the proposer). */
const COMMANDS: Record<string, (w: Wire) => Promise<Wire> | Wire> = {
  AuthEnable: () => ({ type: 'authEnable' }),
  AuthDisable: () => ({ type: 'authDisable' }),
  UserAdd: async (w) => {
    const options = (w.options ?? {}) as Wire;
    const noPassword = options.noPassword === true;
    const password = noPassword ? '' : await hashPassword(str(w.password));
    return { type: 'userAdd', request: { name: str(w.name), password, noPassword } };
  },
  UserDelete: (w) => ({ type: 'userDelete', request: { name: str(w.name) } }),
  UserChangePassword: async (w) => ({
    type: 'userChangePassword',
    request: { name: str(w.name), password: await hashPassword(str(w.password)) },
  }),
  UserGrantRole: (w) => ({
    type: 'userGrantRole',
    request: { user: str(w.user), role: str(w.role) },
  }),
  UserRevokeRole: (w) => ({
    type: 'userRevokeRole',
    request: { name: str(w.name), role: str(w.role) },
  }),
  RoleAdd: (w) => ({ type: 'roleAdd', request: { name: str(w.name) } }),
  RoleDelete: (w) => ({ type: 'roleDelete', request: { role: str(w.role) } }),
  RoleGrantPermission: (w) => ({
    type: 'roleGrantPermission',
    request: { name: str(w.name), perm: permFromWire(w.perm) },
  }),
  RoleRevokePermission: (w) => ({
    type: 'roleRevokePermission',
    request: { role: str(w.role), key: bytes(w.key), rangeEnd: bytes(w.rangeEnd) },
  }),
};

export function authService(
  server: EtcdServer,
  gate: AuthGate,
  log: Logger,
): Record<string, Unary> {
  const run = async (op: AuthCommand | AuthRead, read: boolean): Promise<Wire> => {
    const r = (await server.member.propose(op, read)) as ServerResult;
    if (!r.ok) throw new EtcdError(r.error);
    return r.response as Wire;
  };
  const respond = (response: Wire, extra: Wire = {}): Wire => ({
    header: server.header((response.header as { revision: number }).revision),
    ...extra,
  });
  /** A unary method whose handler also gets who sent it (etcd's AuthInfoFromCtx). */
  const withAuth =
    (handler: (w: Wire, auth: AuthInfo) => Promise<Wire>): Unary =>
    (call: ServerUnaryCall<Wire, Wire>, callback: sendUnaryData<Wire>) =>
      unary(log, async (w) => handler(w, (await gate.infoOf(call.metadata)) ?? NO_AUTH))(
        call,
        callback,
      );
  const command = (build: (w: Wire) => Promise<Wire> | Wire) =>
    withAuth(async (w, auth) => respond(await run({ ...(await build(w)), auth } as never, false)));

  async function authenticate(name: string, password: string): Promise<Wire> {
    for (let attempt = 1; ; attempt++) {
      const view = (await run(
        { type: 'authUser', request: { name } },
        true,
      )) as unknown as AuthUserView;
      if (!view.enabled) throw new EtcdError('authNotEnabled');
      if (view.user === null) throw new EtcdError('authFailed');
      if (view.user.noPassword) throw new NoPasswordUserError();
      if (!(await checkPassword(password, view.user.password))) throw new EtcdError('authFailed');
      const prefix = newTokenPrefix();
      const token = gate.tokens.tokenFor(prefix);
      try {
        const response = await run(
          { type: 'authenticate', request: { name, prefix }, revision: view.revision },
          false,
        );
        return respond(response, { token: await token });
      } catch (error) {
        gate.tokens.abandon(prefix);
        const stale = error instanceof EtcdError && error.kind === 'authOldRevision';
        if (!stale || attempt >= MAX_AUTHENTICATE_ATTEMPTS) throw error;
      }
    }
  }

  return {
    Authenticate: (call, callback) => {
      authenticate(str(call.request.name), str(call.request.password)).then(
        (response) => callback(null, response),
        (error: unknown) =>
          callback(
            (error instanceof NoPasswordUserError
              ? { code: error.code, details: error.details }
              : toStatus(error, log)) as never,
          ),
      );
    },
    ...Object.fromEntries(
      Object.entries(COMMANDS).map(([method, build]) => [method, command(build)]),
    ),
    UserGet: withAuth(async (w, auth) => {
      const r = await run({ type: 'userGet', request: { name: str(w.name) }, auth }, true);
      return respond(r, { roles: r.roles });
    }),
    UserList: withAuth(async (_w, auth) => {
      const r = await run({ type: 'userList', auth }, true);
      return respond(r, { users: r.users });
    }),
    RoleGet: withAuth(async (w, auth) => {
      const r = await run({ type: 'roleGet', request: { role: str(w.role) }, auth }, true);
      return respond(r, { perm: r.perm });
    }),
    RoleList: withAuth(async (_w, auth) => {
      const r = await run({ type: 'roleList', auth }, true);
      return respond(r, { roles: r.roles });
    }),
  };
}
