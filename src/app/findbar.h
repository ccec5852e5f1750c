#pragma once

#include "analysis/packetfinder.h"

#include <QColor>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QToolButton;

namespace pl {

/// Wireshark's Find Packet bar (Edit > Find Packet, Ctrl+F): what to search by (display
/// filter, hex value, string), where a string is searched (packet bytes, the packet list's
/// Info column, the packet details), case sensitivity, and the text, checked as it is typed
/// (green when PacketFinder::validate() accepts it, red with the reason as tool tip and
/// message, plain when empty). Enter or Find searches forward, Shift+Enter or Previous
/// backward, Esc or the close button closes. It only asks: the owner runs PacketFinder and
/// reports with setMessage().
class FindBar : public QWidget
{
    Q_OBJECT
public:
    enum class State { Empty, Valid, Invalid };
    /// The display filter bar's colours.
    static inline const QColor ValidColor{0xaf, 0xff, 0xaf};
    static inline const QColor InvalidColor{0xff, 0xaf, 0xaf};

    explicit FindBar(QWidget *parent = nullptr);

    /// The query the controls describe.
    FindQuery query() const;
    /// Sets the controls from `q` (e.g. restoring the last search).
    void setQuery(const FindQuery &q);
    State state() const { return m_state; }
    /// Why the text is invalid; empty otherwise.
    QString errorString() const { return m_error; }

    /// Focuses the text field with its text selected (what Ctrl+F does when the bar shows).
    void focusText();
    /// The line under the controls' row end: "No packet matched", "Search wrapped", ...
    /// Cleared when the query changes.
    void setMessage(const QString &message);
    QString message() const;

    /// Emits findRequested() when the query is valid; otherwise shows why. Returns whether
    /// it emitted.
    bool find(bool forward);

    QComboBox *methodCombo() const { return m_method; }
    QComboBox *scopeCombo() const { return m_scope; }
    QCheckBox *caseSensitiveCheck() const { return m_case; }
    QLineEdit *lineEdit() const { return m_text; }
    QPushButton *findButton() const { return m_find; }
    QPushButton *previousButton() const { return m_previous; }
    QToolButton *closeButton() const { return m_close; }

signals:
    /// The user asked for the next (forward) or previous match of a valid `q`.
    void findRequested(const pl::FindQuery &q, bool forward);
    /// Esc or the close button: the owner hides the bar.
    void closed();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;

private:
    void check();
    void updateEnabled();

    QComboBox *m_method;
    QComboBox *m_scope;
    QCheckBox *m_case;
    QLineEdit *m_text;
    QPushButton *m_find;
    QPushButton *m_previous;
    QToolButton *m_close;
    QLabel *m_message;
    State m_state = State::Empty;
    QString m_error;
};

} // namespace pl
