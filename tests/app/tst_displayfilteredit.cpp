// The display filter bar as a user types in it: its colours, the error under it, field name
// completion, recent filters and saved filter buttons kept between sessions, and Enter that
// applies only a filter that compiles.

#include "app/displayfilteredit.h"

#include <QAbstractItemView>
#include <QAction>
#include <QCompleter>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QToolBar>

using pl::DisplayFilterEdit;
using State = pl::DisplayFilterEdit::State;

namespace {

QColor base(const DisplayFilterEdit &e)
{
    return e.lineEdit()->palette().color(QPalette::Base);
}

QStringList completions(QCompleter *c)
{
    QStringList list;
    for (int r = 0; r < c->completionModel()->rowCount(); ++r)
        list << c->completionModel()->index(r, 0).data().toString();
    return list;
}

} // namespace

class TestDisplayFilterEdit : public QObject
{
    Q_OBJECT
    QTemporaryDir m_settings;

private slots:
    void initTestCase()
    {
        // Settings go to a directory of the test's own, never the user's configuration.
        QStandardPaths::setTestModeEnabled(true);
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settings.path());
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settings.path());
        QSettings().clear();
    }

    void coloursAsTheUserTypes()
    {
        DisplayFilterEdit e;
        e.show();
        const QColor plain = base(e);
        QCOMPARE(e.state(), State::Empty);
        QVERIFY(plain != DisplayFilterEdit::ValidColor && plain != DisplayFilterEdit::InvalidColor);
        auto *message = e.findChild<QLabel *>(QStringLiteral("displayFilterMessage"));
        QVERIFY(message);

        // Typed key by key: red while it is not a filter yet, green once it is.
        QTest::keyClicks(e.lineEdit(), QStringLiteral("tcp.port == "));
        QCOMPARE(e.state(), State::Invalid);
        QCOMPARE(base(e), DisplayFilterEdit::InvalidColor);
        QTest::keyClicks(e.lineEdit(), QStringLiteral("443"));
        QCOMPARE(e.state(), State::Valid);
        QCOMPARE(base(e), DisplayFilterEdit::ValidColor);
        QVERIFY(message->isHidden());
        QVERIFY(e.message().isEmpty());

        // An unknown field: red, and the error with its place under the bar.
        e.setText(QStringLiteral("ip.src == 1.2.3.4 && tcp.prot == 1"));
        QCOMPARE(e.state(), State::Invalid);
        QCOMPARE(base(e), DisplayFilterEdit::InvalidColor);
        QVERIFY2(e.message().contains(QStringLiteral("tcp.prot")), qPrintable(e.message()));
        QVERIFY2(e.message().contains(QStringLiteral("Character 22")), qPrintable(e.message()));
        QVERIFY(!message->isHidden());
        QCOMPARE(message->text(), e.message());
        QCOMPARE(e.lineEdit()->toolTip(), e.message());

        e.setText(QStringLiteral("ip.src == 300.1.1.1"));
        QCOMPARE(e.state(), State::Invalid);
        QVERIFY2(e.message().contains(QStringLiteral("Character 11")), qPrintable(e.message()));

        // Cleared: plain again, no message.
        e.setText(QString());
        QCOMPARE(e.state(), State::Empty);
        QCOMPARE(base(e), plain);
        QVERIFY(message->isHidden());
    }

    void warningsAreYellow()
    {
        DisplayFilterEdit e;
        // Wireshark's yellow bar: valid but doubtful (set items separated by a space alone, as
        // Wireshark 3.6 wrote them).
        e.setText(QStringLiteral("tcp.port in {80 443}"));
        QCOMPARE(e.state(), State::Warning);
        QCOMPARE(base(e), DisplayFilterEdit::WarningColor);
        QVERIFY2(e.message().contains(QStringLiteral("comma")), qPrintable(e.message()));
        QVERIFY2(e.message().contains(QStringLiteral("Character 17")), qPrintable(e.message()));
        QSignalSpy applied(&e, &DisplayFilterEdit::filterApplied);
        QVERIFY(e.apply()); // a warning does not stop it
        QCOMPARE(applied.size(), 1);
    }

    void completionOffersFieldNames()
    {
        DisplayFilterEdit e;
        e.show();
        QVERIFY(DisplayFilterEdit::fieldNames().contains(QStringLiteral("tcp.flags.syn")));
        QVERIFY(DisplayFilterEdit::fieldNames().contains(QStringLiteral("tcp"))); // protocols too
        QTest::keyClicks(e.lineEdit(), QStringLiteral("tcp.fl"));
        QCOMPARE(e.completer()->completionPrefix(), QStringLiteral("tcp.fl"));
        const QStringList offered = completions(e.completer());
        QVERIFY(offered.contains(QStringLiteral("tcp.flags")));
        QVERIFY(offered.contains(QStringLiteral("tcp.flags.syn")));
        QVERIFY(!offered.contains(QStringLiteral("tcp.port")));
        QVERIFY(e.completer()->popup()->isVisible());

        // The word under the cursor is completed, not the whole text.
        e.setText(QString());
        QTest::keyClicks(e.lineEdit(), QStringLiteral("ip.src == 10.0.0.1 && udp.sr"));
        QCOMPARE(e.completer()->completionPrefix(), QStringLiteral("udp.sr"));
        QVERIFY(completions(e.completer()).contains(QStringLiteral("udp.srcport")));
        e.insertCompletion(QStringLiteral("udp.srcport"));
        QCOMPARE(e.text(), QStringLiteral("ip.src == 10.0.0.1 && udp.srcport"));
        QCOMPARE(e.lineEdit()->cursorPosition(), int(e.text().size()));

        // No completion for numbers, addresses or inside strings.
        e.completer()->popup()->hide();
        e.setText(QString());
        QTest::keyClicks(e.lineEdit(), QStringLiteral("http.host == \"tc"));
        QVERIFY(!e.completer()->popup()->isVisible());
    }

    void enterAppliesOnlyValidFilters()
    {
        DisplayFilterEdit e;
        e.show();
        QSignalSpy applied(&e, &DisplayFilterEdit::filterApplied);
        QSignalSpy rejected(&e, &DisplayFilterEdit::applyRejected);
        QTest::keyClicks(e.lineEdit(), QStringLiteral("tcp.prot == 1"));
        QTest::keyClick(e.lineEdit(), Qt::Key_Return);
        QCOMPARE(applied.size(), 0);
        QCOMPARE(rejected.size(), 1);
        QVERIFY(rejected.first().at(0).toString().contains(QStringLiteral("tcp.prot")));
        QVERIFY(e.appliedText().isEmpty());

        e.setText(QStringLiteral("udp"));
        e.completer()->popup()->hide();
        QTest::keyClick(e.lineEdit(), Qt::Key_Return);
        QCOMPARE(applied.size(), 1);
        QCOMPARE(applied.first().at(0).toString(), QStringLiteral("udp"));
        QCOMPARE(e.appliedText(), QStringLiteral("udp"));
    }

    void recentFiltersPersist()
    {
        QSettings().remove(QStringLiteral("displayFilter"));
        {
            DisplayFilterEdit e;
            for (const char *f : {"tcp", "udp", "tcp"}) {
                e.setText(QString::fromLatin1(f));
                QVERIFY(e.apply());
            }
            e.setText(QStringLiteral("tcp.prot == 1"));
            QVERIFY(!e.apply()); // not a filter: not remembered
            QCOMPARE(e.recentFilters(),
                     (QStringList{QStringLiteral("tcp"), QStringLiteral("udp")}));
        }
        DisplayFilterEdit again;
        QCOMPARE(again.recentFilters(),
                 (QStringList{QStringLiteral("tcp"), QStringLiteral("udp")}));
        for (int i = 0; i < 30; ++i) {
            again.setText(QStringLiteral("frame.number == %1").arg(i));
            QVERIFY(again.apply());
        }
        QCOMPARE(again.recentFilters().size(), DisplayFilterEdit::kRecentFilters);
        QCOMPARE(again.recentFilters().first(), QStringLiteral("frame.number == 29"));
    }

    void savedFilterButtons()
    {
        QSettings().remove(QStringLiteral("displayFilter"));
        {
            DisplayFilterEdit e;
            e.addSavedFilter(QStringLiteral("Web"), QStringLiteral("tcp.port == 80"));
            e.addSavedFilter(QStringLiteral("DNS"), QStringLiteral("udp.port == 53"));
        }
        DisplayFilterEdit e;
        QCOMPARE(e.savedFilters().size(), 2);
        const QList<QAction *> buttons = e.savedFilterBar()->actions();
        QCOMPARE(buttons.size(), 2);
        QCOMPARE(buttons[0]->text(), QStringLiteral("Web"));
        QCOMPARE(buttons[0]->toolTip(), QStringLiteral("tcp.port == 80"));
        // Clicking one applies its filter.
        QSignalSpy applied(&e, &DisplayFilterEdit::filterApplied);
        buttons[1]->trigger();
        QCOMPARE(applied.size(), 1);
        QCOMPARE(applied.first().at(0).toString(), QStringLiteral("udp.port == 53"));
        QCOMPARE(e.text(), QStringLiteral("udp.port == 53"));
        e.removeSavedFilter(QStringLiteral("Web"));
        QCOMPARE(e.savedFilterBar()->actions().size(), 1);
        DisplayFilterEdit third;
        QCOMPARE(third.savedFilters().size(), 1);
        QCOMPARE(third.savedFilters().first().first, QStringLiteral("DNS"));
    }
};

QTEST_MAIN(TestDisplayFilterEdit)
#include "tst_displayfilteredit.moc"
