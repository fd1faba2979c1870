// wasmbpfctl: the node agent's client. A thin main over WasmbpfCtl.

import WasmbpfCtl

await WasmbpfCtlCommand.runFromCommandLine()
