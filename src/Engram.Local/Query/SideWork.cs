using System;
using System.Threading;
using System.Threading.Tasks;

namespace Engram.Local.Query
{
    /// <summary>
    /// Work handed to the thread pool that its starter may still do itself: whichever side claims it first runs it.
    /// When the pool has not started it by the time the starter needs the result (a machine whose cores are all busy),
    /// the starter runs it inline instead of waiting for a thread; a starter that failed meanwhile claims it so it never runs.
    /// </summary>
    internal sealed class SideWork<T>
        where T : class
    {
        private readonly Func<T> _work;
        private readonly Task<T?> _pool;
        private int _claimed;

        private SideWork(Func<T> work, CancellationToken cancellationToken)
        {
            _work = work;
            _pool = Task.Run(() => Claim() ? _work() : null, cancellationToken);
        }

        public static SideWork<T> Start(Func<T> work, CancellationToken cancellationToken) => new SideWork<T>(work, cancellationToken);

        /// <summary>The work's result: run here when the pool has not started it, else the pool's.</summary>
        public async Task<T> ResultAsync()
        {
            if (Claim())
            {
                return _work();
            }

            return (await _pool.ConfigureAwait(false))!;
        }

        /// <summary>Keeps the work from starting, or waits until it is over when it already runs; its own failure is not reported.</summary>
        public async Task AbandonAsync()
        {
            if (Claim())
            {
                return;
            }

            try
            {
                await _pool.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The starter's own failure is the one reported.
            }
        }

        private bool Claim() => Interlocked.Exchange(ref _claimed, 1) == 0;
    }
}
