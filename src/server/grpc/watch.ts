// etcd's Watch service: one bidirectional stream per client connection, carrying many
// watchers (watch-hub.ts). Create, cancel and progress requests arrive on the stream;
// responses carry etcd's header (at the hub's revision) and events in wire form.
//
// Fault model: a client may never read (the hub stops sending and catches up from history
// once grpc-js's buffer drains; meanwhile the stream's requests are not read, so a client
// that keeps creating watches without reading piles up nothing here), send garbage requests
// (ignored, as etcd ignores unknown ones), or vanish (the stream's watchers are dropped).

import type { ServerDuplexStream } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { EtcdServer } from '../etcd-server.js';
import type { WatchResponse } from '../watch-hub.js';
import { eventToWire, int, type Wire } from '../wire.js';

type WatchCall = ServerDuplexStream<Wire, Wire>;

const EMPTY = new Uint8Array(0);

function toWire(server: EtcdServer, r: WatchResponse): Wire {
  return {
    header: server.header(r.revision),
    watchId: r.watchId,
    created: r.created === true,
    canceled: r.canceled === true,
    compactRevision: r.compactRevision ?? 0,
    cancelReason: r.cancelReason ?? '',
    events: (r.events ?? []).map(eventToWire),
  };
}

export function watchService(server: EtcdServer, _log: Logger) {
  return {
    Watch(call: WatchCall) {
      const stream = server.hub.open({
        send: (r) => {
          if (call.write(toWire(server, r))) return true;
          // Behind: read no more requests until the client reads (each would add a reply
          // to the buffer), as etcd's recvLoop blocks on its full control channel; HTTP/2
          // flow control then holds the client's requests back.
          call.pause();
          return false;
        },
      });
      call.on('drain', () => {
        call.resume();
        stream.drained();
      });
      call.on('data', (w: Wire) => {
        if (w.requestUnion === 'createRequest') {
          const c = w.createRequest as Wire;
          const filters = Array.isArray(c.filters) ? (c.filters as unknown[]) : [];
          stream.create({
            key: c.key instanceof Uint8Array ? c.key : EMPTY,
            rangeEnd: c.rangeEnd instanceof Uint8Array ? c.rangeEnd : EMPTY,
            startRevision: int(c.startRevision),
            progressNotify: c.progressNotify === true,
            noPut: filters.includes('NOPUT'),
            noDelete: filters.includes('NODELETE'),
            prevKv: c.prevKv === true,
            watchId: int(c.watchId),
          });
        } else if (w.requestUnion === 'cancelRequest') {
          stream.cancel(int((w.cancelRequest as Wire).watchId));
        } else if (w.requestUnion === 'progressRequest') {
          stream.progress();
        }
      });
      const close = () => stream.close();
      call.on('end', () => {
        close();
        call.end();
      });
      call.on('cancelled', close);
      call.on('error', close);
      call.on('close', close);
    },
  };
}
