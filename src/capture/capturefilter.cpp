#include "capture/capturefilter.h"

#include <climits>
#include <mutex>

#include <pcap/pcap.h>

namespace pl::capture {

namespace {

/// pcap_open_dead takes DLT_* values; they equal LINKTYPE_* except for the few that differ
/// between platforms, of which these can come from linkTypeForArphrd.
int dltForLinkType(uint32_t linkType)
{
    switch (linkType) {
    case 101: // LINKTYPE_RAW
        return DLT_RAW;
    case 100: // LINKTYPE_ATM_RFC1483
        return DLT_ATM_RFC1483;
    default:
        return int(linkType);
    }
}

} // namespace

bool compileFilter(const std::string &expr, uint32_t linkType, uint32_t snaplen,
                   std::vector<sock_filter> &program, std::string &error)
{
    program.clear();
    error.clear();
    if (snaplen == 0 || snaplen > INT_MAX)
        snaplen = 262144;
    pcap_t *dead = pcap_open_dead(dltForLinkType(linkType), int(snaplen));
    if (!dead) {
        error = "pcap_open_dead failed for link type " + std::to_string(linkType);
        return false;
    }
    bpf_program compiled{};
    // libpcap before 1.8 had a non-reentrant parser; a lock costs nothing here.
    static std::mutex compileLock;
    int rc;
    {
        std::lock_guard<std::mutex> lock(compileLock);
        rc = pcap_compile(dead, &compiled, expr.c_str(), 1, PCAP_NETMASK_UNKNOWN);
    }
    if (rc != 0) {
        error = pcap_geterr(dead);
        pcap_close(dead);
        return false;
    }
    program.resize(compiled.bf_len);
    for (unsigned i = 0; i < compiled.bf_len; ++i) {
        const bpf_insn &in = compiled.bf_insns[i];
        program[i] = sock_filter{in.code, in.jt, in.jf, in.k};
    }
    pcap_freecode(&compiled);
    pcap_close(dead);
    if (program.empty() || program.size() > BPF_MAXINSNS) {
        error = "filter program has " + std::to_string(program.size()) +
                " instructions; the kernel takes 1 to " + std::to_string(BPF_MAXINSNS);
        program.clear();
        return false;
    }
    return true;
}

std::vector<sock_filter> dropAllProgram()
{
    return {sock_filter{BPF_RET | BPF_K, 0, 0, 0}};
}

uint32_t runFilter(const std::vector<sock_filter> &program, const uint8_t *data, uint32_t wireLen,
                   uint32_t capLen)
{
    if (program.empty())
        return 0;
    std::vector<bpf_insn> insns(program.size());
    for (size_t i = 0; i < program.size(); ++i)
        insns[i] = bpf_insn{program[i].code, program[i].jt, program[i].jf, program[i].k};
    return bpf_filter(insns.data(), data, wireLen, capLen);
}

} // namespace pl::capture
