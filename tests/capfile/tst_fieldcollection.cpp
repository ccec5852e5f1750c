// A display filter is evaluated on the fields summary mode collects (Dissection::setInterest),
// not on the tree: the filter bar, coloring rules and `packetlens-cli -Y` would otherwise pay
// for a tree per packet. That is only right if summary mode with every field wanted collects
// exactly the fields tree mode adds, with the same values and byte ranges. This test checks
// it on every frame of the corpus.

#include "capfile/capturefilereader.h"
#include "corpusfiles.h"
#include "dissect/dissection.h"

#include <QTest>

#include <algorithm>
#include <map>
#include <tuple>

namespace {

// One field occurrence, compared as a multiset (the order differs: the tree is nested, the
// collection flat, and the frame's own fields are added after its layers in summary mode).
struct Occurrence
{
    std::string field;
    uint64_t value = 0;
    uint32_t aux = 0;
    std::string text;
    uint32_t offset = 0;
    uint32_t length = 0;

    auto key() const { return std::tie(field, value, aux, text, offset, length); }
    bool operator<(const Occurrence &o) const { return key() < o.key(); }
    bool operator==(const Occurrence &o) const { return key() == o.key(); }
};

std::string describe(const Occurrence &o)
{
    std::string s = o.field + " value=" + std::to_string(o.value) + " aux=" + std::to_string(o.aux);
    if (!o.text.empty())
        s += " text=\"" + o.text + "\"";
    s += " at " + std::to_string(o.offset) + "+" + std::to_string(o.length);
    return s;
}

std::vector<Occurrence> occurrences(const pl::Dissection &d)
{
    const pl::FieldTree &t = d.fieldTree();
    const pl::Registry &reg = d.registry();
    std::vector<Occurrence> out;
    for (size_t i = 1; i < t.size(); ++i) {
        const pl::FieldNode &n = t.node(int32_t(i));
        if (n.field < 0)
            continue;
        const pl::FieldDef &def = reg.field(n.field);
        Occurrence o;
        o.field = std::string(def.abbrev);
        o.value = n.value;
        o.aux = n.aux;
        // A String's text is its value; other fields' texts are tree labels, which summary
        // mode does not build.
        if (const std::string *s = t.text(n.text); s && def.type == pl::FieldType::String)
            o.text = *s;
        // Offsets and lengths are compared for every field (generated ones have none, or
        // the bytes they were computed from, alike in both modes), except a Protocol's
        // length: the tree shortens its item to the header (setLength), while what a filter
        // reads is its extent, [offset, offset + value), compared through value.
        o.offset = n.offset;
        if (def.type != pl::FieldType::Protocol)
            o.length = n.length;
        out.push_back(std::move(o));
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

class TestFieldCollection : public QObject
{
    Q_OBJECT
private slots:
    void summaryCollectsWhatTheTreeHas_data()
    {
        QTest::addColumn<QString>("file");
        if (!pltest::haveCorpus())
            QSKIP("PACKETLENS_CORPUS does not name the corpus directory (../shared/corpus)");
        for (const QString &f : pltest::corpusCaptures())
            QTest::newRow(qPrintable(f)) << pltest::corpusDir() + QLatin1Char('/') + f;
    }

    void summaryCollectsWhatTheTreeHas()
    {
        QFETCH(QString, file);
        const pl::FieldInterest all(pl::Registry::instance().fieldCount(), 1);

        // Each mode in order over the whole file with its own session, as the CLI and the
        // packet store do: cross-frame state (sequence numbers, streams) is built alike.
        auto dissectAll = [&](pl::Dissection &d, std::vector<std::vector<Occurrence>> &frames) {
            pl::CaptureFileReader reader;
            QVERIFY2(reader.open(file.toStdString()), reader.error().c_str());
            pl::Session session;
            pl::CapturedPacket p;
            while (reader.next(p)) {
                d.dissect(p.frame, &session);
                frames.push_back(occurrences(d));
            }
        };
        std::vector<std::vector<Occurrence>> tree, summary;
        pl::Dissection treeMode(pl::Dissection::Mode::Tree);
        dissectAll(treeMode, tree);
        pl::Dissection summaryMode(pl::Dissection::Mode::Summary);
        summaryMode.setInterest(&all);
        dissectAll(summaryMode, summary);
        QCOMPARE(summary.size(), tree.size());

        QString report;
        int differing = 0;
        // Per field, how many occurrences only one mode has: names the dissector to fix.
        std::map<std::string, std::pair<int, int>> byField;
        for (size_t i = 0; i < tree.size(); ++i) {
            if (tree[i] == summary[i])
                continue;
            std::vector<Occurrence> onlyTree, onlySummary;
            std::set_difference(tree[i].begin(), tree[i].end(), summary[i].begin(),
                                summary[i].end(), std::back_inserter(onlyTree));
            std::set_difference(summary[i].begin(), summary[i].end(), tree[i].begin(),
                                tree[i].end(), std::back_inserter(onlySummary));
            for (const Occurrence &o : onlyTree)
                ++byField[o.field].first;
            for (const Occurrence &o : onlySummary)
                ++byField[o.field].second;
            if (++differing > 5)
                continue;
            report += QStringLiteral("frame %1:\n").arg(i + 1);
            int shown = 0;
            for (const Occurrence &o : onlyTree)
                if (shown++ < 8)
                    report += QStringLiteral("  tree only:    %1\n")
                                  .arg(QString::fromStdString(describe(o)));
            for (const Occurrence &o : onlySummary)
                if (shown++ < 16)
                    report += QStringLiteral("  summary only: %1\n")
                                  .arg(QString::fromStdString(describe(o)));
        }
        if (!differing)
            return;
        report += QStringLiteral("occurrences only in the tree / only in summary mode:\n");
        for (const auto &[field, counts] : byField)
            report += QStringLiteral("  %1: %2 / %3\n")
                          .arg(QString::fromStdString(field))
                          .arg(counts.first)
                          .arg(counts.second);
        QFAIL(qPrintable(QStringLiteral("%1 of %2 frames differ between tree mode and summary "
                                        "mode collecting every field:\n%3")
                             .arg(differing)
                             .arg(tree.size())
                             .arg(report)));
    }
};

QTEST_APPLESS_MAIN(TestFieldCollection)
#include "tst_fieldcollection.moc"
