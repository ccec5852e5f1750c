#include "preferencesdialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QGroupBox>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QTabWidget>
#include <QVBoxLayout>

namespace pl {

namespace {

// Wireshark's preference names, so that the settings read like its `preferences` file and
// like the CLI's -o switch.
const QString kRelative = QStringLiteral("preferences/tcp.relative_sequence_numbers");
const QString kTcpReassemble = QStringLiteral("preferences/tcp.desegment_tcp_streams");
const QString kIpDefragment = QStringLiteral("preferences/ip.defragment");
const QString kIpv6Defragment = QStringLiteral("preferences/ipv6.defragment");

bool sameDissection(const Preferences &a, const Preferences &b)
{
    return a.tcpRelativeSequenceNumbers == b.tcpRelativeSequenceNumbers &&
           a.tcpReassemble == b.tcpReassemble && a.ipDefragment == b.ipDefragment &&
           a.ipv6Defragment == b.ipv6Defragment;
}

QGroupBox *group(const QString &title, std::initializer_list<QWidget *> widgets)
{
    auto *box = new QGroupBox(title);
    auto *layout = new QVBoxLayout(box);
    for (QWidget *w : widgets)
        layout->addWidget(w);
    return box;
}

} // namespace

PreferencesDialog::PreferencesDialog(const Preferences &current, QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("Preferences"));
    setObjectName(QStringLiteral("preferencesDialog"));

    m_relative = new QCheckBox(tr("Relative sequence numbers"));
    m_relative->setToolTip(tr("Make the TCP dissector use relative sequence numbers instead of "
                              "absolute ones (the raw values stay in tcp.seq_raw and "
                              "tcp.ack_raw)"));
    m_tcpReassemble = new QCheckBox(tr("Allow subdissector to reassemble TCP streams"));
    m_tcpReassemble->setToolTip(tr("Whether subdissectors may reassemble messages that span "
                                   "several TCP segments (HTTP, DNS over TCP, TLS)"));
    m_ipDefragment = new QCheckBox(tr("Reassemble fragmented IPv4 datagrams"));
    m_ipDefragment->setToolTip(tr("Whether fragmented IPv4 datagrams should be reassembled"));
    m_ipv6Defragment = new QCheckBox(tr("Reassemble fragmented IPv6 datagrams"));
    m_ipv6Defragment->setToolTip(tr("Whether fragmented IPv6 datagrams should be reassembled"));

    auto *protocols = new QWidget;
    protocols->setObjectName(QStringLiteral("protocolsPage"));
    auto *page = new QVBoxLayout(protocols);
    page->addWidget(group(tr("TCP"), {m_relative, m_tcpReassemble}));
    page->addWidget(group(tr("IPv4"), {m_ipDefragment}));
    page->addWidget(group(tr("IPv6"), {m_ipv6Defragment}));
    auto *note = new QLabel(tr("Changing these dissects the open capture again from its first "
                               "packet; a live capture still running keeps its preferences "
                               "until the next capture."));
    note->setWordWrap(true);
    page->addWidget(note);
    page->addStretch(1);

    m_pages = new QTabWidget;
    m_pages->addTab(protocols, tr("Protocols"));

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel |
                                     QDialogButtonBox::Apply | QDialogButtonBox::RestoreDefaults);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &PreferencesDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_buttons->button(QDialogButtonBox::Apply), &QPushButton::clicked, this,
            &PreferencesDialog::apply);
    connect(m_buttons->button(QDialogButtonBox::RestoreDefaults), &QPushButton::clicked, this,
            [this] {
                // Only shows them: the user still applies or cancels.
                const Preferences defaults;
                m_relative->setChecked(defaults.tcpRelativeSequenceNumbers);
                m_tcpReassemble->setChecked(defaults.tcpReassemble);
                m_ipDefragment->setChecked(defaults.ipDefragment);
                m_ipv6Defragment->setChecked(defaults.ipv6Defragment);
            });
    for (QCheckBox *box : {m_relative, m_tcpReassemble, m_ipDefragment, m_ipv6Defragment})
        connect(box, &QCheckBox::toggled, this, &PreferencesDialog::updateApply);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_pages);
    layout->addWidget(m_buttons);
    setPreferences(current);
}

Preferences PreferencesDialog::preferences() const
{
    Preferences p = m_applied; // keeps what the page does not show
    p.tcpRelativeSequenceNumbers = m_relative->isChecked();
    p.tcpReassemble = m_tcpReassemble->isChecked();
    p.ipDefragment = m_ipDefragment->isChecked();
    p.ipv6Defragment = m_ipv6Defragment->isChecked();
    return p;
}

void PreferencesDialog::setPreferences(const Preferences &prefs)
{
    m_applied = prefs;
    m_relative->setChecked(prefs.tcpRelativeSequenceNumbers);
    m_tcpReassemble->setChecked(prefs.tcpReassemble);
    m_ipDefragment->setChecked(prefs.ipDefragment);
    m_ipv6Defragment->setChecked(prefs.ipv6Defragment);
    updateApply();
}

void PreferencesDialog::updateApply()
{
    m_buttons->button(QDialogButtonBox::Apply)
        ->setEnabled(!sameDissection(preferences(), m_applied));
}

void PreferencesDialog::apply()
{
    const Preferences prefs = preferences();
    if (sameDissection(prefs, m_applied))
        return; // re-dissecting a whole capture for nothing would be slow
    save(prefs);
    m_applied = prefs;
    updateApply();
    emit applied(prefs);
}

void PreferencesDialog::accept()
{
    apply();
    QDialog::accept();
}

Preferences PreferencesDialog::load()
{
    QSettings s;
    Preferences p;
    p.tcpRelativeSequenceNumbers = s.value(kRelative, p.tcpRelativeSequenceNumbers).toBool();
    p.tcpReassemble = s.value(kTcpReassemble, p.tcpReassemble).toBool();
    p.ipDefragment = s.value(kIpDefragment, p.ipDefragment).toBool();
    p.ipv6Defragment = s.value(kIpv6Defragment, p.ipv6Defragment).toBool();
    return p;
}

void PreferencesDialog::save(const Preferences &prefs)
{
    QSettings s;
    s.setValue(kRelative, prefs.tcpRelativeSequenceNumbers);
    s.setValue(kTcpReassemble, prefs.tcpReassemble);
    s.setValue(kIpDefragment, prefs.ipDefragment);
    s.setValue(kIpv6Defragment, prefs.ipv6Defragment);
}

} // namespace pl
