// Per-guest metrics in the Prometheus text format, through swift-prometheus. Values
// are read from the guests when scraped (a guest's thread never touches a metric), so
// an idle agent does no metric work; counters are set to each guest's running totals,
// which only grow while the guest exists.

import Foundation
import Prometheus
import Synchronization

final class AgentMetrics: Sendable {
  private let registry = PrometheusCollectorRegistry()

  private struct GuestSeries {
    var events: Counter
    var callbackSeconds: Counter
    var fuel: Counter
    var traps: Counter
    var restarts: Counter
    var memory: Gauge
    var links: Gauge
    var running: Gauge
    var paused: Gauge
  }

  private struct State {
    var series: [String: GuestSeries] = [:]
  }

  private let state = Mutex(State())
  private let guestCount: Gauge

  /// Metric names and help texts: one table, also read by docs/agent.md's list.
  static let help: [(name: String, help: String)] = [
    ("wasmbpf_guest_events_total", "Events delivered to the guest's buffer callbacks."),
    ("wasmbpf_guest_callback_seconds_total", "Time spent in the guest's buffer callbacks."),
    ("wasmbpf_guest_fuel_used_total", "Fuel the guest has used."),
    ("wasmbpf_guest_traps_total", "Runs of the guest that ended in a trap."),
    ("wasmbpf_guest_restarts_total", "Restarts by the guest's restart policy."),
    ("wasmbpf_guest_memory_bytes", "Linear memory of the guest's running instance."),
    ("wasmbpf_guest_links", "BPF links the guest has attached now."),
    ("wasmbpf_guest_running", "1 while the guest runs (paused included)."),
    ("wasmbpf_guest_paused", "1 while the guest is paused."),
    ("wasmbpf_agent_guests", "Guests the agent holds (running or not)."),
  ]

  init() {
    guestCount = registry.makeGauge(descriptor: Self.descriptor("wasmbpf_agent_guests"), labels: [])
  }

  private static func descriptor(_ name: String) -> MetricNameDescriptor {
    MetricNameDescriptor(metricName: name, helpText: help.first { $0.name == name }?.help)
  }

  /// The text exposition of every guest's metrics.
  func render(guests: [ManagedGuest]) -> String {
    state.withLock { state in
      let names = Set(guests.map(\.name))
      for (name, series) in state.series where !names.contains(name) {
        unregister(series)
        state.series[name] = nil
      }
      for guest in guests {
        let series = state.series[guest.name] ?? makeSeries(guest.name)
        state.series[guest.name] = series
        update(series, from: guest)
      }
      guestCount.set(to: Double(guests.count))
      return registry.emitToString()
    }
  }

  private func makeSeries(_ name: String) -> GuestSeries {
    let labels = [("guest", name)]
    func counter(_ metric: String) -> Counter {
      registry.makeCounter(descriptor: Self.descriptor(metric), labels: labels)
    }
    func gauge(_ metric: String) -> Gauge {
      registry.makeGauge(descriptor: Self.descriptor(metric), labels: labels)
    }
    return GuestSeries(
      events: counter("wasmbpf_guest_events_total"),
      callbackSeconds: counter("wasmbpf_guest_callback_seconds_total"),
      fuel: counter("wasmbpf_guest_fuel_used_total"),
      traps: counter("wasmbpf_guest_traps_total"),
      restarts: counter("wasmbpf_guest_restarts_total"),
      memory: gauge("wasmbpf_guest_memory_bytes"),
      links: gauge("wasmbpf_guest_links"),
      running: gauge("wasmbpf_guest_running"),
      paused: gauge("wasmbpf_guest_paused"))
  }

  private func update(_ series: GuestSeries, from guest: ManagedGuest) {
    let totals = guest.totals()
    let info = guest.info()
    func set(_ counter: Counter, _ value: UInt64) {
      counter.reset()
      counter.increment(by: Int64(clamping: value))
    }
    set(series.events, totals.events)
    series.callbackSeconds.reset()
    series.callbackSeconds.increment(by: Double(totals.callbackNanoseconds) / 1e9)
    set(series.fuel, totals.fuelUsed)
    set(series.traps, guest.trapCount)
    set(series.restarts, guest.restartCount)
    series.memory.set(to: Double(totals.memoryBytes))
    series.links.set(to: Double(info.links))
    let running = info.state == .running || info.state == .paused || info.state == .starting
    series.running.set(to: running ? 1 : 0)
    series.paused.set(to: info.state == .paused ? 1 : 0)
  }

  private func unregister(_ series: GuestSeries) {
    for counter in [
      series.events, series.callbackSeconds, series.fuel, series.traps, series.restarts,
    ] {
      registry.unregisterCounter(counter)
    }
    for gauge in [series.memory, series.links, series.running, series.paused] {
      registry.unregisterGauge(gauge)
    }
  }
}
