using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace Engram.Providers
{
    /// <summary>
    /// The SDK chat client with Engram's rules around it: the provider timeout (whole call when buffered;
    /// until the first update and between updates when streaming, so a slow but live stream is not cut),
    /// caller cancellation passed to the SDK, and every failure turned into a provider-naming
    /// <see cref="Engram.Client.EngramException"/> (<see cref="ProviderFailures"/>).
    /// </summary>
    public sealed class GuardedChatClient : DelegatingChatClient
    {
        private readonly ProviderSettings _settings;

        public GuardedChatClient(IChatClient inner, ProviderSettings settings)
            : base(inner)
        {
            _settings = settings;
        }

        /// <summary>Describes the provider for traces and errors; never the key.</summary>
        public override string ToString() => _settings.ToString();

        public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(_settings.Timeout);
            try
            {
                return await base.GetResponseAsync(messages, options, deadline.Token).ConfigureAwait(false);
            }
            catch (Exception failure)
            {
                throw Translate(failure, cancellationToken);
            }
        }

        public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
            IEnumerable<ChatMessage> messages,
            ChatOptions? options = null,
            [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            idle.CancelAfter(_settings.Timeout);
            IAsyncEnumerator<ChatResponseUpdate> updates;
            try
            {
                updates = base.GetStreamingResponseAsync(messages, options, idle.Token).GetAsyncEnumerator(idle.Token);
            }
            catch (Exception failure)
            {
                throw Translate(failure, cancellationToken);
            }

            try
            {
                while (true)
                {
                    bool more;
                    try
                    {
                        more = await updates.MoveNextAsync().ConfigureAwait(false);
                    }
                    catch (Exception failure)
                    {
                        throw Translate(failure, cancellationToken);
                    }

                    if (!more)
                    {
                        yield break;
                    }

                    // Each update restarts the idle clock: a long answer streamed steadily never times out.
                    idle.CancelAfter(_settings.Timeout);
                    yield return updates.Current;
                }
            }
            finally
            {
                await updates.DisposeAsync().ConfigureAwait(false);
            }
        }

        private Exception Translate(Exception failure, CancellationToken callerToken)
        {
            if (failure is OperationCanceledException || failure is TaskCanceledException)
            {
                // The caller's own cancellation stays a cancellation; only our deadline is a timeout.
                return callerToken.IsCancellationRequested
                    ? failure
                    : ProviderFailures.Timeout(_settings, _settings.Timeout, failure);
            }

            // SDKs sometimes wrap the cancellation of a timed-out read in their own IO exception.
            if (!callerToken.IsCancellationRequested && failure.InnerException is OperationCanceledException)
            {
                return ProviderFailures.Timeout(_settings, _settings.Timeout, failure);
            }

            if (callerToken.IsCancellationRequested)
            {
                return new OperationCanceledException(callerToken);
            }

            return ProviderFailures.Translate(_settings, failure) ?? failure;
        }
    }
}
