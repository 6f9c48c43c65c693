#pragma once

#include <QMainWindow>

class QListWidget;
class QTextBrowser;

namespace cachelab::ui {

/// The main window: pick a pattern and read what it does.
class MainWindow final : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);

private:
    void showPattern(int row);

    QListWidget *m_patterns = nullptr;
    QTextBrowser *m_explanation = nullptr;
};

} // namespace cachelab::ui
