#include "filtercontroller.h"

#include "analysis/packetfinder.h"
#include "analysis/packetstore.h"
#include "app/coloringrulesdialog.h"
#include "app/displayfilteredit.h"
#include "app/findbar.h"
#include "app/gotopacketbar.h"
#include "app/packetlistmodel.h"

#include <QAction>
#include <QBoxLayout>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QProgressDialog>
#include <QSettings>
#include <QStatusBar>
#include <QTableView>
#include <QTreeView>
#include <vector>

namespace pl {

namespace {
const QString kColorize = QStringLiteral("view/colorize");
} // namespace

FilterController::FilterController(const Parts &parts, QObject *parent)
    : QObject(parent), m_parts(parts)
{
    // The find and go-to bars show under the filter bar when asked for.
    QWidget *page = m_parts.barLayout->parentWidget();
    m_findBar = new FindBar(page);
    m_goToBar = new GoToPacketBar(page);
    m_findBar->setVisible(false);
    m_goToBar->setVisible(false);
    m_parts.barLayout->insertWidget(m_parts.barIndex, m_findBar);
    m_parts.barLayout->insertWidget(m_parts.barIndex + 1, m_goToBar);
    connectFilter();
    connectFindAndGoTo();
    connectColoring();
}

void FilterController::connectFilter()
{
    DisplayFilterEdit *bar = m_parts.filterEdit;
    connect(bar, &DisplayFilterEdit::filterApplied, this,
            [this](const QString &filter) { applyDisplayFilter(filter); });
    connect(bar, &DisplayFilterEdit::applyRejected, this, [this](const QString &message) {
        m_parts.statusBar->showMessage(tr("Invalid display filter: %1").arg(message), 10000);
    });
    connect(m_parts.focusFilter, &QAction::triggered, this, [bar] {
        bar->lineEdit()->setFocus();
        bar->lineEdit()->selectAll();
    });
    // The Analyze menu's Apply/Prepare as Filter act on the tree's current item.
    QMenu *analyze = m_parts.analyzeMenu;
    connect(analyze, &QMenu::aboutToShow, this, [this, analyze] {
        const QList<QAction *> actions = analyze->actions();
        for (QAction *a : actions)
            if (a->menu()) {
                analyze->removeAction(a);
                a->menu()->deleteLater();
            }
        addFilterMenus(analyze, m_parts.detailTree->currentIndex());
    });

    // Which packet is selected when the list is rebuilt, to select it again after.
    connect(m_parts.model, &QAbstractItemModel::modelAboutToBeReset, this, [this] {
        m_keepStoreRow = m_parts.model->storeRow(m_parts.packetList->currentIndex().row());
    });
    connect(m_parts.model, &PacketListModel::filterApplied, this,
            &FilterController::onModelFilterApplied);
}

bool FilterController::applyDisplayFilter(const QString &filter)
{
    const QByteArray utf8 = filter.trimmed().toUtf8();
    const DisplayFilter compiled =
        DisplayFilter::compile(std::string_view(utf8.constData(), size_t(utf8.size())));
    if (!compiled.ok())
        return false;
    if (m_parts.filterEdit->text().trimmed() != filter.trimmed())
        m_parts.filterEdit->setText(filter);
    m_parts.store->setDisplayFilter(compiled);
    const bool filtering = m_parts.store->isFiltering();
    if (filtering)
        m_parts.statusBar->showMessage(tr("Filtering…"));
    emit displayFilterSet(filtering);
    return true;
}

void FilterController::onModelFilterApplied()
{
    m_parts.statusBar->clearMessage();
    // The same packet when it is still displayed, else the displayed one nearest to it in
    // capture order (later first), else none.
    const PacketListModel *model = m_parts.model;
    int row = -1;
    if (m_keepStoreRow >= 0) {
        const qsizetype n = m_parts.store->count();
        for (qsizetype d = 0; row < 0 && (m_keepStoreRow + d < n || m_keepStoreRow - d >= 0); ++d) {
            row = model->viewRow(m_keepStoreRow + d);
            if (row < 0 && d > 0)
                row = model->viewRow(m_keepStoreRow - d);
        }
    }
    if (row >= 0)
        selectRow(row, true);
    m_keepStoreRow = -1;
    emit listFiltered(row >= 0);
}

void FilterController::selectRow(int row, bool center)
{
    m_parts.packetList->selectRow(row);
    m_parts.packetList->scrollTo(m_parts.model->index(row, 0),
                                 center ? QAbstractItemView::PositionAtCenter
                                        : QAbstractItemView::EnsureVisible);
}

void FilterController::addFilterMenus(QMenu *menu, const QModelIndex &item)
{
    // Wireshark's Apply as Filter / Prepare as Filter submenus, for the item as it is now.
    const QPersistentModelIndex target(item);
    const bool usable = !m_parts.itemFilter(item).isEmpty();
    const std::pair<QString, FilterBuilder::Combine> entries[] = {
        {tr("&Selected"), FilterBuilder::Combine::Selected},
        {tr("&Not Selected"), FilterBuilder::Combine::NotSelected},
        {tr("…&and Selected"), FilterBuilder::Combine::AndSelected},
        {tr("…&or Selected"), FilterBuilder::Combine::OrSelected},
        {tr("…a&nd not Selected"), FilterBuilder::Combine::AndNotSelected},
        {tr("…o&r not Selected"), FilterBuilder::Combine::OrNotSelected},
    };
    for (const bool apply : {true, false}) {
        QMenu *sub = menu->addMenu(apply ? tr("Apply as Filter") : tr("Prepare as Filter"));
        sub->setObjectName(apply ? QStringLiteral("applyAsFilter")
                                 : QStringLiteral("prepareAsFilter"));
        sub->setEnabled(usable);
        for (const auto &[text, how] : entries)
            sub->addAction(text, this, [this, target, how = how, apply] {
                if (target.isValid())
                    filterOnTreeItem(target, how, apply);
            });
    }
}

void FilterController::filterOnTreeItem(const QModelIndex &item, FilterBuilder::Combine how,
                                        bool apply)
{
    const QString expression = m_parts.itemFilter(item);
    if (expression.isEmpty())
        return;
    DisplayFilterEdit *bar = m_parts.filterEdit;
    bar->setText(FilterBuilder::combine(bar->text(), expression, how));
    if (apply)
        bar->apply();
}

void FilterController::connectFindAndGoTo()
{
    connect(m_parts.findPacket, &QAction::triggered, this, [this] {
        m_goToBar->hide();
        m_findBar->show();
        m_findBar->focusText();
    });
    connect(m_findBar, &FindBar::closed, this, [this] {
        m_findBar->hide();
        m_parts.packetList->setFocus();
    });
    connect(m_findBar, &FindBar::findRequested, this, &FilterController::findPacket);

    connect(m_parts.goToPacket, &QAction::triggered, this, [this] {
        m_findBar->hide();
        m_goToBar->setError({});
        m_goToBar->show();
        m_goToBar->focusNumber();
    });
    connect(m_goToBar, &GoToPacketBar::closed, this, [this] {
        m_goToBar->hide();
        m_parts.packetList->setFocus();
    });
    connect(m_goToBar, &GoToPacketBar::goToRequested, this, [this](quint64 number) {
        QString error;
        if (goToPacket(number, &error)) {
            m_goToBar->hide();
            m_parts.packetList->setFocus();
        } else {
            m_goToBar->setError(error);
        }
    });
}

void FilterController::findPacket(const FindQuery &query, bool forward)
{
    PacketListModel *model = m_parts.model;
    const int rows = model->rowCount();
    if (rows == 0) {
        m_findBar->setMessage(tr("No packet matched"));
        return;
    }
    // The dialog's Cancel needs events while the search runs, so other events come in too:
    // the list may be rebuilt (a filter pass ends, a sort lands) and the search then goes on
    // over the view order it started with; a closing store ends it.
    std::vector<qsizetype> startOrder;
    bool storeClosing = false;
    QProgressDialog progress(tr("Searching…"), tr("Cancel"), 0, rows, m_parts.packetList->window());
    progress.setWindowModality(Qt::WindowModal);
    progress.setMinimumDuration(300);
    progress.setAutoReset(false);
    progress.setAutoClose(false);
    auto keepOrder = [&startOrder, model, rows] {
        if (!startOrder.empty())
            return;
        startOrder.resize(size_t(rows));
        for (int r = 0; r < rows; ++r)
            startOrder[size_t(r)] = model->storeRow(r);
    };
    connect(model, &QAbstractItemModel::modelAboutToBeReset, &progress, keepOrder);
    connect(model, &QAbstractItemModel::layoutAboutToBeChanged, &progress, keepOrder);
    connect(m_parts.store, &PacketStore::aboutToClose, &progress,
            [&storeClosing] { storeClosing = true; });
    progress.setValue(0); // the clock for the minimum duration starts here

    PacketFinder finder(*m_parts.store);
    finder.setProgressCallback([&progress, &storeClosing](int done, int total) {
        if (progress.maximum() != total)
            progress.setMaximum(total);
        progress.setValue(std::min(done, total)); // shows the dialog, then processes events
        return !progress.wasCanceled() && !storeClosing;
    });
    auto storeRowOf = [&startOrder, model](int viewRow) {
        return startOrder.empty() ? model->storeRow(viewRow) : startOrder[size_t(viewRow)];
    };
    const int found =
        finder.find(query, rows, storeRowOf, m_parts.packetList->currentIndex().row(), forward);
    progress.hide();
    if (finder.cancelled()) {
        m_findBar->setMessage(tr("Search cancelled"));
        return;
    }
    // Where the packet found is in the list now.
    const int row = found < 0 ? -1 : model->viewRow(storeRowOf(found));
    if (row < 0) {
        m_findBar->setMessage(tr("No packet matched"));
        return;
    }
    selectRow(row, false);
    m_findBar->setMessage(finder.wrapped() ? tr("Search wrapped") : QString());
}

bool FilterController::goToPacket(quint64 number, QString *error)
{
    const auto count = quint64(m_parts.store->count());
    auto fail = [error](const QString &why) {
        if (error)
            *error = why;
        return false;
    };
    if (number == 0 || number > count)
        return fail(count == 0 ? tr("No packets")
                               : tr("Packet %1 does not exist: the capture has %2 packets")
                                     .arg(number)
                                     .arg(count));
    const int row = m_parts.model->viewRow(qsizetype(number - 1));
    if (row < 0)
        return fail(tr("Packet %1 is not displayed").arg(number));
    selectRow(row, true);
    return true;
}

void FilterController::connectColoring()
{
    QAction *colorize = m_parts.colorize;
    colorize->setChecked(QSettings().value(kColorize, true).toBool());
    connect(colorize, &QAction::toggled, this, [this](bool on) {
        QSettings().setValue(kColorize, on);
        applyColoring();
    });
    connect(m_parts.coloringRules, &QAction::triggered, this, [this] {
        QWidget *window = m_parts.packetList->window();
        ColoringRulesDialog dialog(m_coloringRules, window);
        if (dialog.exec() != QDialog::Accepted)
            return;
        const QList<ColoringRule> rules = dialog.rules();
        QString error;
        if (!ColoringRules::save(rules, &error))
            QMessageBox::warning(window, tr("Coloring Rules"),
                                 tr("The coloring rules could not be saved.\n%1").arg(error));
        setColoringRules(rules);
    });
    QString problems;
    m_coloringRules = ColoringRules::load(&problems);
    if (!problems.isEmpty())
        qWarning("coloring rules: %s", qPrintable(problems));
    applyColoring();
}

void FilterController::setColoringRules(const QList<ColoringRule> &rules)
{
    m_coloringRules = rules;
    applyColoring();
}

void FilterController::applyColoring()
{
    // Off: the store does not evaluate any rule, the list draws no colours (marks still show).
    if (!m_parts.colorize->isChecked()) {
        m_parts.store->setColoringRules({});
        m_parts.model->setRuleColors({});
        return;
    }
    const ColoringRules::Compiled compiled = ColoringRules::compileEnabled(m_coloringRules);
    m_parts.store->setColoringRules(compiled.filters);
    m_parts.model->setRuleColors(compiled.colors);
}

} // namespace pl
