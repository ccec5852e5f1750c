#pragma once

#include "dissect/preferences.h"

#include <QDialog>

class QCheckBox;
class QDialogButtonBox;
class QTabWidget;

namespace pl {

/// Edit > Preferences: the dissection preferences a user can change, on a "Protocols" page
/// with Wireshark's wording (TCP "Relative sequence numbers", "Allow subdissector to
/// reassemble TCP streams", IPv4/IPv6 "Reassemble fragmented … datagrams"). OK and Apply save
/// them in QSettings under Wireshark's names (`preferences/tcp.relative_sequence_numbers`)
/// and emit applied(); Cancel forgets what was changed since the last Apply.
class PreferencesDialog : public QDialog
{
    Q_OBJECT
public:
    /// Shows `current` (what the application uses now).
    explicit PreferencesDialog(const Preferences &current, QWidget *parent = nullptr);

    /// What the page shows.
    Preferences preferences() const;
    /// Shows `prefs` (and takes them as the applied ones: Apply is disabled until a change).
    void setPreferences(const Preferences &prefs);

    /// The saved preferences, Wireshark's defaults for those never saved.
    static Preferences load();
    /// Saves the dissection preferences of `prefs` (not verifyChecksums: not the user's).
    static void save(const Preferences &prefs);

    QCheckBox *relativeSequenceNumbers() const { return m_relative; }
    QCheckBox *tcpReassemble() const { return m_tcpReassemble; }
    QCheckBox *ipDefragment() const { return m_ipDefragment; }
    QCheckBox *ipv6Defragment() const { return m_ipv6Defragment; }
    QDialogButtonBox *buttons() const { return m_buttons; }

public slots:
    /// Saves and applies what the page shows (the Apply button; OK does it and closes).
    void apply();
    void accept() override;

signals:
    /// The user applied `prefs` (OK or Apply with a change): saved already; the window gives
    /// them to the packet store, which dissects the capture again.
    void applied(const pl::Preferences &prefs);

private:
    void updateApply();

    QTabWidget *m_pages;
    QCheckBox *m_relative, *m_tcpReassemble, *m_ipDefragment, *m_ipv6Defragment;
    QDialogButtonBox *m_buttons;
    Preferences m_applied; ///< the last applied (or shown at first) preferences
};

} // namespace pl
