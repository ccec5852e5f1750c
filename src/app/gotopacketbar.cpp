#include "gotopacketbar.h"

#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QToolButton>

namespace pl {

GoToPacketBar::GoToPacketBar(QWidget *parent)
    : QWidget(parent), m_number(new QLineEdit(this)), m_error(new QLabel(this))
{
    auto *label = new QLabel(tr("Go to packet:"), this);
    label->setBuddy(m_number);
    m_number->setObjectName(QStringLiteral("goToPacketNumber"));
    m_number->setValidator(new QRegularExpressionValidator(
        QRegularExpression(QStringLiteral("[0-9]{0,19}")), m_number));
    m_number->setMaximumWidth(fontMetrics().horizontalAdvance(QLatin1Char('0')) * 14);
    auto *go = new QPushButton(tr("Go to Packet"), this);
    auto *close = new QToolButton(this);
    close->setText(QStringLiteral("✕"));
    close->setToolTip(tr("Close (Esc)"));
    m_error->setStyleSheet(QStringLiteral("color: #b00000"));

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(2, 0, 2, 0);
    layout->addWidget(label);
    layout->addWidget(m_number);
    layout->addWidget(go);
    layout->addWidget(m_error, 1);
    layout->addWidget(close);

    connect(m_number, &QLineEdit::returnPressed, this, &GoToPacketBar::request);
    connect(m_number, &QLineEdit::textEdited, this, [this] { setError({}); });
    connect(go, &QPushButton::clicked, this, &GoToPacketBar::request);
    connect(close, &QToolButton::clicked, this, &GoToPacketBar::closed);
}

void GoToPacketBar::focusNumber()
{
    m_number->setFocus();
    m_number->selectAll();
}

void GoToPacketBar::setError(const QString &error)
{
    m_error->setText(error);
}

QString GoToPacketBar::error() const
{
    return m_error->text();
}

void GoToPacketBar::request()
{
    bool ok = false;
    const quint64 n = m_number->text().toULongLong(&ok);
    if (!ok || n == 0) {
        setError(tr("Enter a packet number"));
        return;
    }
    emit goToRequested(n);
}

void GoToPacketBar::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Escape) {
        emit closed();
        return;
    }
    QWidget::keyPressEvent(event);
}

} // namespace pl
