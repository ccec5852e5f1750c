// TCP, the Transmission Control Protocol (IP protocol 6).
// Specifications: RFC 9293 (TCP), RFC 7323 (window scale, timestamps), RFC 2018 (SACK),
// RFC 7413 (Fast Open, and the experimental kind 254 with ExID 0xF989 of RFC 6994),
// RFC 8684 (Multipath TCP, option kind 30).
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |          Source Port          |       Destination Port        |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                        Sequence Number                        |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                    Acknowledgment Number                      |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |  Data |     |A|C|E|U|A|P|R|S|F|                               |
//  | Offset| Rsrv|E|W|C|R|C|S|S|Y|I|            Window             |
//  |       |     | |R|E|G|K|H|T|N|N|                               |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |           Checksum            |         Urgent Pointer        |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                    Options (Data Offset - 5 words)            |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                             Data                              |
//
// Sequence and acknowledgment numbers are shown relative to each direction's initial
// sequence number, as Wireshark does by default; the raw values stay in tcp.seq_raw and
// tcp.ack_raw. The SEQ/ACK analysis (retransmissions, lost segments, duplicate ACKs, window
// events, ACK RTTs, bytes in flight), the per-stream times and the conversation completeness
// come from tcpanalysis.h; a revisit shows what the first pass logged (TcpAnalysisLog).

#include "checksum.h"
#include "dissection.h"
#include "packedframelog.h"
#include "tcpanalysis.h"
#include "tcpconversations.h"
#include "tcpreassembly.h"
#include "textformat.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <memory>
#include <type_traits>

namespace pl::proto {

namespace {

enum F {
    SrcPort,
    DstPort,
    Port,
    Stream,
    Len,
    Seq,
    SeqRaw,
    NxtSeq,
    Ack,
    AckRaw,
    HdrLen,
    Flags,
    FlagRes,
    FlagAe,
    FlagCwr,
    FlagEce,
    FlagUrg,
    FlagAck,
    FlagPush,
    FlagReset,
    FlagSyn,
    FlagFin,
    FlagStr,
    WinValue,
    WinSize,
    WinScale,
    Checksum,
    ChecksumStatus,
    ChecksumCalc,
    Urgent,
    Options,
    OptKind,
    OptLen,
    OptEol,
    OptNop,
    OptMss,
    MssVal,
    OptWscale,
    WsShift,
    WsMult,
    OptSackPerm,
    OptSack,
    SackLe,
    SackRe,
    SackCount,
    OptTs,
    TsVal,
    TsEcr,
    OptTfo,
    TfoRequest,
    TfoCookie,
    OptExp,
    ExpExid,
    ExpData,
    OptUnknown,
    UnknownPayload,
    Payload,
    ResetCause,
    OptMd5,
    Md5Digest,
    MpSubtype,
    MpVersion,
    MpReserved,
    MpFlags,
    MpBackup,
    MpChecksumReq,
    MpExtensibility,
    MpNoMoreSubflows,
    MpSha1,
    MpSha256,
    MpReservedFlag,
    MpDataFin,
    MpDseqn8,
    MpDseqnPresent,
    MpDataAck8,
    MpDataAckPresent,
    MpFlagU,
    MpFlagV,
    MpFlagW,
    MpFlagT,
    MpRstReason,
    MpAddrId,
    MpSendKey,
    MpRecvKey,
    MpRecvTok,
    MpSendRand,
    MpSendTruncHmac,
    MpSendHmac,
    MpAddAddrHmac,
    MpRawDataAck,
    MpRawDataSeqNo,
    MpSubflowSeqNo,
    MpDataLvlLen,
    MpIpVer,
    MpEcho,
    MpIpv4,
    MpIpv6,
    MpPort,
    Completeness,
    TimeRelative,
    TimeDelta,
    Analysis,
    AnalysisFlags,
    AcksFrame,
    AckRtt,
    InitialRtt,
    BytesInFlight,
    PushBytesSent,
    DupAck,
    DupAckNum,
    DupAckFrame,
    Rto,
    RtoFrame,
    Count
};

constexpr ValueName kOptionKinds[] = {
    {0, "End of Option List"},
    {1, "No-Operation"},
    {2, "Maximum Segment Size"},
    {3, "Window Scale"},
    {4, "SACK Permitted"},
    {5, "SACK"},
    {8, "Time Stamp Option"},
    {19, "MD5 Signature Option"},
    {30, "Multipath TCP"},
    {34, "TCP Fast Open Cookie"},
    {253, "RFC3692-style Experiment 1"},
    {254, "RFC3692-style Experiment 2"},
};

constexpr ValueName kMptcpSubtypes[] = {
    {0, "Multipath Capable"}, {1, "Join Connection"}, {2, "Data Sequence Signal"},
    {3, "Add Address"},       {4, "Remove Address"},  {5, "Change Subflow Priority"},
    {6, "TCP Fallback"},      {7, "Fast Close"},      {8, "TCP Reset"},
};

constexpr ValueName kMptcpRstReasons[] = {
    {0, "Unspecified error"},         {1, "MPTCP-specific error"},
    {2, "Lack of resources"},         {3, "Administratively prohibited"},
    {4, "Too much outstanding data"}, {5, "Unacceptable performance"},
    {6, "Middlebox interference"},
};

constexpr FieldDef kFields[] = {
    {"tcp.srcport", "Source Port", FieldType::UInt16, Base::Dec},
    {"tcp.dstport", "Destination Port", FieldType::UInt16, Base::Dec},
    {"tcp.port", "Source or Destination Port", FieldType::UInt16, Base::Dec},
    {"tcp.stream", "Stream index", FieldType::UInt32, Base::Dec},
    {"tcp.len", "TCP Segment Len", FieldType::UInt32, Base::Dec},
    {"tcp.seq", "Sequence Number", FieldType::UInt32, Base::Dec},
    {"tcp.seq_raw", "Sequence Number (raw)", FieldType::UInt32, Base::Dec},
    {"tcp.nxtseq", "Next Sequence Number", FieldType::UInt32, Base::Dec},
    {"tcp.ack", "Acknowledgment Number", FieldType::UInt32, Base::Dec},
    {"tcp.ack_raw", "Acknowledgment number (raw)", FieldType::UInt32, Base::Dec},
    {"tcp.hdr_len", "Header Length", FieldType::UInt8, Base::Dec},
    {"tcp.flags", "Flags", FieldType::UInt16, Base::Hex, 0x0fff},
    {"tcp.flags.res", "Reserved", FieldType::Boolean, Base::None, 0xe00},
    {"tcp.flags.ae", "Accurate ECN", FieldType::Boolean, Base::None, 0x100},
    {"tcp.flags.cwr", "Congestion Window Reduced", FieldType::Boolean, Base::None, 0x80},
    {"tcp.flags.ece", "ECN-Echo", FieldType::Boolean, Base::None, 0x40},
    {"tcp.flags.urg", "Urgent", FieldType::Boolean, Base::None, 0x20},
    {"tcp.flags.ack", "Acknowledgment", FieldType::Boolean, Base::None, 0x10},
    {"tcp.flags.push", "Push", FieldType::Boolean, Base::None, 0x08},
    {"tcp.flags.reset", "Reset", FieldType::Boolean, Base::None, 0x04},
    {"tcp.flags.syn", "Syn", FieldType::Boolean, Base::None, 0x02},
    {"tcp.flags.fin", "Fin", FieldType::Boolean, Base::None, 0x01},
    {"tcp.flags.str", "TCP Flags", FieldType::String},
    {"tcp.window_size_value", "Window", FieldType::UInt16, Base::Dec},
    {"tcp.window_size", "Calculated window size", FieldType::UInt32, Base::Dec},
    {"tcp.window_size_scalefactor", "Window size scaling factor", FieldType::Int32, Base::Dec},
    {"tcp.checksum", "Checksum", FieldType::UInt16, Base::Hex},
    {"tcp.checksum.status", "Checksum Status", FieldType::UInt8, Base::None, 0,
     checksum::kStatusNames},
    {"tcp.checksum_calculated", "Calculated Checksum", FieldType::UInt16, Base::Hex},
    {"tcp.urgent_pointer", "Urgent Pointer", FieldType::UInt16, Base::Dec},
    {"tcp.options", "TCP Options", FieldType::Bytes},
    {"tcp.option_kind", "Kind", FieldType::UInt8, Base::Dec, 0, kOptionKinds},
    {"tcp.option_len", "Length", FieldType::UInt8, Base::Dec},
    {"tcp.options.eol", "TCP Option - End of Option List (EOL)", FieldType::Bytes},
    {"tcp.options.nop", "TCP Option - No-Operation (NOP)", FieldType::Bytes},
    {"tcp.options.mss", "TCP Option - Maximum segment size", FieldType::Bytes},
    {"tcp.options.mss_val", "MSS Value", FieldType::UInt16, Base::Dec},
    {"tcp.options.wscale", "TCP Option - Window scale", FieldType::Bytes},
    {"tcp.options.wscale.shift", "Shift count", FieldType::UInt8, Base::Dec},
    {"tcp.options.wscale.multiplier", "Multiplier", FieldType::UInt16, Base::Dec},
    {"tcp.options.sack_perm", "TCP Option - SACK permitted", FieldType::Bytes},
    {"tcp.options.sack", "TCP Option - SACK", FieldType::Bytes},
    {"tcp.options.sack_le", "TCP SACK Left Edge", FieldType::UInt32, Base::Dec},
    {"tcp.options.sack_re", "TCP SACK Right Edge", FieldType::UInt32, Base::Dec},
    {"tcp.options.sack.count", "TCP SACK Count", FieldType::UInt8, Base::Dec},
    {"tcp.options.timestamp", "TCP Option - Timestamps", FieldType::Bytes},
    {"tcp.options.timestamp.tsval", "Timestamp value", FieldType::UInt32, Base::Dec},
    {"tcp.options.timestamp.tsecr", "Timestamp echo reply", FieldType::UInt32, Base::Dec},
    {"tcp.options.tfo", "TCP Option - TCP Fast Open", FieldType::Bytes},
    {"tcp.options.tfo.request", "Fast Open Cookie Request", FieldType::None},
    {"tcp.options.tfo.cookie", "Fast Open Cookie", FieldType::Bytes},
    {"tcp.options.experimental", "TCP Option - Experimental", FieldType::Bytes},
    {"tcp.options.experimental.exid", "Experiment Identifier", FieldType::UInt16, Base::Hex},
    {"tcp.options.experimental.data", "Data", FieldType::Bytes},
    {"tcp.options.unknown", "TCP Option - Unknown", FieldType::Bytes},
    {"tcp.options.unknown.payload", "Payload", FieldType::Bytes},
    {"tcp.payload", "TCP payload", FieldType::Bytes},
    {"tcp.reset_cause", "Reset cause", FieldType::String},
    {"tcp.options.md5", "TCP Option - TCP MD5 signature", FieldType::Bytes},
    {"tcp.options.md5.digest", "MD5 digest", FieldType::Bytes},
    // MPTCP (RFC 8684). Wireshark keeps these names under tcp.options.mptcp.
    {"tcp.options.mptcp.subtype", "Multipath TCP subtype", FieldType::UInt8, Base::Dec, 0xf0,
     kMptcpSubtypes},
    {"tcp.options.mptcp.version", "Multipath TCP version", FieldType::UInt8, Base::Dec, 0x0f},
    {"tcp.options.mptcp.reserved", "Reserved", FieldType::UInt16, Base::Hex, 0x0fff},
    {"tcp.options.mptcp.flags", "Multipath TCP flags", FieldType::UInt8, Base::Hex},
    {"tcp.options.mptcp.backup.flag", "Backup flag", FieldType::UInt8, Base::Dec, 0x01},
    {"tcp.options.mptcp.checksumreq.flags", "Checksum required", FieldType::UInt8, Base::Dec, 0x80},
    {"tcp.options.mptcp.extensibility.flag", "Extensibility", FieldType::UInt8, Base::Dec, 0x40},
    {"tcp.options.mptcp.nomoresubflows.flag",
     "Do not attempt to establish new subflows to this address and port", FieldType::UInt8,
     Base::Dec, 0x20},
    {"tcp.options.mptcp.sha1.flag", "Use HMAC-SHA1", FieldType::UInt8, Base::Dec, 0x01},
    {"tcp.options.mptcp.sha256.flag", "Use HMAC-SHA256", FieldType::UInt8, Base::Dec, 0x01},
    {"tcp.options.mptcp.reserved.flag", "Reserved", FieldType::UInt8, Base::Hex, 0x1e},
    {"tcp.options.mptcp.datafin.flag", "DATA_FIN", FieldType::UInt8, Base::Dec, 0x10},
    {"tcp.options.mptcp.dseqn8.flag", "Data Sequence Number is 8 octets", FieldType::UInt8,
     Base::Dec, 0x08},
    {"tcp.options.mptcp.dseqnpresent.flag",
     "Data Sequence Number, Subflow Sequence Number, Data-level Length, Checksum present",
     FieldType::UInt8, Base::Dec, 0x04},
    {"tcp.options.mptcp.dataack8.flag", "Data ACK is 8 octets", FieldType::UInt8, Base::Dec, 0x02},
    {"tcp.options.mptcp.dataackpresent.flag", "Data ACK is present", FieldType::UInt8, Base::Dec,
     0x01},
    {"tcp.options.mptcp.flag_U.flag", "Flag U", FieldType::Boolean, Base::None, 0x8},
    {"tcp.options.mptcp.flag_V.flag", "Flag V", FieldType::Boolean, Base::None, 0x4},
    {"tcp.options.mptcp.flag_W.flag", "Flag W", FieldType::Boolean, Base::None, 0x2},
    {"tcp.options.mptcp.flag_T.flag", "Transient", FieldType::Boolean, Base::None, 0x1},
    {"tcp.options.mptcp.rst_reason", "TCPRST Reason", FieldType::UInt8, Base::Hex, 0,
     kMptcpRstReasons},
    {"tcp.options.mptcp.addrid", "Address ID", FieldType::UInt8, Base::Dec},
    {"tcp.options.mptcp.sendkey", "Sender's Key", FieldType::UInt64, Base::Dec},
    {"tcp.options.mptcp.recvkey", "Receiver's Key", FieldType::UInt64, Base::Dec},
    {"tcp.options.mptcp.recvtok", "Receiver's Token", FieldType::UInt32, Base::Dec},
    {"tcp.options.mptcp.sendrand", "Sender's Random Number", FieldType::UInt32, Base::Dec},
    {"tcp.options.mptcp.sendtrunchmac", "Sender's Truncated HMAC", FieldType::UInt64, Base::Dec},
    {"tcp.options.mptcp.sendhmac", "Sender's HMAC", FieldType::Bytes},
    {"tcp.options.mptcp.addaddrtrunchmac", "Truncated HMAC", FieldType::UInt64, Base::Dec},
    {"tcp.options.mptcp.rawdataack", "Original MPTCP Data ACK", FieldType::UInt64, Base::Dec},
    {"tcp.options.mptcp.rawdataseqno", "Data Sequence Number", FieldType::UInt64, Base::Dec},
    {"tcp.options.mptcp.subflowseqno", "Subflow Sequence Number", FieldType::UInt32, Base::Dec},
    {"tcp.options.mptcp.datalvllen", "Data-level Length", FieldType::UInt16, Base::Dec},
    {"tcp.options.mptcp.ipver", "IP version", FieldType::UInt8, Base::Dec, 0x0f},
    {"tcp.options.mptcp.echo", "Echo", FieldType::UInt8, Base::Dec, 0x01},
    {"tcp.options.mptcp.ipv4", "Advertised IPv4 Address", FieldType::IPv4},
    {"tcp.options.mptcp.ipv6", "Advertised IPv6 Address", FieldType::IPv6},
    {"tcp.options.mptcp.port", "Advertised port", FieldType::UInt16, Base::Dec},
    // SEQ/ACK analysis (tcpanalysis.h): all from other frames of the conversation.
    {"tcp.completeness", "Conversation completeness", FieldType::UInt8, Base::Dec},
    {"tcp.time_relative", "Time since first frame in this TCP stream", FieldType::RelTime},
    {"tcp.time_delta", "Time since previous frame in this TCP stream", FieldType::RelTime},
    {"tcp.analysis", "SEQ/ACK analysis", FieldType::None},
    {"tcp.analysis.flags", "TCP Analysis Flags", FieldType::None},
    {"tcp.analysis.acks_frame", "This is an ACK to the segment in frame", FieldType::FrameNum},
    {"tcp.analysis.ack_rtt", "The RTT to ACK the segment was", FieldType::RelTime},
    {"tcp.analysis.initial_rtt", "iRTT", FieldType::RelTime},
    {"tcp.analysis.bytes_in_flight", "Bytes in flight", FieldType::UInt32, Base::Dec},
    {"tcp.analysis.push_bytes_sent", "Bytes sent since last PSH flag", FieldType::UInt32,
     Base::Dec},
    {"tcp.analysis.duplicate_ack", "Duplicate ACK", FieldType::None},
    {"tcp.analysis.duplicate_ack_num", "Duplicate ACK #", FieldType::UInt32, Base::Dec},
    {"tcp.analysis.duplicate_ack_frame", "Duplicate to the ACK in frame", FieldType::FrameNum},
    {"tcp.analysis.rto", "The RTO for this segment was", FieldType::RelTime},
    {"tcp.analysis.rto_frame", "RTO based on delta from frame", FieldType::FrameNum},
};
static_assert(std::size(kFields) == Count);

// Expert notes' own fields (Wireshark's ei_* names, shown by -T json and filters).
enum E {
    ConnSyn,
    ConnSynAck,
    ConnFin,
    ConnRst,
    TfoSyn,
    OptLenInvalid,
    WsInvalid,
    MssAbsent,
    MssPresent,
    ShortSegment,
    BogusHdrLen,
    AckNonzero,
    ChecksumBad,
    UrgentNonzero,
    FinActive,
    FinPassive,
    // SEQ/ACK analysis, in tcpa::Flag's bit order but for DuplicateAck, whose note uses the
    // tcp.analysis.duplicate_ack field itself (Wireshark names both the same).
    EReusedPorts,
    EFastRetransmission,
    ESpuriousRetransmission,
    ERetransmission,
    ELostSegment,
    EAckLostSegment,
    EWindowUpdate,
    EWindowFull,
    EKeepAlive,
    EKeepAliveAck,
    EZeroWindowProbe,
    EZeroWindow,
    EZeroWindowProbeAck,
    EOutOfOrder,
    ECount
};
constexpr FieldDef kExperts[] = {
    {"tcp.connection.syn", "Connection establish request (SYN)", FieldType::None},
    {"tcp.connection.synack", "Connection establish acknowledge (SYN+ACK)", FieldType::None},
    {"tcp.connection.fin", "Connection finish (FIN)", FieldType::None},
    {"tcp.connection.rst", "Connection reset (RST)", FieldType::None},
    {"tcp.analysis.tfo_syn", "TCP SYN with TFO Cookie", FieldType::None},
    {"tcp.option.len.invalid", "Invalid length for option", FieldType::None},
    {"tcp.options.wscale.shift.invalid", "Window scale shift exceeds 14", FieldType::None},
    {"tcp.options.mss.absent", "The SYN packet does not contain a MSS option", FieldType::None},
    {"tcp.options.mss.present", "The non-SYN packet does contain a MSS option", FieldType::None},
    {"tcp.short_segment", "Short segment", FieldType::None},
    {"tcp.bogus_header_length", "Bogus TCP Header length", FieldType::None},
    {"tcp.ack.nonzero", "The acknowledgment number field is nonzero while the ACK flag is not set",
     FieldType::None},
    {"tcp.checksum_bad.expert", "Bad checksum", FieldType::None},
    {"tcp.urgent_pointer.non_zero",
     "The urgent pointer field is nonzero while the URG flag is not set", FieldType::None},
    {"tcp.connection.fin_active", "This frame initiates the connection closing", FieldType::None},
    {"tcp.connection.fin_passive", "This frame undergoes the connection closing", FieldType::None},
    {"tcp.analysis.reused_ports",
     "A new tcp session is started with the same ports as an earlier session in this trace",
     FieldType::None},
    {"tcp.analysis.fast_retransmission", "This frame is a (suspected) fast retransmission",
     FieldType::None},
    {"tcp.analysis.spurious_retransmission", "This frame is a (suspected) spurious retransmission",
     FieldType::None},
    {"tcp.analysis.retransmission", "This frame is a (suspected) retransmission", FieldType::None},
    {"tcp.analysis.lost_segment", "Previous segment(s) not captured (common at capture start)",
     FieldType::None},
    {"tcp.analysis.ack_lost_segment",
     "ACKed segment that wasn't captured (common at capture start)", FieldType::None},
    {"tcp.analysis.window_update", "TCP window update", FieldType::None},
    {"tcp.analysis.window_full", "TCP window specified by the receiver is now completely full",
     FieldType::None},
    {"tcp.analysis.keep_alive", "TCP keep-alive segment", FieldType::None},
    {"tcp.analysis.keep_alive_ack", "ACK to a TCP keep-alive segment", FieldType::None},
    {"tcp.analysis.zero_window_probe", "TCP Zero Window Probe", FieldType::None},
    {"tcp.analysis.zero_window", "TCP Zero Window segment", FieldType::None},
    {"tcp.analysis.zero_window_probe_ack", "ACK to a TCP Zero Window Probe", FieldType::None},
    {"tcp.analysis.out_of_order", "This frame is a (suspected) out-of-order segment",
     FieldType::None},
};
static_assert(std::size(kExperts) == ECount);
FieldBlock s_ei;

FieldBlock s_f;
FieldId s_mptcp = -1; // the "mptcp" protocol item an MPTCP option is shown as

constexpr uint16_t kFin = 0x001, kSyn = 0x002, kRst = 0x004, kPsh = 0x008, kAck = 0x010,
                   kUrg = 0x020, kEce = 0x040, kCwr = 0x080, kAe = 0x100, kRes = 0xe00;

/// One direction of a connection.
struct Flow
{
    uint32_t base = 0; ///< initial sequence number (relative numbers count from it)
    bool baseSet = false;
    bool synSeen = false; ///< its SYN was seen, so `wsShift` is known
    int8_t wsShift = -1;  ///< window scale shift its SYN offered, -1 for none
    bool closing = false; ///< it sent the conversation's first FIN
    bool operator==(const Flow &) const = default;
};

struct TcpConversation
{
    Flow flow[2];
    /// SEQ/ACK analysis state, made on the conversation's first analysed segment (one
    /// allocation a conversation, none a packet).
    std::unique_ptr<tcpa::Analyzer> analysis;
};

using TcpConversations = ConversationTable<TcpConversation>;

/// The conversation a segment belonged to as the first pass saw it: its stream and the
/// stream's flows then (initial sequence numbers, window scaling), for revisits.
struct TcpStreamState
{
    uint32_t stream = 0;
    Flow flow[2];
    bool operator==(const TcpStreamState &) const = default;
};
/// By stream; the record's extra bit is the segment's direction.
using TcpStreamLog = VersionedFrameLog<TcpStreamState, 1>;

/// The frame's time in nanoseconds, as the SEQ/ACK analysis counts it. Unsigned arithmetic: a
/// hostile file's timestamps may be anywhere; differences wrap, never trap.
int64_t frameTime(const Dissection &d)
{
    const Frame &fr = d.frame();
    return fr.hasTimestamp ? int64_t(uint64_t(fr.tsSec) * 1000000000u + fr.tsNsec) : 0;
}

/// The SEQ/ACK analysis's results for revisits, packed (PackedFrameLog): about 12 bytes a
/// segment instead of 80. A record leaves out what its stream's frames share, the stream's
/// first time (time_relative is the frame's time less it) and its initial RTT: those are kept
/// once a stream.
class TcpAnalysisLog
{
public:
    void record(uint64_t frame, uint32_t stream, int64_t time, const tcpa::Result &r)
    {
        if (m_first.size() <= stream) {
            m_first.resize(size_t(stream) + 1);
            m_irtt.resize(size_t(stream) + 1);
        }
        if (r.has & tcpa::Result::HasTimes)
            m_first[stream] = tcpa::elapsed(time, r.timeRelative);
        if (r.has & tcpa::Result::HasIrtt)
            m_irtt[stream] = r.irtt;
        m_log.record(frame, r);
    }
    /// The first pass's result for this frame's next TCP header, or false.
    bool next(Dissection &d, uint32_t stream, int64_t time, tcpa::Result &out)
    {
        const tcpa::Result *r = d.logged(m_log);
        if (!r)
            return false;
        out = *r;
        if (stream < m_first.size()) {
            if (out.has & tcpa::Result::HasTimes)
                out.timeRelative = tcpa::elapsed(time, m_first[stream]);
            if (out.has & tcpa::Result::HasIrtt)
                out.irtt = m_irtt[stream];
        }
        return true;
    }

private:
    struct Codec
    {
        static constexpr uint8_t kDupAck = 0x80;     // beside Result::has's bits
        static constexpr size_t kMaxBytes = 12 * 10; // twelve numbers at most
        static void put(PackWriter &w, uint64_t frame, const tcpa::Result &r)
        {
            const bool dup = r.dupAckNum || r.dupAckFrame;
            w.u(r.flags);
            w.u(r.has | (dup ? kDupAck : 0));
            w.u(r.completeness);
            if (r.has & tcpa::Result::HasAcks) {
                w.s(int64_t(frame - r.acksFrame));
                w.s(r.ackRtt);
            }
            if (r.has & tcpa::Result::HasBif) {
                w.u(r.bytesInFlight);
                w.u(r.pushBytesSent);
            }
            if (r.has & tcpa::Result::HasRto) {
                w.s(int64_t(frame - r.rtoFrame));
                w.s(r.rto);
            }
            if (r.has & tcpa::Result::HasTimes)
                w.s(r.timeDelta);
            if (dup) {
                w.u(r.dupAckNum);
                w.s(int64_t(frame - r.dupAckFrame));
            }
        }
        static tcpa::Result get(PackReader &in, uint64_t frame)
        {
            tcpa::Result r;
            r.flags = uint16_t(in.u());
            const uint8_t has = uint8_t(in.u());
            r.has = has & uint8_t(~kDupAck);
            r.completeness = uint8_t(in.u());
            if (r.has & tcpa::Result::HasAcks) {
                r.acksFrame = uint32_t(frame - uint64_t(in.s()));
                r.ackRtt = in.s();
            }
            if (r.has & tcpa::Result::HasBif) {
                r.bytesInFlight = uint32_t(in.u());
                r.pushBytesSent = uint32_t(in.u());
            }
            if (r.has & tcpa::Result::HasRto) {
                r.rtoFrame = uint32_t(frame - uint64_t(in.s()));
                r.rto = in.s();
            }
            if (r.has & tcpa::Result::HasTimes)
                r.timeDelta = in.s();
            if (has & kDupAck) {
                r.dupAckNum = uint32_t(in.u());
                r.dupAckFrame = uint32_t(frame - uint64_t(in.s()));
            }
            return r;
        }
    };
    PackedFrameLog<tcpa::Result, Codec> m_log;
    std::vector<int64_t> m_first; // by stream
    std::vector<int64_t> m_irtt;  // by stream
};

/// Per-segment facts the option parser needs and fills.
struct Segment
{
    uint16_t flags = 0;
    uint32_t sackBase = 0; ///< SACK edges are in the peer's sequence space
    bool relative = false; ///< edges shown relative to sackBase
    bool mssSeen = false;
    bool mptcp = false;
    int8_t wsShift = -1;
    uint8_t sackCount = 0; ///< raw SACK edges for the SEQ/ACK analysis (4 blocks at most)
    uint32_t sackLe[4] = {};
    uint32_t sackRe[4] = {};
    text::StringAppender *info = nullptr; ///< where option summaries go (" MSS=1460")
    std::string summary;                  ///< "Options: (N bytes), ..." tail, tree mode only
};

/// "SYN, ACK" (or "<None>") at `o`: kMaxFlagNames bytes at most, and writeFlagNames() needs
/// room for kMaxFlagNames + 39 (the rest is scratch). Names are copied as fixed-size blocks,
/// with no strlen or call.
constexpr size_t kMaxFlagNames = 52; // FIN, SYN, RST, PSH, ACK, URG, ECE, CWR, AE, Reserved
char *writeFlagNamesSlow(char *o, uint16_t flags);

/// The names of every combination of the eight classic flags (FIN..CWR), built once: the
/// Info column of every segment shows them.
struct FlagNames
{
    uint8_t len;
    char text[39]; // "FIN, SYN, RST, PSH, ACK, URG, ECE, CWR" and a scratch byte
};
const std::array<FlagNames, 256> &flagNameTable()
{
    static const std::array<FlagNames, 256> table = [] {
        std::array<FlagNames, 256> t{};
        for (unsigned f = 0; f < 256; ++f) {
            char buf[kMaxFlagNames + 8];
            const size_t n = size_t(writeFlagNamesSlow(buf, uint16_t(f)) - buf);
            t[f].len = uint8_t(n);
            std::memcpy(t[f].text, buf, n);
        }
        return t;
    }();
    return table;
}

char *writeFlagNames(char *o, uint16_t flags)
{
    if (flags & 0xff00)
        return writeFlagNamesSlow(o, flags); // AE or Reserved: rare
    const FlagNames &n = flagNameTable()[flags];
    std::memcpy(o, n.text, sizeof n.text);
    return o + n.len;
}

char *writeFlagNamesSlow(char *o, uint16_t flags)
{
    static constexpr struct
    {
        uint16_t bit;
        uint8_t len;
        char name[8];
    } kNames[] = {{kFin, 3, "FIN"}, {kSyn, 3, "SYN"},
                  {kRst, 3, "RST"}, {kPsh, 3, "PSH"},
                  {kAck, 3, "ACK"}, {kUrg, 3, "URG"},
                  {kEce, 3, "ECE"}, {kCwr, 3, "CWR"},
                  {kAe, 2, "AE"},   {kRes, 8, {'R', 'e', 's', 'e', 'r', 'v', 'e', 'd'}}};
    char *start = o;
    for (const auto &n : kNames) {
        if (!(flags & n.bit))
            continue;
        if (o != start) {
            std::memcpy(o, ", ", 2);
            o += 2;
        }
        std::memcpy(o, n.name, 8);
        o += n.len;
    }
    if (o == start) {
        std::memcpy(o, "<None>", 6);
        o += 6;
    }
    return o;
}

void appendFlagNames(std::string &out, uint16_t flags)
{
    char buf[kMaxFlagNames + 39];
    out.append(buf, size_t(writeFlagNames(buf, flags) - buf));
}

std::string bitLabel(uint64_t raw, uint64_t mask, int bits, std::string_view name,
                     std::string_view value)
{
    std::string s;
    text::appendBitPattern(s, raw, mask, bits);
    s += " = ";
    s += name;
    s += ": ";
    s += value;
    return s;
}

/// Gives `it` the label `make()` returns, building it only when the item exists: summary
/// mode builds no strings. `make` may also be a plain string literal.
template <class Make> void label(Dissection &d, Item it, Make &&make)
{
    if (!it)
        return;
    if constexpr (std::is_invocable_v<Make>)
        d.setText(it, make());
    else
        d.setText(it, std::string(make));
}

/// An option's subtree: the item over the whole option plus Kind and Length children (in
/// summary mode, collected for a display filter).
template <class Make>
Item optionItemToTree(Dissection &d, Item parent, int field, const Reader &o, size_t at, size_t len,
                      Make &&make)
{
    Item it = d.addBytes(parent, s_f[field], o, at, len);
    label(d, it, make);
    Item kind = d.addUInt(it, s_f[OptKind], o, at, 1);
    if (kind && nameOf(kOptionKinds, o.u8(at)).empty())
        d.setText(kind, "Kind: Unknown (" + text::uintString(o.u8(at)) + ")");
    if (len > 1)
        d.addUInt(it, s_f[OptLen], o, at + 1, 1);
    return it;
}

template <class Make>
Item optionItem(Dissection &d, Item parent, int field, const Reader &o, size_t at, size_t len,
                Make &&make)
{
    if (!parent && !d.interest()) { // summary mode, every option of every segment: only
        o.require(at, len);         // the bounds check
        return {};
    }
    return optionItemToTree(d, parent, field, o, at, len, make);
}

void appendSummary(std::string &summary, std::string_view name)
{
    summary += ", ";
    summary += name;
}

/// The options' heading lists every option (tree mode only; summary mode runs this for every
/// option of every segment, so the test is inline and the text built elsewhere).
inline void addSummary(Segment &s, const Dissection &d, std::string_view name)
{
    if (d.tree())
        appendSummary(s.summary, name);
}

/// RFC 8684 section 3: the MPTCP option's subtypes.
void dissectMptcp(Dissection &d, Item opts, const Reader &o, size_t at, size_t len, Segment &s)
{
    s.mptcp = true;
    d.setProtocol("MPTCP"); // Wireshark names the segment after its MPTCP option
    Item mp = d.addProtocol(opts, s_mptcp, o, at, len);
    d.addUInt(mp, s_f[OptKind], o, at, 1);
    d.addUInt(mp, s_f[OptLen], o, at + 1, 1);
    // An option too short for its subtype byte is malformed: the read fails on the
    // option's own bounds, as Wireshark's does, and ends the whole TCP dissection.
    const uint8_t subtype = o.sub(at, len).u8(2) >> 4;
    if (!mp && !d.interest()) // summary mode collects the fields only for a display filter
        return;
    const std::string_view name = nameOf(kMptcpSubtypes, subtype);
    if (mp)
        d.setText(mp, "Multipath Transmission Control Protocol: " +
                          (name.empty() ? "Unknown (" + text::uintString(subtype) + ")"
                                        : std::string(name)));
    Item st = d.addUInt(mp, s_f[MpSubtype], o, at + 2, 1);
    if (st && nameOf(kMptcpSubtypes, subtype).empty())
        d.setText(st, bitLabel(o.u8(at + 2), 0xf0, 8, "Multipath TCP subtype",
                               "Unknown (" + text::uintString(subtype) + ")"));

    // Bounds: every read below stays inside [at, at+len), checked against `len` first.
    auto fits = [len](size_t need) { return need <= len; };
    const size_t p = at;
    switch (subtype) {
    case 0: { // MP_CAPABLE: version, flags, then keys as the handshake step carries them
        d.addUInt(mp, s_f[MpVersion], o, p + 2, 1);
        if (!fits(4))
            break;
        const uint8_t version = o.u8(p + 2) & 0x0f;
        Item fl = d.addUInt(mp, s_f[MpFlags], o, p + 3, 1);
        d.addUInt(fl, s_f[MpChecksumReq], o, p + 3, 1);
        d.addUInt(fl, s_f[MpExtensibility], o, p + 3, 1);
        d.addUInt(fl, s_f[MpNoMoreSubflows], o, p + 3, 1);
        d.addUInt(fl, s_f[version == 0 ? MpSha1 : MpSha256], o, p + 3, 1);
        d.addUInt(fl, s_f[MpReservedFlag], o, p + 3, 1);
        if (fits(12))
            d.addUInt(mp, s_f[MpSendKey], o, p + 4, 8);
        if (fits(20))
            d.addUInt(mp, s_f[MpRecvKey], o, p + 12, 8);
        if (len == 22 || len == 24)
            d.addUInt(mp, s_f[MpDataLvlLen], o, p + 20, 2);
        else if (len == 14 || len == 16) // the v1 SYN/ACK-less third ACK with data
            d.addUInt(mp, s_f[MpDataLvlLen], o, p + 12, 2);
        break;
    }
    case 1: // MP_JOIN: the three handshake forms differ by length
        if (len == 12 || len == 16) {
            Item fl = d.addUInt(mp, s_f[MpFlags], o, p + 2, 1);
            d.addUInt(fl, s_f[MpBackup], o, p + 2, 1);
            d.addUInt(mp, s_f[MpAddrId], o, p + 3, 1);
            if (len == 12) {
                d.addUInt(mp, s_f[MpRecvTok], o, p + 4, 4);
                d.addUInt(mp, s_f[MpSendRand], o, p + 8, 4);
            } else {
                d.addUInt(mp, s_f[MpSendTruncHmac], o, p + 4, 8);
                d.addUInt(mp, s_f[MpSendRand], o, p + 12, 4);
            }
        } else if (len == 24) {
            d.addUInt(mp, s_f[MpReserved], o, p + 2, 2);
            d.addBytes(mp, s_f[MpSendHmac], o, p + 4, 20);
        }
        break;
    case 2: { // DSS: Data ACK and mapping, each optional, 4 or 8 bytes
        if (!fits(4))
            break;
        const uint8_t f = o.u8(p + 3);
        Item fl = d.addUInt(mp, s_f[MpFlags], o, p + 3, 1);
        d.addUInt(fl, s_f[MpDataFin], o, p + 3, 1);
        d.addUInt(fl, s_f[MpDseqn8], o, p + 3, 1);
        d.addUInt(fl, s_f[MpDseqnPresent], o, p + 3, 1);
        d.addUInt(fl, s_f[MpDataAck8], o, p + 3, 1);
        d.addUInt(fl, s_f[MpDataAckPresent], o, p + 3, 1);
        size_t q = p + 4;
        if (f & 0x01) {
            const size_t n = (f & 0x02) ? 8 : 4;
            if (!fits(q - p + n))
                break;
            Item a = d.addValue(mp, s_f[MpRawDataAck], o, q, n, o.uint(q, n));
            if (a && n == 8)
                d.setText(a,
                          "Original MPTCP Data ACK: " + text::uintString(o.u64(q)) + " (64bits)");
            q += n;
        }
        if (f & 0x04) {
            const size_t n = (f & 0x08) ? 8 : 4;
            if (!fits(q - p + n + 6))
                break;
            Item dsn = d.addValue(mp, s_f[MpRawDataSeqNo], o, q, n, o.uint(q, n));
            label(d, dsn, [&] {
                return "Data Sequence Number: " + text::uintString(o.uint(q, n)) +
                       (n == 8 ? "  (64bits version)" : "  (32bits version)");
            });
            q += n;
            d.addUInt(mp, s_f[MpSubflowSeqNo], o, q, 4);
            d.addUInt(mp, s_f[MpDataLvlLen], o, q + 4, 2);
        }
        break;
    }
    case 3: { // ADD_ADDR: v4 or v6 by length, optional port and truncated HMAC
        d.addUInt(mp, s_f[MpEcho], o, p + 2, 1);
        if (!fits(4))
            break;
        d.addUInt(mp, s_f[MpAddrId], o, p + 3, 1);
        const bool v6 = len >= 20;
        const size_t alen = v6 ? 16 : 4;
        if (!fits(4 + alen))
            break;
        d.addBytes(mp, s_f[v6 ? MpIpv6 : MpIpv4], o, p + 4, alen);
        size_t q = p + 4 + alen;
        const size_t rest = len - 4 - alen;
        if (rest == 2 || rest == 10) {
            d.addUInt(mp, s_f[MpPort], o, q, 2);
            q += 2;
        }
        if (rest >= 8)
            d.addUInt(mp, s_f[MpAddAddrHmac], o, q, 8);
        break;
    }
    case 4: // REMOVE_ADDR: a list of address ids
        for (size_t q = p + 3; q < p + len; ++q)
            d.addUInt(mp, s_f[MpAddrId], o, q, 1);
        break;
    case 5: { // MP_PRIO
        Item fl = d.addUInt(mp, s_f[MpFlags], o, p + 2, 1);
        d.addUInt(fl, s_f[MpBackup], o, p + 2, 1);
        if (fits(4))
            d.addUInt(mp, s_f[MpAddrId], o, p + 3, 1);
        break;
    }
    case 6: // MP_FAIL
        if (fits(4))
            d.addUInt(mp, s_f[MpReserved], o, p + 2, 2);
        if (fits(12))
            d.addUInt(mp, s_f[MpRawDataSeqNo], o, p + 4, 8);
        break;
    case 7: // MP_FASTCLOSE
        if (fits(4))
            d.addUInt(mp, s_f[MpReserved], o, p + 2, 2);
        if (fits(12))
            d.addUInt(mp, s_f[MpRecvKey], o, p + 4, 8);
        break;
    case 8: { // MP_TCPRST
        Item fl = d.addUInt(mp, s_f[MpFlags], o, p + 2, 1);
        if (fl) {
            std::string fl_label = "Multipath TCP flags: ";
            text::appendHex(fl_label, o.u8(p + 2), 2);
            static constexpr const char *kNames[] = {"Flag U", "Flag V", "Flag W", "Transient"};
            for (int i = 0; i < 4; ++i)
                if (o.u8(p + 2) & (0x8 >> i)) {
                    fl_label += ", ";
                    fl_label += kNames[i];
                }
            d.setText(fl, std::move(fl_label));
        }
        for (int i = 0; i < 4; ++i) {
            Item b = d.addUInt(fl, s_f[MpFlagU + i], o, p + 2, 1);
            const bool set = o.u8(p + 2) & (0x8 >> i);
            label(d, b, [&] {
                return bitLabel(o.u8(p + 2) & 0xf, 0x8u >> i, 4,
                                d.registry().field(s_f[MpFlagU + i]).name, set ? "Set" : "Not set");
            });
        }
        if (fits(4))
            d.addUInt(mp, s_f[MpRstReason], o, p + 3, 1);
        break;
    }
    default:
        break;
    }
}

/// Experimental options (kinds 253/254, RFC 6994): a 16-bit ExID, then its data. ExID
/// 0xF989 is TCP Fast Open before kind 34 was assigned.
void dissectExperimental(Dissection &d, Item opts, const Reader &o, size_t at, size_t len,
                         Segment &s)
{
    const bool hasExid = len >= 4;
    const uint16_t exid = hasExid ? o.u16(at + 2) : 0;
    const bool tfo = hasExid && exid == 0xf989;
    Item it = optionItem(d, opts, OptExp, o, at, len,
                         tfo ? "TCP Option - Experimental: Fast Open"
                             : "TCP Option - Experimental: Unknown");
    addSummary(s, d, "Experimental");
    if (!hasExid)
        return;
    Item ex = d.addUInt(it, s_f[ExpExid], o, at + 2, 2);
    if (ex) {
        std::string l =
            tfo ? "Experiment Identifier: Fast Open (" : "Experiment Identifier: Unknown (";
        text::appendHex(l, exid, 4);
        l += ')';
        d.setText(ex, std::move(l));
    }
    if (tfo) {
        if (len > 4) {
            Item c = d.addBytes(it, s_f[TfoCookie], o, at + 4, len - 4);
            if (s.flags & kSyn)
                d.expert(c, o, at + 4, len - 4, Severity::Note, ExpertGroup::Sequence,
                         "TCP SYN with TFO Cookie", 0, s_ei[TfoSyn]);
            s.info->put(" TFO=C");
        } else {
            d.addValue(it, s_f[TfoRequest], o, at + 2, 2, 0);
            s.info->put(" TFO=R");
        }
        return;
    }
    if (len > 4)
        d.addBytes(it, s_f[ExpData], o, at + 4, len - 4);
    s.info->put(" ExID=");
    // Wireshark prints the ExID in upper-case hex without prefix or padding.
    char buf[8];
    const int n = snprintf(buf, sizeof buf, "%X", unsigned(exid));
    s.info->put(std::string_view(buf, size_t(n > 0 ? n : 0)));
}

/// The options area `o` (all of it inside the header). Malformed lengths end the walk with
/// a note, as Wireshark does, without reading past the header.
void dissectOptions(Dissection &d, Item tcp, const Reader &o, Segment &s)
{
    const size_t total = o.reported();
    Item opts = d.addBytes(tcp, s_f[Options], o, 0, total);
    size_t pos = 0;
    while (pos < total) {
        const uint8_t kind = o.u8(pos);
        if (kind == 0) {
            optionItem(d, opts, OptEol, o, pos, 1, "TCP Option - End of Option List (EOL)");
            addSummary(s, d, "End of Option List (EOL)");
            bool nonZero = false;
            for (size_t i = pos + 1; i < total && !nonZero; ++i)
                nonZero = o.u8(i) != 0;
            if (nonZero) {
                d.expert(opts, o, pos + 1, total - pos - 1, Severity::Error, ExpertGroup::Protocol,
                         "Non-zero header padding");
                break;
            }
            ++pos;
            continue;
        }
        if (kind == 1) {
            optionItem(d, opts, OptNop, o, pos, 1, "TCP Option - No-Operation (NOP)");
            addSummary(s, d, "No-Operation (NOP)");
            ++pos;
            continue;
        }

        std::string_view longName;
        switch (kind) {
        case 2:
            longName = "Maximum segment size";
            break;
        case 3:
            longName = "Window scale";
            break;
        case 4:
            longName = "SACK permitted";
            break;
        case 5:
            longName = "SACK";
            break;
        case 8:
            longName = "Timestamps";
            break;
        case 19:
            longName = "TCP MD5 signature";
            break;
        case 30:
            longName = "Multipath TCP";
            break;
        case 34:
            longName = "TCP Fast Open";
            break;
        case 253:
        case 254:
            longName = "Experimental";
            break;
        default:
            longName = "Unknown";
            break;
        }
        // A kind byte with no room for its length byte, or a length that cannot hold the
        // kind and length themselves, or one that runs past the options: stop here.
        if (pos + 1 >= total) {
            std::string msg(longName);
            msg += " (length byte past end of options)";
            d.expert(opts, o, pos, 1, Severity::Note, ExpertGroup::Sequence, msg, 0,
                     s_ei[OptLenInvalid]);
            break;
        }
        const size_t len = o.u8(pos + 1);
        if (len < 2) {
            std::string msg(longName);
            msg += " (with too-short option length = ";
            text::appendUInt(msg, len);
            msg += len == 1 ? " byte)" : " bytes)";
            d.expert(opts, o, pos, 2, Severity::Note, ExpertGroup::Sequence, msg, 0,
                     s_ei[OptLenInvalid]);
            break;
        }
        if (len > total - pos) {
            std::string msg(longName);
            msg += " (option length = ";
            text::appendUInt(msg, len);
            msg += " bytes says option goes past end of options)";
            d.expert(opts, o, pos, total - pos, Severity::Note, ExpertGroup::Sequence, msg, 0,
                     s_ei[OptLenInvalid]);
            break;
        }

        // Fixed-size options with the wrong length: shown, flagged, contents skipped.
        size_t expected = 0;
        int field = -1;
        switch (kind) {
        case 2:
            expected = 4;
            field = OptMss;
            break;
        case 3:
            expected = 3;
            field = OptWscale;
            break;
        case 4:
            expected = 2;
            field = OptSackPerm;
            break;
        case 8:
            expected = 10;
            field = OptTs;
            break;
        case 19:
            expected = 18;
            field = OptMd5;
            break;
        default:
            break;
        }
        if (expected && len != expected) {
            Item it = optionItem(d, opts, field, o, pos, len,
                                 [&] { return "TCP Option - " + std::string(longName); });
            addSummary(s, d, longName);
            // Under the Length item; summary mode collects it for a display filter.
            if (it || d.interest())
                d.expert(it ? Item{d.fieldTree().node(it.index).lastChild} : Item{}, o, pos + 1, 1,
                         Severity::Note, ExpertGroup::Sequence,
                         "option length should be " + text::uintString(expected), 0,
                         s_ei[OptLenInvalid]);
            pos += len;
            continue;
        }

        switch (kind) {
        case 2: {
            const uint16_t mss = o.u16(pos + 2);
            Item it = optionItem(d, opts, OptMss, o, pos, len, [&] {
                return "TCP Option - Maximum segment size: " + text::uintString(mss) + " bytes";
            });
            d.addUInt(it, s_f[MssVal], o, pos + 2, 2);
            addSummary(s, d, longName);
            s.info->put(" MSS=");
            s.info->putUInt(mss);
            s.mssSeen = true;
            break;
        }
        case 3: {
            const uint8_t shift = o.u8(pos + 2);
            const uint32_t mult = 1u << (shift > 14 ? 14 : shift);
            Item it = optionItem(d, opts, OptWscale, o, pos, len, [&] {
                return "TCP Option - Window scale: " + text::uintString(shift) + " (multiply by " +
                       text::uintString(mult) + ")";
            });
            Item sh = d.addUInt(it, s_f[WsShift], o, pos + 2, 1);
            if (shift > 14)
                d.expert(sh, o, pos + 2, 1, Severity::Warning, ExpertGroup::Protocol,
                         "Window scale shift exceeds 14", 0, s_ei[WsInvalid]);
            d.flag(d.addValue(it, s_f[WsMult], o, pos + 2, 1, mult), Generated);
            addSummary(s, d, longName);
            s.info->put(" WS=");
            s.info->putUInt(mult);
            s.wsShift = int8_t(shift > 14 ? 14 : shift);
            break;
        }
        case 4:
            optionItem(d, opts, OptSackPerm, o, pos, len, "TCP Option - SACK permitted");
            addSummary(s, d, longName);
            s.info->put(" SACK_PERM");
            break;
        case 5: {
            std::string sackLabel; // tree mode only
            const size_t blocks = (len - 2) / 8;
            for (size_t b = 0; b < blocks; ++b) {
                const size_t q = pos + 2 + b * 8;
                const uint32_t le = o.u32(q) - s.sackBase, re = o.u32(q + 4) - s.sackBase;
                if (s.sackCount < 4) {
                    s.sackLe[s.sackCount] = le + s.sackBase;
                    s.sackRe[s.sackCount++] = re + s.sackBase;
                }
                s.info->put(" SLE=");
                s.info->putUInt(le);
                s.info->put(" SRE=");
                s.info->putUInt(re);
                if (d.tree()) {
                    sackLabel += ' ';
                    text::appendUInt(sackLabel, le);
                    sackLabel += '-';
                    text::appendUInt(sackLabel, re);
                }
            }
            Item it = optionItem(d, opts, OptSack, o, pos, len,
                                 [&] { return "TCP Option - SACK" + sackLabel; });
            for (size_t b = 0; b < blocks && (it || d.interest()); ++b) {
                const size_t q = pos + 2 + b * 8;
                const uint32_t le = o.u32(q) - s.sackBase, re = o.u32(q + 4) - s.sackBase;
                const char *tail = s.relative ? " (relative)" : "";
                label(d, d.addValue(it, s_f[SackLe], o, q, 4, le),
                      [&] { return "left edge = " + text::uintString(le) + tail; });
                label(d, d.addValue(it, s_f[SackRe], o, q + 4, 4, re),
                      [&] { return "right edge = " + text::uintString(re) + tail; });
            }
            d.addGenerated(it, s_f[SackCount], blocks);
            addSummary(s, d, longName);
            break;
        }
        case 8: {
            const uint32_t tsval = o.u32(pos + 2), tsecr = o.u32(pos + 6);
            Item it = optionItem(d, opts, OptTs, o, pos, len, [&] {
                return "TCP Option - Timestamps: TSval " + text::uintString(tsval) + ", TSecr " +
                       text::uintString(tsecr);
            });
            d.addUInt(it, s_f[TsVal], o, pos + 2, 4);
            d.addUInt(it, s_f[TsEcr], o, pos + 6, 4);
            addSummary(s, d, longName);
            s.info->put(" TSval=");
            s.info->putUInt(tsval);
            s.info->put(" TSecr=");
            s.info->putUInt(tsecr);
            break;
        }
        case 19: { // RFC 2385
            Item it = optionItem(d, opts, OptMd5, o, pos, len, "TCP Option - TCP MD5 signature");
            d.addBytes(it, s_f[Md5Digest], o, pos + 2, 16);
            addSummary(s, d, longName);
            s.info->put(" MD5");
            break;
        }
        case 30:
            dissectMptcp(d, opts, o, pos, len, s);
            addSummary(s, d, "MPTCP");
            break;
        case 34: {
            Item it = optionItem(d, opts, OptTfo, o, pos, len, "TCP Option - TCP Fast Open");
            if (len > 2) {
                Item c = d.addBytes(it, s_f[TfoCookie], o, pos + 2, len - 2);
                if (s.flags & kSyn)
                    d.expert(c, o, pos + 2, len - 2, Severity::Note, ExpertGroup::Sequence,
                             "TCP SYN with TFO Cookie", 0, s_ei[TfoSyn]);
                s.info->put(" TFO=C");
            } else {
                d.addValue(it, s_f[TfoRequest], o, pos, 2, 0);
                s.info->put(" TFO=R");
            }
            addSummary(s, d, longName);
            break;
        }
        case 253:
        case 254:
            dissectExperimental(d, opts, o, pos, len, s);
            break;
        default: {
            Item it = optionItem(d, opts, OptUnknown, o, pos, len, "TCP Option - Unknown");
            if (len > 2)
                d.addBytes(it, s_f[UnknownPayload], o, pos + 2, len - 2);
            if (d.tree()) {
                std::string n = "Unknown (";
                text::appendHex(n, kind, 2);
                n += ')';
                addSummary(s, d, n);
            }
            break;
        }
        }
        pos += len;
    }
    if (opts) {
        std::string heading = "Options: (";
        text::appendUInt(heading, total);
        heading += " bytes)";
        heading += s.summary;
        d.setText(opts, std::move(heading));
    }
    if (opts || d.interest()) {
        if ((s.flags & kSyn) && !s.mssSeen)
            d.expert(opts, o, 0, 0, Severity::Note, ExpertGroup::Protocol,
                     "The SYN packet does not contain a MSS option", 0, s_ei[MssAbsent]);
        else if (!(s.flags & kSyn) && s.mssSeen)
            d.expert(opts, o, 0, 0, Severity::Note, ExpertGroup::Protocol,
                     "The non-SYN packet does contain a MSS option", 0, s_ei[MssPresent]);
    }
}

/// Shows a RST's payload as text: stacks put the reason for the reset there (RFC 9293
/// section 3.5.3 allows data on a RST).
void addResetCause(Dissection &d, Item tcp, const Reader &payload)
{
    const size_t n = payload.captured();
    if (n == 0 || !d.wants(s_f[ResetCause])) // the text is built only when somebody reads it
        return;
    const uint8_t *p = payload.ptr(0, n);
    std::string s;
    s.reserve(n);
    for (size_t i = 0; i < n; ++i) {
        if (p[i] >= 0x20 && p[i] < 0x7f) {
            s += char(p[i]);
        } else {
            s += "\\x";
            std::string h;
            text::appendHex(h, p[i], 2);
            s += h.substr(2);
        }
    }
    d.addString(tcp, s_f[ResetCause], payload, 0, n, std::move(s));
}

/// [Conversation completeness: Complete, WITH_DATA (31)]
void addCompleteness(Dissection &d, Item tcp, uint8_t bits)
{
    using namespace tcpa;
    if (!tcp && !d.interest())
        return;
    Item it = d.addGenerated(tcp, s_f[Completeness], bits);
    label(d, it, [&] {
        std::string_view name;
        if ((bits & (CSyn | CSynAck | CAck)) == (CSyn | CSynAck | CAck) && (bits & (CFin | CRst)))
            name = (bits & CData) ? "Complete, WITH_DATA" : "Complete, NO_DATA";
        else if (bits == CSyn)
            name = "Incomplete, SYN_SENT";
        else if (bits == (CSyn | CSynAck))
            name = "Incomplete, CLIENT_ESTABLISHED";
        else if (bits == (CSyn | CSynAck | CAck))
            name = "Incomplete, ESTABLISHED";
        else if (bits == (CSyn | CSynAck | CAck | CData))
            name = "Incomplete, DATA";
        else
            name = "Incomplete";
        return "Conversation completeness: " + std::string(name) + " (" + text::uintString(bits) +
               ")";
    });
}

/// Each analysis flag's expert note and Info prefix, in tcpa::Flag's bit order.
struct AnalysisNote
{
    Severity severity;
    ExpertGroup group;
    std::string_view message;
    std::string_view prefix; ///< the Info column's "[TCP ...] "; empty: none
};
constexpr AnalysisNote kAnalysisNotes[] = {
    {Severity::Note, ExpertGroup::Sequence,
     "A new tcp session is started with the same ports as an earlier session in this trace",
     "[TCP Port numbers reused] "},
    {Severity::Note, ExpertGroup::Sequence, "This frame is a (suspected) fast retransmission",
     "[TCP Fast Retransmission] "},
    {Severity::Note, ExpertGroup::Sequence, "This frame is a (suspected) spurious retransmission",
     "[TCP Spurious Retransmission] "},
    {Severity::Note, ExpertGroup::Sequence, "This frame is a (suspected) retransmission",
     "[TCP Retransmission] "},
    {Severity::Warning, ExpertGroup::Sequence,
     "Previous segment(s) not captured (common at capture start)",
     "[TCP Previous segment not captured] "},
    {Severity::Warning, ExpertGroup::Sequence,
     "ACKed segment that wasn't captured (common at capture start)", "[TCP ACKed unseen segment] "},
    {Severity::Chat, ExpertGroup::Sequence, "TCP window update", "[TCP Window Update] "},
    {Severity::Warning, ExpertGroup::Sequence,
     "TCP window specified by the receiver is now completely full", "[TCP Window Full] "},
    {Severity::Note, ExpertGroup::Sequence, "TCP keep-alive segment", "[TCP Keep-Alive] "},
    {Severity::Note, ExpertGroup::Sequence, "ACK to a TCP keep-alive segment",
     "[TCP Keep-Alive ACK] "},
    {Severity::Note, ExpertGroup::Sequence, "Duplicate ACK", ""}, // text and prefix built
    {Severity::Note, ExpertGroup::Sequence, "TCP Zero Window Probe", "[TCP ZeroWindowProbe] "},
    {Severity::Warning, ExpertGroup::Sequence, "TCP Zero Window segment", "[TCP ZeroWindow] "},
    {Severity::Note, ExpertGroup::Sequence, "ACK to a TCP Zero Window Probe",
     "[TCP ZeroWindowProbeAck] "},
    {Severity::Warning, ExpertGroup::Sequence, "This frame is a (suspected) out-of-order segment",
     "[TCP Out-Of-Order] "},
};
static_assert(std::size(kAnalysisNotes) == EOutOfOrder - EReusedPorts + 2); // + DuplicateAck

/// The [Timestamps] and [SEQ/ACK analysis] subtrees and the Info prefixes of one segment.
void addAnalysis(Dissection &d, Item tcp, const Reader &r, const tcpa::Result &a)
{
    using tcpa::Result;
    if (!tcp && !d.interest())
        return; // summary fast path: nothing is kept, and the times cost divisions
    const auto relTime = [&](Item parent, int f, int64_t ns) {
        // RelTime: whole seconds and nanoseconds, negative seconds for a negative time.
        int64_t sec = ns / 1000000000;
        int64_t nsec = ns % 1000000000;
        if (nsec < 0) {
            nsec += 1000000000;
            --sec;
        }
        return d.addGenerated(parent, s_f[f], uint64_t(sec), uint32_t(nsec));
    };
    if (a.has & Result::HasTimes) {
        Item ts = tcp ? d.addText(tcp, r, 0, 0, "[Timestamps]") : Item{};
        relTime(ts, TimeRelative, a.timeRelative);
        relTime(ts, TimeDelta, a.timeDelta);
    }
    if (!(a.has & Result::HasAnalysis))
        return;
    Item an = d.addGenerated(tcp, s_f[Analysis], 0);
    label(d, an, "SEQ/ACK analysis"); // a custom label: the brackets of a generated item
    if (a.has & Result::HasAcks) {
        d.addGenerated(an, s_f[AcksFrame], a.acksFrame);
        relTime(an, AckRtt, a.ackRtt);
    }
    if (a.has & Result::HasIrtt)
        relTime(an, InitialRtt, a.irtt);
    if (a.has & Result::HasBif) {
        d.addGenerated(an, s_f[BytesInFlight], a.bytesInFlight);
        d.addGenerated(an, s_f[PushBytesSent], a.pushBytesSent);
    }
    if (!a.flags)
        return;
    Item fl = d.addGenerated(an, s_f[AnalysisFlags], 0);
    label(d, fl, "TCP Analysis Flags");
    for (int bit = 0; bit < int(std::size(kAnalysisNotes)); ++bit) {
        if (!(a.flags & (1u << bit)))
            continue;
        const AnalysisNote &n = kAnalysisNotes[bit];
        if ((1u << bit) == tcpa::DuplicateAck) {
            label(d, d.addGenerated(fl, s_f[DupAck], 0), "This is a TCP duplicate ack");
            continue; // its number, frame and note follow the flags
        }
        // The flags after DuplicateAck have their expert field one place earlier.
        const int e = EReusedPorts + bit - ((1u << bit) > tcpa::DuplicateAck ? 1 : 0);
        d.expert(fl, r, 0, 0, n.severity, n.group, n.message, 0, s_ei[e]);
        if ((1u << bit) == tcpa::Retransmission && (a.has & Result::HasRto)) {
            relTime(fl, Rto, a.rto);
            d.addGenerated(fl, s_f[RtoFrame], a.rtoFrame);
        }
    }
    if (a.flags & tcpa::DuplicateAck) {
        d.addGenerated(an, s_f[DupAckNum], a.dupAckNum);
        Item df = d.addGenerated(an, s_f[DupAckFrame], a.dupAckFrame);
        if (df || d.interest()) { // the message is built only for somebody who reads it
            std::string msg = "Duplicate ACK (#" + text::uintString(a.dupAckNum) + ")";
            d.expert(df, r, 0, 0, Severity::Note, ExpertGroup::Sequence, msg, 0, s_f[DupAck]);
        }
    }
}

tcpa::Segment analysisSegment(const Dissection &d, uint32_t seq, uint32_t ack, uint32_t len,
                              uint32_t window, uint16_t flags)
{
    tcpa::Segment seg;
    seg.frame = d.frame().number;
    seg.time = frameTime(d);
    seg.seq = seq;
    seg.ack = ack;
    seg.len = len;
    seg.window = window;
    seg.flags = flags;
    return seg;
}

/// Puts the analysis notes in front of the Info column when the segment's dissection ends:
/// after the payload's dissector, which may rewrite the column (Wireshark keeps them behind a
/// column fence: "[TCP Previous segment not captured] Continuation").
class AnalysisInfoPrefix
{
public:
    AnalysisInfoPrefix(Dissection &d, const tcpa::Result *a)
        : m_d(d), m_a(a && a->flags && d.columns() && !d.columnsFrozen() ? a : nullptr)
    {
    }
    ~AnalysisInfoPrefix()
    {
        if (!m_a)
            return;
        // Each note goes in front of the ones before it, as Wireshark prepends them.
        std::string prefix;
        for (int bit = 0; bit < int(std::size(kAnalysisNotes)); ++bit) {
            const uint16_t f = uint16_t(1u << bit);
            if (!(m_a->flags & f))
                continue;
            if (f == tcpa::Retransmission &&
                (m_a->flags & (tcpa::FastRetransmission | tcpa::SpuriousRetransmission)))
                continue; // the more precise note says it
            if (f == tcpa::DuplicateAck)
                prefix.insert(0, "[TCP Dup ACK " + text::uintString(m_a->dupAckFrame) + "#" +
                                     text::uintString(m_a->dupAckNum) + "] ");
            else
                prefix.insert(0, kAnalysisNotes[bit].prefix);
        }
        m_d.info().insert(0, prefix);
    }
    AnalysisInfoPrefix(const AnalysisInfoPrefix &) = delete;
    AnalysisInfoPrefix &operator=(const AnalysisInfoPrefix &) = delete;

private:
    Dissection &m_d;
    const tcpa::Result *m_a;
};

void dissectTcp(Dissection &d, const Reader &r, Item parent)
{
    d.setProtocol("TCP");
    const bool quoted = d.columnsFrozen(); // inside an ICMP error: usually 8 bytes, no state
    const uint16_t sport = r.u16(0), dport = r.u16(2);

    Item tcp = d.addProtocol(parent, s_f.protocol(), r, 0, r.captured() < 20 ? r.captured() : 20);
    d.addUInt(tcp, s_f[SrcPort], r, 0, 2);
    d.addUInt(tcp, s_f[DstPort], r, 2, 2);
    d.flag(d.addUInt(tcp, s_f[Port], r, 0, 2), Hidden);
    d.flag(d.addUInt(tcp, s_f[Port], r, 2, 2), Hidden);
    // The Info column is built through an appender: it is most of the text of a summary line.
    // It reaches the column when `info` goes out of scope (also on a BoundsError), and is
    // flushed before the payload's dissector may write the column itself.
    d.info().clear();
    text::StringAppender info(d.info(), d.columns());
    info.putUInt(sport);
    info.put(" \xe2\x86\x92 "); // U+2192 RIGHTWARDS ARROW, as Wireshark writes it
    info.putUInt(dport);

    std::string title; // the protocol item's label, built in tree mode only
    if (tcp) {
        title = "Transmission Control Protocol, Src Port: " + text::uintString(sport) +
                ", Dst Port: " + text::uintString(dport);
        d.setText(tcp, title);
    }

    if (quoted && !r.has(0, 20)) {
        // RFC 792 quotes the first 8 bytes: ports and sequence number. Show what is there
        // and leave the rest, which is not an error. Like tshark, the quoted sequence number
        // is shown as is, with no tcp.seq_raw twin.
        if (r.has(4, 4)) {
            d.addUInt(tcp, s_f[Seq], r, 4, 4);
            if (tcp)
                d.setText(tcp, title + ", Seq: " + text::uintString(r.u32(4)));
        }
        return;
    }

    r.require(0, 20); // the fixed header: truncated or malformed per the reader
    const uint32_t seqRaw = r.u32(4), ackRaw = r.u32(8);
    const size_t hlen = size_t(r.u8(12) >> 4) * 4;
    const uint16_t flags = r.u16(12) & 0x0fff;
    const uint16_t window = r.u16(14);
    const size_t reported = r.reported();
    const bool shortSegment = hlen > reported; // the header claims more than the segment has

    // Conversation state: relative numbers, stream index, window scaling.
    TcpConversations::Entry *conv = nullptr;
    TcpConversations::Entry revisited; // the first pass's view, when this frame comes again
    int dir = 0;
    bool reusedPorts = false; // a SYN that starts a new conversation on the same ports
    // The SEQ/ACK analysis of this segment: on a revisit the first pass's, logged.
    auto &analysisLog = d.session().state<TcpAnalysisLog>();
    const tcpa::Result *analysis = nullptr;
    tcpa::Result analysisLogged;
    if (!quoted) {
        auto &log = d.session().state<TcpStreamLog>();
        uint32_t loggedDir = 0;
        if (const TcpStreamState *logged =
                d.revisit() ? log.next(d.frame().number, d.session().serial(), &loggedDir)
                            : nullptr) {
            revisited.index = logged->stream;
            revisited.data.flow[0] = logged->flow[0];
            revisited.data.flow[1] = logged->flow[1];
            dir = int(loggedDir);
            conv = &revisited;
        } else {
            bool reversed = false, created = false;
            const ConversationKey key = ConversationKey::make(d.net, sport, dport, reversed);
            TcpConversations &table = d.session().state<TcpConversations>();
            conv = &table.findOrCreate(key, created);
            dir = reversed ? 1 : 0;
            // A new SYN with another initial sequence number reuses the ports for a new
            // connection: a new stream, as in Wireshark.
            const Flow &f = conv->data.flow[dir];
            if (!created && (flags & (kSyn | kAck)) == kSyn && f.baseSet && f.base != seqRaw) {
                conv = &table.restart(key);
                reusedPorts = true;
            }
            if (!shortSegment) {
                Flow &fwd = conv->data.flow[dir];
                Flow &rev = conv->data.flow[1 - dir];
                if (flags & kSyn) {
                    fwd.base = seqRaw;
                    fwd.baseSet = true;
                } else if (!fwd.baseSet) {
                    // Joined mid-stream: this segment's first byte counts as 1.
                    fwd.base = seqRaw - 1;
                    fwd.baseSet = true;
                }
                if ((flags & kAck) && !rev.baseSet) {
                    rev.base = ackRaw - 1;
                    rev.baseSet = true;
                }
            }
            if (d.recording())
                log.record(d.frame().number, conv->index,
                           {conv->index, {conv->data.flow[0], conv->data.flow[1]}}, uint32_t(dir));
        }
    }

    // -o tcp.relative_sequence_numbers:FALSE shows the raw numbers, as tshark does.
    const bool relative = conv && !shortSegment && d.prefs.tcpRelativeSequenceNumbers;
    const Flow *fwd = conv ? &conv->data.flow[dir] : nullptr;
    const Flow *rev = conv ? &conv->data.flow[1 - dir] : nullptr;
    const uint32_t seq = relative ? seqRaw - fwd->base : seqRaw;
    const uint32_t ack = (relative && (flags & kAck)) ? ackRaw - rev->base : ackRaw;
    const uint32_t segLen = hlen <= reported ? uint32_t(reported - hlen) : 0;

    if (conv)
        d.addGenerated(tcp, s_f[Stream], conv->index);
    if (conv) {
        if (d.revisit()) {
            if (analysisLog.next(d, conv->index, frameTime(d), analysisLogged))
                analysis = &analysisLogged;
        } else if (!conv->data.analysis)
            conv->data.analysis = std::make_unique<tcpa::Analyzer>();
        // The bits of the frames before this one.
        // (tshark counts a SYN that reuses the ports at once.)
        const uint8_t complete =
            analysis ? analysis->completeness
            : conv->data.analysis
                ? uint8_t(conv->data.analysis->completeness() | (reusedPorts ? tcpa::CSyn : 0))
                : 0;
        if (analysis || !d.revisit())
            addCompleteness(d, tcp, complete);
    }
    if (hlen >= 20 && !shortSegment)
        d.addGenerated(tcp, s_f[Len], segLen);
    else if (hlen < 20)
        d.addGenerated(tcp, s_f[Len], reported - hlen);
    if (shortSegment) {
        // Wireshark adds this note as an item of its own, the expert info below it.
        static constexpr std::string_view kShort =
            "Short segment. Segment/fragment does not contain a full TCP header (might be "
            "NMAP or someone else deliberately sending unusual packets)";
        Item note = d.addText(tcp, r, 0, 0, std::string(kShort));
        d.expert(note, r, 0, 0, Severity::Warning, ExpertGroup::Malformed, kShort, Malformed,
                 s_ei[ShortSegment]);
        if (!note)
            d.flagFrame(Malformed);
    }

    // Info: "[SYN, ACK] Seq=0 Ack=1 Win=65160", then Len= and option summaries.
    info.put(" [");
    info.commit(writeFlagNames(info.reserve(kMaxFlagNames + 39), flags));
    info.put("] Seq=");
    info.putUInt(seq);
    if (flags & kAck) {
        info.put(" Ack=");
        info.putUInt(ack);
    }

    Item seqItem = d.addValue(tcp, s_f[Seq], r, 4, 4, seq);
    if (relative)
        label(d, seqItem, [&] {
            return "Sequence Number: " + text::uintString(seq) + "    (relative sequence number)";
        });
    d.addUInt(tcp, s_f[SeqRaw], r, 4, 4);

    if (hlen < 20) {
        info.put(" Win=");
        info.putUInt(window);
        std::string msg =
            "Bogus TCP header length (" + text::uintString(hlen) + ", must be at least 20)";
        Item hl = d.addValue(tcp, s_f[HdrLen], r, 12, 1, hlen);
        if (hl)
            d.setText(hl, bitLabel(r.u8(12), 0xf0, 8, "Header Length",
                                   text::uintString(hlen) + " bytes (" +
                                       text::uintString(hlen / 4) + ")"));
        d.expert(hl ? hl : tcp, r, 12, 1, Severity::Error, ExpertGroup::Protocol, msg, Malformed,
                 s_ei[BogusHdrLen]);
        info.put(", bogus TCP header length (");
        info.putUInt(hlen);
        info.put(", must be at least 20)");
        if (tcp)
            d.setText(tcp, title + ", Seq: " + text::uintString(seq));
        return;
    }

    // SYN and FIN each occupy one sequence number; Wireshark counts one for either.
    const uint32_t nxtseq = seq + segLen + ((flags & (kSyn | kFin)) ? 1 : 0);
    if (relative)
        label(d, d.addGenerated(tcp, s_f[NxtSeq], nxtseq), [&] {
            return "Next Sequence Number: " + text::uintString(nxtseq) +
                   "    (relative sequence number)";
        });

    Item ackItem = d.addValue(tcp, s_f[Ack], r, 8, 4, ack);
    if (ackItem && relative && (flags & kAck))
        d.setText(ackItem,
                  "Acknowledgment Number: " + text::uintString(ack) + "    (relative ack number)");
    if (!(flags & kAck) && ackRaw != 0)
        d.expert(ackItem, r, 8, 4, Severity::Note, ExpertGroup::Protocol,
                 "The acknowledgment number field is nonzero while the ACK flag is not set", 0,
                 s_ei[AckNonzero]);
    d.addUInt(tcp, s_f[AckRaw], r, 8, 4);

    Item hl = d.addValue(tcp, s_f[HdrLen], r, 12, 1, hlen);
    if (hl)
        d.setText(hl,
                  bitLabel(r.u8(12), 0xf0, 8, "Header Length",
                           text::uintString(hlen) + " bytes (" + text::uintString(hlen / 4) + ")"));

    Item fl = d.addUInt(tcp, s_f[Flags], r, 12, 2);
    Item flagStr;
    if (fl || d.interest()) { // the bits: in summary mode, collected for a display filter
        if (fl) {
            std::string l = "Flags: ";
            text::appendHex(l, flags, 3);
            l += " (";
            appendFlagNames(l, flags);
            l += ')';
            d.setText(fl, std::move(l));
        }
        static constexpr int kBits[] = {FlagRes, FlagAe,   FlagCwr,   FlagEce, FlagUrg,
                                        FlagAck, FlagPush, FlagReset, FlagSyn, FlagFin};
        for (int f : kBits) {
            const FieldDef &def = d.registry().field(s_f[f]);
            // Reserved and AE live in byte 12, the rest in byte 13, as Wireshark ranges them.
            const size_t at = def.mask >= 0x100 ? 12 : 13;
            const bool set = flags & def.mask;
            Item b = d.addValue(fl, s_f[f], r, at, 1, set);
            label(d, b,
                  [&] { return bitLabel(flags, def.mask, 12, def.name, set ? "Set" : "Not set"); });
            if (f == FlagReset && set)
                d.expert(b, r, at, 1, Severity::Warning, ExpertGroup::Sequence,
                         "Connection reset (RST)", 0, s_ei[ConnRst]);
            if (f == FlagSyn && set) {
                const bool synAck = flags & kAck;
                d.expert(b, r, at, 1, Severity::Chat, ExpertGroup::Sequence,
                         std::string(synAck ? "Connection establish acknowledge (SYN+ACK): "
                                              "server port "
                                            : "Connection establish request (SYN): server port ") +
                             text::uintString(synAck ? sport : dport),
                         0, s_ei[synAck ? ConnSynAck : ConnSyn]);
            }
            if (f == FlagFin && set)
                d.expert(b, r, at, 1, Severity::Chat, ExpertGroup::Sequence,
                         "Connection finish (FIN)", 0, s_ei[ConnFin]);
        }
        static constexpr char kLetters[] = "RRRACEUAPRSF";
        std::string str;
        if (d.wants(s_f[FlagStr])) {
            for (int i = 0; i < 12; ++i) {
                if (flags & (0x800 >> i))
                    str += kLetters[i];
                else
                    str += "\xc2\xb7"; // U+00B7 MIDDLE DOT for a clear flag
            }
        }
        // Wireshark shows this summary in brackets although it is not generated.
        flagStr = d.addString(fl, s_f[FlagStr], r, 12, 2, std::move(str));
        d.flag(flagStr, Generated);
    }
    // The conversation's first FIN initiates its closing; the peer's FIN then undergoes it.
    // (On a revisit `conv` is the first pass's copy: the same answer.)
    if (conv && (flags & kFin)) {
        const bool passive = conv->data.flow[1 - dir].closing;
        if (!passive)
            conv->data.flow[dir].closing = true;
        d.expert(flagStr, r, 12, 2, Severity::Note, ExpertGroup::Sequence,
                 passive ? "This frame undergoes the connection closing"
                         : "This frame initiates the connection closing",
                 0, s_ei[passive ? FinPassive : FinActive]);
    }

    // Window: scaled once both SYNs were seen and both offered a scale (RFC 7323 2.2); a
    // SYN's own window is never scaled.
    d.addUInt(tcp, s_f[WinValue], r, 14, 2);
    // Scaling is off as soon as either SYN is seen without the option; on only once both
    // SYNs carried it; unknown otherwise (-1), as Wireshark reports it.
    int32_t scale = -1;
    if (conv && !(flags & kSyn)) {
        if ((fwd->synSeen && fwd->wsShift < 0) || (rev->synSeen && rev->wsShift < 0))
            scale = -2;
        else if (fwd->synSeen && rev->synSeen)
            scale = int32_t(1) << fwd->wsShift;
    }
    const uint32_t calcWindow = scale > 0 ? uint32_t(window) * uint32_t(scale) : window;
    d.flag(d.addValue(tcp, s_f[WinSize], r, 14, 2, calcWindow), Generated);
    if (!(flags & kSyn)) {
        Item sc = d.addGenerated(tcp, s_f[WinScale], uint32_t(scale));
        if (scale < 0)
            label(d, sc,
                  scale == -1 ? "Window size scaling factor: -1 (unknown)"
                              : "Window size scaling factor: -2 (no window scaling used)");
    }
    info.put(" Win=");
    info.putUInt(calcWindow);

    // Checksum over the pseudo-header (RFC 9293 3.1), only when every byte was captured
    // and there is an IP layer to build the pseudo-header from.
    const uint16_t cksum = r.u16(16);
    Item ck = d.addUInt(tcp, s_f[Checksum], r, 16, 2);
    const bool verify = d.prefs.verifyChecksums && !quoted &&
                        (d.net.version == 4 || d.net.version == 6) && r.captured() == reported &&
                        reported <= 0xffff;
    if (verify) {
        uint64_t sum =
            checksum::pseudoHeader(d.net.version, d.net.src, d.net.dst, 6, uint32_t(reported));
        sum = checksum::add(sum, r.ptr(0, 16), 16);
        sum = checksum::add(sum, r.ptr(18, reported - 18), reported - 18);
        const uint16_t calc = checksum::finish(sum);
        const bool good =
            calc == cksum || (calc == 0 && cksum == 0xffff) || (calc == 0xffff && cksum == 0);
        std::string hex;
        if (ck) {
            text::appendHex(hex, cksum, 4);
        }
        if (good) {
            label(d, ck, [&] { return "Checksum: " + hex + " [correct]"; });
        } else {
            std::string calcHex;
            text::appendHex(calcHex, calc, 4);
            label(d, ck, [&] {
                return "Checksum: " + hex + " incorrect, should be " + calcHex +
                       "(maybe caused by \"TCP checksum offload\"?)";
            });
            d.expert(ck, r, 16, 2, Severity::Error, ExpertGroup::Checksum, checksum::badText(calc),
                     0, s_ei[ChecksumBad]);
            d.flag(ck, BadChecksum);
        }
        label(d, d.addGenerated(tcp, s_f[ChecksumStatus], good ? 1 : 0),
              good ? "Checksum Status: Good" : "Checksum Status: Bad");
        d.addGenerated(tcp, s_f[ChecksumCalc], calc);
    } else {
        if (ck) {
            std::string l = "Checksum: ";
            text::appendHex(l, cksum, 4);
            l += " [unverified]";
            d.setText(ck, std::move(l));
        }
        label(d, d.addGenerated(tcp, s_f[ChecksumStatus], 2), "Checksum Status: Unverified");
    }

    const uint16_t urgent = r.u16(18);
    Item urg = d.addUInt(tcp, s_f[Urgent], r, 18, 2);
    if (urgent && !(flags & kUrg))
        d.expert(urg, r, 18, 2, Severity::Note, ExpertGroup::Protocol,
                 "The urgent pointer field is nonzero while the URG flag is not set", 0,
                 s_ei[UrgentNonzero]);
    if (flags & kUrg) {
        info.put(" Urg=");
        info.putUInt(urgent);
    }

    if (tcp) {
        title += ", Seq: " + text::uintString(seq);
        if (flags & kAck)
            title += ", Ack: " + text::uintString(ack);
        if (!shortSegment)
            title += ", Len: " + text::uintString(segLen);
        d.setText(tcp, title);
        d.setLength(tcp, std::min(hlen, r.captured()));
    }

    if (shortSegment) {
        // tshark still counts the segment in the stream's times (its [Timestamps] follow an
        // Options item we cannot show: the bytes are missing).
        tcpa::Result times;
        if (conv && !d.revisit() && conv->data.analysis) {
            times = conv->data.analysis->timesOnly(analysisSegment(d, seqRaw, ackRaw, 0, 0, flags));
            analysis = &times;
            if (d.recording())
                analysisLog.record(d.frame().number, conv->index, frameTime(d), times);
        }
        if (analysis)
            addAnalysis(d, tcp, r, *analysis);
        // Wireshark reads the options the header claims and fails past the segment's end.
        d.addBytes(tcp, s_f[Options], r, 20, hlen - 20); // throws: past the reported end
        return;
    }

    info.put(" Len=");
    info.putUInt(segLen);

    Segment s;
    s.flags = flags;
    s.info = &info;
    s.sackBase = relative ? rev->base : 0;
    s.relative = relative;
    if (hlen > 20)
        dissectOptions(d, tcp, r.sub(20, hlen - 20), s);

    // Window scale from the SYNs; kept only once the header parsed.
    if (conv && (flags & kSyn)) {
        Flow &f = conv->data.flow[dir];
        f.synSeen = true;
        f.wsShift = s.wsShift;
    }

    tcpa::Result fresh;
    if (conv && !d.revisit() && conv->data.analysis) {
        tcpa::Segment seg = analysisSegment(d, seqRaw, ackRaw, segLen, calcWindow, flags);
        seg.sackCount = s.sackCount;
        std::copy(std::begin(s.sackLe), std::end(s.sackLe), seg.sackLe);
        std::copy(std::begin(s.sackRe), std::end(s.sackRe), seg.sackRe);
        seg.reusedPorts = reusedPorts;
        conv->data.analysis->analyze(seg, dir, fresh);
        analysis = &fresh;
        if (d.recording())
            analysisLog.record(d.frame().number, conv->index, frameTime(d), fresh);
    }
    if (analysis)
        addAnalysis(d, tcp, r, *analysis);
    // Declared after `info`, so it runs first at the end: the appender's last flush appends.
    AnalysisInfoPrefix infoPrefix(d, analysis);

    // A FIN or RST ends what a direction (a RST: both) still had waiting for reassembly.
    auto closing = [&] {
        if (conv && !quoted && (flags & (kFin | kRst)))
            endTcpFlow(d, conv->index, uint8_t(dir), flags & kRst);
    };
    if (segLen == 0) {
        closing();
        return;
    }
    info.flush(); // the payload's dissector may write the column
    const Reader payload = r.sub(hlen);
    if (flags & kRst) {
        addResetCause(d, tcp, payload);
        closing();
        return;
    }
    if (payload.captured() > 0 && (tcp || d.interest())) {
        Item pl = d.addBytes(tcp, s_f[Payload], payload, 0, payload.captured());
        label(d, pl, [&] { return "TCP payload (" + text::uintString(segLen) + " bytes)"; });
    }
    // tshark's default (tcp.no_subdissector_on_error): the payload of a retransmission or an
    // out-of-order segment is not handed on; it is shown as TCP payload only. A filter pass
    // that reads only headers hands on none.
    if (!d.tcpPayloads() ||
        (analysis && (analysis->flags & (tcpa::Retransmission | tcpa::OutOfOrder)))) {
        closing();
        return;
    }
    d.transport = {6, sport, dport, conv ? conv->index : 0};
    TcpPayloadContext pc;
    pc.tcp = tcp;
    pc.parent = parent;
    pc.srcPort = sport;
    pc.dstPort = dport;
    pc.tracked = conv != nullptr;
    pc.stream = conv ? conv->index : 0;
    pc.direction = uint8_t(dir);
    pc.seq = seqRaw + ((flags & kSyn) ? 1 : 0); // a SYN takes the first number
    dissectTcpPayload(d, payload, pc);
    closing();
}

} // namespace

void register_tcp(Registry &reg)
{
    s_f = reg.addProtocol({"tcp", "TCP", "Transmission Control Protocol"}, kFields);
    // From the conversation table: the stream index, numbers relative to each direction's
    // initial sequence number (SACK edges too), the window scale from the SYNs.
    for (int f : {Seq, NxtSeq, Ack, SackLe, SackRe, WinSize, WinScale})
        reg.setCrossFrame(s_f[f]);
    reg.setCrossConversation(s_f[Stream]); // numbered in the order conversations appear
    for (int f = Completeness; f < Count; ++f)
        reg.setCrossFrame(s_f[f]);
    s_ei = reg.addFields(kExperts);
    // The SEQ/ACK analysis's notes, and which side's FIN came first.
    for (int e : {FinActive, FinPassive})
        reg.setCrossFrame(s_ei[e]);
    for (int e = EReusedPorts; e <= EOutOfOrder; ++e)
        reg.setCrossFrame(s_ei[e]);
    s_mptcp = reg.addProtocol({"mptcp", "MPTCP", "Multipath Transmission Control Protocol"}, {})
                  .protocol();
    reg.addDissector(Table::IpProto, 6, dissectTcp);
}

} // namespace pl::proto
