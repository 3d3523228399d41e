// The auth store and its commands (store.ts, commands.ts) against etcd v3.4's rules: error
// kinds and their order, the auth revision, root user and role rules, who may run what once
// auth is enabled (UserGet of oneself, RoleGet of one's own role), permission checks of key
// ranges, and snapshots (through the core codec and the server machine's snapshot checks).

import { describe, expect, it } from 'vitest';
import { roundTrip } from '../../core/codec.js';
import type { EtcdErrorKind } from '../errors.js';
import { EtcdError } from '../errors.js';
import { serverMachineDef } from '../machine.js';
import { type AuthCommand, type AuthRead, applyAuthCommand, readAuth } from './commands.js';
import { type AuthInfo, AuthSnapshotError, AuthStore, NO_AUTH } from './store.js';

const b = (s: string) => new Uint8Array(Buffer.from(s));
const ROOT: AuthInfo = { user: 'root', revision: 1 };

type Body = AuthCommand extends infer C ? (C extends AuthCommand ? Omit<C, 'auth'> : never) : never;

function apply(store: AuthStore, c: Body, auth: AuthInfo = NO_AUTH) {
  return applyAuthCommand(store, { ...c, auth } as AuthCommand, 7);
}

function read(store: AuthStore, r: AuthRead) {
  return readAuth(store, r, 7) as Record<string, unknown>;
}

function refusal(f: () => unknown): EtcdErrorKind | undefined {
  try {
    f();
    return undefined;
  } catch (error) {
    if (error instanceof EtcdError) return error.kind;
    throw error;
  }
}

/** root (root role), alice with role `reader` (READ on foo, READWRITE on [pre, prf)). */
function populated(): AuthStore {
  const s = new AuthStore();
  apply(s, { type: 'userAdd', request: { name: 'root', password: 'h0', noPassword: false } });
  apply(s, { type: 'userGrantRole', request: { user: 'root', role: 'root' } });
  apply(s, { type: 'userAdd', request: { name: 'alice', password: 'h1', noPassword: false } });
  apply(s, { type: 'roleAdd', request: { name: 'reader' } });
  const grant = (permType: 'READ' | 'READWRITE', key: string, rangeEnd: string) =>
    apply(s, {
      type: 'roleGrantPermission',
      request: { name: 'reader', perm: { permType, key: b(key), rangeEnd: b(rangeEnd) } },
    });
  grant('READ', 'foo', '');
  grant('READWRITE', 'pre', 'prf');
  apply(s, { type: 'userGrantRole', request: { user: 'alice', role: 'reader' } });
  return s;
}

describe('auth store', () => {
  it('refuses as etcd does, before changing anything', () => {
    const s = new AuthStore();
    const kind = (c: Body) => refusal(() => apply(s, c));
    expect(kind({ type: 'authEnable' })).toBe('rootUserNotExist');
    expect(kind({ type: 'userAdd', request: { name: '', password: '', noPassword: false } })).toBe(
      'userEmpty',
    );
    expect(kind({ type: 'roleAdd', request: { name: '' } })).toBe('roleEmpty');
    apply(s, { type: 'userAdd', request: { name: 'root', password: 'h', noPassword: false } });
    expect(kind({ type: 'authEnable' })).toBe('rootRoleNotExist');
    expect(
      kind({ type: 'userAdd', request: { name: 'root', password: 'h', noPassword: false } }),
    ).toBe('userAlreadyExist');
    expect(kind({ type: 'userGrantRole', request: { user: 'bob', role: 'x' } })).toBe(
      'userNotFound',
    );
    expect(kind({ type: 'userGrantRole', request: { user: 'root', role: 'x' } })).toBe(
      'roleNotFound',
    );
    expect(kind({ type: 'userRevokeRole', request: { name: 'root', role: 'x' } })).toBe(
      'roleNotGranted',
    );
    expect(kind({ type: 'userDelete', request: { name: 'bob' } })).toBe('userNotFound');
    expect(kind({ type: 'roleDelete', request: { role: 'x' } })).toBe('roleNotFound');
    apply(s, { type: 'roleAdd', request: { name: 'r' } });
    expect(kind({ type: 'roleAdd', request: { name: 'r' } })).toBe('roleAlreadyExist');
    expect(
      kind({ type: 'roleRevokePermission', request: { role: 'r', key: b('k'), rangeEnd: b('') } }),
    ).toBe('permissionNotGranted');
    expect(s.revision).toBe(3); // 1 + userAdd + roleAdd: refusals moved nothing
  });

  it('counts the auth revision as etcd v3.4: not on enable, a repeated grant or authenticate', () => {
    const s = populated();
    const before = s.revision;
    apply(s, { type: 'userGrantRole', request: { user: 'alice', role: 'reader' } });
    expect(s.revision).toBe(before);
    apply(s, { type: 'authEnable' });
    expect(s.enabled).toBe(true);
    expect(s.revision).toBe(before);
    apply(s, {
      type: 'authenticate',
      request: { name: 'alice', prefix: 'p' },
      revision: before,
    } as never);
    expect(s.revision).toBe(before);
    apply(s, { type: 'authDisable' }, ROOT);
    expect(s.revision).toBe(before + 1);
    apply(s, { type: 'authDisable' }, ROOT); // already disabled: nothing changes
    expect(s.revision).toBe(before + 1);
  });

  it('lets the root role be granted before it exists, and protects root once enabled', () => {
    const s = populated();
    apply(s, { type: 'authEnable' });
    const kind = (c: Body) => refusal(() => apply(s, c, ROOT));
    expect(kind({ type: 'userDelete', request: { name: 'root' } })).toBe('invalidAuthMgmt');
    expect(kind({ type: 'roleDelete', request: { role: 'root' } })).toBe('invalidAuthMgmt');
    expect(kind({ type: 'userRevokeRole', request: { name: 'root', role: 'root' } })).toBe(
      'invalidAuthMgmt',
    );
    expect(read(s, { type: 'roleList', auth: ROOT }).roles).toEqual(['reader']);
  });

  it('needs the root role for changes once enabled: userEmpty, userNotFound, permissionDenied', () => {
    const s = populated();
    apply(s, { type: 'authEnable' });
    const add: Body = { type: 'roleAdd', request: { name: 'x' } };
    expect(refusal(() => apply(s, add))).toBe('userEmpty');
    expect(refusal(() => apply(s, add, { user: 'ghost', revision: 9 }))).toBe('userNotFound');
    expect(refusal(() => apply(s, add, { user: 'alice', revision: 9 }))).toBe('permissionDenied');
    expect(refusal(() => apply(s, add, ROOT))).toBeUndefined();
  });

  it("answers UserGet for oneself and RoleGet for one's roles without the root role", () => {
    const s = populated();
    apply(s, { type: 'authEnable' });
    const alice = { user: 'alice', revision: s.revision };
    expect(read(s, { type: 'userGet', request: { name: 'alice' }, auth: alice }).roles).toEqual([
      'reader',
    ]);
    expect(
      refusal(() => read(s, { type: 'userGet', request: { name: 'root' }, auth: alice })),
    ).toBe('permissionDenied');
    const perm = read(s, { type: 'roleGet', request: { role: 'reader' }, auth: alice }).perm;
    expect((perm as { key: Uint8Array }[]).map((p) => Buffer.from(p.key).toString())).toEqual([
      'foo',
      'pre',
    ]);
    expect(
      refusal(() => read(s, { type: 'roleGet', request: { role: 'root' }, auth: alice })),
    ).toBe('permissionDenied');
    expect(refusal(() => read(s, { type: 'userList', auth: alice }))).toBe('permissionDenied');
    expect(read(s, { type: 'userList', auth: ROOT }).users).toEqual(['alice', 'root']);
  });

  it('checks key ranges for users, lets root do anything, and nothing when disabled', () => {
    const s = populated();
    const alice = { user: 'alice', revision: 1_000 };
    expect(refusal(() => s.checkRange(NO_AUTH, 'WRITE', b('x'), b('')))).toBeUndefined();
    apply(s, { type: 'authEnable' });
    expect(refusal(() => s.checkRange(NO_AUTH, 'READ', b('foo'), b('')))).toBe('userEmpty');
    expect(refusal(() => s.checkRange(alice, 'READ', b('foo'), b('')))).toBeUndefined();
    expect(refusal(() => s.checkRange(alice, 'WRITE', b('foo'), b('')))).toBe('permissionDenied');
    expect(refusal(() => s.checkRange(alice, 'WRITE', b('pre/1'), b('')))).toBeUndefined();
    expect(refusal(() => s.checkRange(alice, 'READ', b('pre'), b('prf')))).toBeUndefined();
    expect(refusal(() => s.checkRange(alice, 'READ', b('pre'), b('\0')))).toBe('permissionDenied');
    expect(
      refusal(() => s.checkRange({ ...ROOT, revision: 1_000 }, 'WRITE', b('z'), b('\0'))),
    ).toBe(undefined);
    expect(
      refusal(() => s.checkRange({ user: 'ghost', revision: 1_000 }, 'READ', b('foo'), b(''))),
    ).toBe('permissionDenied');
    expect(
      refusal(() => s.checkRange({ user: 'alice', revision: 1 }, 'READ', b('foo'), b(''))),
    ).toBe('authOldRevision');
    // Revoking the role takes the permissions with it (the merged cache is dropped).
    apply(s, { type: 'userRevokeRole', request: { name: 'alice', role: 'reader' } }, ROOT);
    expect(refusal(() => s.checkRange(alice, 'READ', b('foo'), b('')))).toBe('permissionDenied');
  });

  it('updates the first permission on the same key and range instead of adding one', () => {
    const s = populated();
    apply(s, {
      type: 'roleGrantPermission',
      request: { name: 'reader', perm: { permType: 'WRITE', key: b('foo'), rangeEnd: b('') } },
    });
    const perms = s.role('reader')?.perms ?? [];
    expect(perms.map((p) => [Buffer.from(p.key).toString(), p.permType])).toEqual([
      ['foo', 'WRITE'],
      ['pre', 'READWRITE'],
    ]);
  });

  it('deleting a role takes it from every user; deleting a user or a new password drops tokens', () => {
    const s = populated();
    apply(s, { type: 'roleDelete', request: { role: 'reader' } });
    expect(s.user('alice')?.roles).toEqual([]);
    expect(apply(s, { type: 'userDelete', request: { name: 'alice' } }).effect).toEqual({
      invalidate: 'alice',
    });
    expect(
      apply(s, { type: 'userChangePassword', request: { name: 'root', password: 'h9' } }).effect,
    ).toEqual({ invalidate: 'root' });
  });

  it('authenticates only enabled, known, password users at the revision the check saw', () => {
    const s = populated();
    const auth = (name: string, revision = s.revision) =>
      refusal(() =>
        applyAuthCommand(s, { type: 'authenticate', request: { name, prefix: 'P' }, revision }, 7),
      );
    expect(auth('alice')).toBe('authNotEnabled');
    apply(s, { type: 'userAdd', request: { name: 'np', password: 'x', noPassword: true } });
    apply(s, { type: 'authEnable' });
    expect(auth('ghost')).toBe('authFailed');
    expect(auth('np')).toBe('authFailed');
    expect(auth('alice', s.revision - 1)).toBe('authOldRevision');
    const r = applyAuthCommand(
      s,
      { type: 'authenticate', request: { name: 'alice', prefix: 'P' }, revision: s.revision },
      7,
    );
    expect(r.response).toEqual({ header: { revision: 7 }, token: 'P' });
    expect(r.effect).toEqual({ assign: { prefix: 'P', user: 'alice' } });
    expect(s.user('np')?.password).toBe(''); // a no-password user stores no hash
  });

  it('survives a snapshot through the codec and the server machine checks', () => {
    const s = populated();
    apply(s, { type: 'authEnable' });
    const copy = AuthStore.restore(roundTrip(s.snapshot()));
    expect(roundTrip(copy.snapshot())).toEqual(roundTrip(s.snapshot()));
    expect(
      refusal(() => copy.checkRange({ user: 'alice', revision: 99 }, 'WRITE', b('pre1'), b(''))),
    ).toBe(undefined);
    const def = serverMachineDef();
    const empty = def.emptySnapshot as Record<string, unknown>;
    expect(def.isSnapshot({ ...empty, auth: s.snapshot() })).toBe(true);
    expect(def.isSnapshot(empty)).toBe(true); // written before auth existed
    const bad = { ...s.snapshot(), users: [['alice', 'h', false, ['z', 'a']]] };
    expect(def.isSnapshot({ ...empty, auth: bad })).toBe(false);
    expect(() => AuthStore.restore(bad)).toThrow(AuthSnapshotError);
    const noRoot = { ...s.snapshot(), users: [] };
    expect(() => AuthStore.restore(noRoot)).toThrow(AuthSnapshotError);
    expect(() => AuthStore.restore({ ...s.snapshot(), revision: 0 })).toThrow(AuthSnapshotError);
  });
});
