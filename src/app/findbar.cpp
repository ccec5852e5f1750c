#include "findbar.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStyle>
#include <QToolButton>

namespace pl {

FindBar::FindBar(QWidget *parent)
    : QWidget(parent), m_method(new QComboBox(this)), m_scope(new QComboBox(this)),
      m_case(new QCheckBox(tr("Case sensitive"), this)), m_text(new QLineEdit(this)),
      m_find(new QPushButton(tr("Find"), this)), m_previous(new QPushButton(tr("Previous"), this)),
      m_close(new QToolButton(this)), m_message(new QLabel(this))
{
    // Item data = the enum, so the order of the items is free.
    m_method->addItem(tr("Display filter"), int(FindQuery::Method::DisplayFilter));
    m_method->addItem(tr("Hex value"), int(FindQuery::Method::Hex));
    m_method->addItem(tr("String"), int(FindQuery::Method::String));
    m_method->setToolTip(tr("Search by display filter, byte sequence or text"));
    m_scope->addItem(tr("Packet bytes"), int(FindQuery::Scope::Bytes));
    m_scope->addItem(tr("Packet list"), int(FindQuery::Scope::Info));
    m_scope->addItem(tr("Packet details"), int(FindQuery::Scope::Tree));
    m_scope->setCurrentIndex(1); // Wireshark's default: the packet list
    m_scope->setToolTip(tr("Search the packet bytes, the Info column or the detail tree"));
    m_text->setClearButtonEnabled(true);
    m_find->setToolTip(tr("Find the next match (Enter)"));
    m_previous->setToolTip(tr("Find the previous match (Shift+Enter)"));
    m_close->setIcon(style()->standardIcon(QStyle::SP_TitleBarCloseButton));
    m_close->setAutoRaise(true);
    m_close->setToolTip(tr("Close the find bar (Esc)"));
    // The buttons must not take the focus from the text: Enter goes on working after a click.
    m_find->setFocusPolicy(Qt::NoFocus);
    m_previous->setFocusPolicy(Qt::NoFocus);
    m_close->setFocusPolicy(Qt::NoFocus);

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 2, 4, 2);
    layout->addWidget(m_method);
    layout->addWidget(m_scope);
    layout->addWidget(m_case);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_find);
    layout->addWidget(m_previous);
    layout->addWidget(m_message);
    layout->addWidget(m_close);

    m_text->installEventFilter(this);
    connect(m_text, &QLineEdit::textChanged, this, &FindBar::check);
    connect(m_method, &QComboBox::currentIndexChanged, this, [this] {
        updateEnabled();
        check();
    });
    connect(m_scope, &QComboBox::currentIndexChanged, this, [this] { setMessage({}); });
    connect(m_case, &QCheckBox::toggled, this, [this] { setMessage({}); });
    connect(m_find, &QPushButton::clicked, this, [this] { find(true); });
    connect(m_previous, &QPushButton::clicked, this, [this] { find(false); });
    connect(m_close, &QToolButton::clicked, this, &FindBar::closed);

    updateEnabled();
    check();
}

FindQuery FindBar::query() const
{
    FindQuery q;
    q.method = FindQuery::Method(m_method->currentData().toInt());
    q.scope = FindQuery::Scope(m_scope->currentData().toInt());
    q.text = m_text->text();
    q.caseSensitive = m_case->isChecked();
    return q;
}

void FindBar::setQuery(const FindQuery &q)
{
    m_method->setCurrentIndex(m_method->findData(int(q.method)));
    m_scope->setCurrentIndex(m_scope->findData(int(q.scope)));
    m_case->setChecked(q.caseSensitive);
    m_text->setText(q.text);
    check();
}

void FindBar::focusText()
{
    m_text->setFocus(Qt::ShortcutFocusReason);
    m_text->selectAll();
}

void FindBar::setMessage(const QString &message)
{
    m_message->setText(message);
}

QString FindBar::message() const
{
    return m_message->text();
}

bool FindBar::find(bool forward)
{
    check();
    if (m_state != State::Valid) {
        setMessage(m_error);
        return false;
    }
    emit findRequested(query(), forward);
    return true;
}

void FindBar::updateEnabled()
{
    const auto method = FindQuery::Method(m_method->currentData().toInt());
    // Only a string has a scope and a case; Wireshark greys them out for the others.
    m_scope->setEnabled(method == FindQuery::Method::String);
    m_case->setEnabled(method == FindQuery::Method::String);
    switch (method) {
    case FindQuery::Method::DisplayFilter:
        m_text->setPlaceholderText(tr("Display filter, e.g. tcp.flags.syn == 1"));
        break;
    case FindQuery::Method::Hex:
        m_text->setPlaceholderText(tr("Hex bytes, e.g. 00:1b:21"));
        break;
    case FindQuery::Method::String:
        m_text->setPlaceholderText(tr("Text to find"));
        break;
    }
}

void FindBar::check()
{
    setMessage({});
    const FindQuery q = query();
    QString error;
    if (q.text.isEmpty()) {
        m_state = State::Empty;
        // Not a verdict to colour, but find() must still say why nothing happens.
        PacketFinder::validate(q, &error);
    } else {
        m_state = PacketFinder::validate(q, &error) ? State::Valid : State::Invalid;
    }
    m_error = m_state == State::Valid ? QString() : error;
    if (m_state == State::Empty) {
        m_text->setPalette(QPalette()); // back to the inherited colours
    } else {
        QPalette p = m_text->palette();
        p.setColor(QPalette::Base, m_state == State::Valid ? ValidColor : InvalidColor);
        p.setColor(QPalette::Text, Qt::black);
        m_text->setPalette(p);
    }
    m_text->setToolTip(m_state == State::Invalid ? m_error : QString());
}

bool FindBar::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_text && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if (key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) {
            find(!(key->modifiers() & Qt::ShiftModifier));
            return true;
        }
        if (key->key() == Qt::Key_Escape) {
            emit closed();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void FindBar::keyPressEvent(QKeyEvent *event)
{
    // Esc from any control of the bar (the combos and the check box pass it on).
    if (event->key() == Qt::Key_Escape) {
        emit closed();
        return;
    }
    QWidget::keyPressEvent(event);
}

} // namespace pl
