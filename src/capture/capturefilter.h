#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <linux/filter.h>

namespace pl::capture {

/// Compiles a capture filter in tcpdump syntax (pcap-filter(7)) into classic BPF for
/// SO_ATTACH_FILTER, with libpcap's pcap_open_dead + pcap_compile (optimizer on, netmask
/// unknown). `linkType` is a LINKTYPE_* value; the program returns `snaplen` for accepted
/// packets, which is how the kernel truncates captures. An empty expression accepts everything.
/// Host names in the expression are resolved through the system resolver, as tcpdump does.
/// Returns false with `error` = pcap's own message (pcap_geterr), e.g. "syntax error".
bool compileFilter(const std::string &expr, uint32_t linkType, uint32_t snaplen,
                   std::vector<sock_filter> &program, std::string &error);

/// A program that accepts nothing: attached before the socket is bound so that nothing reaches
/// the ring until the real filter replaces it.
std::vector<sock_filter> dropAllProgram();

/// Runs `program` over one packet in user space with libpcap's interpreter (bpf_filter) and
/// returns what the kernel would: 0 to drop, else the number of bytes to keep. For tests and
/// for checking what a filter does on crafted frames.
uint32_t runFilter(const std::vector<sock_filter> &program, const uint8_t *data, uint32_t wireLen,
                   uint32_t capLen);

} // namespace pl::capture
