// Apply as Filter / Prepare as Filter: the filter text built from a detail tree item, in the
// display filter language's own spelling, and its combination with the bar's filter.

#include "analysis/displayfilter.h"
#include "app/filterbuilder.h"
#include "dissect/dissection.h"
#include "dissect/frame.h"
#include "dissect/registry.h"

#include <QTest>

#include <string>
#include <vector>

using pl::FilterBuilder;
using Combine = pl::FilterBuilder::Combine;

namespace {

// Ethernet broadcast / IPv4 10.0.0.1 -> 10.0.0.2 / TCP 443 -> 55555 SYN.
const std::vector<uint8_t> kPacket = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x08, 0x00, // eth
    0x45, 0x00, 0x00, 0x28, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00, 10,   0,
    0,    1,    10,   0,    0,    2, // ip
    0x01, 0xbb, 0xd9, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x50, 0x02,
    0xfa, 0xf0, 0x00, 0x00, 0x00, 0x00, // tcp
};

int32_t nodeNamed(const pl::FieldTree &tree, std::string_view abbrev)
{
    const pl::Registry &reg = pl::Registry::instance();
    int32_t found = -1;
    tree.forEachDepthFirst([&](int32_t i) {
        const pl::FieldNode &n = tree.node(i);
        if (found < 0 && n.field >= 0 && reg.field(n.field).abbrev == abbrev)
            found = i;
    });
    return found;
}

pl::FieldId firstFieldOfType(pl::FieldType type)
{
    const pl::Registry &reg = pl::Registry::instance();
    for (size_t i = 0; i < reg.fieldCount(); ++i)
        if (reg.field(pl::FieldId(i)).type == type && !reg.field(pl::FieldId(i)).abbrev.empty())
            return pl::FieldId(i);
    return -1;
}

bool compiles(const QString &filter)
{
    const QByteArray utf8 = filter.toUtf8();
    return pl::DisplayFilter::compile(std::string_view(utf8.constData(), size_t(utf8.size()))).ok();
}

} // namespace

class TestFilterBuilder : public QObject
{
    Q_OBJECT
private slots:
    void fieldsOfADissectedPacket()
    {
        const std::vector<std::string> comments{"say \"hi\" \\ now"};
        pl::Frame f;
        f.data = kPacket.data();
        f.capLen = f.wireLen = uint32_t(kPacket.size());
        f.linkType = 1;
        f.number = 1;
        f.comments = comments;
        pl::Dissection d(pl::Dissection::Mode::Tree);
        d.dissect(f, nullptr);
        const pl::FieldTree &tree = d.fieldTree();
        const pl::Registry &reg = pl::Registry::instance();
        auto filterFor = [&](std::string_view abbrev) {
            const int32_t node = nodeNamed(tree, abbrev);
            return node < 0 ? QStringLiteral("<no %1>").arg(QLatin1String(abbrev))
                            : FilterBuilder::expression(reg, tree, node, kPacket.data());
        };
        const struct
        {
            std::string_view field;
            QString expected;
        } cases[] = {
            {"tcp.srcport", QStringLiteral("tcp.srcport == 443")},
            {"tcp.dstport", QStringLiteral("tcp.dstport == 55555")},
            {"ip.src", QStringLiteral("ip.src == 10.0.0.1")},
            {"eth.dst", QStringLiteral("eth.dst == ff:ff:ff:ff:ff:ff")},
            {"tcp.flags.syn", QStringLiteral("tcp.flags.syn == 1")},
            {"tcp", QStringLiteral("tcp")}, // a protocol: its name alone
            {"ip", QStringLiteral("ip")},
            {"frame.comment", QStringLiteral("frame.comment == \"say \\\"hi\\\" \\\\ now\"")},
        };
        for (const auto &c : cases) {
            const QString built = filterFor(c.field);
            QCOMPARE(built, c.expected);
            QVERIFY2(compiles(built), qPrintable(built)); // the engine reads it back
        }
        // A text item (no field) names nothing.
        int32_t text = -1;
        tree.forEachDepthFirst([&](int32_t i) {
            if (text < 0 && tree.node(i).field < 0)
                text = i;
        });
        if (text > 0)
            QVERIFY(FilterBuilder::expression(reg, tree, text, kPacket.data()).isEmpty());
        QVERIFY(FilterBuilder::expression(reg, tree, 0, kPacket.data()).isEmpty()); // the root
    }

    void presenceBytesAndStrings()
    {
        const pl::Registry &reg = pl::Registry::instance();
        const uint8_t frame[] = {0x01, 0x02, 0xab};
        pl::FieldTree tree;
        // A field without a value: presence.
        const pl::FieldId none = firstFieldOfType(pl::FieldType::None);
        QVERIFY(none >= 0);
        const int32_t noneNode = tree.append(tree.root(), pl::FieldNode{.field = none});
        const QString noneName = QString::fromUtf8(reg.field(none).abbrev.data(),
                                                   qsizetype(reg.field(none).abbrev.size()));
        QCOMPARE(FilterBuilder::expression(reg, tree, noneNode, frame), noneName);
        // Bytes with separators, as the language reads them.
        const pl::FieldId bytes = firstFieldOfType(pl::FieldType::Bytes);
        QVERIFY(bytes >= 0);
        const int32_t bytesNode =
            tree.append(tree.root(), pl::FieldNode{.field = bytes, .offset = 0, .length = 3});
        QVERIFY(FilterBuilder::expression(reg, tree, bytesNode, frame)
                    .endsWith(QStringLiteral(" == 01:02:ab")));
        // Strings: control characters and bytes that are not UTF-8 escaped.
        const pl::FieldId string = firstFieldOfType(pl::FieldType::String);
        QVERIFY(string >= 0);
        pl::FieldNode s{.field = string};
        s.text = tree.addText("a\tb\xff");
        const int32_t stringNode = tree.append(tree.root(), s);
        QVERIFY(FilterBuilder::expression(reg, tree, stringNode, frame)
                    .endsWith(QStringLiteral(" == \"a\\x09b\\xff\"")));
        QCOMPARE(FilterBuilder::quoted("caf\xc3\xa9"), QStringLiteral("\"café\"")); // UTF-8 kept
    }

    void combineWithTheBar()
    {
        const QString e = QStringLiteral("tcp.port == 80");
        QCOMPARE(FilterBuilder::combine(QString(), e, Combine::Selected), e);
        QCOMPARE(FilterBuilder::combine(QStringLiteral("ip"), e, Combine::Selected), e);
        QCOMPARE(FilterBuilder::combine(QString(), e, Combine::NotSelected),
                 QStringLiteral("!(tcp.port == 80)"));
        QCOMPARE(FilterBuilder::combine(QStringLiteral("ip"), e, Combine::AndSelected),
                 QStringLiteral("(ip) && (tcp.port == 80)"));
        QCOMPARE(FilterBuilder::combine(QStringLiteral("ip"), e, Combine::OrSelected),
                 QStringLiteral("(ip) || (tcp.port == 80)"));
        QCOMPARE(FilterBuilder::combine(QStringLiteral("ip"), e, Combine::AndNotSelected),
                 QStringLiteral("(ip) && !(tcp.port == 80)"));
        QCOMPARE(FilterBuilder::combine(QStringLiteral("ip"), e, Combine::OrNotSelected),
                 QStringLiteral("(ip) || !(tcp.port == 80)"));
        // Nothing in the bar: the and/or forms are the item alone.
        QCOMPARE(FilterBuilder::combine(QStringLiteral("  "), e, Combine::AndSelected), e);
        QCOMPARE(FilterBuilder::combine(QString(), e, Combine::OrNotSelected),
                 QStringLiteral("!(tcp.port == 80)"));
    }
};

QTEST_GUILESS_MAIN(TestFilterBuilder)
#include "tst_filterbuilder.moc"
