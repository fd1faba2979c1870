// The per-request context: Hummingbird's core storage plus the channel the request
// came in on, from which the access check reads the peer's credentials.

import Hummingbird
import NIOCore

struct AgentRequestContext: RequestContext {
  var coreContext: CoreRequestContextStorage
  let channel: any Channel

  init(source: ApplicationRequestContextSource) {
    coreContext = CoreRequestContextStorage(source: source)
    channel = source.channel
  }

  /// Bodies are read by the handlers with their own limit (`AgentServer.maxBodyBytes`).
  var maxUploadSize: Int { AgentServer.maxBodyBytes }
}
