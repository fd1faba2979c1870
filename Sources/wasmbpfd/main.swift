// wasmbpfd: the node agent. A thin main over WasmbpfAgent (see docs/agent.md).

import WasmbpfAgent

await WasmbpfDaemonCommand.runFromCommandLine()
