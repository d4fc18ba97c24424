using System;
using System.Threading;
using System.Threading.Tasks;
using Engram.Client;

namespace Engram.Server.Sse
{
    /// <summary>
    /// The stream faults of <see cref="ServerFaults"/> (wire spec §16.2.8) around a healthy writer. They act
    /// after the first delta, or at the final frame when no delta came: an error frame, a cut, or a pause.
    /// </summary>
    internal sealed class FaultInjectingEventWriter : IQueryEventWriter
    {
        private readonly IQueryEventWriter _inner;
        private readonly ServerFaults _faults;
        private readonly StreamFaults _plan;
        private readonly TimeSpan _keepAliveInterval;
        private int _deltas;

        private FaultInjectingEventWriter(IQueryEventWriter inner, ServerFaults faults, StreamFaults plan, TimeSpan keepAliveInterval)
        {
            _inner = inner;
            _faults = faults;
            _plan = plan;
            _keepAliveInterval = keepAliveInterval;
        }

        /// <summary>
        /// <paramref name="inner"/> with the faults of <paramref name="plan"/> (taken when the request began, so one
        /// stream behaves consistently even if a test flips the knobs meanwhile); <paramref name="inner"/> itself when none is set.
        /// </summary>
        public static IQueryEventWriter Wrap(IQueryEventWriter inner, ServerFaults faults, StreamFaults plan, TimeSpan keepAliveInterval) =>
            plan.Any ? new FaultInjectingEventWriter(inner, faults, plan, keepAliveInterval) : inner;

        public Task KeepAliveAsync(CancellationToken cancellationToken) => _inner.KeepAliveAsync(cancellationToken);

        public async Task DeltaAsync(string content, CancellationToken cancellationToken)
        {
            // Taken before the frame is written: a test that reads the frame and then releases
            // must release this pause, not a later one.
            var release = _faults.PauseReleased;
            await _inner.DeltaAsync(content, cancellationToken).ConfigureAwait(false);
            if (++_deltas != 1)
            {
                return;
            }

            await EndIfInjectedAsync(cancellationToken).ConfigureAwait(false);
            if (_plan.Pause)
            {
                await PauseAsync(release, cancellationToken).ConfigureAwait(false);
            }
        }

        public async Task FinalAsync(QueryResult result, CancellationToken cancellationToken)
        {
            await EndIfInjectedAsync(cancellationToken).ConfigureAwait(false);
            await _inner.FinalAsync(result, cancellationToken).ConfigureAwait(false);
        }

        public Task DoneAsync(CancellationToken cancellationToken) => _inner.DoneAsync(cancellationToken);

        public Task ErrorAsync(string message, CancellationToken cancellationToken) => _inner.ErrorAsync(message, cancellationToken);

        private async Task EndIfInjectedAsync(CancellationToken cancellationToken)
        {
            if (_plan.MidStreamErrorMessage != null)
            {
                await _inner.ErrorAsync(_plan.MidStreamErrorMessage, cancellationToken).ConfigureAwait(false);
                throw new InjectedStreamEnd();
            }

            if (_plan.Truncate)
            {
                throw new InjectedStreamEnd();
            }
        }

        /// <summary>
        /// Holds the stream until released. Keep-alive comments go out meanwhile, as a hosted server sends them
        /// during slow retrieval; a failed one means the client left, which ends the stream.
        /// </summary>
        private async Task PauseAsync(Task release, CancellationToken token)
        {
            while (!release.IsCompleted)
            {
                using (var tick = CancellationTokenSource.CreateLinkedTokenSource(token))
                {
                    var delay = Task.Delay(_keepAliveInterval, tick.Token);
                    await Task.WhenAny(release, delay).ConfigureAwait(false);
                    tick.Cancel();
                }

                token.ThrowIfCancellationRequested();
                if (!release.IsCompleted)
                {
                    await _inner.KeepAliveAsync(token).ConfigureAwait(false);
                }
            }
        }
    }
}
