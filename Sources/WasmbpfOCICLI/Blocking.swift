// The command line is synchronous and the registry client asynchronous: a command
// waits for its registry work here, on a thread that is not one of the concurrency
// pool's, so the pool is free to run it.

import Dispatch
import NIOConcurrencyHelpers
import WasmbpfOCI

private final class ResultBox<T>: @unchecked Sendable {
  // Written once by the task before it signals, read once after the wait.
  var result: Result<T, OCIError>?
}

/// Runs `operation` to completion and returns its result.
func runBlocking<T: Sendable>(_ operation: @escaping @Sendable () async throws(OCIError) -> T)
  throws(OCIError) -> T
{
  let box = ResultBox<T>()
  let done = DispatchSemaphore(value: 0)
  Task {
    do throws(OCIError) {
      box.result = .success(try await operation())
    } catch {
      box.result = .failure(error)
    }
    done.signal()
  }
  done.wait()
  return try box.result!.get()
}

/// Notices raised while a registry task runs (on the concurrency pool), printed by
/// the waiting command afterwards, on its own thread.
final class Notices: Sendable {
  private let lines = NIOLockedValueBox<[String]>([])

  var add: @Sendable (String) -> Void {
    { [self] line in lines.withLockedValue { $0.append(line) } }
  }

  func flush(to errors: (String) -> Void) {
    for line in lines.withLockedValue({ $0 }) { errors(line) }
    lines.withLockedValue { $0.removeAll() }
  }
}

/// Runs `operation` with a new client, which is shut down afterwards whatever happens.
func withRegistryClient<T: Sendable>(
  _ configuration: RegistryClientConfiguration,
  _ operation: @escaping @Sendable (RegistryClient) async throws(OCIError) -> T
) throws(OCIError) -> T {
  try runBlocking { () async throws(OCIError) -> T in
    let client = RegistryClient(configuration: configuration)
    do throws(OCIError) {
      let value = try await operation(client)
      await client.shutdown()
      return value
    } catch {
      await client.shutdown()
      throw error
    }
  }
}
