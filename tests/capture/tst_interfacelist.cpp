// The interface list: read over rtnetlink without privileges, in the caller's namespace.
// The namespace cases need root (ip netns add) and skip otherwise.

#include "capture/interfacelist.h"
#include "capture/netnsfixture.h"

#include <QTest>

#include <algorithm>

#include <linux/if_arp.h>

using pl::capture::InterfaceInfo;
using pl::capture::listInterfaces;

namespace {

const InterfaceInfo *find(const std::vector<InterfaceInfo> &list, const std::string &name)
{
    for (const InterfaceInfo &i : list) {
        if (i.name == name)
            return &i;
    }
    return nullptr;
}

bool hasAddress(const InterfaceInfo &i, const std::string &address)
{
    return std::find(i.addresses.begin(), i.addresses.end(), address) != i.addresses.end();
}

} // namespace

class TestInterfaceList : public QObject
{
    Q_OBJECT
private slots:
    void loopbackIsListed()
    {
        std::string error = "stale";
        const auto list = listInterfaces(&error);
        QCOMPARE(error, std::string());
        QVERIFY(!list.empty());
        const InterfaceInfo *lo = find(list, "lo");
        QVERIFY(lo);
        QVERIFY(lo->loopback);
        QCOMPARE(lo->linkType, 1u); // Linux loopback frames carry an Ethernet header
        QCOMPARE(lo->arphrd, uint16_t(ARPHRD_LOOPBACK));
        QVERIFY(lo->index > 0);
        if (lo->up)
            QVERIFY(hasAddress(*lo, "127.0.0.1/8"));
        for (size_t i = 1; i < list.size(); ++i)
            QVERIFY(list[i - 1].index < list[i].index);
    }

    void textFormat()
    {
        InterfaceInfo a;
        a.name = "lo";
        a.index = 1;
        a.linkType = 1;
        a.up = a.running = a.loopback = true;
        a.addresses = {"127.0.0.1/8", "::1/128"};
        a.rxPackets = 42;
        a.txPackets = 43;
        InterfaceInfo b;
        b.name = "tun0";
        b.index = 12;
        b.linkType = 101;
        b.rxPackets = uint64_t(1) << 40;
        QCOMPARE(pl::capture::interfacesAsText({a, b}),
                 std::string("1\tlo\t1\tup,running,loopback\t127.0.0.1/8,::1/128\t42\t43\n"
                             "12\ttun0\t101\t-\t-\t1099511627776\t0\n"));
        QCOMPARE(pl::capture::interfacesAsText({}), std::string());
        // What the helper prints for the real list parses back: 7 fields a line.
        const std::string text = pl::capture::interfacesAsText(listInterfaces());
        const QStringList lines =
            QString::fromStdString(text).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QVERIFY(!lines.isEmpty());
        for (const QString &line : lines)
            QCOMPARE(line.split(QLatin1Char('\t')).size(), 7);
    }

    void linkTypes()
    {
        using pl::capture::linkTypeForArphrd;
        QCOMPARE(linkTypeForArphrd(ARPHRD_ETHER), 1u);
        QCOMPARE(linkTypeForArphrd(ARPHRD_LOOPBACK), 1u);
        QCOMPARE(linkTypeForArphrd(ARPHRD_NONE), 101u);
        QCOMPARE(linkTypeForArphrd(ARPHRD_RAWIP), 101u);
        QCOMPARE(linkTypeForArphrd(ARPHRD_IEEE80211_RADIOTAP), 127u);
        QCOMPARE(linkTypeForArphrd(ARPHRD_IEEE80211), 105u);
        QCOMPARE(linkTypeForArphrd(ARPHRD_PPP), 0u); // cooked mode in libpcap: not supported
        QCOMPARE(linkTypeForArphrd(0xabcd), 0u);
    }

    void namespaceInterfaces()
    {
        if (::geteuid() != 0)
            QSKIP("needs root to create a network namespace (ip netns add)");
        pltest::Netns netns(QStringLiteral("iflist"));
        QString why;
        const QString ns = netns.add(&why);
        if (ns.isEmpty())
            QSKIP(qPrintable(why));
        QVERIFY2(pltest::ipIn(ns, QStringLiteral("link set lo down"), &why), qPrintable(why));
        QVERIFY2(pltest::ipIn(ns, QStringLiteral("link add plt0 type veth peer name plt1"), &why),
                 qPrintable(why));
        QVERIFY2(pltest::ipIn(ns, QStringLiteral("addr add 10.99.3.1/24 dev plt0"), &why),
                 qPrintable(why));
        QVERIFY2(pltest::ipIn(ns, QStringLiteral("addr add 10.99.3.2/24 dev plt1"), &why),
                 qPrintable(why));
        QVERIFY2(pltest::ipIn(ns, QStringLiteral("link set plt0 up"), &why), qPrintable(why));
        QVERIFY2(pltest::ipIn(ns, QStringLiteral("link set plt1 up"), &why), qPrintable(why));
        const bool haveTun =
            pltest::ipIn(ns, QStringLiteral("tuntap add mode tun name pltun0"), &why);

        std::vector<InterfaceInfo> list;
        std::string error;
        {
            pltest::NetnsScope scope(ns);
            QVERIFY(scope.ok());
            list = listInterfaces(&error);
        }
        QCOMPARE(error, std::string());
        // Only this namespace's interfaces: lo, the pair, maybe the tun device.
        QCOMPARE(list.size(), size_t(haveTun ? 4 : 3));
        const InterfaceInfo *lo = find(list, "lo");
        QVERIFY(lo);
        QVERIFY(lo->loopback);
        QVERIFY(!lo->up);
        QVERIFY(lo->addresses.empty() || !hasAddress(*lo, "10.99.3.1/24"));
        const InterfaceInfo *veth = find(list, "plt0");
        QVERIFY(veth);
        QVERIFY(veth->up);
        QVERIFY(!veth->loopback);
        QCOMPARE(veth->linkType, 1u);
        QVERIFY(hasAddress(*veth, "10.99.3.1/24"));
        QVERIFY(!hasAddress(*veth, "10.99.3.2/24"));
        const InterfaceInfo *peer = find(list, "plt1");
        QVERIFY(peer);
        QVERIFY(hasAddress(*peer, "10.99.3.2/24"));
        // Carrier follows the peer; give the link watch a moment.
        for (int i = 0; i < 50 && !(veth->running && peer->running); ++i) {
            QTest::qWait(20);
            pltest::NetnsScope scope(ns);
            list = listInterfaces();
            veth = find(list, "plt0");
            peer = find(list, "plt1");
            QVERIFY(veth && peer);
        }
        QVERIFY(veth->running);
        if (haveTun) {
            const InterfaceInfo *tun = find(list, "pltun0");
            QVERIFY(tun);
            QCOMPARE(tun->linkType, 101u);
            QCOMPARE(tun->arphrd, uint16_t(ARPHRD_NONE));
            QVERIFY(!tun->up);
        }
        // The test process's own namespace is untouched.
        QVERIFY(!find(listInterfaces(), "plt0"));
    }
};

QTEST_GUILESS_MAIN(TestInterfaceList)
#include "tst_interfacelist.moc"
