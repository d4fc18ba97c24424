using System;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;

namespace Engram.Client.Http
{
    /// <summary>
    /// The retry policy for 429 (per-tenant concurrency cap), wire spec §11: at most
    /// <see cref="MaxRetries"/> retries; each waits for Retry-After (delta-seconds, integer or decimal, or
    /// an HTTP-date) or else the 1 s / 2 s / 4 s … backoff, never more than 30 s. The backoff doubles on every
    /// retry, also when Retry-After was used. No jitter: the hosted server tells us when to come back.
    /// Other statuses are never retried.
    /// </summary>
    internal sealed class RetryPolicy
    {
        public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);
        public static readonly TimeSpan InitialBackoff = TimeSpan.FromSeconds(1);

        private readonly Func<TimeSpan, CancellationToken, Task> _delay;
        private readonly Func<DateTimeOffset> _clock;

        /// <param name="maxRetriesOn429">Retries after a 429; 0 or negative disables retrying.</param>
        /// <param name="delay">How to wait (cancellable); null means <see cref="Task.Delay(TimeSpan, CancellationToken)"/>.</param>
        /// <param name="clock">Current time for HTTP-date Retry-After values; null means the system clock.</param>
        public RetryPolicy(int maxRetriesOn429, Func<TimeSpan, CancellationToken, Task>? delay = null, Func<DateTimeOffset>? clock = null)
        {
            MaxRetries = Math.Max(0, maxRetriesOn429);
            _delay = delay ?? Task.Delay;
            _clock = clock ?? (() => DateTimeOffset.UtcNow);
        }

        public int MaxRetries { get; }

        /// <summary>Starts the retry bookkeeping of one logical request.</summary>
        public Schedule Begin() => new Schedule(this);

        /// <summary>Waits before a retry; cancelling the token ends the wait with <see cref="OperationCanceledException"/>.</summary>
        public async Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (delay > TimeSpan.Zero)
            {
                await _delay(delay, cancellationToken).ConfigureAwait(false);
            }

            cancellationToken.ThrowIfCancellationRequested();
        }

        /// <summary>
        /// The delay a Retry-After value asks for, uncapped: delta-seconds (integer or decimal; negative
        /// means now) or an HTTP-date (date minus now, never negative). Null when absent or unreadable.
        /// </summary>
        public TimeSpan? ParseRetryAfter(string? value) => ParseRetryAfter(value, _clock());

        public static TimeSpan? ParseRetryAfter(string? value, DateTimeOffset now)
        {
            if (value == null)
            {
                return null;
            }

            value = value.Trim();
            if (value.Length == 0)
            {
                return null;
            }

            // Newer runtimes parse "NaN"/"Infinity" whatever the styles say; those are not delays.
            if (double.TryParse(value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) &&
                !double.IsNaN(seconds) && !double.IsInfinity(seconds))
            {
                if (seconds <= 0)
                {
                    return TimeSpan.Zero;
                }

                // Beyond any cap anyway; avoid TimeSpan overflow on absurd values.
                return seconds >= TimeSpan.MaxValue.TotalSeconds / 2 ? TimeSpan.MaxValue : TimeSpan.FromSeconds(seconds);
            }

            if (DateTimeOffset.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) ||
                DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out date))
            {
                var wait = date - now;
                return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
            }

            return null;
        }

        /// <summary>Retry state of one logical request (all its attempts).</summary>
        internal sealed class Schedule
        {
            private readonly RetryPolicy _policy;
            private int _retriesLeft;
            private TimeSpan _backoff = InitialBackoff;

            public Schedule(RetryPolicy policy)
            {
                _policy = policy;
                _retriesLeft = policy.MaxRetries;
            }

            /// <summary>
            /// After a 429: whether to retry, and how long to wait first. False once the retries are used up,
            /// and the 429 becomes the caller's error.
            /// </summary>
            public bool TryNextRetry(string? retryAfter, out TimeSpan delay)
            {
                if (_retriesLeft <= 0)
                {
                    delay = TimeSpan.Zero;
                    return false;
                }

                var asked = _policy.ParseRetryAfter(retryAfter);
                var wait = asked ?? _backoff;
                delay = wait > MaxDelay ? MaxDelay : wait;
                _retriesLeft--;
                var doubled = TimeSpan.FromTicks(_backoff.Ticks * 2);
                _backoff = doubled > MaxDelay ? MaxDelay : doubled;
                return true;
            }
        }
    }
}
