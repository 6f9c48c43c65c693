#pragma once

#include "pattern.h"

#include "../keymap.h"

#include <list>

namespace cachelab {

/// Multi-level: each instance keeps a small L1 in its own memory in front of the shared cache
/// (L2). L1 hits cost nothing, but an L1 is private: a write must tell every other instance
/// to drop its copy (here by publish/subscribe through the shared cache), or they go on
/// serving the old value until their L1 TTL ends.
class MultiLevel final : public Pattern
{
public:
    MultiLevel(PatternEnv &env, int client, const Lifetime &lifetime);

    void start() override;
    int crash() override;

    Task<ReadResult> read(Caller c, const QString &key) override;
    Task<void> write(Caller c, QString key, QByteArray value) override;
    Task<void> remove(Caller c, QString key) override;
    Task<void> invalidate(Caller c, QString key) override;

    QList<L1Item> l1() const override;
    bool busy() const override { return !m_unsent.isEmpty() || Pattern::busy(); }

    PatternState state() const override;

private:
    struct Entry
    {
        ReadResult record;
        TimeUs expiresAt = 0;
        std::list<QString>::iterator lru;
    };

    Task<std::optional<ReadResult>> l1Get(Caller c, QString key);
    void l1Put(const Caller &c, const QString &key, const ReadResult &record, TimeUs ttl);
    void l1Evict(const Caller &c, const QString &key);
    TimeUs l1Ttl(const ReadResult &result) const;
    void l1Send(const Caller &c, Verb verb, const QString &key);
    Task<void> evictEverywhere(Caller c, QString key);
    /// What a write or delete does to the caches once the database has it.
    Task<void> evictAfterWrite(Caller c, QString key);
    /// The L2 delete and the publish of one invalidation; throws CacheError.
    Task<void> sendInvalidation(Caller c, QString key);
    /// backplane-retry: sends the kept invalidations every interval until none is left.
    Task<void> retryUnsent(Caller c);
    void onInvalidation(const QByteArray &message);
    QString channel() const;

    KeyMap<Entry> m_l1;
    std::list<QString> m_lru; // front: most recently used
    int m_subscription = 0;
    QList<QString> m_unsent; // invalidations kept for backplane-retry, one per key, in order
    bool m_retrying = false;
};

} // namespace cachelab
