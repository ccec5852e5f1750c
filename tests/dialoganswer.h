// Answers a modal dialog the code under test is about to open, as a user would.
#pragma once

#include <QApplication>
#include <QTimer>
#include <QWidget>

#include <functional>

namespace pltest {

/// Calls `answer` with the next modal dialog (a QMessageBox, a dialog's exec()) once it is up.
inline void answerNextDialog(std::function<void(QWidget *)> answer)
{
    QTimer::singleShot(0, [answer] {
        QWidget *dialog = QApplication::activeModalWidget();
        if (!dialog) { // not up yet: try again once the event loop turns
            answerNextDialog(answer);
            return;
        }
        answer(dialog);
    });
}

} // namespace pltest
