// The auth store's commands and reads as the server machine carries them (machine.ts), with
// etcd v3.4's authorisation at apply (etcdserver/apply_auth.go, learnt from): every command
// but `authenticate` names who sent it (`auth`: the user behind the request's token and the
// auth revision, or an empty user when it had none) and needs the root role once auth is
// enabled; UserGet is also allowed for oneself and RoleGet for a role one has.
//
// What a command does to the members' in-memory simple tokens travels on its result as an
// `effect` (tokens.ts applies it on every member, as etcd's apply does): `assign` a token
// prefix to a user, `invalidate` a user's tokens (deleted, or a new password), `clear` all
// (auth disabled).
//
// Passwords never enter the log: the proposer hashes them (password.ts) and checks them
// (Authenticate), and the commands carry the hash and the auth revision the check saw.
//
// Fault model: deterministic; refusals are EtcdError thrown before anything changes.
// Shapes of commands from peers are checked in ../command-shape.ts.

import { EtcdError } from '../errors.js';
import type { Permission } from './perms.js';
import type { AuthInfo, AuthStore } from './store.js';

type Logged<T extends string, R = undefined> = R extends undefined
  ? { readonly type: T; readonly auth: AuthInfo }
  : { readonly type: T; readonly request: R; readonly auth: AuthInfo };

/** Logged commands: applied in log order on every member. */
export type AuthCommand =
  | Logged<'authEnable'>
  | Logged<'authDisable'>
  | {
      readonly type: 'authenticate';
      /** `prefix`: the token's random part; `revision`: the auth revision the check saw. */
      readonly request: { readonly name: string; readonly prefix: string };
      readonly revision: number;
    }
  | Logged<
      'userAdd',
      { readonly name: string; readonly password: string; readonly noPassword: boolean }
    >
  | Logged<'userDelete', { readonly name: string }>
  | Logged<'userChangePassword', { readonly name: string; readonly password: string }>
  | Logged<'userGrantRole', { readonly user: string; readonly role: string }>
  | Logged<'userRevokeRole', { readonly name: string; readonly role: string }>
  | Logged<'roleAdd', { readonly name: string }>
  | Logged<'roleDelete', { readonly role: string }>
  | Logged<'roleGrantPermission', { readonly name: string; readonly perm: Permission }>
  | Logged<
      'roleRevokePermission',
      { readonly role: string; readonly key: Uint8Array; readonly rangeEnd: Uint8Array }
    >;

/** Reads: answered from the applied store after a ReadIndex (never logged). */
export type AuthRead =
  | Logged<'userGet', { readonly name: string }>
  | Logged<'userList'>
  | Logged<'roleGet', { readonly role: string }>
  | Logged<'roleList'>
  /** For Authenticate at the proposer: the user's hash and the auth revision. Internal. */
  | { readonly type: 'authUser'; readonly request: { readonly name: string } };

export type AuthEffect =
  | { readonly assign: { readonly prefix: string; readonly user: string } }
  | { readonly invalidate: string }
  | { readonly clear: true };

export interface AuthApplied {
  readonly response: Record<string, unknown>;
  readonly effect?: AuthEffect;
}

export const AUTH_COMMANDS: ReadonlySet<string> = new Set([
  'authEnable',
  'authDisable',
  'authenticate',
  'userAdd',
  'userDelete',
  'userChangePassword',
  'userGrantRole',
  'userRevokeRole',
  'roleAdd',
  'roleDelete',
  'roleGrantPermission',
  'roleRevokePermission',
]);

export const AUTH_READS: ReadonlySet<string> = new Set([
  'userGet',
  'userList',
  'roleGet',
  'roleList',
  'authUser',
]);

/** Applies a logged auth command; `revision` is the key space's, for the response header. */
export function applyAuthCommand(store: AuthStore, c: AuthCommand, revision: number): AuthApplied {
  const done = (effect?: AuthEffect): AuthApplied => ({
    response: { header: { revision } },
    ...(effect !== undefined && { effect }),
  });
  if (c.type === 'authenticate') {
    // etcd's Authenticate at apply: the password was checked by the proposer.
    if (!store.enabled) throw new EtcdError('authNotEnabled');
    const user = store.user(c.request.name);
    if (user === undefined || user.noPassword) throw new EtcdError('authFailed');
    // The password may have changed since the proposer checked it: it checks again.
    if (c.revision !== store.revision) throw new EtcdError('authOldRevision');
    return {
      response: { header: { revision }, token: c.request.prefix },
      effect: { assign: { prefix: c.request.prefix, user: user.name } },
    };
  }
  store.checkAdmin(c.auth);
  switch (c.type) {
    case 'authEnable':
      store.enable();
      return done();
    case 'authDisable':
      return done(store.disable() ? { clear: true } : undefined);
    case 'userAdd':
      store.userAdd(c.request.name, c.request.password, c.request.noPassword);
      return done();
    case 'userDelete':
      store.userDelete(c.request.name);
      return done({ invalidate: c.request.name });
    case 'userChangePassword':
      store.userChangePassword(c.request.name, c.request.password);
      return done({ invalidate: c.request.name });
    case 'userGrantRole':
      store.userGrantRole(c.request.user, c.request.role);
      return done();
    case 'userRevokeRole':
      store.userRevokeRole(c.request.name, c.request.role);
      return done();
    case 'roleAdd':
      store.roleAdd(c.request.name);
      return done();
    case 'roleDelete':
      store.roleDelete(c.request.role);
      return done();
    case 'roleGrantPermission':
      store.roleGrantPermission(c.request.name, c.request.perm);
      return done();
    case 'roleRevokePermission':
      store.roleRevokePermission(c.request.role, c.request.key, c.request.rangeEnd);
      return done();
  }
}

/** What `authUser` answers: enough for the proposer to check a password. */
export interface AuthUserView {
  readonly enabled: boolean;
  readonly revision: number;
  readonly user: { readonly password: string; readonly noPassword: boolean } | null;
}

/** Answers an auth read from the applied store. */
export function readAuth(store: AuthStore, r: AuthRead, revision: number): unknown {
  const header = { revision };
  switch (r.type) {
    case 'userGet': {
      if (r.request.name !== r.auth.user) store.checkAdmin(r.auth);
      const user = store.user(r.request.name);
      if (user === undefined) throw new EtcdError('userNotFound');
      return { header, roles: [...user.roles] };
    }
    case 'userList':
      store.checkAdmin(r.auth);
      return { header, users: store.userNames() };
    case 'roleGet': {
      if (!store.hasRole(r.auth.user, r.request.role)) store.checkAdmin(r.auth);
      const role = store.role(r.request.role);
      if (role === undefined) throw new EtcdError('roleNotFound');
      return { header, perm: [...role.perms] };
    }
    case 'roleList':
      store.checkAdmin(r.auth);
      return { header, roles: store.roleNames() };
    case 'authUser': {
      const user = store.user(r.request.name);
      const view: AuthUserView = {
        enabled: store.enabled,
        revision: store.revision,
        user: user === undefined ? null : { password: user.password, noPassword: user.noPassword },
      };
      return view;
    }
  }
}
