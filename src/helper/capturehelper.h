#pragma once

#include "capture/packetring.h"
#include "dissect/dissection.h"
#include "dissect/session.h"
#include "ipc/helperconnection.h"

#include <memory>
#include <string>
#include <vector>

namespace pl::helper {

/// The capture helper's life after the client's socket is connected: receive the Config,
/// open and filter every ring while privileged, drop every privilege, then read, decode and
/// stream packet batches until Stop, the client's disappearance or a fatal error.
///
/// Batches leave at least every 100 ms. While the client reads slowly, encoded batches wait
/// in the connection's queue up to Config::queueLimitBytes; past that, packets are dropped
/// and counted ("dropped by helper") so that the kernel ring is always drained.
class CaptureHelper
{
public:
    explicit CaptureHelper(std::string helperPath);

    /// Runs the session on `connection`; returns the process exit status (0, or
    /// capture::kExitNoPermission, or 1 for other failures, which are also sent as Error).
    int run(ipc::HelperConnection &connection);

private:
    bool receiveConfig(ipc::HelperConnection &connection, ipc::Config &config);
    int fail(ipc::HelperConnection &connection, ipc::ErrorCode code, const std::string &message,
             const std::string &hint = {});
    bool openRings(ipc::HelperConnection &connection, const ipc::Config &config, int &status);
    void onPacket(const Frame &frame);
    bool flushBatch(ipc::HelperConnection &connection);
    ipc::Stats collectStats();

    std::string m_helperPath;
    ipc::HelperConnection *m_connection = nullptr;
    std::vector<std::unique_ptr<capture::PacketRing>> m_rings;
    Dissection m_dissection{Dissection::Mode::Summary};
    Session m_session;
    ipc::PacketBatch m_batch;
    size_t m_batchBytes = 0;
    uint64_t m_queueLimit = 64ull << 20;
    bool m_summaries = true; ///< decode columns for the records (Config::summaries)
    uint64_t m_helperDropped = 0;
    uint64_t m_delivered = 0;
    uint64_t m_number = 0;
};

} // namespace pl::helper
