// The replicated broker's gRPC server: the same Broker service (proto/cohort/broker.proto) as
// server.ts, on a ReplicatedBroker (replicated-broker.ts). It serves CreateTopic,
// DescribeTopic, Publish, and the replicated mode's own calls — Fetch, CommitOffset (fenced by
// member and generation when given), CommittedOffset, Metadata, and the consumer groups'
// JoinGroup, GroupHeartbeat and LeaveGroup (the metadata leader coordinates; see
// replicated-broker.ts). Consumer-group streams (Consume), GroupOffsets and transactional
// messages (Prepare, EndTransaction, Checks) are single-broker features: here they answer
// InvalidArgumentError saying so (see docs/broker.md, "Replicated mode").
//
// Fault model: as server.ts (untrusted, size-bounded requests, typed errors); a call that
// reaches a broker not leading its partition answers NotLeaderError with the leader's id in
// the trailing metadata (wire.ts LEADER_KEY).

import {
  Server,
  ServerCredentials,
  type ServerDuplexStream,
  type ServiceError,
} from '@grpc/grpc-js';
import { InvalidArgumentError } from './errors.js';
import { brokerService } from './proto.js';
import {
  type GroupView,
  ReplicatedBroker,
  type ReplicatedBrokerOptions,
} from './replicated-broker.js';
import { toServiceError, unary } from './server.js';
import {
  type CreateTopicRequest,
  deliveryToWire,
  messageFromWire,
  topicConfigFromWire,
  type WireMessage,
} from './wire.js';

export interface ReplicatedServerOptions extends ReplicatedBrokerOptions {
  readonly host?: string;
  /** 0: a free port. */
  readonly port?: number;
  readonly maxRequestBytes?: number;
}

export interface ReplicatedServer {
  readonly broker: ReplicatedBroker;
  readonly port: number;
  /** Where this broker listens for its peers (the Raft groups' transport). */
  readonly peerPort: number;
  close(): Promise<void>;
}

const FETCH_MAX_MESSAGES = 1000;
const FETCH_MAX_BYTES = 4 * 1024 * 1024;

interface PartitionRequest {
  group: string;
  topic: string;
  partition: number;
  offset: number;
  member: string;
  generation: number;
}

function assignmentToWire(member: string, v: GroupView) {
  return {
    memberId: member,
    generation: v.generation,
    partitions: v.partitions.map((p) => ({ ...p, offset: 0 })),
    sessionTimeoutMs: v.sessionTimeoutMs,
  };
}

function unsupported(what: string) {
  return unary(() => {
    throw new InvalidArgumentError(`${what} is not available in replicated mode`);
  });
}

function unsupportedStream(what: string) {
  return (call: ServerDuplexStream<unknown, unknown>) => {
    const e = toServiceError(
      new InvalidArgumentError(`${what} is not available in replicated mode`),
    );
    call.emit('error', e as ServiceError);
  };
}

function handlers(broker: ReplicatedBroker) {
  const topicInfo = (topic: string) => {
    const { config, partitions } = broker.describeTopic(topic);
    return { topic, ...config, partitionInfo: partitions };
  };
  return {
    CreateTopic: unary(async (r: CreateTopicRequest) => {
      await broker.createTopic(r.topic, topicConfigFromWire(r));
      return topicInfo(r.topic);
    }),
    DescribeTopic: unary((r: { topic: string }) => topicInfo(r.topic)),
    Publish: unary(async (r: { topic: string; messages: WireMessage[] }) => {
      const out = await broker.publish(r.topic, r.messages.map(messageFromWire));
      return { positions: out.map((p) => ({ topic: r.topic, ...p })) };
    }),
    Fetch: unary(
      async (r: {
        topic: string;
        partition: number;
        offset: number;
        maxMessages: number;
        maxBytes: number;
      }) => {
        const f = await broker.fetch(r.topic, r.partition, r.offset, {
          max: Math.min(r.maxMessages || FETCH_MAX_MESSAGES, FETCH_MAX_MESSAGES),
          maxBytes: Math.min(r.maxBytes || FETCH_MAX_BYTES, FETCH_MAX_BYTES),
        });
        const records = f.records.map((x) =>
          deliveryToWire({ topic: r.topic, partition: r.partition, ...x, attempt: 0 } as never),
        );
        return { records, start: f.start, next: f.next };
      },
    ),
    CommitOffset: unary(async (r: PartitionRequest) => {
      // A member's commit is always fenced: generation 0 is the unfenced (manual) form only.
      if (r.member !== '' && !(r.generation > 0))
        throw new InvalidArgumentError('a commit naming a member needs its generation (≥ 1)');
      const fence = r.generation > 0 ? { member: r.member, generation: r.generation } : undefined;
      await broker.commitOffset(r.group, r.topic, r.partition, r.offset, fence);
      return { offset: r.offset };
    }),
    JoinGroup: unary(
      async (r: {
        group: string;
        member: string;
        topics: string[];
        sessionTimeoutMs: number;
        assignor: string;
      }) => {
        const v = await broker.joinGroup(r.group, r.member, r.topics, {
          sessionTimeoutMs: r.sessionTimeoutMs || broker.config.sessionTimeoutMs,
          assignor: (r.assignor || 'range') as 'range',
        });
        return assignmentToWire(r.member, v);
      },
    ),
    GroupHeartbeat: unary(async (r: { group: string; member: string }) =>
      assignmentToWire(r.member, await broker.heartbeat(r.group, r.member)),
    ),
    LeaveGroup: unary(async (r: { group: string; member: string }) =>
      assignmentToWire(r.member, await broker.leaveGroup(r.group, r.member)),
    ),
    CommittedOffset: unary(async (r: PartitionRequest) => ({
      offset: await broker.committedOffset(r.group, r.topic, r.partition),
    })),
    Metadata: unary((r: { topic: string }) => {
      const leaders = r.topic === '' ? [] : broker.leaders(r.topic);
      return {
        brokerId: broker.id,
        metaLeader: broker.meta.leader ?? 0,
        partitions: leaders.length,
        leaders: leaders.map((leader, partition) => ({ partition, leader: leader ?? 0 })),
      };
    }),
    Prepare: unsupported('Prepare (transactional messages)'),
    EndTransaction: unsupported('EndTransaction (transactional messages)'),
    GroupOffsets: unsupported('GroupOffsets (use CommittedOffset per partition)'),
    Consume: unsupportedStream('Consume (use Fetch and CommitOffset)'),
    Checks: unsupportedStream('Checks (transactional messages)'),
  };
}

export async function startReplicatedBrokerServer(
  o: ReplicatedServerOptions,
): Promise<ReplicatedServer> {
  const broker = await ReplicatedBroker.open(o);
  const server = new Server({
    'grpc.max_receive_message_length': o.maxRequestBytes ?? 16 * 1024 * 1024 + 64 * 1024,
    'grpc.max_send_message_length': -1,
  });
  server.addService(brokerService().service, handlers(broker));
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      `${o.host ?? '127.0.0.1'}:${o.port ?? 0}`,
      ServerCredentials.createInsecure(),
      (e, p) => (e === null ? resolve(p) : reject(e)),
    ),
  ).catch(async (error: unknown) => {
    await broker.close();
    throw error;
  });
  return {
    broker,
    port,
    peerPort: broker.peerPort,
    close: async () => {
      server.forceShutdown();
      await broker.close();
    },
  };
}
