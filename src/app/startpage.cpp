#include "startpage.h"

#include "capturefilteredit.h"
#include "interfacelistmodel.h"
#include "interfacetable.h"
#include "sparklinedelegate.h"

#include <QAbstractListModel>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QKeyEvent>
#include <QLabel>
#include <QListView>
#include <QLocale>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace pl {

/// The recent files: a thin list over paths, each checked once for existence when set (and
/// when the page is shown again), so a file deleted meanwhile is greyed, not offered.
class RecentFilesModel : public QAbstractListModel
{
public:
    enum Role { PathRole = Qt::UserRole + 1 };
    using QAbstractListModel::QAbstractListModel;

    QStringList paths() const
    {
        QStringList list;
        for (const Entry &e : m_entries)
            list.append(e.path);
        return list;
    }

    void setPaths(const QStringList &paths)
    {
        beginResetModel();
        m_entries.clear();
        for (const QString &p : paths)
            m_entries.append(Entry{p, {}});
        restat();
        endResetModel();
    }

    /// Looks at the files again; rows whose file came or went change.
    void recheck()
    {
        const QList<Entry> before = m_entries;
        restat();
        for (int r = 0; r < m_entries.size(); ++r)
            if (m_entries[r].info.exists() != before[r].info.exists() ||
                m_entries[r].info.size() != before[r].info.size())
                emit dataChanged(index(r), index(r));
    }

    int rowCount(const QModelIndex &parent = {}) const override
    {
        return parent.isValid() ? 0 : int(m_entries.size());
    }

    QVariant data(const QModelIndex &index, int role) const override
    {
        if (!index.isValid() || index.model() != this || index.row() >= m_entries.size())
            return {};
        const Entry &e = m_entries[index.row()];
        switch (role) {
        case Qt::DisplayRole:
            return e.info.exists()
                       ? StartPage::tr("%1 (%2)").arg(QDir::toNativeSeparators(e.path),
                                                      QLocale().formattedDataSize(e.info.size()))
                       : StartPage::tr("%1 (not found)").arg(QDir::toNativeSeparators(e.path));
        case Qt::ToolTipRole:
            return e.info.exists()
                       ? QDir::toNativeSeparators(e.path)
                       : StartPage::tr("%1 no longer exists").arg(QDir::toNativeSeparators(e.path));
        case PathRole:
            return e.path;
        default:
            return {};
        }
    }

    Qt::ItemFlags flags(const QModelIndex &index) const override
    {
        if (!index.isValid() || index.model() != this || index.row() >= m_entries.size())
            return Qt::NoItemFlags;
        // A missing file stays listed (the user remembers it) but greyed and not openable.
        return m_entries[index.row()].info.exists()
                   ? Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren
                   : Qt::ItemNeverHasChildren;
    }

private:
    struct Entry
    {
        QString path;
        QFileInfo info;
    };

    void restat()
    {
        for (Entry &e : m_entries) {
            e.info = QFileInfo(e.path);
            e.info.setCaching(false);
        }
    }

    QList<Entry> m_entries;
};

namespace {

QLabel *sectionHeading(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    QFont f = label->font();
    f.setBold(true);
    f.setPointSizeF(f.pointSizeF() * 1.25);
    label->setFont(f);
    return label;
}

} // namespace

StartPage::StartPage(QWidget *parent, InterfaceListModel *model)
    : QWidget(parent), m_model(model ? model : new InterfaceListModel(this)),
      m_recent(new RecentFilesModel(this))
{
    auto *title = new QLabel(tr("Welcome to PacketLens"), this);
    QFont titleFont = title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.8);
    title->setFont(titleFont);

    // Open
    auto *openHeading = sectionHeading(tr("Open"), this);
    m_recentView = new QListView(this);
    m_recentView->setModel(m_recent);
    m_recentView->setUniformItemSizes(true);
    m_recentView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_recentView->setTextElideMode(Qt::ElideMiddle); // the file name is at the end
    m_recentView->setAccessibleName(tr("Recent files"));
    m_noRecent = new QLabel(tr("No recent capture files."), this);
    m_noRecent->setEnabled(false);
    auto *open = new QPushButton(tr("&Open…"), this);
    open->setToolTip(tr("Open a capture file (pcap, pcapng)"));
    m_open = open;

    // Capture
    auto *captureHeading = sectionHeading(tr("Capture"), this);
    m_filter = new CaptureFilterEdit(this);
    auto *filterLabel = new QLabel(tr("…using this capture &filter:"), this);
    filterLabel->setBuddy(m_filter);
    m_message = new QLabel(this);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // One line is always reserved so the table does not jump when a message comes and goes.
    m_message->setMinimumHeight(m_message->fontMetrics().height());
    m_interfaces = new InterfaceTable(m_model, this);
    m_interfaces->setAccessibleName(tr("Interfaces"));
    m_interfaces->installEventFilter(this);
    auto *hint = new QLabel(
        tr("Double-click an interface to capture on it, or select several and press Start."), this);
    hint->setEnabled(false);
    hint->setWordWrap(true);
    auto *start = new QPushButton(tr("&Start"), this);
    start->setToolTip(tr("Capture on the selected interfaces (Enter)"));
    m_start = start;

    auto *recentRow = new QVBoxLayout;
    recentRow->setSpacing(4);
    recentRow->addWidget(m_recentView);
    recentRow->addWidget(m_noRecent);
    auto *openRow = new QHBoxLayout;
    openRow->addWidget(m_open);
    openRow->addStretch(1);
    auto *filterRow = new QHBoxLayout;
    filterRow->addWidget(filterLabel);
    filterRow->addWidget(m_filter, 1);
    auto *startRow = new QHBoxLayout;
    startRow->addWidget(hint, 1);
    startRow->addWidget(m_start);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(24, 18, 24, 18);
    layout->addWidget(title);
    layout->addSpacing(12);
    layout->addWidget(openHeading);
    layout->addLayout(recentRow);
    layout->addLayout(openRow);
    layout->addSpacing(12);
    layout->addWidget(captureHeading);
    layout->addLayout(filterRow);
    layout->addWidget(m_message);
    layout->addWidget(m_interfaces, 1);
    layout->addLayout(startRow);

    connect(m_open, &QAbstractButton::clicked, this, &StartPage::openDialogRequested);
    connect(m_recentView, &QAbstractItemView::activated, this, [this](const QModelIndex &i) {
        if (i.flags() & Qt::ItemIsEnabled)
            emit openRequested(i.data(RecentFilesModel::PathRole).toString());
    });
    connect(m_filter, &CaptureFilterEdit::textEdited, this, [this] { setNotice({}); });
    connect(m_filter, &CaptureFilterEdit::validated, this, &StartPage::updateState);
    connect(m_filter, &QLineEdit::returnPressed, this, &StartPage::startSelected);
    connect(m_interfaces, &QAbstractItemView::doubleClicked, this,
            &StartPage::onInterfaceDoubleClicked);
    connect(m_interfaces->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &StartPage::onSelectionChanged);
    connect(m_model, &InterfaceListModel::refreshed, this, &StartPage::updateState);
    connect(m_start, &QAbstractButton::clicked, this, &StartPage::startSelected);

    setFocusProxy(m_interfaces);
    setRecentFiles({});
    updateState();
}

QString StartPage::filter() const
{
    return m_filter->filter();
}

void StartPage::setFilter(const QString &filter)
{
    m_filter->setText(filter);
}

void StartPage::setLive(bool live)
{
    m_model->setLive(live);
}

bool StartPage::isLive() const
{
    return m_model->isLive();
}

void StartPage::setRecentFiles(const QStringList &paths)
{
    m_recent->setPaths(paths);
    m_recentView->setVisible(!paths.isEmpty());
    m_noRecent->setVisible(paths.isEmpty());
    // As tall as its rows, up to six: the interfaces below matter as much.
    const int rows = int(std::min<qsizetype>(paths.size(), 6));
    const int rowHeight = m_recentView->sizeHintForRow(0) > 0
                              ? m_recentView->sizeHintForRow(0)
                              : m_recentView->fontMetrics().height() + 4;
    m_recentView->setFixedHeight(rows * rowHeight + 2 * m_recentView->frameWidth() + 8);
}

QStringList StartPage::recentFiles() const
{
    return m_recent->paths();
}

QStringList StartPage::selectedInterfaces() const
{
    return m_interfaces->selectedNames();
}

void StartPage::setSelectedInterfaces(const QStringList &names)
{
    m_interfaces->selectNames(names);
}

QString StartPage::message() const
{
    return m_message->text();
}

ipc::Config StartPage::configFor(const QStringList &interfaces) const
{
    ipc::Config config = m_options;
    config.interfaces = interfaces;
    config.filter = filter();
    return config;
}

void StartPage::startSelected()
{
    const QStringList names = selectedInterfaces();
    if (names.isEmpty()) {
        setNotice(tr("Select an interface to capture on first."));
        m_interfaces->setFocus();
        return;
    }
    if (!m_filter->isValid()) {
        setNotice(tr("Fix the capture filter first."));
        m_filter->setFocus();
        return;
    }
    setNotice({});
    emit captureRequested(configFor(names));
}

void StartPage::onInterfaceDoubleClicked(const QModelIndex &index)
{
    if (!(m_model->flags(index) & Qt::ItemIsEnabled))
        return;
    const QString name = index.data(InterfaceListModel::InterfaceNameRole).toString();
    // The interface's own link type decides, whatever else is selected.
    QString error = m_filter->errorString();
    if (error.isEmpty() && !filter().isEmpty())
        error = CaptureFilterEdit::compileError(
            filter(), index.data(InterfaceListModel::LinkTypeRole).toUInt());
    if (!error.isEmpty()) {
        setNotice(tr("Cannot capture on %1 with this filter: %2").arg(name, error));
        m_filter->setFocus();
        return;
    }
    setNotice({});
    emit captureRequested(configFor({name}));
}

void StartPage::onSelectionChanged()
{
    setNotice({});
    m_filter->setLinkTypes(
        m_interfaces->selectedLinkTypes()); // validated() → updateState() when the verdict moves
    updateState();
}

void StartPage::setNotice(const QString &notice)
{
    if (notice == m_notice)
        return;
    m_notice = notice;
    updateState();
}

void StartPage::updateState()
{
    const bool valid = m_filter->isValid();
    QString text;
    bool error = true;
    // The notice answers the user's last attempt, so it goes before the general verdict.
    if (!m_notice.isEmpty())
        text = m_notice;
    else if (!valid)
        text = tr("Invalid capture filter: %1").arg(m_filter->errorString());
    else if (m_model->rowCount() == 0 && !m_model->errorString().isEmpty())
        text = tr("Cannot list the interfaces: %1").arg(m_model->errorString());
    else
        error = false;
    m_message->setText(text);
    m_message->setStyleSheet(error ? QStringLiteral("color: #c00000") : QString());
    m_start->setEnabled(valid && m_interfaces->selectionModel()->hasSelection());
}

bool StartPage::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_interfaces && event->type() == QEvent::KeyPress) {
        const int key = static_cast<QKeyEvent *>(event)->key();
        if (key == Qt::Key_Return || key == Qt::Key_Enter) {
            startSelected();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void StartPage::showEvent(QShowEvent *event)
{
    m_recent->recheck();
    QWidget::showEvent(event);
}

QTableView *StartPage::interfaceView() const
{
    return m_interfaces;
}

} // namespace pl
