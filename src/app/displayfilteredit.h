#pragma once

#include <QColor>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QWidget>

class QCompleter;
class QLabel;
class QLineEdit;
class QMenu;
class QStringListModel;
class QToolBar;
class QToolButton;

namespace pl {

/// Wireshark's display filter toolbar: a line edit that compiles what the user types with
/// DisplayFilter (green when valid, yellow when valid with warnings, red with the error and
/// where it is shown under the bar, plain when empty), completes field and protocol names
/// from the registry for the word under the cursor, keeps recent filters (a drop-down, most
/// recent first) and saved filter buttons ("name → filter") in QSettings. Enter or Apply
/// emits filterApplied() with the text, only when it compiles.
class DisplayFilterEdit : public QWidget
{
    Q_OBJECT
public:
    enum class State { Empty, Valid, Warning, Invalid };
    /// Wireshark's filter bar colours.
    static inline const QColor ValidColor{0xaf, 0xff, 0xaf};
    static inline const QColor WarningColor{0xff, 0xff, 0xaf};
    static inline const QColor InvalidColor{0xff, 0xaf, 0xaf};
    /// How many recent filters are kept.
    static constexpr int kRecentFilters = 20;

    explicit DisplayFilterEdit(QWidget *parent = nullptr);

    QString text() const;
    /// Sets the text (checked at once) without applying it: Prepare as Filter.
    void setText(const QString &text);
    QLineEdit *lineEdit() const { return m_edit; }

    State state() const { return m_state; }
    /// The error (when Invalid) or the first warning, with where it is: `Character 5: …`;
    /// empty otherwise. The bar shows it under the line edit.
    QString message() const { return m_message; }

    /// Applies the text: when it compiles, remembers it among the recent filters and emits
    /// filterApplied(); false (nothing emitted) when it does not.
    bool apply();
    /// The text last applied (empty: no filter).
    QString appliedText() const { return m_applied; }

    /// Recent filters, most recent first (QSettings).
    QStringList recentFilters() const;
    /// Saved filter buttons, in their order: (name, filter) (QSettings).
    QList<QPair<QString, QString>> savedFilters() const;
    /// Adds (or replaces, by name) a saved filter button.
    void addSavedFilter(const QString &name, const QString &filter);
    void removeSavedFilter(const QString &name);
    /// The toolbar of saved filter buttons (one action per filter, tooltip = the filter).
    QToolBar *savedFilterBar() const { return m_savedBar; }

    /// Field and protocol names of the registry, sorted (the completion list).
    static QStringList fieldNames();
    QCompleter *completer() const { return m_completer; }
    /// Replaces the word under the cursor with `completion` (what choosing a completion does).
    void insertCompletion(const QString &completion);

signals:
    /// The user applied `filter` (compiles; empty = show every packet).
    void filterApplied(const QString &filter);
    /// Enter or Apply on a filter that does not compile: nothing was applied; `message` says
    /// why and where.
    void applyRejected(const QString &message);
    /// The colour / message changed.
    void stateChanged(pl::DisplayFilterEdit::State state);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void check();
    void updateCompletion();
    void addRecent(const QString &filter);
    void rebuildRecentMenu();
    void rebuildSavedBar();
    void saveCurrentFilter();
    void storeSaved(const QList<QPair<QString, QString>> &saved);
    /// Start and length of the name being typed before the cursor.
    QPair<int, int> wordUnderCursor() const;

    QLineEdit *m_edit;
    QToolButton *m_recentButton;
    QMenu *m_recentMenu;
    QToolButton *m_bookmarkButton;
    QMenu *m_bookmarkMenu;
    QToolButton *m_applyButton;
    QToolBar *m_savedBar;
    QLabel *m_messageLabel;
    QCompleter *m_completer;
    QStringListModel *m_names;
    State m_state = State::Empty;
    QString m_message;
    QString m_applied;
};

} // namespace pl
