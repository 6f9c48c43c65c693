#pragma once

#include <workload/workload.h>

#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSpinBox;
class QStackedWidget;

namespace cachelab::ui {

/// The fields of a workload: clients, request rate, read/write mix, number of keys, key
/// distribution (uniform, Zipf with exponent s, hot set: x% of the keys get y% of the
/// requests), length and seed. Shared by the workload panel and the comparison window.
class WorkloadForm final : public QWidget
{
    Q_OBJECT

public:
    explicit WorkloadForm(QWidget *parent = nullptr);

    WorkloadSpec spec() const;
    void setSpec(const WorkloadSpec &spec);
    /// Clients are application instances: at most as many as the lab has.
    void setMaxClients(int clients);

Q_SIGNALS:
    void changed();

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslate();
    void updateHint();

    QLabel *m_clientsLabel;
    QSpinBox *m_clients;
    QLabel *m_rateLabel;
    QSpinBox *m_rate;
    QLabel *m_writesLabel;
    QSpinBox *m_writes;
    QLabel *m_keysLabel;
    QSpinBox *m_keys;
    QLabel *m_distributionLabel;
    QComboBox *m_distribution;
    QStackedWidget *m_parameters;
    QLabel *m_exponentLabel;
    QDoubleSpinBox *m_exponent;
    QSpinBox *m_hotKeys;
    QLabel *m_hotMiddle;
    QSpinBox *m_hotRequests;
    QLabel *m_hotEnd;
    QLabel *m_requestsLabel;
    QSpinBox *m_requests;
    QLabel *m_seedLabel;
    QSpinBox *m_seed;
    QLabel *m_hint;
};

} // namespace cachelab::ui
