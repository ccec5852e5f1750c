#include "capturehelper.h"

#include "capture/privileges.h"

#include <chrono>
#include <csignal>
#include <linux/capability.h>
#include <poll.h>
#include <sys/prctl.h>
#include <unistd.h>

namespace pl::helper {

namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kBatchInterval = std::chrono::milliseconds(100);
constexpr auto kStatsInterval = std::chrono::seconds(1);
constexpr size_t kBatchBytes = 1 << 20; // well under the codec's bound for one batch
constexpr int kConfigTimeoutMs = 10000;
constexpr int kBlockTimeoutMs = 50; // TPACKET_V3 block retire timeout: packets show within it

QString qs(const std::string &s)
{
    return QString::fromStdString(s);
}

} // namespace

CaptureHelper::CaptureHelper(std::string helperPath) : m_helperPath(std::move(helperPath)) {}

bool CaptureHelper::receiveConfig(ipc::HelperConnection &connection, ipc::Config &config)
{
    const auto deadline = Clock::now() + std::chrono::milliseconds(kConfigTimeoutMs);
    while (Clock::now() < deadline && !connection.closed()) {
        ipc::Message m;
        if (!connection.poll(m, 100))
            continue;
        if (auto *c = std::get_if<ipc::Config>(&m)) {
            config = *c;
            return true;
        }
        if (std::holds_alternative<ipc::Stop>(m))
            return false;
    }
    return false;
}

int CaptureHelper::fail(ipc::HelperConnection &connection, ipc::ErrorCode code,
                        const std::string &message, const std::string &hint)
{
    fprintf(stderr, "packetlens-capture: %s\n", message.c_str());
    if (!hint.empty())
        fprintf(stderr, "%s\n", hint.c_str());
    connection.send(ipc::makeError(code, qs(message), qs(hint)), 1000);
    return code == ipc::ErrorCode::NoPermission ? capture::kExitNoPermission : 1;
}

bool CaptureHelper::openRings(ipc::HelperConnection &connection, const ipc::Config &config,
                              int &status)
{
    if (config.interfaces.isEmpty()) {
        status = fail(connection, ipc::ErrorCode::Internal, "no interface to capture on");
        return false;
    }
    for (const QString &name : config.interfaces) {
        capture::RingConfig rc;
        rc.interface = name.toStdString();
        rc.snaplen = config.snaplen;
        rc.promiscuous = config.promiscuous;
        rc.bufferBytes = size_t(config.bufferMiB) << 20;
        rc.filter = config.filter.toStdString();
        rc.blockTimeoutMs = kBlockTimeoutMs;
        rc.deferFilter = true; // compiled after the privilege drop, see run()
        auto ring = std::make_unique<capture::PacketRing>();
        if (!ring->open(rc, uint32_t(m_rings.size()))) {
            using E = capture::PacketRing::ErrorCode;
            const auto code = ring->errorCode() == E::NoPermission ? ipc::ErrorCode::NoPermission
                              : ring->errorCode() == E::BadFilter  ? ipc::ErrorCode::BadFilter
                              : ring->errorCode() == E::NoSuchInterface
                                  ? ipc::ErrorCode::NoSuchInterface
                                  : ipc::ErrorCode::Internal;
            const std::string hint = code == ipc::ErrorCode::NoPermission
                                         ? capture::missingCapabilityHint(m_helperPath)
                                         : std::string();
            status = fail(connection, code, rc.interface + ": " + ring->errorText(), hint);
            return false;
        }
        m_rings.push_back(std::move(ring));
    }
    return true;
}

void CaptureHelper::onPacket(const Frame &captured)
{
    // The queue is bounded: past the limit the ring is still drained, and what cannot be
    // queued is counted, never left to overflow the kernel ring unseen.
    if (uint64_t(m_connection->pendingBytes()) + m_batchBytes > m_queueLimit) {
        ++m_helperDropped;
        return;
    }
    Frame f = captured;
    f.number = ++m_number;
    ipc::PacketRecord rec;
    rec.interfaceId = f.interfaceId;
    rec.tsSec = f.tsSec;
    rec.tsNsec = f.tsNsec;
    rec.wireLen = f.wireLen;
    rec.bytes = QByteArray(reinterpret_cast<const char *>(f.data), qsizetype(f.capLen));
    if (m_summaries) {
        m_dissection.dissect(f, &m_session);
        rec.protocol = QString::fromUtf8(m_dissection.protocolColumn().data(),
                                         qsizetype(m_dissection.protocolColumn().size()));
        rec.source = qs(m_dissection.source().toString());
        rec.destination = qs(m_dissection.destination().toString());
        rec.info = qs(m_dissection.infoColumn());
        rec.flags = m_dissection.flags();
    }
    m_batchBytes += size_t(rec.bytes.size()) + size_t(rec.info.size()) * 2 + 96;
    m_batch.packets.push_back(std::move(rec));
}

bool CaptureHelper::flushBatch(ipc::HelperConnection &connection)
{
    if (m_batch.packets.isEmpty())
        return true;
    m_delivered += uint64_t(m_batch.packets.size());
    const bool ok = connection.enqueue(m_batch);
    m_batch.packets.clear();
    m_batchBytes = 0;
    return ok;
}

ipc::Stats CaptureHelper::collectStats()
{
    ipc::Stats s;
    for (const auto &ring : m_rings) {
        const capture::PacketRing::Stats k = ring->stats();
        s.interfaces.push_back({ring->interfaceId(), k.received, k.dropped});
    }
    s.helperDropped = m_helperDropped;
    s.delivered = m_delivered;
    return s;
}

int CaptureHelper::run(ipc::HelperConnection &connection)
{
    m_connection = &connection;
    const pid_t parent = getppid();
    ipc::Config config;
    if (!receiveConfig(connection, config))
        return connection.closed() ? 0 : 1;
    m_queueLimit = config.queueLimitBytes;
    m_summaries = config.summaries;

    if (!capture::hasCapability(CAP_NET_RAW))
        return fail(connection, ipc::ErrorCode::NoPermission,
                    "packetlens-capture lacks the CAP_NET_RAW capability needed to capture",
                    capture::missingCapabilityHint(m_helperPath));
    int status = 1;
    if (!openRings(connection, config, status))
        return status;

    // Every socket is open, bound and filtered: nothing privileged is needed from here on.
    std::string error, summary;
    if (!capture::dropAllPrivileges(error, &summary))
        return fail(connection, ipc::ErrorCode::Internal, "could not drop privileges: " + error);
    // Changing credentials clears the parent-death signal; ask for it again, and make sure
    // the parent did not die in between.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent)
        return 0;

    // The capture filter comes from the client: libpcap parses it only now, without any
    // privilege. Until here every ring held a drop-all filter, so nothing was captured yet.
    for (const auto &ring : m_rings)
        if (!ring->applyFilter())
            return fail(connection,
                        ring->errorCode() == capture::PacketRing::ErrorCode::BadFilter
                            ? ipc::ErrorCode::BadFilter
                            : ipc::ErrorCode::Internal,
                        ring->errorText());

    ipc::Hello hello;
    hello.helperVersion = QStringLiteral(PACKETLENS_VERSION);
    hello.privileges = qs(summary);
    hello.pid = getpid();
    ipc::Started started;
    for (const auto &ring : m_rings)
        started.interfaces.push_back({ring->interfaceId(), qs(ring->name()), ring->linkType()});
    if (!connection.send(hello) || !connection.send(started))
        return 1;

    std::vector<pollfd> fds(m_rings.size() + 1);
    auto lastBatch = Clock::now();
    auto lastStats = lastBatch;
    // On Stop the rings are still read for a few block timeouts: packets the kernel already
    // took sit in a block it has not retired yet, and Ctrl+C must not lose them.
    bool stopping = false;
    Clock::time_point drainUntil;
    for (;;) {
        for (size_t i = 0; i < m_rings.size(); ++i)
            fds[i] = {m_rings[i]->fd(), POLLIN, 0};
        fds.back() = {connection.socketDescriptor(),
                      short(POLLIN | (connection.pendingBytes() ? POLLOUT : 0)), 0};
        ::poll(fds.data(), fds.size(), stopping ? 10 : 50);

        for (const auto &ring : m_rings)
            if (ring->read(0, [this](const Frame &f) { onPacket(f); }) < 0)
                return fail(connection, ipc::ErrorCode::Internal,
                            ring->name() + ": " + ring->errorText());

        ipc::Message m;
        while (connection.poll(m, 0)) {
            if (!stopping && std::holds_alternative<ipc::Stop>(m)) {
                stopping = true;
                drainUntil = Clock::now() + 3 * std::chrono::milliseconds(kBlockTimeoutMs);
            }
        }
        if (connection.closed())
            return 0; // the client is gone: nobody to capture for

        const auto now = Clock::now();
        const bool last = stopping && now >= drainUntil;
        if (last || now - lastBatch >= kBatchInterval || m_batchBytes >= kBatchBytes) {
            flushBatch(connection);
            lastBatch = now;
        }
        if (!last && now - lastStats >= kStatsInterval) {
            connection.enqueue(collectStats());
            lastStats = now;
        }
        connection.flush();
        if (last)
            break;
    }
    // Stop: what was captured is delivered before leaving (bounded wait).
    connection.send(collectStats(), 2000);
    return 0;
}

} // namespace pl::helper
