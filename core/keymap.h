#pragma once

#include <QString>

#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

namespace cachelab {

/// A hash table keyed by cache keys, for the in-process tables every simulated operation
/// looks into (the embedded store, the hash-table database). A read looks a key up two or
/// three times, and with QHash<QString, …> hashing the key (seeded, out of line) and
/// comparing it cost more than everything else the lookup does. Here:
///
/// - the hash is a fixed one, inlined: these tables never leave the process;
/// - one key string usually travels through a whole operation, so keys that share their
///   characters compare equal without reading them;
/// - the items sit in one dense array (insertion order, until an erase moves the last item
///   into the gap), found through a small open-addressing index of (item, hash) pairs with
///   linear probing, so a lookup reads about two cache lines.
///
/// Pointers to values stay valid until the next insertion or erasure. Unordered: whoever
/// shows the contents sorts them.
template<typename V> class KeyMap
{
public:
    struct Item
    {
        QString key;
        V value;
    };

    static std::uint64_t hash(const QString &key) noexcept
    {
        const auto *c = reinterpret_cast<const char16_t *>(key.constData());
        const qsizetype n = key.size();
        std::uint64_t h = 0x9e3779b97f4a7c15ULL ^ std::uint64_t(n);
        auto mix = [&h](std::uint64_t w) {
            h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
            h ^= h >> 31;
        };
        qsizetype i = 0;
        for (; i + 4 <= n; i += 4) {
            std::uint64_t w;
            std::memcpy(&w, c + i, sizeof w);
            mix(w);
        }
        if (i < n) {
            std::uint64_t w = 0;
            for (int shift = 0; i < n; ++i, shift += 16)
                w |= std::uint64_t(c[i]) << shift;
            mix(w);
        }
        h ^= h >> 29;
        h *= 0x94d049bb133111ebULL;
        return h ^ (h >> 32);
    }

    qsizetype size() const { return qsizetype(m_items.size()); }
    bool isEmpty() const { return m_items.empty(); }
    void clear()
    {
        m_items.clear();
        m_slots.clear();
    }

    const V *find(const QString &key) const
    {
        const std::size_t slot = findSlot(key, hash(key));
        return slot == kNone ? nullptr : &m_items[m_slots[slot].item - 1].value;
    }
    V *find(const QString &key) { return const_cast<V *>(std::as_const(*this).find(key)); }
    bool contains(const QString &key) const { return find(key) != nullptr; }

    /// The value of `key`, inserted default-constructed if it was not there.
    V &operator[](const QString &key)
    {
        const std::uint64_t h = hash(key);
        if (const std::size_t slot = findSlot(key, h); slot != kNone)
            return m_items[m_slots[slot].item - 1].value;
        return insertNew(key, h, V{});
    }

    /// Sets `key` to `value`, whether or not it was there.
    V &insert(const QString &key, V value)
    {
        const std::uint64_t h = hash(key);
        if (const std::size_t slot = findSlot(key, h); slot != kNone)
            return m_items[m_slots[slot].item - 1].value = std::move(value);
        return insertNew(key, h, std::move(value));
    }

    /// Removes `key`; false if it was not there.
    bool remove(const QString &key)
    {
        const std::size_t slot = findSlot(key, hash(key));
        if (slot == kNone)
            return false;
        removeAt(slot);
        return true;
    }

    /// Removes every item for which `pred(key, value)` is true.
    template<typename Pred> void removeIf(Pred pred)
    {
        // Backwards: removing item i moves the last item, already looked at, into its place.
        for (std::size_t i = m_items.size(); i-- > 0;) {
            const Item &item = m_items[i];
            if (pred(item.key, item.value))
                removeAt(findSlot(item.key, hash(item.key)));
        }
    }

    auto begin() const { return m_items.cbegin(); }
    auto end() const { return m_items.cend(); }

private:
    static constexpr std::size_t kNone = std::size_t(-1);
    struct Slot
    {
        std::uint32_t item = 0; // index in m_items + 1; 0: empty
        std::uint32_t hash = 0; // the key's hash, low bits: its home, and a quick inequality
    };

    static bool sameKey(const QString &a, const QString &b) noexcept
    {
        return a.size() == b.size() &&
               (a.constData() == b.constData() ||
                std::memcmp(a.constData(), b.constData(), std::size_t(a.size()) * 2) == 0);
    }

    std::size_t mask() const { return m_slots.size() - 1; }
    // Where probing for a hash starts; a slot's own fragment gives the same answer.
    std::size_t home(std::uint64_t h) const { return std::size_t(std::uint32_t(h)) & mask(); }

    std::size_t findSlot(const QString &key, std::uint64_t h) const
    {
        if (m_slots.empty())
            return kNone;
        for (std::size_t s = home(h);; s = (s + 1) & mask()) {
            const Slot &slot = m_slots[s];
            if (slot.item == 0)
                return kNone;
            if (slot.hash == std::uint32_t(h) && sameKey(m_items[slot.item - 1].key, key))
                return s;
        }
    }

    void place(std::uint32_t item, std::uint64_t h)
    {
        std::size_t s = home(h);
        while (m_slots[s].item != 0)
            s = (s + 1) & mask();
        m_slots[s] = Slot{item, std::uint32_t(h)};
    }

    V &insertNew(const QString &key, std::uint64_t h, V value)
    {
        // At most three quarters full: probes stay short, and the index small enough that
        // the slots of the keys in use stay in the processor's cache.
        if ((m_items.size() + 1) * 4 > m_slots.size() * 3) {
            std::vector<Slot> old(std::max<std::size_t>(16, m_slots.size() * 2));
            old.swap(m_slots);
            for (const Slot &slot : old) {
                if (slot.item != 0)
                    place(slot.item, slot.hash);
            }
        }
        m_items.push_back(Item{key, std::move(value)});
        place(std::uint32_t(m_items.size()), h);
        return m_items.back().value;
    }

    void removeAt(std::size_t s)
    {
        const std::size_t gone = m_slots[s].item - 1;
        // Close the gap in the probe sequence (backward-shift deletion): move back every
        // following entry that may live at or before the freed slot.
        for (std::size_t next = (s + 1) & mask(); m_slots[next].item != 0;
             next = (next + 1) & mask()) {
            const std::size_t want = home(m_slots[next].hash);
            // `next` may move to `s` unless its home lies cyclically in (s, next].
            const bool stays = s <= next ? (s < want && want <= next) : (s < want || want <= next);
            if (!stays) {
                m_slots[s] = m_slots[next];
                s = next;
            }
        }
        m_slots[s] = Slot{};
        // Keep the items dense: the last one takes the freed place.
        const std::size_t last = m_items.size() - 1;
        if (gone != last) {
            std::size_t t = home(hash(m_items[last].key));
            while (m_slots[t].item != last + 1)
                t = (t + 1) & mask();
            m_slots[t].item = std::uint32_t(gone + 1);
            m_items[gone] = std::move(m_items[last]);
        }
        m_items.pop_back();
    }

    std::vector<Slot> m_slots; // a power of two in size, or empty
    std::vector<Item> m_items;
};

} // namespace cachelab
