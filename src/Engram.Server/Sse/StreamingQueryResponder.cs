using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Engram.Client;
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
            var faults = settings.Faults;
            // Snapshot the fault knobs so one stream behaves consistently even if a test flips them meanwhile.
            var midStreamError = faults.MidStreamError;
            var midStreamMessage = faults.MidStreamErrorMessage;
            var truncate = faults.TruncateStream;
            var pause = faults.PauseStreamsAfterFirstDelta;

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
                    try
                    {
                        await PumpAsync(sse, enumerator, hasEvent, query, settings, midStreamError, midStreamMessage, truncate, pause, token).ConfigureAwait(false);
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
                        await TryWriteErrorAsync(context.Http, sse, "Server is shutting down").ConfigureAwait(false);
                    }
                    catch (EngramException ex)
                    {
                        await TryWriteErrorAsync(context.Http, sse, ex.Message).ConfigureAwait(false);
                    }
                    catch (Exception ex)
                    {
                        settings.Trace("sse: engine failed mid-stream: " + ex.GetType().Name);
                        await TryWriteErrorAsync(context.Http, sse, "Internal server error").ConfigureAwait(false);
                    }

                    TryClose(context.Http, sse);
                }
                finally
                {
                    await enumerator.DisposeAsync().ConfigureAwait(false);
                }
            }
        }

        private static async Task PumpAsync(SseWriter sse, IAsyncEnumerator<QueryStreamEvent> events, bool hasEvent, ParsedQuery query,
            ServerSettings settings, bool midStreamError, string midStreamMessage, bool truncate, bool pause, CancellationToken token)
        {
            var chunks = new CompletionChunks();
            var deltas = 0;
            var sawFinal = false;
            while (hasEvent)
            {
                var current = events.Current;
                if (current.Type == QueryStreamEventType.Delta)
                {
                    if (!string.IsNullOrEmpty(current.Content))
                    {
                        // Taken before the frame is written: a test that reads the frame and then releases
                        // must release this pause, not a later one.
                        var release = settings.Faults.PauseReleased;
                        await sse.DataAsync(chunks.Delta(current.Content!), token).ConfigureAwait(false);
                        deltas++;
                        if (deltas == 1)
                        {
                            if (midStreamError)
                            {
                                await sse.DataAsync(CompletionChunks.Error(midStreamMessage), token).ConfigureAwait(false);
                                return;
                            }

                            if (truncate)
                            {
                                return;
                            }

                            if (pause)
                            {
                                await PauseAsync(sse, release, settings.Options.PausedStreamKeepAliveInterval, token).ConfigureAwait(false);
                            }
                        }
                    }
                }
                else if (current.Final != null && !sawFinal)
                {
                    if (midStreamError)
                    {
                        await sse.DataAsync(CompletionChunks.Error(midStreamMessage), token).ConfigureAwait(false);
                        return;
                    }

                    if (truncate)
                    {
                        return;
                    }

                    sawFinal = true;
                    if (deltas > 0)
                    {
                        await sse.DataAsync(chunks.Stop(), token).ConfigureAwait(false);
                    }

                    await sse.DataAsync(ResponseShapes.FinalFrame(current.Final, query.WantsJsonAnswer), token).ConfigureAwait(false);
                }

                hasEvent = await events.MoveNextAsync().ConfigureAwait(false);
            }

            if (!sawFinal)
            {
                settings.Trace("sse: engine stream ended without a final result");
                await sse.DataAsync(CompletionChunks.Error("Query stream ended without a result"), token).ConfigureAwait(false);
                return;
            }

            await sse.DoneAsync(token).ConfigureAwait(false);
        }

        /// <summary>
        /// Holds the stream until released. Keep-alive comments go out meanwhile, as a hosted server sends them
        /// during slow retrieval; a failed one means the client left, which ends the stream.
        /// </summary>
        private static async Task PauseAsync(SseWriter sse, Task release, TimeSpan keepAliveInterval, CancellationToken token)
        {
            while (!release.IsCompleted)
            {
                using (var tick = CancellationTokenSource.CreateLinkedTokenSource(token))
                {
                    var delay = Task.Delay(keepAliveInterval, tick.Token);
                    await Task.WhenAny(release, delay).ConfigureAwait(false);
                    tick.Cancel();
                }

                token.ThrowIfCancellationRequested();
                if (!release.IsCompleted)
                {
                    await sse.KeepAliveAsync(token).ConfigureAwait(false);
                }
            }
        }

        private static async Task TryWriteErrorAsync(IHttpExchange http, SseWriter sse, string message)
        {
            try
            {
                await sse.DataAsync(CompletionChunks.Error(message), CancellationToken.None).ConfigureAwait(false);
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
