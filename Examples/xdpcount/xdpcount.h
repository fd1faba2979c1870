// What xdpcount's BPF side and user side share.
#ifndef XDPCOUNT_H
#define XDPCOUNT_H

enum xdpcount_class {
  XDPCOUNT_IPV4_TCP,
  XDPCOUNT_IPV4_UDP,
  XDPCOUNT_IPV4_ICMP,
  XDPCOUNT_IPV4_OTHER,
  XDPCOUNT_IPV6_TCP,
  XDPCOUNT_IPV6_UDP,
  XDPCOUNT_IPV6_ICMP,
  XDPCOUNT_IPV6_OTHER,
  XDPCOUNT_ARP,
  XDPCOUNT_OTHER,
  XDPCOUNT_CLASSES
};

struct xdpcount_value {
  unsigned long long packets;
  unsigned long long bytes;
};

#endif
