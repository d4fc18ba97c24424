using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Engram.Client;
using Engram.Local.Validation;
using Engram.Server.Endpoints;
using Engram.Server.Transport;
using Engram.Server.Wire;

namespace Engram.Server.Sse
{
    /// <summary>
    /// Answers a streamed query as Server-Sent Events (wire spec §8.1): keep-alive comment, one chunk per engine
    /// delta, a finishing chunk, one final frame, <c>[DONE]</c>. Failures before the first byte remain ordinary
    /// JSON errors; failures after it become one <c>{"error"}</c> frame and the stream closes without [DONE].
    /// </summary>
    internal static class StreamingQueryResponder
    {
        public static async Task RespondAsync(EndpointContext context, ParsedQuery query)
        {
            var settings = context.Settings;
            var faults = StreamFaults.Take(settings.Faults);
            using (var streamCancellation = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken))
            {
                var token = streamCancellation.Token;
                var enumerator = context.Service.QueryStreamAsync(query.Request, token).GetAsyncEnumerator(token);
                try
                {
                    // The first event is awaited before committing to 200, so engine refusals (unknown bucket in
                    // strict mode, invalid options) still reach the client as JSON errors it can act on.
                    var hasEvent = await enumerator.MoveNextAsync().ConfigureAwait(false);
                    var sse = await SseWriter.OpenAsync(context.Http.Response, settings.Options.Trace, token).ConfigureAwait(false);
                    var events = new QueryEventWriter(sse, query.WantsJsonAnswer);
                    try
                    {
                        var faulted = FaultInjectingEventWriter.Wrap(events, settings.Faults, faults, settings.Options.PausedStreamKeepAliveInterval);
                        await PumpAsync(enumerator, hasEvent, faulted, settings, token).ConfigureAwait(false);
                    }
                    catch (InjectedStreamEnd)
                    {
                        // The fault has said what it had to; the stream just closes.
                    }
                    catch (Exception ex) when (context.Http.IsClientGone(ex))
                    {
                        // Nobody is listening: stop the engine's work at once; the pipeline notes the hang-up
                        // once the request has released everything it held.
                        streamCancellation.Cancel();
                        throw;
                    }
                    catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
                    {
                        settings.Trace("sse: server stopping, stream aborted");
                        await TryWriteErrorAsync(context.Http, events, EngineErrors.ShuttingDown().Message).ConfigureAwait(false);
                    }
                    catch (EngramException ex)
                    {
                        await TryWriteErrorAsync(context.Http, events, ex.Message).ConfigureAwait(false);
                    }
                    catch (Exception ex)
                    {
                        settings.Trace("sse: engine failed mid-stream: " + ex.GetType().Name);
                        await TryWriteErrorAsync(context.Http, events, EngineErrors.Internal().Message).ConfigureAwait(false);
                    }

                    TryClose(context.Http, sse);
                }
                finally
                {
                    await enumerator.DisposeAsync().ConfigureAwait(false);
                }
            }
        }

        /// <summary>The engine's events to the wire: non-empty deltas, the first final result, then [DONE].</summary>
        private static async Task PumpAsync(IAsyncEnumerator<QueryStreamEvent> events, bool hasEvent, IQueryEventWriter writer,
            ServerSettings settings, CancellationToken token)
        {
            var sawFinal = false;
            while (hasEvent)
            {
                var current = events.Current;
                if (current.Type == QueryStreamEventType.Delta)
                {
                    if (!string.IsNullOrEmpty(current.Content))
                    {
                        await writer.DeltaAsync(current.Content!, token).ConfigureAwait(false);
                    }
                }
                else if (current.Final != null && !sawFinal)
                {
                    await writer.FinalAsync(current.Final, token).ConfigureAwait(false);
                    sawFinal = true;
                }

                hasEvent = await events.MoveNextAsync().ConfigureAwait(false);
            }

            if (!sawFinal)
            {
                settings.Trace("sse: engine stream ended without a final result");
                await writer.ErrorAsync("Query stream ended without a result", token).ConfigureAwait(false);
                return;
            }

            await writer.DoneAsync(token).ConfigureAwait(false);
        }

        private static async Task TryWriteErrorAsync(IHttpExchange http, IQueryEventWriter writer, string message)
        {
            try
            {
                await writer.ErrorAsync(message, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (http.IsClientGone(ex) || ex is InvalidOperationException)
            {
                // The client is gone too; nothing left to report to.
            }
        }

        private static void TryClose(IHttpExchange http, SseWriter sse)
        {
            try
            {
                sse.Close();
            }
            catch (Exception ex) when (http.IsClientGone(ex) || ex is InvalidOperationException)
            {
                // Closing a connection the client already dropped.
            }
        }
    }
}
