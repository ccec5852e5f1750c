#include "expertinfodialog.h"

#include "analysis/expertcollector.h"
#include "analysis/packetstore.h"
#include "app/expertinfomodel.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QTreeView>
#include <QVBoxLayout>

namespace pl {

ExpertInfoDialog::ExpertInfoDialog(ExpertCollector *collector, PacketStore *store, QWidget *parent)
    : QDialog(parent), m_collector(collector), m_store(store), m_model(new ExpertInfoModel(this)),
      m_view(new QTreeView(this)), m_limit(new QCheckBox(tr("Limit to Display Filter"), this)),
      m_search(new QLineEdit(this)), m_status(new QLabel(this)), m_progress(new QProgressBar(this)),
      m_cancel(new QPushButton(tr("Cancel"), this))
{
    setWindowTitle(tr("Expert Information"));
    m_view->setModel(m_model);
    m_view->setUniformRowHeights(true); // a summary may hold a million packets
    m_view->setAlternatingRowColors(false);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->header()->setStretchLastSection(false);
    m_view->header()->setSectionResizeMode(ExpertInfoModel::SummaryColumn, QHeaderView::Stretch);
    m_view->setColumnWidth(ExpertInfoModel::SeverityColumn, 110);
    m_view->setColumnWidth(ExpertInfoModel::GroupColumn, 100);
    m_view->setColumnWidth(ExpertInfoModel::ProtocolColumn, 90);
    m_view->setColumnWidth(ExpertInfoModel::CountColumn, 70);
    m_search->setPlaceholderText(tr("Search summaries…"));
    m_search->setClearButtonEnabled(true);
    m_limit->setToolTip(tr("Show only the packets the display filter shows in the packet list"));
    m_progress->setMaximumWidth(200);
    m_progress->setVisible(false);
    m_cancel->setVisible(false);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *bottom = new QHBoxLayout;
    bottom->addWidget(m_limit);
    bottom->addWidget(m_search, 1);
    auto *progressRow = new QHBoxLayout;
    progressRow->addWidget(m_status, 1);
    progressRow->addWidget(m_progress);
    progressRow->addWidget(m_cancel);
    progressRow->addWidget(buttons);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_view, 1);
    layout->addLayout(bottom);
    layout->addLayout(progressRow);
    resize(820, 480);

    connect(m_search, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_model->setSearchText(text);
        m_status->setText(statusText());
    });
    connect(m_limit, &QCheckBox::toggled, this, &ExpertInfoDialog::applyLimit);
    // A new display filter changes what the limit keeps.
    connect(m_store, &PacketStore::displayFilterApplied, this, [this] {
        if (m_limit->isChecked())
            applyLimit();
    });
    connect(m_store, &PacketStore::aboutToClose, this, [this] { m_model->setReport(nullptr); });
    connect(m_view, &QTreeView::doubleClicked, this, [this](const QModelIndex &index) {
        if (const quint64 frame = m_model->frameOf(index))
            emit packetActivated(frame);
    });
    connect(m_cancel, &QPushButton::clicked, m_collector, &ExpertCollector::cancel);
    connect(m_collector, &ExpertCollector::progress, this, [this](quint64 done, quint64 total) {
        m_progress->setRange(0, 1000);
        m_progress->setValue(total > 0 && total != UINT64_MAX ? int(done * 1000 / total) : 0);
        m_status->setText(statusText());
    });
    connect(m_collector, &ExpertCollector::finished, this, &ExpertInfoDialog::showReport);
    showReport();
}

void ExpertInfoDialog::refresh()
{
    const auto report = m_collector->report();
    const bool current = report && m_collector->path() == m_store->filePath() &&
                         !report->cancelled && report->framesRead >= quint64(m_store->count());
    if (!m_collector->isRunning() && !current && !m_store->filePath().isEmpty())
        m_collector->start(m_store->filePath(), m_store->isFollowing(), quint64(m_store->count()),
                           m_store->activePreferences());
    showReport();
}

void ExpertInfoDialog::showReport()
{
    const bool running = m_collector->isRunning();
    m_progress->setVisible(running);
    m_cancel->setVisible(running);
    if (running)
        m_progress->setRange(0, 0); // busy until the first progress
    if (m_model->report() != m_collector->report())
        m_model->setReport(m_collector->report());
    m_status->setText(statusText());
}

void ExpertInfoDialog::applyLimit()
{
    if (m_limit->isChecked()) {
        PacketStore *store = m_store;
        m_model->setDisplayedFilter([store](quint64 frame) {
            return frame >= 1 && qsizetype(frame - 1) < store->count() &&
                   store->isDisplayed(qsizetype(frame - 1));
        });
    } else {
        m_model->setDisplayedFilter({});
    }
    m_status->setText(statusText());
}

QString ExpertInfoDialog::statusText() const
{
    const QLocale locale;
    if (m_collector->isRunning())
        return tr("Collecting expert information from %n packet(s)…", nullptr,
                  int(std::min<quint64>(m_collector->total(), INT_MAX)));
    const auto report = m_collector->report();
    if (!report)
        return tr("No expert information");
    QString text =
        tr("%1 note(s) shown, %2 packet(s) read")
            .arg(locale.toString(m_model->shownNotes()), locale.toString(report->framesRead));
    if (report->cancelled)
        text += tr(" — cancelled: only the first packets");
    else if (!report->error.empty())
        text += tr(" — stopped: %1").arg(QString::fromStdString(report->error));
    return text;
}

} // namespace pl
