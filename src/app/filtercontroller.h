#pragma once

#include "app/coloringrules.h"
#include "app/filterbuilder.h"

#include <QList>
#include <QObject>
#include <functional>

class QAction;
class QBoxLayout;
class QMenu;
class QModelIndex;
class QStatusBar;
class QTableView;
class QTreeView;

namespace pl {

class DisplayFilterEdit;
class FindBar;
struct FindQuery;
class GoToPacketBar;
class PacketListModel;
class PacketStore;

/// The main window's display filter, find, go-to and coloring wiring: the filter bar (Enter
/// applies, the selection stays on its packet), Apply / Prepare as Filter, the find bar
/// (Ctrl+F, with a cancellable progress dialog on long searches), the go-to bar (Ctrl+G) and
/// the coloring rules (View > Colorize Packet List, View > Coloring Rules…).
///
/// Owned by the window; it owns the find and go-to bars and the coloring state, and reaches
/// the store, the list model and the views only through Parts.
class FilterController : public QObject
{
    Q_OBJECT
public:
    /// What the controller works on; all of it belongs to the window and outlives it.
    struct Parts
    {
        PacketStore *store = nullptr;
        PacketListModel *model = nullptr;
        QTableView *packetList = nullptr;
        QTreeView *detailTree = nullptr;
        DisplayFilterEdit *filterEdit = nullptr;
        QStatusBar *statusBar = nullptr;
        /// The find and go-to bars go into this layout at `barIndex` and `barIndex + 1`.
        QBoxLayout *barLayout = nullptr;
        int barIndex = 1;
        QAction *focusFilter = nullptr;   ///< Ctrl+/: focus the filter bar
        QAction *findPacket = nullptr;    ///< Ctrl+F
        QAction *goToPacket = nullptr;    ///< Ctrl+G
        QAction *colorize = nullptr;      ///< checkable: View > Colorize Packet List
        QAction *coloringRules = nullptr; ///< View > Coloring Rules…
        QMenu *analyzeMenu = nullptr;     ///< gets Apply / Prepare as Filter for the tree item
        /// The display filter for a detail-tree item of the packet shown (empty: none).
        std::function<QString(const QModelIndex &)> itemFilter;
    };

    /// Creates the bars, connects everything and loads the saved coloring rules.
    FilterController(const Parts &parts, QObject *parent);

    /// See MainWindow::applyDisplayFilter().
    bool applyDisplayFilter(const QString &filter);
    /// Go > Go to Packet: selects frame `number` (1-based). false with `*error` when the
    /// capture has no such packet or the display filter hides it.
    bool goToPacket(quint64 number, QString *error = nullptr);
    /// Runs a find bar query from the selected row (see PacketFinder::find) behind a progress
    /// dialog with Cancel that shows when the search takes longer than about 300 ms; the
    /// result, or why there is none, goes to the find bar.
    void findPacket(const FindQuery &query, bool forward);
    /// Adds the Apply as Filter / Prepare as Filter submenus for tree item `item` to `menu`.
    void addFilterMenus(QMenu *menu, const QModelIndex &item);
    /// Apply as Filter (`apply`) or Prepare as Filter on `item`.
    void filterOnTreeItem(const QModelIndex &item, FilterBuilder::Combine how, bool apply);
    /// Uses `rules` for the packet list now.
    void setColoringRules(const QList<ColoringRule> &rules);
    const QList<ColoringRule> &coloringRules() const { return m_coloringRules; }

    FindBar *findBar() const { return m_findBar; }
    GoToPacketBar *goToBar() const { return m_goToBar; }

signals:
    /// A display filter was set; `filtering`: the store's pass over the loaded rows runs
    /// (the window shows a busy progress bar until listFiltered()).
    void displayFilterSet(bool filtering);
    /// The list was rebuilt for the display filter; `selected`: a packet is selected again
    /// (false: none is displayed near the one that was, the detail panes should clear).
    void listFiltered(bool selected);

private:
    void connectFilter();
    void connectFindAndGoTo();
    void connectColoring();
    void applyColoring();
    void onModelFilterApplied();
    /// Selects view row `row` and scrolls it into view (centred when `center`).
    void selectRow(int row, bool center);

    Parts m_parts;
    FindBar *m_findBar;
    GoToPacketBar *m_goToBar;
    qsizetype m_keepStoreRow = -1; ///< the packet selected when the list was rebuilt
    QList<ColoringRule> m_coloringRules;
};

} // namespace pl
