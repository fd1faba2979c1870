// The TCP connections of a cgroup's processes, reported when they close: direction,
// both ends, bytes each way and how long they lasted. A sockops program on the cgroup:
// when a connection is established it notes the time in the socket's own storage and
// asks for state-change callbacks; at the change to CLOSE it sends the record.
#include "vmlinux.h"
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "tcplife.h"

char LICENSE[] SEC("license") = "GPL";

#define AF_INET 2

struct established {
  __u64 at_ns;
  __u32 active;
};

struct {
  __uint(type, BPF_MAP_TYPE_SK_STORAGE);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __type(key, int);
  __type(value, struct established);
} sockets SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 256 * 1024);
} events SEC(".maps");

static __always_inline void note_established(struct bpf_sock_ops *skops, __u32 active) {
  struct bpf_sock *sk = skops->sk;
  if (!sk) return;
  struct established *start =
      bpf_sk_storage_get(&sockets, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
  if (!start) return;
  start->at_ns = bpf_ktime_get_ns();
  start->active = active;
  bpf_sock_ops_cb_flags_set(skops, skops->bpf_sock_ops_cb_flags | BPF_SOCK_OPS_STATE_CB_FLAG);
}

static __always_inline void report_close(struct bpf_sock_ops *skops) {
  struct bpf_sock *sk = skops->sk;
  if (!sk) return;
  struct established *start = bpf_sk_storage_get(&sockets, sk, 0, 0);
  if (!start) return;  // established before the program was attached
  struct tcp_life *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
  if (!e) return;
  e->duration_ns = bpf_ktime_get_ns() - start->at_ns;
  e->active = start->active;
  e->bytes_sent = skops->bytes_acked;
  e->bytes_received = skops->bytes_received;
  e->family = skops->family;
  e->local_port = (__u16)skops->local_port;
  // The network-order port sits in the upper half of the 32-bit field.
  e->remote_port = bpf_ntohs((__u16)(skops->remote_port >> 16));
  __builtin_memset(e->local_address, 0, sizeof(e->local_address));
  __builtin_memset(e->remote_address, 0, sizeof(e->remote_address));
  if (skops->family == AF_INET) {
    __u32 local = skops->local_ip4, remote = skops->remote_ip4;
    __builtin_memcpy(e->local_address, &local, 4);
    __builtin_memcpy(e->remote_address, &remote, 4);
  } else {
    __u32 local[4] = {skops->local_ip6[0], skops->local_ip6[1], skops->local_ip6[2],
                      skops->local_ip6[3]};
    __u32 remote[4] = {skops->remote_ip6[0], skops->remote_ip6[1], skops->remote_ip6[2],
                       skops->remote_ip6[3]};
    __builtin_memcpy(e->local_address, local, 16);
    __builtin_memcpy(e->remote_address, remote, 16);
  }
  bpf_sk_storage_delete(&sockets, sk);
  bpf_ringbuf_submit(e, 0);
}

SEC("sockops")
int track_connections(struct bpf_sock_ops *skops) {
  switch (skops->op) {
  case BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB: note_established(skops, 1); break;
  case BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB: note_established(skops, 0); break;
  case BPF_SOCK_OPS_STATE_CB:
    if (skops->args[1] == BPF_TCP_CLOSE) report_close(skops);
    break;
  }
  return 1;
}
