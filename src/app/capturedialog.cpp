#include "capturedialog.h"

#include "capture/capturefilter.h"
#include "capture/interfacelist.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

namespace pl {

CaptureDialog::CaptureDialog(QWidget *parent)
    : QDialog(parent), m_interfaces(new QComboBox(this)), m_filter(new QLineEdit(this)),
      m_message(new QLabel(this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("Start Capture"));
    // Listing interfaces needs no privilege; only the helper ever holds one.
    std::string error;
    for (const capture::InterfaceInfo &i : capture::listInterfaces(&error)) {
        QString text = QString::fromStdString(i.name);
        if (!i.addresses.empty())
            text += QStringLiteral(" (%1)").arg(QString::fromStdString(i.addresses.front()));
        if (!i.up)
            text += tr(" — down");
        m_interfaces->addItem(text, QString::fromStdString(i.name));
    }
    m_filter->setPlaceholderText(tr("Capture filter, e.g. tcp port 443 (tcpdump syntax)"));
    m_message->setWordWrap(true);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Start"));

    auto *form = new QFormLayout(this);
    form->addRow(tr("Interface:"), m_interfaces);
    form->addRow(tr("Capture filter:"), m_filter);
    form->addRow(m_message);
    form->addRow(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_filter, &QLineEdit::textChanged, this, &CaptureDialog::validate);
    validate();
}

QString CaptureDialog::interfaceName() const
{
    return m_interfaces->currentData().toString();
}

ipc::Config CaptureDialog::config() const
{
    ipc::Config c;
    c.interfaces = {interfaceName()};
    c.filter = filter();
    return c;
}

QString CaptureDialog::filter() const
{
    return m_filter->text().trimmed();
}

void CaptureDialog::setFilter(const QString &filter)
{
    m_filter->setText(filter);
}

void CaptureDialog::validate()
{
    // Compiled for Ethernet on a dead handle, as the helper will for the interface.
    std::vector<sock_filter> program;
    std::string error;
    const bool ok = capture::compileFilter(filter().toStdString(), 1, 262144, program, error);
    m_filterError = ok ? QString() : QString::fromStdString(error);
    m_filter->setStyleSheet(filter().isEmpty() ? QString()
                            : ok               ? QStringLiteral("background: #d7f7d7")
                                               : QStringLiteral("background: #ffd0d0"));
    m_message->setText(m_filterError);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(ok && m_interfaces->count() > 0);
}

} // namespace pl
