// The Find Packet bar: colours as the user types, Enter/Shift+Enter ask for a forward/backward
// search with the query the controls show, the scope only for strings, Esc closes.

#include "app/findbar.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QToolButton>

namespace {

using pl::FindBar;
using pl::FindQuery;

QColor base(const FindBar &bar)
{
    return bar.lineEdit()->palette().color(QPalette::Base);
}

void selectMethod(FindBar &bar, FindQuery::Method m)
{
    bar.methodCombo()->setCurrentIndex(bar.methodCombo()->findData(int(m)));
}

void selectScope(FindBar &bar, FindQuery::Scope s)
{
    bar.scopeCombo()->setCurrentIndex(bar.scopeCombo()->findData(int(s)));
}

} // namespace

class TestFindBar : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { qRegisterMetaType<pl::FindQuery>(); }

    void defaultsAreWiresharks()
    {
        FindBar bar;
        QCOMPARE(bar.query().method, FindQuery::Method::DisplayFilter);
        QCOMPARE(bar.query().scope, FindQuery::Scope::Info);
        QCOMPARE(bar.methodCombo()->count(), 3);
        QCOMPARE(bar.scopeCombo()->count(), 3);
        QCOMPARE(bar.state(), FindBar::State::Empty);
        QVERIFY(!bar.query().caseSensitive);
    }

    void coloursFollowValidity()
    {
        FindBar bar;
        const QColor plain = base(bar);
        selectMethod(bar, FindQuery::Method::Hex);
        QTest::keyClicks(bar.lineEdit(), QStringLiteral("00:1b:2"));
        QCOMPARE(bar.state(), FindBar::State::Invalid);
        QCOMPARE(base(bar), FindBar::InvalidColor);
        QVERIFY(!bar.lineEdit()->toolTip().isEmpty());
        QTest::keyClicks(bar.lineEdit(), QStringLiteral("1"));
        QCOMPARE(bar.state(), FindBar::State::Valid);
        QCOMPARE(base(bar), FindBar::ValidColor);
        QVERIFY(bar.lineEdit()->toolTip().isEmpty());
        QTest::keyClicks(bar.lineEdit(), QStringLiteral("z"));
        QCOMPARE(base(bar), FindBar::InvalidColor);

        // The same text is judged again when the method changes.
        bar.lineEdit()->setText(QStringLiteral("tcp.port == 80"));
        QCOMPARE(bar.state(), FindBar::State::Invalid); // not hex
        selectMethod(bar, FindQuery::Method::DisplayFilter);
        QCOMPARE(bar.state(), FindBar::State::Valid);
        QCOMPARE(base(bar), FindBar::ValidColor);
        bar.lineEdit()->setText(QStringLiteral("tcp.prot == 80"));
        QCOMPARE(bar.state(), FindBar::State::Invalid);
        QVERIFY(bar.errorString().contains(QLatin1String("tcp.prot")));
        selectMethod(bar, FindQuery::Method::String);
        QCOMPARE(bar.state(), FindBar::State::Valid); // any text is a string

        bar.lineEdit()->clear();
        QCOMPARE(bar.state(), FindBar::State::Empty);
        QCOMPARE(base(bar), plain);
    }

    void scopeOnlyForStrings()
    {
        FindBar bar;
        selectMethod(bar, FindQuery::Method::DisplayFilter);
        QVERIFY(!bar.scopeCombo()->isEnabled());
        QVERIFY(!bar.caseSensitiveCheck()->isEnabled());
        selectMethod(bar, FindQuery::Method::Hex);
        QVERIFY(!bar.scopeCombo()->isEnabled());
        selectMethod(bar, FindQuery::Method::String);
        QVERIFY(bar.scopeCombo()->isEnabled());
        QVERIFY(bar.caseSensitiveCheck()->isEnabled());
        selectMethod(bar, FindQuery::Method::Hex);
        QVERIFY(!bar.scopeCombo()->isEnabled());
    }

    void enterFindsForwardShiftEnterBackward()
    {
        FindBar bar;
        bar.show();
        QSignalSpy spy(&bar, &FindBar::findRequested);
        selectMethod(bar, FindQuery::Method::String);
        selectScope(bar, FindQuery::Scope::Tree);
        bar.caseSensitiveCheck()->setChecked(true);
        bar.focusText();
        QTest::keyClicks(bar.lineEdit(), QStringLiteral("Source Port"));
        QTest::keyClick(bar.lineEdit(), Qt::Key_Return);
        QCOMPARE(spy.count(), 1);
        auto q = spy.at(0).at(0).value<FindQuery>();
        QCOMPARE(q.method, FindQuery::Method::String);
        QCOMPARE(q.scope, FindQuery::Scope::Tree);
        QCOMPARE(q.text, QStringLiteral("Source Port"));
        QVERIFY(q.caseSensitive);
        QCOMPARE(spy.at(0).at(1).toBool(), true);

        QTest::keyClick(bar.lineEdit(), Qt::Key_Return, Qt::ShiftModifier);
        QCOMPARE(spy.count(), 2);
        QCOMPARE(spy.at(1).at(1).toBool(), false);
        QTest::keyClick(bar.lineEdit(), Qt::Key_Enter, Qt::KeypadModifier);
        QCOMPARE(spy.count(), 3);
        QCOMPARE(spy.at(2).at(1).toBool(), true);

        // The buttons.
        QTest::mouseClick(bar.previousButton(), Qt::LeftButton);
        QCOMPARE(spy.count(), 4);
        QCOMPARE(spy.at(3).at(1).toBool(), false);
        QTest::mouseClick(bar.findButton(), Qt::LeftButton);
        QCOMPARE(spy.count(), 5);
        QCOMPARE(spy.at(4).at(1).toBool(), true);
        QCOMPARE(spy.at(4).at(0).value<FindQuery>(), q);
    }

    void invalidQueryIsNotSent()
    {
        FindBar bar;
        bar.show();
        QSignalSpy spy(&bar, &FindBar::findRequested);
        selectMethod(bar, FindQuery::Method::Hex);
        bar.focusText();
        QTest::keyClicks(bar.lineEdit(), QStringLiteral("xyz"));
        QTest::keyClick(bar.lineEdit(), Qt::Key_Return);
        QCOMPARE(spy.count(), 0);
        QVERIFY(!bar.message().isEmpty()); // says why
        bar.lineEdit()->clear();
        QTest::keyClick(bar.lineEdit(), Qt::Key_Return);
        QCOMPARE(spy.count(), 0);
        QTest::keyClicks(bar.lineEdit(), QStringLiteral("de ad"));
        QTest::keyClick(bar.lineEdit(), Qt::Key_Return);
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy.at(0).at(0).value<FindQuery>().text, QStringLiteral("de ad"));
        QCOMPARE(spy.at(0).at(0).value<FindQuery>().method, FindQuery::Method::Hex);
    }

    void escapeCloses()
    {
        FindBar bar;
        bar.show();
        QSignalSpy spy(&bar, &FindBar::closed);
        bar.focusText();
        QTest::keyClick(bar.lineEdit(), Qt::Key_Escape);
        QCOMPARE(spy.count(), 1);
        QTest::keyClick(bar.methodCombo(), Qt::Key_Escape);
        QCOMPARE(spy.count(), 2);
        QTest::mouseClick(bar.closeButton(), Qt::LeftButton);
        QCOMPARE(spy.count(), 3);
    }

    void messageShownAndClearedByEditing()
    {
        FindBar bar;
        selectMethod(bar, FindQuery::Method::String);
        bar.lineEdit()->setText(QStringLiteral("abc"));
        bar.setMessage(QStringLiteral("No packet matched"));
        QCOMPARE(bar.message(), QStringLiteral("No packet matched"));
        QTest::keyClicks(bar.lineEdit(), QStringLiteral("d"));
        QVERIFY(bar.message().isEmpty());
    }

    void focusTextSelectsAll()
    {
        FindBar bar;
        bar.show();
        QVERIFY(QTest::qWaitForWindowExposed(&bar));
        bar.lineEdit()->setText(QStringLiteral("previous search"));
        bar.focusText();
        QCOMPARE(bar.lineEdit()->selectedText(), QStringLiteral("previous search"));
    }

    void setQueryRestoresControls()
    {
        FindBar bar;
        FindQuery q;
        q.method = FindQuery::Method::String;
        q.scope = FindQuery::Scope::Bytes;
        q.text = QStringLiteral("GET /");
        q.caseSensitive = true;
        bar.setQuery(q);
        QCOMPARE(bar.query(), q);
        QCOMPARE(bar.state(), FindBar::State::Valid);
        QVERIFY(bar.scopeCombo()->isEnabled());
    }
};

QTEST_MAIN(TestFindBar)
#include "tst_findbar.moc"
