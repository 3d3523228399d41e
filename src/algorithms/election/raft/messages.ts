// The messages of election/raft are Raft's own (consensus/raft/messages.ts): this election
// runs consensus/raft's server with no clients, which sends a subset of them, so its
// parseMessage is Raft's parser. Nothing is redefined here.

export { parseRaftMessage, type RaftMessage } from '../../consensus/raft/index.js';
