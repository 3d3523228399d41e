// etcd's server-side errors, one table for the whole coordination server: the MVCC machine
// raises some of them, the gRPC layer, Raft glue, auth and membership the rest. etcd clients
// (etcd3, clientv3, etcdctl) recognise errors by gRPC status code AND by exact message
// substring, so the strings here are copied byte for byte from etcd v3.4
// etcdserver/api/v3rpc/rpctypes/error.go (plus `invalidSortOption` from v3.5, because v3.4
// panics on an unknown sort option where we must answer).
//
// Fault model: none (constants and a plain error class).

/** gRPC status code names as in grpc's codes package, with their wire numbers. */
export const GRPC_STATUS = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

export type GrpcStatusName = keyof typeof GRPC_STATUS;

interface ErrorSpec {
  readonly code: GrpcStatusName;
  readonly message: string;
}

const spec = (code: GrpcStatusName, message: string): ErrorSpec => ({ code, message });

/** Every etcd error the server can answer with, by a camelCase name of rpctypes' ErrGRPC… */
export const ETCD_ERRORS = {
  // KV requests.
  emptyKey: spec('INVALID_ARGUMENT', 'etcdserver: key is not provided'),
  keyNotFound: spec('INVALID_ARGUMENT', 'etcdserver: key not found'),
  valueProvided: spec('INVALID_ARGUMENT', 'etcdserver: value is provided'),
  leaseProvided: spec('INVALID_ARGUMENT', 'etcdserver: lease is provided'),
  tooManyOps: spec('INVALID_ARGUMENT', 'etcdserver: too many operations in txn request'),
  duplicateKey: spec('INVALID_ARGUMENT', 'etcdserver: duplicate key given in txn request'),
  invalidSortOption: spec('INVALID_ARGUMENT', 'etcdserver: invalid sort option'),
  compacted: spec('OUT_OF_RANGE', 'etcdserver: mvcc: required revision has been compacted'),
  futureRev: spec('OUT_OF_RANGE', 'etcdserver: mvcc: required revision is a future revision'),
  noSpace: spec('RESOURCE_EXHAUSTED', 'etcdserver: mvcc: database space exceeded'),
  // Leases.
  leaseNotFound: spec('NOT_FOUND', 'etcdserver: requested lease not found'),
  leaseExist: spec('FAILED_PRECONDITION', 'etcdserver: lease already exists'),
  leaseTtlTooLarge: spec('OUT_OF_RANGE', 'etcdserver: too large lease TTL'),
  // Watch.
  watchCanceled: spec('CANCELLED', 'etcdserver: watch canceled'),
  // Membership.
  memberExist: spec('FAILED_PRECONDITION', 'etcdserver: member ID already exist'),
  peerUrlExist: spec('FAILED_PRECONDITION', 'etcdserver: Peer URLs already exists'),
  memberNotEnoughStarted: spec(
    'FAILED_PRECONDITION',
    'etcdserver: re-configuration failed due to not enough started members',
  ),
  memberBadUrls: spec('INVALID_ARGUMENT', 'etcdserver: given member URLs are invalid'),
  memberNotFound: spec('NOT_FOUND', 'etcdserver: member not found'),
  memberNotLearner: spec('FAILED_PRECONDITION', 'etcdserver: can only promote a learner member'),
  learnerNotReady: spec(
    'FAILED_PRECONDITION',
    'etcdserver: can only promote a learner member which is in sync with leader',
  ),
  tooManyLearners: spec('FAILED_PRECONDITION', 'etcdserver: too many learner members in cluster'),
  // Request limits.
  requestTooLarge: spec('INVALID_ARGUMENT', 'etcdserver: request is too large'),
  tooManyRequests: spec('RESOURCE_EXHAUSTED', 'etcdserver: too many requests'),
  // Auth.
  rootUserNotExist: spec('FAILED_PRECONDITION', 'etcdserver: root user does not exist'),
  rootRoleNotExist: spec('FAILED_PRECONDITION', 'etcdserver: root user does not have root role'),
  userAlreadyExist: spec('FAILED_PRECONDITION', 'etcdserver: user name already exists'),
  userEmpty: spec('INVALID_ARGUMENT', 'etcdserver: user name is empty'),
  userNotFound: spec('FAILED_PRECONDITION', 'etcdserver: user name not found'),
  roleAlreadyExist: spec('FAILED_PRECONDITION', 'etcdserver: role name already exists'),
  roleNotFound: spec('FAILED_PRECONDITION', 'etcdserver: role name not found'),
  roleEmpty: spec('INVALID_ARGUMENT', 'etcdserver: role name is empty'),
  authFailed: spec(
    'INVALID_ARGUMENT',
    'etcdserver: authentication failed, invalid user ID or password',
  ),
  permissionDenied: spec('PERMISSION_DENIED', 'etcdserver: permission denied'),
  roleNotGranted: spec('FAILED_PRECONDITION', 'etcdserver: role is not granted to the user'),
  permissionNotGranted: spec(
    'FAILED_PRECONDITION',
    'etcdserver: permission is not granted to the role',
  ),
  authNotEnabled: spec('FAILED_PRECONDITION', 'etcdserver: authentication is not enabled'),
  invalidAuthToken: spec('UNAUTHENTICATED', 'etcdserver: invalid auth token'),
  invalidAuthMgmt: spec('INVALID_ARGUMENT', 'etcdserver: invalid auth management'),
  authOldRevision: spec('INVALID_ARGUMENT', 'etcdserver: revision of auth store is old'),
  // Cluster state.
  noLeader: spec('UNAVAILABLE', 'etcdserver: no leader'),
  notLeader: spec('FAILED_PRECONDITION', 'etcdserver: not leader'),
  leaderChanged: spec('UNAVAILABLE', 'etcdserver: leader changed'),
  notCapable: spec('UNAVAILABLE', 'etcdserver: not capable'),
  stopped: spec('UNAVAILABLE', 'etcdserver: server stopped'),
  timeout: spec('UNAVAILABLE', 'etcdserver: request timed out'),
  timeoutDueToLeaderFail: spec(
    'UNAVAILABLE',
    'etcdserver: request timed out, possibly due to previous leader failure',
  ),
  timeoutDueToConnectionLost: spec(
    'UNAVAILABLE',
    'etcdserver: request timed out, possibly due to connection lost',
  ),
  timeoutWaitAppliedIndex: spec(
    'UNAVAILABLE',
    'etcdserver: request timed out, waiting for the applied index took too long',
  ),
  unhealthy: spec('UNAVAILABLE', 'etcdserver: unhealthy cluster'),
  corrupt: spec('DATA_LOSS', 'etcdserver: corrupt cluster'),
  notSupportedForLearner: spec('UNAVAILABLE', 'etcdserver: rpc not supported for learner'),
  badLeaderTransferee: spec('FAILED_PRECONDITION', 'etcdserver: bad leader transferee'),
  // etcdserver.ErrTimeoutLeaderTransfer has no rpctypes entry: togRPCError answers UNKNOWN.
  timeoutLeaderTransfer: spec(
    'UNKNOWN',
    'etcdserver: request timed out, leader transfer took too long',
  ),
} as const satisfies Record<string, ErrorSpec>;

export type EtcdErrorKind = keyof typeof ETCD_ERRORS;

/**
 * An etcd error as the server answers it: the gRPC status (`code`, `grpcCode`) and etcd's
 * exact message. `retryable` follows etcd's clients: UNAVAILABLE means "try again, maybe on
 * another member"; everything else is an answer about the request itself.
 */
export class EtcdError extends Error {
  override readonly name = 'EtcdError';
  readonly code: GrpcStatusName;
  readonly grpcCode: number;
  readonly retryable: boolean;

  constructor(
    readonly kind: EtcdErrorKind,
    options?: { readonly cause?: unknown },
  ) {
    const { code, message } = ETCD_ERRORS[kind];
    super(message, options);
    this.code = code;
    this.grpcCode = GRPC_STATUS[code];
    this.retryable = code === 'UNAVAILABLE';
  }
}

/** The etcd error whose message is `message`, if there is one (clients map strings back). */
export function etcdErrorKindOf(message: string): EtcdErrorKind | undefined {
  for (const kind of Object.keys(ETCD_ERRORS) as EtcdErrorKind[]) {
    if (ETCD_ERRORS[kind].message === message) return kind;
  }
  return undefined;
}
