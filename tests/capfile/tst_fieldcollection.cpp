// A display filter is evaluated on the fields summary mode collects (Dissection::setInterest),
// not on the tree: the filter bar, coloring rules and `packetlens-cli -Y` would otherwise pay
// for a tree per packet. That is only right if summary mode with every field wanted collects
// exactly the fields tree mode adds, with the same values and byte ranges. This test checks
// it on every frame of the corpus.

#include "capfile/capturefilereader.h"
#include "corpusfiles.h"
#include "dissect/dissection.h"
#include "fieldmultiset.h"

#include <QTest>

#include <map>

using pltest::describe;
using pltest::Occurrence;
using pltest::occurrences;

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
            pltest::difference(tree[i], summary[i], onlyTree, onlySummary);
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
