using System;
using System.Collections.Concurrent;
using System.Threading;

namespace Engram.Server.Throttling
{
    /// <summary>
    /// Per-tenant cap on in-flight requests (wire spec §11). A refused request has done no work,
    /// so clients may safely re-send it, including non-idempotent stores.
    /// </summary>
    internal sealed class TenantConcurrencyLimiter
    {
        private readonly int _maxPerTenant;
        private readonly ConcurrentDictionary<string, Counter> _inFlight = new ConcurrentDictionary<string, Counter>(StringComparer.Ordinal);

        /// <param name="maxPerTenant">0 or less means unlimited.</param>
        public TenantConcurrencyLimiter(int maxPerTenant)
        {
            _maxPerTenant = maxPerTenant;
        }

        /// <summary>A lease to dispose when the request ends, or null when the tenant is at its cap.</summary>
        public IDisposable? TryEnter(string tenant)
        {
            var counter = _inFlight.GetOrAdd(tenant, _ => new Counter());
            var now = Interlocked.Increment(ref counter.Value);
            if (_maxPerTenant > 0 && now > _maxPerTenant)
            {
                Interlocked.Decrement(ref counter.Value);
                return null;
            }

            return new Lease(counter);
        }

        private sealed class Counter
        {
            public int Value;
        }

        private sealed class Lease : IDisposable
        {
            private Counter? _counter;

            public Lease(Counter counter)
            {
                _counter = counter;
            }

            public void Dispose()
            {
                var counter = Interlocked.Exchange(ref _counter, null);
                if (counter != null)
                {
                    Interlocked.Decrement(ref counter.Value);
                }
            }
        }
    }
}
