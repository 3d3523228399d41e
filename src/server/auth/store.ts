// etcd v3.4's auth store (auth/store.go, learnt from) as a pure part of the server machine:
// users (a password hash made by the PROPOSER — see password.ts — or none), roles with
// key-range permissions, the enabled flag and the auth revision. Raft applies its commands
// on every member (commands.ts); the gRPC layer reads it for permission checks.
//
// The auth revision starts at 1 and moves on every change etcd counts — user and role
// changes, auth disable — but not on auth enable, a repeated grant, or an authenticate, as
// in etcd v3.4. Names compare as UTF-8 bytes (Go's string order), so lists come out in
// etcd's order. The merged permissions of each user are cached and dropped on any change.
//
// Fault model: deterministic, no I/O, clock or randomness. Every refusal is an EtcdError
// thrown before anything changes; a snapshot from a peer is validated whole (restore).

import { isRecord } from '../../core/validate.js';
import { EtcdError } from '../errors.js';
import { type MergedPerms, mergePerms, PERM_TYPES, type Permission, permits } from './perms.js';

export const ROOT = 'root';

export interface User {
  readonly name: string;
  /** The proposer's hash (password.ts), or '' for a user added with no password. */
  readonly password: string;
  readonly noPassword: boolean;
  /** Sorted (UTF-8 byte order), each once. */
  readonly roles: readonly string[];
}

export interface Role {
  readonly name: string;
  /** Sorted by key (bytes); one entry per (key, rangeEnd). */
  readonly perms: readonly Permission[];
}

/** Who a request comes from: etcd's AuthInfo (an empty user when there is no token). */
export interface AuthInfo {
  readonly user: string;
  readonly revision: number;
}

export const NO_AUTH: AuthInfo = { user: '', revision: 0 };

/** The store as snapshots keep it: plain data for the core codec. */
export interface AuthSnapshot {
  readonly enabled: boolean;
  readonly revision: number;
  /** [name, password, noPassword, roles] */
  readonly users: readonly (readonly [string, string, boolean, readonly string[]])[];
  /** [name, [permType, key, rangeEnd][]] */
  readonly roles: readonly (readonly [
    string,
    readonly (readonly [string, Uint8Array, Uint8Array])[],
  ])[];
}

export class AuthSnapshotError extends Error {
  override readonly name = 'AuthSnapshotError';
}

/** Go's string order: UTF-8 bytes. */
export function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function sortedInsert(names: readonly string[], name: string): string[] {
  return [...names, name].sort(compareNames);
}

export class AuthStore {
  enabled = false;
  revision = 1;
  private readonly users = new Map<string, User>();
  private readonly roles = new Map<string, Role>();
  private merged = new Map<string, MergedPerms>();

  // ─── Replicated changes (etcd's AuthStore methods, same checks, same order) ────────────

  enable(): void {
    if (this.enabled) return;
    const root = this.users.get(ROOT);
    if (root === undefined) throw new EtcdError('rootUserNotExist');
    if (!hasRootRole(root)) throw new EtcdError('rootRoleNotExist');
    this.enabled = true;
  }

  /** Returns whether it changed anything (tokens are dropped only then). */
  disable(): boolean {
    if (!this.enabled) return false;
    this.enabled = false;
    this.commit();
    return true;
  }

  userAdd(name: string, password: string, noPassword: boolean): void {
    if (name.length === 0) throw new EtcdError('userEmpty');
    if (this.users.has(name)) throw new EtcdError('userAlreadyExist');
    this.users.set(name, { name, password: noPassword ? '' : password, noPassword, roles: [] });
    this.commit();
  }

  userDelete(name: string): void {
    if (this.enabled && name === ROOT) throw new EtcdError('invalidAuthMgmt');
    if (!this.users.delete(name)) throw new EtcdError('userNotFound');
    this.commit();
  }

  userChangePassword(name: string, password: string): void {
    const user = this.users.get(name);
    if (user === undefined) throw new EtcdError('userNotFound');
    this.users.set(name, { ...user, password });
    this.commit();
  }

  userGrantRole(name: string, role: string): void {
    const user = this.users.get(name);
    if (user === undefined) throw new EtcdError('userNotFound');
    // etcd lets the root role be granted before it exists (auth enable needs just that).
    if (role !== ROOT && !this.roles.has(role)) throw new EtcdError('roleNotFound');
    if (user.roles.includes(role)) return;
    this.users.set(name, { ...user, roles: sortedInsert(user.roles, role) });
    this.commit();
  }

  userRevokeRole(name: string, role: string): void {
    if (this.enabled && name === ROOT && role === ROOT) throw new EtcdError('invalidAuthMgmt');
    const user = this.users.get(name);
    if (user === undefined) throw new EtcdError('userNotFound');
    if (!user.roles.includes(role)) throw new EtcdError('roleNotGranted');
    this.users.set(name, { ...user, roles: user.roles.filter((r) => r !== role) });
    this.commit();
  }

  roleAdd(name: string): void {
    if (name.length === 0) throw new EtcdError('roleEmpty');
    if (this.roles.has(name)) throw new EtcdError('roleAlreadyExist');
    this.roles.set(name, { name, perms: [] });
    this.commit();
  }

  roleDelete(name: string): void {
    if (this.enabled && name === ROOT) throw new EtcdError('invalidAuthMgmt');
    if (!this.roles.delete(name)) throw new EtcdError('roleNotFound');
    for (const user of this.users.values())
      if (user.roles.includes(name))
        this.users.set(user.name, { ...user, roles: user.roles.filter((r) => r !== name) });
    this.commit();
  }

  roleGrantPermission(name: string, perm: Permission): void {
    const role = this.roles.get(name);
    if (role === undefined) throw new EtcdError('roleNotFound');
    // As etcd: only the FIRST permission on the same key is a candidate for an update.
    const at = role.perms.findIndex((p) => Buffer.compare(p.key, perm.key) >= 0);
    const first = at < 0 ? undefined : role.perms[at];
    const update =
      first !== undefined &&
      Buffer.compare(first.key, perm.key) === 0 &&
      Buffer.compare(first.rangeEnd, perm.rangeEnd) === 0;
    const perms = update
      ? role.perms.map((p, i) => (i === at ? { ...p, permType: perm.permType } : p))
      : [...role.perms, perm].sort((a, b) => Buffer.compare(a.key, b.key));
    this.roles.set(name, { name, perms });
    this.commit();
  }

  roleRevokePermission(name: string, key: Uint8Array, rangeEnd: Uint8Array): void {
    const role = this.roles.get(name);
    if (role === undefined) throw new EtcdError('roleNotFound');
    const perms = role.perms.filter(
      (p) => Buffer.compare(p.key, key) !== 0 || Buffer.compare(p.rangeEnd, rangeEnd) !== 0,
    );
    if (perms.length === role.perms.length) throw new EtcdError('permissionNotGranted');
    this.roles.set(name, { name, perms });
    this.commit();
  }

  // ─── Reads ─────────────────────────────────────────────────────────────────────────────

  user(name: string): User | undefined {
    return this.users.get(name);
  }

  role(name: string): Role | undefined {
    return this.roles.get(name);
  }

  userNames(): string[] {
    return [...this.users.keys()].sort(compareNames);
  }

  roleNames(): string[] {
    return [...this.roles.keys()].sort(compareNames);
  }

  hasRole(user: string, role: string): boolean {
    return this.users.get(user)?.roles.includes(role) ?? false;
  }

  // ─── Permission checks (etcd's IsAdminPermitted / isOpPermitted) ───────────────────────

  checkAdmin(info: AuthInfo): void {
    if (!this.enabled) return;
    if (info.user === '') throw new EtcdError('userEmpty');
    const user = this.users.get(info.user);
    if (user === undefined) throw new EtcdError('userNotFound');
    if (!hasRootRole(user)) throw new EtcdError('permissionDenied');
  }

  /** READ or WRITE on [key, rangeEnd) (one key when rangeEnd is empty). */
  checkRange(info: AuthInfo, access: 'READ' | 'WRITE', key: Uint8Array, rangeEnd: Uint8Array) {
    if (!this.enabled) return;
    // A request without a token carries revision 0, as in etcd.
    if (info.revision === 0) throw new EtcdError('userEmpty');
    if (info.revision < this.revision) throw new EtcdError('authOldRevision');
    const user = this.users.get(info.user);
    if (user === undefined) throw new EtcdError('permissionDenied');
    if (hasRootRole(user)) return;
    if (!permits(this.mergedPerms(user), access, key, rangeEnd))
      throw new EtcdError('permissionDenied');
  }

  private mergedPerms(user: User): MergedPerms {
    let merged = this.merged.get(user.name);
    if (merged === undefined) {
      const perms = user.roles.flatMap((r) => this.roles.get(r)?.perms ?? []);
      merged = mergePerms(perms);
      this.merged.set(user.name, merged);
    }
    return merged;
  }

  private commit(): void {
    this.revision++;
    this.merged = new Map();
  }

  // ─── Snapshots ─────────────────────────────────────────────────────────────────────────

  snapshot(): AuthSnapshot {
    return {
      enabled: this.enabled,
      revision: this.revision,
      users: this.userNames().map((n) => {
        const u = this.users.get(n) as User;
        return [u.name, u.password, u.noPassword, [...u.roles]] as const;
      }),
      roles: this.roleNames().map((n) => {
        const r = this.roles.get(n) as Role;
        return [r.name, r.perms.map((p) => [p.permType, p.key, p.rangeEnd] as const)] as const;
      }),
    };
  }

  /** A store equal to the one `snapshot` was taken from; throws AuthSnapshotError if bad. */
  static restore(snapshot: unknown): AuthStore {
    const s = snapshot;
    const bad = (what: string): never => {
      throw new AuthSnapshotError(`auth snapshot: ${what}`);
    };
    if (!isRecord(s) || typeof s.enabled !== 'boolean') return bad('not an auth store');
    if (!Number.isSafeInteger(s.revision) || (s.revision as number) < 1) return bad('revision');
    if (!Array.isArray(s.users) || !Array.isArray(s.roles)) return bad('users and roles');
    const store = new AuthStore();
    store.enabled = s.enabled;
    store.revision = s.revision as number;
    for (const r of s.roles as unknown[]) {
      const role = roleOf(r) ?? bad('a role');
      if (store.roles.has(role.name)) bad(`role ${role.name} twice`);
      store.roles.set(role.name, role);
    }
    for (const u of s.users as unknown[]) {
      const user = userOf(u) ?? bad('a user');
      if (store.users.has(user.name)) bad(`user ${user.name} twice`);
      store.users.set(user.name, user);
    }
    if (store.enabled) {
      const root = store.users.get(ROOT);
      if (root === undefined || !hasRootRole(root)) bad('enabled without a root user');
    }
    return store;
  }
}

export function hasRootRole(user: User): boolean {
  return user.roles.includes(ROOT);
}

const isSortedUnique = (names: readonly string[]) =>
  names.every((n, i) => i === 0 || compareNames(names[i - 1] as string, n) < 0);

function userOf(x: unknown): User | undefined {
  if (!Array.isArray(x) || x.length !== 4) return undefined;
  const [name, password, noPassword, roles] = x as unknown[];
  if (typeof name !== 'string' || name === '' || typeof password !== 'string') return undefined;
  if (typeof noPassword !== 'boolean' || !Array.isArray(roles)) return undefined;
  if (!roles.every((r) => typeof r === 'string') || !isSortedUnique(roles)) return undefined;
  return { name, password, noPassword, roles };
}

function roleOf(x: unknown): Role | undefined {
  if (!Array.isArray(x) || x.length !== 2) return undefined;
  const [name, perms] = x as unknown[];
  if (typeof name !== 'string' || name === '' || !Array.isArray(perms)) return undefined;
  const out: Permission[] = [];
  for (const p of perms) {
    if (!Array.isArray(p) || p.length !== 3) return undefined;
    const [permType, key, rangeEnd] = p as unknown[];
    if (!PERM_TYPES.includes(permType as never)) return undefined;
    if (!(key instanceof Uint8Array) || !(rangeEnd instanceof Uint8Array)) return undefined;
    out.push({ permType: permType as Permission['permType'], key, rangeEnd });
  }
  return { name, perms: out };
}
