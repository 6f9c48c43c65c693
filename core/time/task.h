#pragma once

#include "framepool.h"

#include <coroutine>
#include <exception>
#include <optional>
#include <utility>

namespace cachelab {

namespace detail {

// Shared by every Task promise: remembers who awaits it and hands control back there
// (symmetric transfer) when the coroutine finishes, so deep await chains never grow the stack.
struct PromiseBase
{
    std::coroutine_handle<> continuation = std::noop_coroutine();
    std::exception_ptr error;

    struct FinalAwaiter
    {
        bool await_ready() const noexcept { return false; }
        template<typename P>
        std::coroutine_handle<> await_suspend(std::coroutine_handle<P> h) const noexcept
        {
            return h.promise().continuation;
        }
        void await_resume() const noexcept {}
    };

    std::suspend_always initial_suspend() const noexcept { return {}; }
    FinalAwaiter final_suspend() const noexcept { return {}; }
    void unhandled_exception() noexcept { error = std::current_exception(); }

    static void *operator new(std::size_t size) { return allocateFrame(size); }
    static void operator delete(void *frame, std::size_t size) noexcept { freeFrame(frame, size); }
};

} // namespace detail

/// A lazily started coroutine that produces a T. It starts when awaited and resumes its
/// awaiter when done; exceptions travel to the awaiter. Values are moved out exactly once, on
/// resumption, and `co_return x;` copies an lvalue `x` (it never steals from it).
///
/// GCC 12 (Debian 12's compiler) destroys a braced aggregate temporary twice when it is passed
/// by value to a coroutine inside a co_await expression (`co_await f(Entry{a, b})`): always
/// build such arguments as named locals first. tst_scheduler keeps a test of the safe form.
///
/// A Task may take references (`const QString &key`) when every caller awaits it at once, in
/// the frame that owns the referenced object: the hot paths do, to save reference counting.
/// Anything spawned (Scheduler::spawn) takes its arguments by value.
template<typename T = void> class [[nodiscard]] Task
{
public:
    struct promise_type : detail::PromiseBase
    {
        std::optional<T> value;

        Task get_return_object() noexcept
        {
            return Task(std::coroutine_handle<promise_type>::from_promise(*this));
        }
        template<typename U> void return_value(U &&v) { value.emplace(std::forward<U>(v)); }
    };

    Task(Task &&other) noexcept
        : m_handle(std::exchange(other.m_handle, {}))
    {}
    Task &operator=(Task &&other) noexcept
    {
        if (this != &other) {
            reset();
            m_handle = std::exchange(other.m_handle, {});
        }
        return *this;
    }
    Task(const Task &) = delete;
    Task &operator=(const Task &) = delete;
    ~Task() { reset(); }

    bool await_ready() const noexcept { return false; }
    std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiter) noexcept
    {
        m_handle.promise().continuation = awaiter;
        return m_handle;
    }
    T await_resume()
    {
        auto &p = m_handle.promise();
        if (p.error)
            std::rethrow_exception(p.error);
        return std::move(*p.value);
    }

private:
    explicit Task(std::coroutine_handle<promise_type> h) noexcept
        : m_handle(h)
    {}
    void reset() noexcept
    {
        if (m_handle)
            m_handle.destroy();
        m_handle = {};
    }

    std::coroutine_handle<promise_type> m_handle;
};

template<> class [[nodiscard]] Task<void>
{
public:
    struct promise_type : detail::PromiseBase
    {
        Task get_return_object() noexcept
        {
            return Task(std::coroutine_handle<promise_type>::from_promise(*this));
        }
        void return_void() noexcept {}
    };

    Task(Task &&other) noexcept
        : m_handle(std::exchange(other.m_handle, {}))
    {}
    Task &operator=(Task &&other) noexcept
    {
        if (this != &other) {
            if (m_handle)
                m_handle.destroy();
            m_handle = std::exchange(other.m_handle, {});
        }
        return *this;
    }
    Task(const Task &) = delete;
    Task &operator=(const Task &) = delete;
    ~Task()
    {
        if (m_handle)
            m_handle.destroy();
    }

    bool await_ready() const noexcept { return false; }
    std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiter) noexcept
    {
        m_handle.promise().continuation = awaiter;
        return m_handle;
    }
    void await_resume()
    {
        if (m_handle.promise().error)
            std::rethrow_exception(m_handle.promise().error);
    }

private:
    explicit Task(std::coroutine_handle<promise_type> h) noexcept
        : m_handle(h)
    {}
    std::coroutine_handle<promise_type> m_handle;
};

} // namespace cachelab
