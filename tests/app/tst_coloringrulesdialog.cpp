// The coloring rules editor: its model under QAbstractItemModelTester, adding, reordering,
// disabling, colours, broken filters, drag and drop, and export then import.

#include "app/coloringrulesdialog.h"

#include <QAbstractItemModelTester>
#include <QBrush>
#include <QDialogButtonBox>
#include <QLabel>
#include <QMimeData>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using pl::ColoringRule;
using pl::ColoringRulesDialog;
using pl::ColoringRulesModel;

namespace {

QList<ColoringRule> sample()
{
    return {
        {QStringLiteral("RST"), QStringLiteral("tcp.flags.reset == 1"), Qt::yellow, Qt::darkRed},
        {QStringLiteral("ARP"), QStringLiteral("arp"), Qt::black, Qt::cyan},
        {QStringLiteral("TCP"), QStringLiteral("tcp"), Qt::black, Qt::lightGray},
        {QStringLiteral("UDP"), QStringLiteral("udp"), Qt::black, Qt::white, false},
    };
}

QStringList names(const QList<ColoringRule> &rules)
{
    QStringList n;
    for (const ColoringRule &r : rules)
        n.append(r.name);
    return n;
}

QPushButton *button(QDialog &dialog, const QString &text)
{
    const auto buttons = dialog.findChildren<QPushButton *>();
    for (QPushButton *b : buttons)
        if (b->text() == text)
            return b;
    return nullptr;
}

QLabel *errorLabel(QDialog &dialog)
{
    const auto labels = dialog.findChildren<QLabel *>();
    for (QLabel *l : labels)
        if (l->text().startsWith(QStringLiteral("Rule “")))
            return l;
    return nullptr;
}

} // namespace

class TestColoringRulesDialog : public QObject
{
    Q_OBJECT
private slots:
    void showsRulesInTheirColours()
    {
        ColoringRulesDialog dialog(sample());
        QAbstractItemModelTester tester(dialog.model(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        ColoringRulesModel *m = dialog.model();
        QCOMPARE(m->rowCount(), 4);
        QCOMPARE(m->columnCount(), 2);
        QCOMPARE(m->headerData(1, Qt::Horizontal, Qt::DisplayRole).toString(),
                 QStringLiteral("Filter"));
        QCOMPARE(m->index(0, 1).data().toString(), QStringLiteral("tcp.flags.reset == 1"));
        for (int column : {0, 1}) {
            QCOMPARE(m->index(0, column).data(Qt::BackgroundRole).value<QBrush>().color(),
                     QColor(Qt::darkRed));
            QCOMPARE(m->index(0, column).data(Qt::ForegroundRole).value<QBrush>().color(),
                     QColor(Qt::yellow));
        }
        QCOMPARE(m->index(3, 0).data(Qt::CheckStateRole).toInt(), int(Qt::Unchecked));
        QCOMPARE(m->index(2, 0).data(Qt::CheckStateRole).toInt(), int(Qt::Checked));
        QCOMPARE(dialog.rules(), sample()); // untouched: the same rules come back
    }

    void addEditAndBrokenFilter()
    {
        ColoringRulesDialog dialog(sample());
        QAbstractItemModelTester tester(dialog.model(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        dialog.show();
        ColoringRulesModel *m = dialog.model();
        dialog.setCurrentRow(2);
        button(dialog, QStringLiteral("&Add"))->click();
        // Above the selected rule, selected, but off until it has a filter that compiles.
        QCOMPARE(m->rowCount(), 5);
        QCOMPARE(dialog.currentRow(), 2);
        QCOMPARE(dialog.rules()[2].name, QStringLiteral("New coloring rule"));
        QVERIFY(!dialog.rules()[2].enabled);
        QVERIFY(!m->filterError(2).isEmpty());
        QVERIFY(!m->setData(m->index(2, 0), Qt::Checked, Qt::CheckStateRole));
        QLabel *error = errorLabel(dialog);
        QVERIFY(error && error->isVisible());

        QVERIFY(m->setData(m->index(2, 0), QStringLiteral("Mine"), Qt::EditRole));
        QVERIFY(m->setData(m->index(2, 1), QStringLiteral("ip.ttl < 5"), Qt::EditRole));
        QVERIFY(dialog.rules()[2].enabled); // switched back on once the filter compiles
        QCOMPARE(dialog.rules()[2].name, QStringLiteral("Mine"));
        QVERIFY(m->filterError(2).isEmpty());
        QVERIFY(!error->isVisible());

        // Breaking a working filter disables the rule, paints the cell red, explains why.
        QVERIFY(m->setData(m->index(1, 1), QStringLiteral("tcp.prot == 1"), Qt::EditRole));
        QVERIFY(!dialog.rules()[1].enabled);
        QCOMPARE(m->index(1, 1).data(Qt::BackgroundRole).value<QBrush>().color(),
                 QColor(0xff, 0xaf, 0xaf));
        QVERIFY(
            m->index(1, 1).data(Qt::ToolTipRole).toString().contains(QStringLiteral("tcp.prot")));
        QVERIFY(error->isVisible());
        QVERIFY(error->text().contains(QStringLiteral("ARP")));
        // OK stays available, and the rule comes back disabled.
        QVERIFY(dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->isEnabled());
        QCOMPARE(dialog.rules()[1].filter, QStringLiteral("tcp.prot == 1"));
        QVERIFY(!dialog.rules()[1].enabled);

        // A user-disabled rule stays off when its filter is edited to another valid one.
        QVERIFY(m->setData(m->index(4, 1), QStringLiteral("udp.port == 53"), Qt::EditRole));
        QVERIFY(!dialog.rules()[4].enabled);
        // Empty names are refused.
        QVERIFY(!m->setData(m->index(0, 0), QStringLiteral("  "), Qt::EditRole));
    }

    void reorderDisableCopyDelete()
    {
        ColoringRulesDialog dialog(sample());
        QAbstractItemModelTester tester(dialog.model(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QPushButton *up = button(dialog, QStringLiteral("Move &Up"));
        QPushButton *down = button(dialog, QStringLiteral("Move Do&wn"));
        QVERIFY(up && down);
        QVERIFY(!up->isEnabled()); // nothing selected

        dialog.setCurrentRow(2); // TCP
        up->click();
        QCOMPARE(names(dialog.rules()),
                 (QStringList{QStringLiteral("RST"), QStringLiteral("TCP"), QStringLiteral("ARP"),
                              QStringLiteral("UDP")}));
        QCOMPARE(dialog.currentRow(), 1); // the selection follows the rule
        up->click();
        QCOMPARE(dialog.currentRow(), 0);
        QVERIFY(!up->isEnabled());
        down->click();
        down->click();
        down->click();
        QCOMPARE(names(dialog.rules()),
                 (QStringList{QStringLiteral("RST"), QStringLiteral("ARP"), QStringLiteral("UDP"),
                              QStringLiteral("TCP")}));
        QVERIFY(!down->isEnabled());

        ColoringRulesModel *m = dialog.model();
        QVERIFY(m->setData(m->index(0, 0), Qt::Unchecked, Qt::CheckStateRole));
        QVERIFY(!dialog.rules()[0].enabled);
        QVERIFY(m->setData(m->index(2, 0), Qt::Checked, Qt::CheckStateRole));
        QVERIFY(dialog.rules()[2].enabled);

        dialog.setCurrentRow(1);
        button(dialog, QStringLiteral("&Copy"))->click();
        QCOMPARE(names(dialog.rules()),
                 (QStringList{QStringLiteral("RST"), QStringLiteral("ARP"), QStringLiteral("ARP"),
                              QStringLiteral("UDP"), QStringLiteral("TCP")}));
        QCOMPARE(dialog.rules()[2], dialog.rules()[1]);
        QCOMPARE(dialog.currentRow(), 2);
        button(dialog, QStringLiteral("&Delete"))->click();
        button(dialog, QStringLiteral("&Delete"))->click();
        QCOMPARE(names(dialog.rules()), (QStringList{QStringLiteral("RST"), QStringLiteral("ARP"),
                                                     QStringLiteral("TCP")}));
        QCOMPARE(dialog.currentRow(), 2);
    }

    void dragMovesARule()
    {
        ColoringRulesDialog dialog(sample());
        QAbstractItemModelTester tester(dialog.model(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        ColoringRulesModel *m = dialog.model();
        QVERIFY(m->flags({}) & Qt::ItemIsDropEnabled);
        QVERIFY(!(m->flags(m->index(0, 0)) & Qt::ItemIsDropEnabled));
        std::unique_ptr<QMimeData> data(m->mimeData({m->index(3, 0), m->index(3, 1)}));
        QVERIFY(m->canDropMimeData(data.get(), Qt::MoveAction, 0, 0, {}));
        // false: the model moved the row itself, so the view must not remove the source.
        QVERIFY(!m->dropMimeData(data.get(), Qt::MoveAction, 0, 0, {}));
        QCOMPARE(names(dialog.rules()),
                 (QStringList{QStringLiteral("UDP"), QStringLiteral("RST"), QStringLiteral("ARP"),
                              QStringLiteral("TCP")}));
        // Dropped on a rule: lands before it; dropped below the rows: at the end.
        data.reset(m->mimeData({m->index(0, 0)}));
        m->dropMimeData(data.get(), Qt::MoveAction, -1, -1, m->index(2, 0));
        QCOMPARE(names(dialog.rules()),
                 (QStringList{QStringLiteral("RST"), QStringLiteral("UDP"), QStringLiteral("ARP"),
                              QStringLiteral("TCP")}));
        data.reset(m->mimeData({m->index(0, 0)}));
        m->dropMimeData(data.get(), Qt::MoveAction, -1, -1, {});
        QCOMPARE(names(dialog.rules()),
                 (QStringList{QStringLiteral("UDP"), QStringLiteral("ARP"), QStringLiteral("TCP"),
                              QStringLiteral("RST")}));
        QVERIFY(dialog.view()->dragEnabled());
    }

    void colours()
    {
        ColoringRulesDialog dialog(sample());
        QAbstractItemModelTester tester(dialog.model(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        ColoringRulesModel *m = dialog.model();
        QSignalSpy changed(m, &QAbstractItemModel::dataChanged);
        const QColor odd = QColor::fromRgba64(4718, 10030, 11796);
        QVERIFY(m->setData(m->index(1, 1), odd, Qt::BackgroundRole));
        QVERIFY(m->setData(m->index(1, 0), QBrush(Qt::magenta), Qt::ForegroundRole));
        QCOMPARE(changed.size(), 2);
        // The whole row repaints: both columns are in the changed range.
        QCOMPARE(changed[0][0].value<QModelIndex>().column(), 0);
        QCOMPARE(changed[0][1].value<QModelIndex>().column(), 1);
        QCOMPARE(dialog.rules()[1].background, odd);
        QCOMPARE(dialog.rules()[1].foreground, QColor(Qt::magenta));
        QCOMPARE(m->index(1, 0).data(Qt::BackgroundRole).value<QBrush>().color(), odd);
        QVERIFY(!m->setData(m->index(1, 0), QColor(), Qt::BackgroundRole));
        // The colour buttons need a selected rule.
        QVERIFY(!button(dialog, QStringLiteral("&Foreground…"))->isEnabled());
        dialog.setCurrentRow(0);
        QVERIFY(button(dialog, QStringLiteral("&Background…"))->isEnabled());
    }

    void exportThenImport()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("colorfilters"));
        QList<ColoringRule> rules = sample();
        rules[0].background = QColor::fromRgba64(42148, 1, 65534);
        ColoringRulesDialog dialog(rules);
        QString error;
        QVERIFY2(dialog.exportFile(path, &error), qPrintable(error));

        ColoringRulesDialog other({});
        QAbstractItemModelTester tester(other.model(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY2(other.importFile(path, &error), qPrintable(error));
        QCOMPARE(error, QString());
        QCOMPARE(other.rules(), rules);
        // Importing again appends.
        QVERIFY(other.importFile(path, &error));
        QCOMPARE(other.rules().size(), 8);
        QCOMPARE(other.rules().mid(4), rules);

        QVERIFY(!other.importFile(dir.filePath(QStringLiteral("missing")), &error));
        QVERIFY(error.contains(QStringLiteral("missing")));
        QVERIFY(!dialog.exportFile(dir.filePath(QStringLiteral("no/such/dir/x")), &error));
    }
};

QTEST_MAIN(TestColoringRulesDialog)
#include "tst_coloringrulesdialog.moc"
