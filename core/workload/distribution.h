#pragma once

#include "../time/random.h"

#include <vector>

namespace cachelab {

/// Draws key ranks 0..n-1 with Zipf's law: rank r has weight 1/(r+1)^s. The CDF is computed
/// once, so each draw is one uniform number and a binary search — deterministic for a seed.
class ZipfDistribution
{
public:
    ZipfDistribution(int n, double s);
    int operator()(Random &random) const;
    /// The theoretical probability of rank r.
    double probability(int rank) const;
    int size() const { return int(m_cdf.size()); }

private:
    std::vector<double> m_cdf;
};

} // namespace cachelab
