#pragma once

#include "lessoncatalog.h"

#include <lab/lab.h>
#include <lesson/lessonrunner.h>

#include <QMainWindow>

#include <functional>
#include <memory>

class QFormLayout;
class QLabel;
class QLineEdit;
class QComboBox;
class QPushButton;
class QSpinBox;
class QStackedWidget;
class QVBoxLayout;

namespace cachelab::ui {

class DiagramView;
class LessonProgress;
struct LessonRecord;

/// A lesson played in a lab of its own: the sequence diagram on the left, the lesson panel on
/// the right. The panel shows one step at a time (LESSONS.md): a `say` waits for Next, a
/// prediction offers its choices as buttons, a reveal says right or wrong and marks the
/// deciding messages in the diagram, a task unlocks only what its `allow` lines allow and is
/// checked in a fresh lab. Commands between the steps run at once in virtual time.
class LessonWindow final : public QMainWindow
{
    Q_OBJECT

public:
    /// `progress` is kept up to date (and saved) as the learner goes; it must outlive this.
    LessonWindow(const LabConfig &base, LessonProgress *progress, QWidget *parent = nullptr);
    ~LessonWindow() override;

    /// Opens a lesson at its start, or with `resume` where the learner stopped (the steps
    /// done before are replayed with the learner's own answers). A message if it cannot.
    std::optional<QString> open(const LessonEntry &entry, bool resume = false);
    const LessonEntry &entry() const { return m_entry; }

    DiagramView *diagram() const { return m_diagram; }
    /// Asked before the solution is shown (a dialog by default); tests answer it themselves.
    void setConfirmSolution(std::function<bool()> confirm) { m_confirm = std::move(confirm); }

    // --- what the learner can do (the panel's buttons call these) --------------------------
    void next();
    void choose(int choice);
    void answerNumber();
    void check();
    void showSolution();

Q_SIGNALS:
    /// The learner asks for the lesson browser (the toolbar's "Lessons").
    void browserRequested();
    /// The next lesson in the curriculum, after this one was finished.
    void nextLessonRequested(const QString &afterId);

protected:
    void keyPressEvent(QKeyEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    enum class Page { Say, Predict, Reveal, Task, Finished, Problem };

    void buildPanel();
    QWidget *buildSayPage(QWidget *panel);
    QWidget *buildPredictPage(QWidget *panel);
    QWidget *buildRevealPage(QWidget *panel);
    QWidget *buildTaskPage(QWidget *panel);
    QWidget *buildFinishedPage(QWidget *panel);
    void retranslate();

    void advance();
    void stopDone();
    void showPage(Page page);
    void showLab(Lab &lab, const QList<quint64> &highlight = {}, const QString &banner = {});
    void showSay(const QString &text);
    void showPrediction(int index);
    void answer(const QString &text);
    void showReveal();
    void showTask(int index);
    void buildTaskForm(const lesson::Task &task);
    std::variant<QList<lesson::Setting>, QString> learnerSettings() const;
    void showTaskOutcome(const lesson::TaskOutcome &outcome, bool solution);
    void showFinished();
    void showProblem(const QString &message);
    void updateStepLabel();
    LessonRecord &record();
    void save();
    bool fastForwarding() const { return m_done < m_resumeAt; }

    LabConfig m_base;
    LessonProgress *m_progress;
    LessonEntry m_entry;
    std::unique_ptr<lesson::LessonRunner> m_runner;
    QHash<int, QStringList> m_choices; // prediction -> choices, from the author's play
    int m_prediction = -1;             // the prediction on show
    int m_task = -1;                   // the task on show
    int m_done = 0;                    // steps done for the learner (says, predictions, …)
    int m_stops = 0;                   // how many there are in the lesson
    int m_resumeAt = 0;
    bool m_taskPassed = false;
    QStringList m_hints;
    std::function<bool()> m_confirm;

    DiagramView *m_diagram = nullptr;
    QLabel *m_title = nullptr;
    QLabel *m_step = nullptr;
    QStackedWidget *m_pages = nullptr;
    QAction *m_lessonsAction = nullptr;
    QAction *m_restartAction = nullptr;
    QAction *m_zoomInAction = nullptr;
    QAction *m_zoomOutAction = nullptr;
    // say
    QLabel *m_sayText = nullptr;
    QPushButton *m_sayNext = nullptr;
    // predict
    QLabel *m_predictHeading = nullptr;
    QLabel *m_question = nullptr;
    QList<QPushButton *> m_choiceButtons;
    QWidget *m_numberRow = nullptr;
    QSpinBox *m_number = nullptr;
    QPushButton *m_answerButton = nullptr;
    QLabel *m_predictHint = nullptr;
    // reveal
    QLabel *m_revealText = nullptr;
    QPushButton *m_revealNext = nullptr;
    // task
    QLabel *m_taskHeading = nullptr;
    QLabel *m_taskText = nullptr;
    QWidget *m_form = nullptr;
    QFormLayout *m_formLayout = nullptr;
    QHash<QString, QLineEdit *> m_optionFields;
    QHash<QString, QLineEdit *> m_latencyFields;
    QSpinBox *m_clients = nullptr;
    QComboBox *m_pattern = nullptr;
    QPushButton *m_check = nullptr;
    QPushButton *m_solution = nullptr;
    QLabel *m_taskResult = nullptr;
    QLabel *m_hintText = nullptr;
    QPushButton *m_taskNext = nullptr;
    // finished / problem
    QLabel *m_finishedText = nullptr;
    QPushButton *m_nextLesson = nullptr;
    QPushButton *m_backToLessons = nullptr;
};

} // namespace cachelab::ui
