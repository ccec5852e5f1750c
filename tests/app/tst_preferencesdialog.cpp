// Edit > Preferences: the dialog shows the preferences in use with Wireshark's wording, saves
// what OK/Apply apply (and nothing on Cancel) under Wireshark's names, and the window applies
// them to the packet store at start-up and when the user changes them: the open capture is
// dissected again with the display filter and the selected packet kept.

#include "app/mainwindow.h"
#include "app/packetlistmodel.h"
#include "app/preferencesdialog.h"
#include "app/prototreemodel.h"

#include <QAction>
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QGroupBox>
#include <QMenu>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using pl::MainWindow;
using pl::Preferences;
using pl::PreferencesDialog;

Q_DECLARE_METATYPE(pl::Preferences)

namespace {

QString corpusFile(const char *relative)
{
    return qEnvironmentVariable("PACKETLENS_CORPUS") + QLatin1Char('/') + QLatin1String(relative);
}

const QString kRelative = QStringLiteral("preferences/tcp.relative_sequence_numbers");
const QString kTcpReassemble = QStringLiteral("preferences/tcp.desegment_tcp_streams");
const QString kIpDefragment = QStringLiteral("preferences/ip.defragment");
const QString kIpv6Defragment = QStringLiteral("preferences/ipv6.defragment");

void clearSettings()
{
    QSettings s;
    s.remove(QStringLiteral("preferences"));
}

QPushButton *button(PreferencesDialog &d, QDialogButtonBox::StandardButton which)
{
    return d.buttons()->button(which);
}

qulonglong currentFrame(MainWindow &w)
{
    return w.packetList()->currentIndex().data(pl::PacketListModel::FrameNumberRole).toULongLong();
}

QString infoOfFrame(MainWindow &w, qulonglong frame)
{
    const QAbstractItemModel *m = w.packetModel();
    for (int r = 0; r < m->rowCount(); ++r) {
        const QModelIndex number = m->index(r, pl::PacketListModel::Number);
        if (number.data(pl::PacketListModel::FrameNumberRole).toULongLong() == frame)
            return m->index(r, pl::PacketListModel::Info).data().toString();
    }
    return {};
}

// The first detail tree line of field `name` (depth first), empty when there is none.
QString treeLine(const QAbstractItemModel *m, const QString &name, const QModelIndex &parent = {})
{
    for (int r = 0; r < m->rowCount(parent); ++r) {
        const QModelIndex i = m->index(r, 0, parent);
        if (i.data(pl::ProtoTreeModel::FieldNameRole).toString() == name)
            return i.data().toString();
        const QString below = treeLine(m, name, i);
        if (!below.isEmpty())
            return below;
    }
    return {};
}

} // namespace

class TestPreferencesDialog : public QObject
{
    Q_OBJECT
    QTemporaryDir m_settings;

private slots:
    void initTestCase()
    {
        // Settings go to a directory of the test's own, never the user's configuration.
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settings.path());
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settings.path());
        qRegisterMetaType<pl::Preferences>();
    }

    void init() { clearSettings(); }

    void loadAndSave()
    {
        // Never saved: Wireshark's defaults.
        Preferences p = PreferencesDialog::load();
        QVERIFY(p.tcpRelativeSequenceNumbers && p.tcpReassemble && p.ipDefragment &&
                p.ipv6Defragment);

        p.tcpRelativeSequenceNumbers = false;
        p.ipv6Defragment = false;
        PreferencesDialog::save(p);
        QSettings s;
        QCOMPARE(s.value(kRelative).toBool(), false);
        QCOMPARE(s.value(kTcpReassemble).toBool(), true);
        QCOMPARE(s.value(kIpDefragment).toBool(), true);
        QCOMPARE(s.value(kIpv6Defragment).toBool(), false);

        s.setValue(kTcpReassemble, false);
        s.setValue(kIpv6Defragment, true);
        const Preferences back = PreferencesDialog::load();
        QVERIFY(!back.tcpRelativeSequenceNumbers);
        QVERIFY(!back.tcpReassemble);
        QVERIFY(back.ipDefragment);
        QVERIFY(back.ipv6Defragment);
    }

    void showsWiresharksWording()
    {
        Preferences p;
        p.tcpReassemble = false;
        PreferencesDialog d(p);
        auto *pages = d.findChild<QTabWidget *>();
        QVERIFY(pages);
        QCOMPARE(pages->tabText(0), QStringLiteral("Protocols"));
        QCOMPARE(d.relativeSequenceNumbers()->text(), QStringLiteral("Relative sequence numbers"));
        QCOMPARE(d.tcpReassemble()->text(),
                 QStringLiteral("Allow subdissector to reassemble TCP streams"));
        QCOMPARE(d.ipDefragment()->text(), QStringLiteral("Reassemble fragmented IPv4 datagrams"));
        QCOMPARE(d.ipv6Defragment()->text(),
                 QStringLiteral("Reassemble fragmented IPv6 datagrams"));
        QStringList groups;
        for (const QGroupBox *g : d.findChildren<QGroupBox *>())
            groups << g->title();
        QCOMPARE(groups, (QStringList{QStringLiteral("TCP"), QStringLiteral("IPv4"),
                                      QStringLiteral("IPv6")}));
        // It shows what it was given.
        QVERIFY(d.relativeSequenceNumbers()->isChecked());
        QVERIFY(!d.tcpReassemble()->isChecked());
        QVERIFY(d.ipDefragment()->isChecked());
        QVERIFY(d.ipv6Defragment()->isChecked());
        for (auto which : {QDialogButtonBox::Ok, QDialogButtonBox::Cancel, QDialogButtonBox::Apply})
            QVERIFY(button(d, which));
    }

    void applySavesAndEmits()
    {
        PreferencesDialog d(Preferences{});
        QSignalSpy applied(&d, &PreferencesDialog::applied);
        QPushButton *apply = button(d, QDialogButtonBox::Apply);
        QVERIFY(!apply->isEnabled()); // nothing changed yet
        d.show();
        QTest::mouseClick(d.relativeSequenceNumbers(), Qt::LeftButton);
        QVERIFY(!d.relativeSequenceNumbers()->isChecked());
        QVERIFY(apply->isEnabled());
        QVERIFY(!QSettings().contains(kRelative)); // not before Apply

        QTest::mouseClick(apply, Qt::LeftButton);
        QCOMPARE(applied.count(), 1);
        const auto sent = applied.at(0).at(0).value<Preferences>();
        QVERIFY(!sent.tcpRelativeSequenceNumbers);
        QVERIFY(sent.tcpReassemble && sent.ipDefragment && sent.ipv6Defragment);
        QCOMPARE(QSettings().value(kRelative).toBool(), false);
        QVERIFY(!apply->isEnabled());
        QVERIFY(d.isVisible()); // Apply keeps the dialog open

        // OK without a change: closes, nothing applied again (no needless re-dissection).
        QTest::mouseClick(button(d, QDialogButtonBox::Ok), Qt::LeftButton);
        QCOMPARE(applied.count(), 1);
        QVERIFY(!d.isVisible());
        QCOMPARE(d.result(), int(QDialog::Accepted));
    }

    void okAppliesCancelForgets()
    {
        {
            PreferencesDialog d(Preferences{});
            QSignalSpy applied(&d, &PreferencesDialog::applied);
            d.show();
            QTest::mouseClick(d.ipDefragment(), Qt::LeftButton);
            QTest::mouseClick(button(d, QDialogButtonBox::Cancel), Qt::LeftButton);
            QCOMPARE(applied.count(), 0);
            QVERIFY(!QSettings().contains(kIpDefragment));
            QCOMPARE(d.result(), int(QDialog::Rejected));
        }
        PreferencesDialog d(Preferences{});
        QSignalSpy applied(&d, &PreferencesDialog::applied);
        d.show();
        QTest::mouseClick(d.tcpReassemble(), Qt::LeftButton);
        QTest::mouseClick(d.ipv6Defragment(), Qt::LeftButton);
        QTest::mouseClick(button(d, QDialogButtonBox::Ok), Qt::LeftButton);
        QCOMPARE(applied.count(), 1);
        const auto sent = applied.at(0).at(0).value<Preferences>();
        QVERIFY(sent.tcpRelativeSequenceNumbers && sent.ipDefragment);
        QVERIFY(!sent.tcpReassemble && !sent.ipv6Defragment);
        QCOMPARE(PreferencesDialog::load().tcpReassemble, false);
        QCOMPARE(PreferencesDialog::load().ipv6Defragment, false);
        QVERIFY(!d.isVisible());
    }

    void restoreDefaultsOnlyShows()
    {
        Preferences off;
        off.tcpRelativeSequenceNumbers = off.tcpReassemble = false;
        off.ipDefragment = off.ipv6Defragment = false;
        PreferencesDialog d(off);
        QSignalSpy applied(&d, &PreferencesDialog::applied);
        QTest::mouseClick(button(d, QDialogButtonBox::RestoreDefaults), Qt::LeftButton);
        QVERIFY(d.relativeSequenceNumbers()->isChecked() && d.tcpReassemble()->isChecked() &&
                d.ipDefragment()->isChecked() && d.ipv6Defragment()->isChecked());
        QCOMPARE(applied.count(), 0);
        QVERIFY(button(d, QDialogButtonBox::Apply)->isEnabled());
    }

    void windowLoadsSavedPreferences()
    {
        if (!QFile::exists(corpusFile("tcpdump/print-flags.pcap")))
            QSKIP("PACKETLENS_CORPUS does not name the corpus directory");
        Preferences saved;
        saved.tcpRelativeSequenceNumbers = false;
        PreferencesDialog::save(saved);
        MainWindow w;
        QVERIFY(!w.store()->preferences().tcpRelativeSequenceNumbers);
        QVERIFY(w.openFile(corpusFile("tcpdump/print-flags.pcap"), true));
        QTRY_COMPARE(w.packetModel()->rowCount(), 10);
        // tshark -o tcp.relative_sequence_numbers:FALSE
        QVERIFY(infoOfFrame(w, 1).contains(QLatin1String(" Seq=928549246 ")));

        // Export Packet Dissections writes what the list shows.
        QTRY_VERIFY(!w.store()->isLoading());
        QTemporaryDir dir;
        const QString target = dir.filePath(QStringLiteral("dissections.txt"));
        pl::SessionExporter::Options o;
        o.format = pl::SessionExporter::Format::Text;
        QSignalSpy exported(w.exporter(), &pl::SessionExporter::finished);
        QVERIFY(w.exportPackets(target, o));
        QVERIFY(exported.wait(30000));
        QVERIFY(exported.at(0).at(0).toBool());
        QFile text(target);
        QVERIFY(text.open(QIODevice::ReadOnly));
        const QByteArray written = text.readAll();
        QVERIFY(written.contains("Sequence Number: 928549246\n"));
        QVERIFY(!written.contains("(relative sequence number)"));
    }

    void windowAppliesFromTheMenu()
    {
        if (!QFile::exists(corpusFile("tcpdump/print-flags.pcap")))
            QSKIP("PACKETLENS_CORPUS does not name the corpus directory");
        MainWindow w;
        w.resize(1200, 800);
        w.show();
        QVERIFY(w.store()->preferences().tcpRelativeSequenceNumbers);
        QVERIFY(w.openFile(corpusFile("tcpdump/print-flags.pcap"), true));
        QTRY_COMPARE(w.packetModel()->rowCount(), 10);
        QTRY_VERIFY(!w.store()->isLoading());
        // A filter that hides frame 1 (the SYN), and frame 3 selected (view row 1).
        QSignalSpy filtered(w.packetModel(), &pl::PacketListModel::filterApplied);
        QVERIFY(w.applyDisplayFilter(QStringLiteral("tcp.flags.ack == 1")));
        QVERIFY(filtered.wait(30000));
        QCOMPARE(w.packetModel()->rowCount(), 9);
        QVERIFY(w.goToPacket(3));
        QCOMPARE(currentFrame(w), 3ull);
        QVERIFY(infoOfFrame(w, 3).contains(QLatin1String(" Seq=1 Ack=1 ")));
        QTRY_COMPARE(treeLine(w.treeModel(), QStringLiteral("tcp.seq")),
                     QStringLiteral("Sequence Number: 1    (relative sequence number)"));

        // Edit > Preferences… (Ctrl+Shift+P)
        auto *action = w.findChild<QAction *>(QStringLiteral("actionPreferences"));
        QVERIFY(action);
        QCOMPARE(action->shortcut(), QKeySequence(QStringLiteral("Ctrl+Shift+P")));
        auto *edit = w.findChild<QMenu *>(QStringLiteral("menuEdit"));
        QVERIFY(edit && edit->actions().contains(action));
        action->trigger();
        auto *d = w.findChild<PreferencesDialog *>();
        QVERIFY(d);
        QVERIFY(d->isVisible());
        QVERIFY(d->relativeSequenceNumbers()->isChecked());
        QSignalSpy closed(w.store(), &pl::PacketStore::closed);
        QTest::mouseClick(d->relativeSequenceNumbers(), Qt::LeftButton);
        QTest::mouseClick(button(*d, QDialogButtonBox::Ok), Qt::LeftButton);
        QCOMPARE(closed.count(), 1); // dissected again from frame 1
        QVERIFY(!w.store()->preferences().tcpRelativeSequenceNumbers);
        QCOMPARE(QSettings().value(kRelative).toBool(), false);

        QTRY_VERIFY_WITH_TIMEOUT(!w.store()->isLoading(), 30000);
        QTRY_COMPARE(w.packetModel()->rowCount(), 9); // the filter stayed
        QCOMPARE(w.store()->displayFilter().text(), std::string("tcp.flags.ack == 1"));
        QTRY_COMPARE(currentFrame(w), 3ull); // and the selection
        QVERIFY2(infoOfFrame(w, 3).contains(QLatin1String(" Seq=928549247 Ack=930778610 ")),
                 qPrintable(infoOfFrame(w, 3)));
        QTRY_COMPARE(treeLine(w.treeModel(), QStringLiteral("tcp.seq")),
                     QStringLiteral("Sequence Number: 928549247"));
    }
};

QTEST_MAIN(TestPreferencesDialog)
#include "tst_preferencesdialog.moc"
