// A unary or server-streaming call whose request stream ended before one whole message
// arrived (a truncated gRPC frame, or no frame at all) is answered as etcd's grpc-go answers
// it: UNKNOWN with Go's io error text, not grpc-js's UNIMPLEMENTED ("Received no request
// message…"), which a client would take for a method the server lacks. The interceptor sees
// only the status grpc-js is about to send, so it cannot tell a truncated frame
// ("unexpected EOF") from none ("EOF"); it says "unexpected EOF", the common case.
//
// Fault model: the request bytes are the client's (anything); this rewrites one status and
// passes every other one through unchanged. Other malformed bodies (undecodable protobuf:
// INTERNAL; a length prefix over the receive limit: RESOURCE_EXHAUSTED) already get etcd's
// codes from grpc-js itself.

import {
  ResponderBuilder,
  ServerInterceptingCall,
  type ServerInterceptingCallInterface,
  type ServerInterceptor,
  status,
} from '@grpc/grpc-js';

/** grpc-js's details for a call that ended without its one request message. */
const NO_REQUEST = /^Received no request message for /;

/** Stateless, so one serves every call (a call costs one wrapper, nothing more). */
const responder = new ResponderBuilder()
  .withSendStatus((s, next) => {
    const eof = s.code === status.UNIMPLEMENTED && NO_REQUEST.test(s.details ?? '');
    next(eof ? { ...s, code: status.UNKNOWN, details: 'unexpected EOF' } : s);
  })
  .build();

export const requestEofInterceptor: ServerInterceptor = (
  _method,
  call: ServerInterceptingCallInterface,
) => new ServerInterceptingCall(call, responder);
