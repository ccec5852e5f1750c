// Capabilities and the privilege drop. The drop runs in forked children, so the test process
// keeps its own privileges; the cases that need root skip without it.

#include "capture/netnsfixture.h"
#include "capture/packetring.h"
#include "capture/privileges.h"

#include <QTest>

#include <pwd.h>

#include <fstream>

#include <sys/capability.h>

using pl::capture::currentCapabilities;

namespace {

std::string statusField(const char *key)
{
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(key, 0) == 0)
            return line.substr(line.find_first_not_of(" \t", std::strlen(key)));
    }
    return {};
}

} // namespace

class TestPrivileges : public QObject
{
    Q_OBJECT
private slots:
    void readsProcStatus()
    {
        const auto caps = currentCapabilities();
        QCOMPARE(caps.effective, std::stoull(statusField("CapEff:"), nullptr, 16));
        QCOMPARE(caps.permitted, std::stoull(statusField("CapPrm:"), nullptr, 16));
        QCOMPARE(caps.bounding, std::stoull(statusField("CapBnd:"), nullptr, 16));
        const bool rawEffective = caps.effective & (uint64_t(1) << CAP_NET_RAW);
        const bool rawPermitted = caps.permitted & (uint64_t(1) << CAP_NET_RAW);
        QCOMPARE(pl::capture::hasCapability(CAP_NET_RAW), rawEffective || rawPermitted);
        QVERIFY(!pl::capture::hasCapability(-1));
        QVERIFY(!pl::capture::hasCapability(4000));
    }

    void hintNamesTheFix()
    {
        const std::string hint =
            pl::capture::missingCapabilityHint("/usr/libexec/packetlens/packetlens-capture");
        QVERIFY(hint.find("CAP_NET_RAW") != std::string::npos);
        QVERIFY(hint.find("sudo setcap cap_net_raw,cap_net_admin=eip "
                          "/usr/libexec/packetlens/packetlens-capture") != std::string::npos);
        QVERIFY(hint.find("sudo usermod -aG packetlens $USER") != std::string::npos);
        QCOMPARE(pl::capture::kExitNoPermission, 77);
    }

    void dropAsRootBecomesAnotherUser()
    {
        if (currentCapabilities().permitted == 0)
            QSKIP("nothing to drop: the test runs without capabilities");
        const std::string result = pltest::runInChild([](int) -> std::string {
            ::unsetenv("PKEXEC_UID");
            ::unsetenv("SUDO_UID");
            const uid_t uid = ::getuid();
            std::string error, summary;
            if (!pl::capture::dropAllPrivileges(error, &summary))
                return "drop failed: " + error;
            const auto caps = currentCapabilities();
            if (caps.effective || caps.permitted || caps.inheritable || caps.ambient)
                return "capabilities left";
            if (statusField("NoNewPrivs:") != "1")
                return "no_new_privs not set";
            if (uid == 0 && caps.bounding != 0)
                return "bounding set left";
            if (pl::capture::hasCapability(CAP_NET_RAW))
                return "CAP_NET_RAW came back";
            // Without the capability a packet socket is refused, and says so.
            pl::capture::PacketRing ring;
            pl::capture::RingConfig config;
            config.interface = "lo";
            if (ring.open(config, 0) ||
                ring.errorCode() != pl::capture::PacketRing::ErrorCode::NoPermission)
                return "ring: " + ring.errorText();
            return "uid " + std::to_string(::getuid()) + "; " + summary + "; " + ring.errorText();
        });
        const int held =
            __builtin_popcountll(currentCapabilities().permitted | currentCapabilities().effective);
        // Root becomes "nobody": uid 0 must not decode packets even without capabilities.
        const passwd *nobody = ::getpwnam("nobody");
        const std::string uid = ::getuid() == 0 ? std::to_string(nobody ? nobody->pw_uid : 65534)
                                                : std::to_string(::getuid());
        const std::string dropped =
            held > 4 ? "all " + std::to_string(held) + " capabilities" : std::string();
        QVERIFY2(result.rfind("uid " + uid + "; dropped ", 0) == 0, result.c_str());
        if (dropped.empty() && (currentCapabilities().permitted & (uint64_t(1) << CAP_NET_RAW)))
            QVERIFY2(result.find("CAP_NET_RAW") != std::string::npos, result.c_str());
        if (!dropped.empty())
            QVERIFY2(result.find("dropped " + dropped + "; CapEff=0 CapPrm=0; uid " + uid) !=
                         std::string::npos,
                     result.c_str());
        QVERIFY2(result.find("socket(AF_PACKET, SOCK_RAW): Operation not permitted") !=
                     std::string::npos,
                 result.c_str());
    }

    void pkexecUserSwitch()
    {
        if (::geteuid() != 0)
            QSKIP("switching to PKEXEC_UID needs root");
        const std::string result = pltest::runInChild([](int) -> std::string {
            ::setenv("PKEXEC_UID", "65534", 1);
            std::string error, summary;
            if (!pl::capture::dropAllPrivileges(error, &summary))
                return "drop failed: " + error;
            if (::setuid(0) == 0 || ::seteuid(0) == 0)
                return "regained root";
            const auto caps = currentCapabilities();
            return "uid=" + std::to_string(::getuid()) + " euid=" + std::to_string(::geteuid()) +
                   " gid=" + std::to_string(::getgid()) +
                   " caps=" + std::to_string(caps.effective | caps.permitted);
        });
        QVERIFY2(result.rfind("uid=65534 euid=65534 gid=", 0) == 0, result.c_str());
        QVERIFY2(result.find(" gid=0 ") == std::string::npos, result.c_str());
        QVERIFY2(result.find("caps=0") != std::string::npos, result.c_str());
    }

    void unknownPkexecUserFails()
    {
        if (::geteuid() != 0)
            QSKIP("PKEXEC_UID is only honoured for root");
        const std::string result = pltest::runInChild([](int) -> std::string {
            ::setenv("PKEXEC_UID", "3999999999", 1);
            std::string error;
            return pl::capture::dropAllPrivileges(error) ? "dropped" : error;
        });
        QVERIFY2(result.find("3999999999 is not a known user") != std::string::npos,
                 result.c_str());
    }
};

QTEST_GUILESS_MAIN(TestPrivileges)
#include "tst_privileges.moc"
