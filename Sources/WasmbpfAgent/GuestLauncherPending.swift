// TEMPORARY (not for merge): the WasmbpfGuest library is not in main yet.
struct PendingLauncher: GuestLauncher {
  struct NotYet: Error {}
  func launch(_ launch: GuestLaunch) throws -> any RunningGuest { throw NotYet() }
}
func makeGuestLauncher() -> any GuestLauncher { PendingLauncher() }
