// Counts the packets an interface receives, by protocol, at the XDP hook (before the
// kernel's network stack sees them), and lets every packet pass.
#include "vmlinux.h"
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "xdpcount.h"

char LICENSE[] SEC("license") = "GPL";

#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD
#define ETH_P_ARP 0x0806
#define IPPROTO_ICMPV6 58

// A plain array with atomic adds, not a per-CPU one, so that the user side reads one
// value whatever the machine's number of CPUs.
struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, XDPCOUNT_CLASSES);
  __type(key, __u32);
  __type(value, struct xdpcount_value);
} counts SEC(".maps");

static __always_inline __u32 classify(void *data, void *end) {
  struct ethhdr *eth = data;
  if ((void *)(eth + 1) > end) return XDPCOUNT_OTHER;
  __u16 type = bpf_ntohs(eth->h_proto);
  if (type == ETH_P_ARP) return XDPCOUNT_ARP;
  if (type == ETH_P_IP) {
    struct iphdr *ip = (void *)(eth + 1);
    if ((void *)(ip + 1) > end) return XDPCOUNT_IPV4_OTHER;
    switch (ip->protocol) {
    case IPPROTO_TCP: return XDPCOUNT_IPV4_TCP;
    case IPPROTO_UDP: return XDPCOUNT_IPV4_UDP;
    case IPPROTO_ICMP: return XDPCOUNT_IPV4_ICMP;
    default: return XDPCOUNT_IPV4_OTHER;
    }
  }
  if (type == ETH_P_IPV6) {
    struct ipv6hdr *ip6 = (void *)(eth + 1);
    if ((void *)(ip6 + 1) > end) return XDPCOUNT_IPV6_OTHER;
    // The first next-header only: extension headers count as "other".
    switch (ip6->nexthdr) {
    case IPPROTO_TCP: return XDPCOUNT_IPV6_TCP;
    case IPPROTO_UDP: return XDPCOUNT_IPV6_UDP;
    case IPPROTO_ICMPV6: return XDPCOUNT_IPV6_ICMP;
    default: return XDPCOUNT_IPV6_OTHER;
    }
  }
  return XDPCOUNT_OTHER;
}

SEC("xdp")
int count_packets(struct xdp_md *ctx) {
  void *data = (void *)(long)ctx->data;
  void *end = (void *)(long)ctx->data_end;
  __u32 class = classify(data, end);
  struct xdpcount_value *value = bpf_map_lookup_elem(&counts, &class);
  if (value) {
    __sync_fetch_and_add(&value->packets, 1);
    __sync_fetch_and_add(&value->bytes, (__u64)(end - data));
  }
  return XDP_PASS;
}
