#pragma once

#include <QWidget>

class QLabel;
class QTableView;

namespace cachelab::ui {

class StateTableModel;

/// One state panel: a heading, an optional gauge, and a table over a StateTableModel.
class StatePanel final : public QWidget
{
    Q_OBJECT

public:
    StatePanel(StateTableModel *model, QWidget *parent = nullptr);

    void setTitle(const QString &title, const QString &description);
    /// Shown between the heading and the table (the write-behind flush gauge).
    void setGauge(QWidget *gauge);
    QTableView *view() const { return m_view; }
    StateTableModel *model() const { return m_model; }

protected:
    void changeEvent(QEvent *event) override;

private:
    /// Fits the columns to their content and headers, once per event loop pass.
    void scheduleFit();

    StateTableModel *m_model;
    QLabel *m_title;
    QTableView *m_view;
    bool m_fitPending = false;
};

/// Per write-behind instance: how full the next batch is and how long until the next flush.
class FlushGauge final : public QWidget
{
    Q_OBJECT

public:
    explicit FlushGauge(const class WriteQueueModel *model, QWidget *parent = nullptr);
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override { return sizeHint(); }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    const WriteQueueModel *m_model;
};

} // namespace cachelab::ui
