#pragma once

#include "frame.h"

#include <cstdint>

namespace pl {

/// Which of `parts` workers dissects `frame` in a partitioned pass (analysis/filterpass.h): every
/// frame between the same two IP addresses, in either direction, goes to the same worker. The state
/// dissection builds up across frames (TCP and UDP conversations, TCP reassembly and analysis,
/// IP fragments, DNS, HTTP and TLS transactions, ICMP echo pairs) is keyed by what lies
/// between two addresses, so each worker's session sees all of it in capture order and gives
/// every field that is not marked cross-frame (Registry::isCrossFrame: stream numbers, times
/// since other frames) the value one session gives it.
///
/// The addresses are those of the first IPv4 or IPv6 header behind Ethernet (with VLAN tags),
/// Linux cooked (v1 and v2), BSD loopback or raw IP framing. Frames without one (ARP, other
/// link types) go to worker 0: they carry no conversation state.
uint32_t framePartition(const Frame &frame, uint32_t parts);

} // namespace pl
