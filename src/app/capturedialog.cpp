#include "capturedialog.h"

#include "capturefilteredit.h"
#include "interfacelistmodel.h"
#include "interfacetable.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>
#include <climits>

namespace pl {

namespace {

// The kernel's and libpcap's bounds: below 64 bytes not even the headers of a TCP/IPv6
// packet fit; 262144 is tcpdump's default and maximum.
constexpr int MinSnaplen = 64;
constexpr int MaxSnaplen = 262144;

} // namespace

CaptureDialog::CaptureDialog(QWidget *parent, InterfaceListModel *model)
    : QDialog(parent), m_model(model ? model : new InterfaceListModel(this)),
      m_interfaces(new InterfaceTable(m_model, this)), m_filter(new CaptureFilterEdit(this)),
      m_message(new QLabel(this)), m_snaplen(new QSpinBox(this)),
      m_promiscuous(new QCheckBox(tr("&Promiscuous mode"), this)), m_buffer(new QSpinBox(this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("Capture Options"));
    m_modelWasLive = m_model->isLive();
    m_model->setLive(true);

    m_interfaces->setMinimumWidth(720);

    m_message->setWordWrap(true);
    m_message->setStyleSheet(QStringLiteral("color: #c00000"));
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->setMinimumHeight(m_message->fontMetrics().height());

    const ipc::Config defaults;
    m_snaplen->setObjectName(QStringLiteral("snaplen"));
    m_buffer->setObjectName(QStringLiteral("buffer"));
    m_snaplen->setRange(MinSnaplen, MaxSnaplen);
    m_snaplen->setValue(int(defaults.snaplen));
    m_snaplen->setSuffix(tr(" bytes"));
    m_snaplen->setToolTip(tr("Bytes kept of each packet; longer packets are truncated"));
    m_promiscuous->setChecked(defaults.promiscuous);
    m_promiscuous->setToolTip(tr("Also capture packets addressed to other hosts"));
    m_buffer->setRange(1, 1024);
    m_buffer->setValue(int(defaults.bufferMiB));
    m_buffer->setSuffix(tr(" MiB"));
    m_buffer->setToolTip(tr("The kernel ring's size: bigger survives longer bursts"));
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("&Start"));

    auto *interfacesLabel = new QLabel(tr("&Interfaces (Ctrl+click to choose several):"), this);
    interfacesLabel->setBuddy(m_interfaces);
    auto *form = new QFormLayout;
    // The filter takes the width; the numbers keep the width of their values.
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    form->addRow(tr("Capture &filter:"), m_filter);
    form->addRow(QString(), m_message);
    form->addRow(tr("S&napshot length:"), m_snaplen);
    form->addRow(tr("&Buffer size:"), m_buffer);
    form->addRow(QString(), m_promiscuous);

    // Wireshark's Output and Options tabs in one box: 0 means no limit.
    auto *limits = new QGroupBox(tr("Stop and ring buffer"), this);
    auto *limitsForm = new QFormLayout(limits);
    limitsForm->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);
    auto limitBox = [this, limits](int maximum, const QString &suffix, const QString &none) {
        auto *box = new QSpinBox(limits);
        box->setRange(0, maximum);
        box->setSuffix(suffix);
        box->setSpecialValueText(none);
        m_limitBoxes << box;
        return box;
    };
    const QString noLimit = tr("no limit");
    limitsForm->addRow(tr("Stop after &packets:"), limitBox(2000000000, {}, noLimit));
    limitsForm->addRow(tr("Stop after &seconds:"), limitBox(30 * 86400, tr(" s"), noLimit));
    limitsForm->addRow(tr("Stop after &MiB:"), limitBox(1 << 20, tr(" MiB"), noLimit));
    limitsForm->addRow(tr("New &file every:"), limitBox(1 << 16, tr(" MiB"), tr("one file")));
    limitsForm->addRow(tr("&Keep the newest:"), limitBox(10000, tr(" files"), tr("all files")));
    m_limitBoxes.last()->setToolTip(tr("Older files are deleted, and their packets with them: "
                                       "for long captures that must not fill the disk"));

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(interfacesLabel);
    layout->addWidget(m_interfaces, 1);
    layout->addLayout(form);
    layout->addWidget(limits);
    layout->addWidget(m_buttons);

    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_filter, &CaptureFilterEdit::validated, this, &CaptureDialog::updateState);
    connect(m_interfaces->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        m_filter->setLinkTypes(m_interfaces->selectedLinkTypes());
        updateState();
    });
    connect(m_interfaces, &QAbstractItemView::doubleClicked, this, [this] {
        if (startButton()->isEnabled())
            accept();
    });
    updateState();
}

CaptureDialog::~CaptureDialog()
{
    if (m_model->parent() != this)
        m_model->setLive(m_modelWasLive);
}

QPushButton *CaptureDialog::startButton() const
{
    return m_buttons->button(QDialogButtonBox::Ok);
}

ipc::Config CaptureDialog::config() const
{
    ipc::Config c = m_base;
    c.interfaces = m_interfaces->selectedNames();
    c.filter = filter();
    c.snaplen = quint32(m_snaplen->value());
    c.promiscuous = m_promiscuous->isChecked();
    c.bufferMiB = quint32(m_buffer->value());
    return c;
}

void CaptureDialog::setConfig(const ipc::Config &config)
{
    m_base = config;
    m_interfaces->selectNames(config.interfaces);
    setFilter(config.filter);
    m_snaplen->setValue(int(std::clamp<quint32>(config.snaplen, MinSnaplen, MaxSnaplen)));
    m_promiscuous->setChecked(config.promiscuous);
    m_buffer->setValue(int(std::clamp<quint32>(config.bufferMiB, 1, 1024)));
}

QString CaptureDialog::filter() const
{
    return m_filter->filter();
}

void CaptureDialog::setFilter(const QString &filter)
{
    m_filter->setText(filter);
}

QString CaptureDialog::filterError() const
{
    return m_filter->errorString();
}

void CaptureDialog::updateState()
{
    const bool valid = m_filter->isValid();
    m_message->setText(valid ? QString() : m_filter->errorString());
    startButton()->setEnabled(valid && m_interfaces->selectionModel()->hasSelection());
}

CaptureLimits CaptureDialog::limits() const
{
    CaptureLimits l;
    l.packets = quint64(m_limitBoxes[0]->value());
    l.seconds = quint64(m_limitBoxes[1]->value());
    l.megabytes = quint64(m_limitBoxes[2]->value());
    l.ringFileMiB = quint64(m_limitBoxes[3]->value());
    l.ringFiles = m_limitBoxes[4]->value();
    return l;
}

void CaptureDialog::setLimits(const CaptureLimits &limits)
{
    const quint64 values[] = {limits.packets, limits.seconds, limits.megabytes, limits.ringFileMiB,
                              quint64(std::max(limits.ringFiles, 0))};
    for (int i = 0; i < m_limitBoxes.size(); ++i)
        m_limitBoxes[i]->setValue(int(std::min<quint64>(values[i], quint64(INT_MAX))));
}

QTableView *CaptureDialog::interfaceView() const
{
    return m_interfaces;
}

} // namespace pl
