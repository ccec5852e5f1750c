#include "displayfilteredit.h"

#include "analysis/displayfilter.h"
#include "dissect/registry.h"

#include <QAbstractItemView>
#include <QAction>
#include <QCompleter>
#include <QContextMenuEvent>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QScrollBar>
#include <QSettings>
#include <QStringListModel>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

#include <set>
#include <string_view>

namespace pl {

namespace {

const QString kRecentKey = QStringLiteral("displayFilter/recent");
const QString kSavedKey = QStringLiteral("displayFilter/saved");

bool isNameChar(QChar c)
{
    return c.isLetterOrNumber() || c == QLatin1Char('.') || c == QLatin1Char('_') ||
           c == QLatin1Char('-');
}

// The engine counts bytes of UTF-8; the edit counts UTF-16 characters.
int characterIndex(const QByteArray &utf8, size_t byteOffset)
{
    return int(QString::fromUtf8(utf8.left(qsizetype(byteOffset))).size());
}

} // namespace

DisplayFilterEdit::DisplayFilterEdit(QWidget *parent)
    : QWidget(parent), m_edit(new QLineEdit(this)), m_recentButton(new QToolButton(this)),
      m_recentMenu(new QMenu(this)), m_bookmarkButton(new QToolButton(this)),
      m_bookmarkMenu(new QMenu(this)), m_applyButton(new QToolButton(this)),
      m_savedBar(new QToolBar(this)), m_messageLabel(new QLabel(this)),
      m_completer(new QCompleter(this)), m_names(new QStringListModel(fieldNames(), this))
{
    m_edit->setObjectName(QStringLiteral("displayFilterText"));
    m_edit->setPlaceholderText(tr("Apply a display filter … <Ctrl-/>"));
    m_edit->setClearButtonEnabled(true);
    m_edit->installEventFilter(this);

    m_bookmarkButton->setText(tr("Filters"));
    m_bookmarkButton->setToolTip(tr("Save this filter as a button, or remove a saved one"));
    m_bookmarkButton->setMenu(m_bookmarkMenu);
    m_bookmarkButton->setPopupMode(QToolButton::InstantPopup);
    connect(m_bookmarkMenu, &QMenu::aboutToShow, this, [this] {
        m_bookmarkMenu->clear();
        QAction *save = m_bookmarkMenu->addAction(tr("Save this filter as a button…"), this,
                                                  &DisplayFilterEdit::saveCurrentFilter);
        save->setEnabled(m_state == State::Valid || m_state == State::Warning);
        QMenu *remove = m_bookmarkMenu->addMenu(tr("Remove filter button"));
        const QList<QPair<QString, QString>> saved = savedFilters();
        for (const auto &s : saved)
            remove->addAction(s.first, this, [this, name = s.first] { removeSavedFilter(name); });
        remove->setEnabled(!saved.isEmpty());
    });

    m_recentButton->setArrowType(Qt::DownArrow);
    m_recentButton->setToolTip(tr("Recent display filters"));
    m_recentButton->setMenu(m_recentMenu);
    m_recentButton->setPopupMode(QToolButton::InstantPopup);

    auto *clear = new QToolButton(this);
    clear->setText(tr("Clear"));
    clear->setToolTip(tr("Clear the filter and show every packet"));
    connect(clear, &QToolButton::clicked, this, [this] {
        m_edit->clear();
        apply();
    });
    m_applyButton->setText(tr("Apply"));
    m_applyButton->setToolTip(tr("Apply this display filter (Enter)"));
    connect(m_applyButton, &QToolButton::clicked, this, &DisplayFilterEdit::apply);

    m_savedBar->setObjectName(QStringLiteral("savedFilterBar"));
    m_savedBar->setIconSize(QSize(1, 1));
    m_savedBar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_savedBar->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_savedBar, &QWidget::customContextMenuRequested, this, [this](const QPoint &pos) {
        QAction *a = m_savedBar->actionAt(pos);
        if (!a)
            return;
        QMenu menu;
        menu.addAction(tr("Remove “%1”").arg(a->text()), this,
                       [this, name = a->text()] { removeSavedFilter(name); });
        menu.exec(m_savedBar->mapToGlobal(pos));
    });

    m_messageLabel->setObjectName(QStringLiteral("displayFilterMessage"));
    m_messageLabel->setWordWrap(true);
    m_messageLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_messageLabel->setVisible(false);

    auto *row = new QHBoxLayout;
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(2);
    row->addWidget(m_bookmarkButton);
    row->addWidget(m_edit, 1);
    row->addWidget(m_recentButton);
    row->addWidget(clear);
    row->addWidget(m_applyButton);
    row->addWidget(m_savedBar);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(1);
    layout->addLayout(row);
    layout->addWidget(m_messageLabel);

    // Completion of the word under the cursor, not of the whole text: the completer is
    // attached to the edit (setWidget) but not installed in it (setCompleter), and the chosen
    // name replaces the word.
    m_completer->setModel(m_names);
    m_completer->setModelSorting(QCompleter::CaseSensitivelySortedModel);
    m_completer->setCaseSensitivity(Qt::CaseSensitive);
    m_completer->setCompletionMode(QCompleter::PopupCompletion);
    m_completer->setMaxVisibleItems(12);
    m_completer->setWidget(m_edit);
    connect(m_completer, qOverload<const QString &>(&QCompleter::activated), this,
            &DisplayFilterEdit::insertCompletion);

    connect(m_edit, &QLineEdit::textChanged, this, &DisplayFilterEdit::check);
    connect(m_edit, &QLineEdit::textEdited, this, &DisplayFilterEdit::updateCompletion);

    rebuildRecentMenu();
    rebuildSavedBar();
    check();
}

QStringList DisplayFilterEdit::fieldNames()
{
    static const QStringList names = [] {
        const Registry &reg = Registry::instance();
        std::set<std::string_view> unique;
        for (size_t i = 0; i < reg.fieldCount(); ++i) {
            const std::string_view abbrev = reg.field(FieldId(i)).abbrev;
            if (!abbrev.empty())
                unique.insert(abbrev);
        }
        QStringList list;
        list.reserve(qsizetype(unique.size()));
        for (std::string_view a : unique) // std::set: sorted bytewise, as the completer wants
            list.append(QString::fromUtf8(a.data(), qsizetype(a.size())));
        return list;
    }();
    return names;
}

QString DisplayFilterEdit::text() const
{
    return m_edit->text();
}

void DisplayFilterEdit::setText(const QString &text)
{
    m_edit->setText(text);
    m_edit->setFocus();
}

void DisplayFilterEdit::check()
{
    const QString text = m_edit->text();
    State state = State::Empty;
    QString message;
    if (!text.trimmed().isEmpty()) {
        const QByteArray utf8 = text.toUtf8();
        const DisplayFilter f =
            DisplayFilter::compile(std::string_view(utf8.constData(), size_t(utf8.size())));
        auto describe = [&utf8](const FilterMessage &m) {
            return tr("Character %1: %2")
                .arg(characterIndex(utf8, m.position) + 1)
                .arg(QString::fromStdString(m.text));
        };
        if (!f.ok()) {
            state = State::Invalid;
            message = describe(f.error());
        } else if (!f.warnings().empty()) {
            state = State::Warning;
            message = describe(f.warnings().front());
        } else {
            state = State::Valid;
        }
    }
    if (state == State::Empty) {
        m_edit->setPalette(QPalette()); // the inherited colours
    } else {
        QPalette p = m_edit->palette();
        p.setColor(QPalette::Base, state == State::Valid     ? ValidColor
                                   : state == State::Warning ? WarningColor
                                                             : InvalidColor);
        p.setColor(QPalette::Text, Qt::black); // readable on the light colours in any theme
        m_edit->setPalette(p);
    }
    m_edit->setToolTip(message);
    m_messageLabel->setText(message);
    m_messageLabel->setStyleSheet(state == State::Invalid ? QStringLiteral("color: #b00000")
                                                          : QStringLiteral("color: #806000"));
    m_messageLabel->setVisible(!message.isEmpty());
    m_applyButton->setEnabled(state != State::Invalid);
    const bool changed = state != m_state || message != m_message;
    m_state = state;
    m_message = message;
    if (changed)
        emit stateChanged(state);
}

bool DisplayFilterEdit::apply()
{
    check();
    if (m_state == State::Invalid) {
        emit applyRejected(m_message);
        return false;
    }
    const QString filter = m_edit->text().trimmed();
    if (!filter.isEmpty())
        addRecent(filter);
    m_applied = filter;
    emit filterApplied(filter);
    return true;
}

QPair<int, int> DisplayFilterEdit::wordUnderCursor() const
{
    const QString text = m_edit->text();
    const int cursor = m_edit->cursorPosition();
    int start = cursor;
    while (start > 0 && isNameChar(text.at(start - 1)))
        --start;
    return {start, cursor - start};
}

void DisplayFilterEdit::updateCompletion()
{
    const QString text = m_edit->text();
    const auto [start, length] = wordUnderCursor();
    const QString word = text.mid(start, length);
    // A name starts with a letter (not a number or an address) and is not inside a string.
    const bool inString = text.left(start).count(QLatin1Char('"')) % 2 == 1;
    if (word.isEmpty() || !word.front().isLetter() || inString) {
        m_completer->popup()->hide();
        return;
    }
    m_completer->setCompletionPrefix(word);
    if (m_completer->completionCount() == 0 ||
        (m_completer->completionCount() == 1 && m_completer->currentCompletion() == word)) {
        m_completer->popup()->hide();
        return;
    }
    // Under the word (the edit's cursor rectangle is not public; the text width is close).
    QRect rect(m_edit->fontMetrics().horizontalAdvance(text.left(start)), 0, 0, m_edit->height());
    rect.setWidth(m_completer->popup()->sizeHintForColumn(0) +
                  m_completer->popup()->verticalScrollBar()->sizeHint().width() + 8);
    m_completer->complete(rect);
}

void DisplayFilterEdit::insertCompletion(const QString &completion)
{
    const auto [start, length] = wordUnderCursor();
    QString text = m_edit->text();
    text.replace(start, length, completion);
    m_edit->setText(text);
    m_edit->setCursorPosition(start + int(completion.size()));
}

bool DisplayFilterEdit::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_edit && event->type() == QEvent::KeyPress) {
        auto *key = static_cast<QKeyEvent *>(event);
        if ((key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) &&
            !m_completer->popup()->isVisible()) {
            apply();
            return true;
        }
        if (key->key() == Qt::Key_Escape && m_completer->popup()->isVisible()) {
            m_completer->popup()->hide();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

QStringList DisplayFilterEdit::recentFilters() const
{
    return QSettings().value(kRecentKey).toStringList();
}

void DisplayFilterEdit::addRecent(const QString &filter)
{
    QStringList recent = recentFilters();
    recent.removeAll(filter);
    recent.prepend(filter);
    while (recent.size() > kRecentFilters)
        recent.removeLast();
    QSettings().setValue(kRecentKey, recent);
    rebuildRecentMenu();
}

void DisplayFilterEdit::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = recentFilters();
    for (const QString &f : recent)
        m_recentMenu->addAction(f, this, [this, f] {
            m_edit->setText(f);
            apply();
        });
    m_recentButton->setEnabled(!recent.isEmpty());
}

QList<QPair<QString, QString>> DisplayFilterEdit::savedFilters() const
{
    QList<QPair<QString, QString>> saved;
    const QList<QVariant> list = QSettings().value(kSavedKey).toList();
    for (const QVariant &v : list) {
        const QStringList pair = v.toStringList();
        if (pair.size() == 2)
            saved.append({pair[0], pair[1]});
    }
    return saved;
}

void DisplayFilterEdit::storeSaved(const QList<QPair<QString, QString>> &saved)
{
    QList<QVariant> list;
    for (const auto &s : saved)
        list.append(QStringList{s.first, s.second});
    QSettings().setValue(kSavedKey, list);
    rebuildSavedBar();
}

void DisplayFilterEdit::addSavedFilter(const QString &name, const QString &filter)
{
    if (name.trimmed().isEmpty())
        return;
    QList<QPair<QString, QString>> saved = savedFilters();
    bool replaced = false;
    for (auto &s : saved)
        if (s.first == name) {
            s.second = filter;
            replaced = true;
        }
    if (!replaced)
        saved.append({name, filter});
    storeSaved(saved);
}

void DisplayFilterEdit::removeSavedFilter(const QString &name)
{
    QList<QPair<QString, QString>> saved = savedFilters();
    saved.removeIf([&name](const QPair<QString, QString> &s) { return s.first == name; });
    storeSaved(saved);
}

void DisplayFilterEdit::saveCurrentFilter()
{
    const QString filter = m_edit->text().trimmed();
    if (filter.isEmpty())
        return;
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Save Filter Button"), tr("Button label:"),
                                               QLineEdit::Normal, filter, &ok);
    if (ok)
        addSavedFilter(name.trimmed(), filter);
}

void DisplayFilterEdit::rebuildSavedBar()
{
    const QList<QAction *> old = m_savedBar->actions();
    m_savedBar->clear();
    qDeleteAll(old);
    const QList<QPair<QString, QString>> saved = savedFilters();
    for (const auto &s : saved) {
        QAction *a = m_savedBar->addAction(s.first);
        a->setToolTip(s.second);
        connect(a, &QAction::triggered, this, [this, filter = s.second] {
            m_edit->setText(filter);
            apply();
        });
    }
    m_savedBar->setVisible(!saved.isEmpty());
}

} // namespace pl
