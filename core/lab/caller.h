#pragma once

#include "../errors.h"
#include "../trace/traceevent.h"

namespace cachelab {

/// The life of one application instance across crashes: each crash starts a new epoch, and
/// work begun in an older epoch must not go on (its process is gone).
class Lifetime
{
public:
    quint64 epoch() const { return m_epoch; }
    void endEpoch() { ++m_epoch; }

private:
    quint64 m_epoch = 1;
};

/// Who makes a call: the lifeline it is drawn from, the operation it belongs to, and the
/// instance life it happens in. Every backend call takes one.
struct Caller
{
    const Lifetime *lifetime = nullptr;
    quint64 epoch = 0;
    quint64 opId = 0;
    Participant from;

    /// Throws InstanceCrashed if the instance crashed since this caller was made.
    void checkAlive() const
    {
        if (lifetime && lifetime->epoch() != epoch)
            throw InstanceCrashed();
    }
    /// The same caller, drawn from another lifeline of its instance.
    Caller as(Role role) const
    {
        Caller c = *this;
        c.from = Participant{role, from.client};
        return c;
    }
};

} // namespace cachelab
