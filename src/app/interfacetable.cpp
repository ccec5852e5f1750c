#include "interfacetable.h"

#include "app/interfacelistmodel.h"
#include "app/sparklinedelegate.h"

#include <QHeaderView>
#include <algorithm>

namespace pl {

InterfaceTable::InterfaceTable(InterfaceListModel *model, QWidget *parent)
    : QTableView(parent), m_model(model)
{
    setModel(model);
    setItemDelegateForColumn(InterfaceListModel::Traffic, new SparklineDelegate(this));
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    // Tab leaves the table instead of walking its cells: the keyboard reaches the buttons.
    setTabKeyNavigation(false);
    setShowGrid(false);
    setAlternatingRowColors(true);
    setWordWrap(false);
    setCornerButtonEnabled(false);
    verticalHeader()->hide();
    verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 10);
    QHeaderView *h = horizontalHeader();
    h->setHighlightSections(false);
    h->setStretchLastSection(false);
    h->setSectionResizeMode(InterfaceListModel::Name, QHeaderView::ResizeToContents);
    h->setSectionResizeMode(InterfaceListModel::Addresses, QHeaderView::Stretch);
    h->setSectionResizeMode(InterfaceListModel::Traffic, QHeaderView::Fixed);
    h->resizeSection(InterfaceListModel::Traffic,
                     fontMetrics().horizontalAdvance(QLatin1Char('0')) * 30);
    h->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
}

QList<int> InterfaceTable::selectedRowNumbers() const
{
    QList<int> rows;
    const QModelIndexList selected = selectionModel()->selectedRows();
    for (const QModelIndex &i : selected)
        rows.append(i.row());
    std::sort(rows.begin(), rows.end());
    return rows;
}

QStringList InterfaceTable::selectedNames() const
{
    QStringList names;
    const QList<int> rows = selectedRowNumbers();
    for (int r : rows)
        names.append(m_model->interfaceName(r));
    return names;
}

QList<quint32> InterfaceTable::selectedLinkTypes() const
{
    QList<quint32> linkTypes;
    const QList<int> rows = selectedRowNumbers();
    for (int r : rows)
        linkTypes.append(m_model->index(r, 0).data(InterfaceListModel::LinkTypeRole).toUInt());
    return linkTypes;
}

void InterfaceTable::selectNames(const QStringList &names)
{
    QItemSelection selection;
    for (const QString &name : names) {
        const int row = m_model->rowOf(name);
        if (row >= 0 && (m_model->flags(m_model->index(row, 0)) & Qt::ItemIsSelectable))
            selection.select(m_model->index(row, 0),
                             m_model->index(row, InterfaceListModel::ColumnCount - 1));
    }
    selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
    if (!selection.isEmpty())
        selectionModel()->setCurrentIndex(selection.first().topLeft(),
                                          QItemSelectionModel::NoUpdate);
}

} // namespace pl
